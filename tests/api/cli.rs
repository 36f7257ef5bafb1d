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

#[test]
fn with_log_format_json_every_log_line_is_a_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env("UNDERSIGNED_LOG", "info")
            .env("UNDERSIGNED_LOG_FORMAT", format)
            .output()
            .expect("the binary runs")
    };
    let out = run("json");
    assert!(out.status.success(), "{out:?}");
    let logs = String::from_utf8(out.stderr).unwrap();
    let events: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        events.iter().any(
            |e| e["level"] == "INFO" && e["fields"]["message"] == "seeded ISO 3166-1 countries"
        ),
        "{logs}"
    );
    let bad = run("yaml");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("log_format must be text or json"),
        "{bad:?}"
    );
}
