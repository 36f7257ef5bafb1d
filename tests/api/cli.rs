//! The binary itself: it starts on an empty data folder, says where it listens, and stops
//! cleanly on Ctrl-C (SIGINT) and SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn start_and_stop(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .current_dir(dir.path())
        .env("UNDERSIGNED_BIND", "127.0.0.1:0")
        .env_remove("DATABASE_URL")
        .env("UNDERSIGNED_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("a log line").unwrap();
        if let Some(i) = line.find("listening on http://") {
            break line[i + "listening on ".len()..]
                .split_whitespace()
                .next()
                .unwrap()
                .to_string();
        }
    };
    assert!(!url.ends_with(":0"), "the log names the port picked: {url}");
    assert!(dir.path().join("data/undersigned.db").exists());
    assert!(dir.path().join("data/admin-token").exists());

    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after {signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{signal}: {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}

#[test]
fn the_server_starts_on_an_empty_folder_and_stops_gracefully_on_ctrl_c_and_sigterm() {
    start_and_stop("-INT");
    start_and_stop("-TERM");
}
