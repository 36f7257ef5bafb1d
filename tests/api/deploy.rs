//! Issue 20: the systemd unit docs/DEPLOYMENT.md ships (`deploy/undersigned.service`) is one
//! systemd accepts, with the hardening systemd offers, and its command line starts the server.
//! Without `systemd-analyze` the systemd checks say so and pass.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const UNIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/undersigned.service");
const INSTALLED: &str = "/usr/local/bin/undersigned";

/// The unit with its binary replaced by the one under test, written into `dir`.
fn unit_in(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("undersigned.service");
    let text = text.replace(INSTALLED, env!("CARGO_BIN_EXE_undersigned"));
    std::fs::write(&path, text).unwrap();
    path
}

fn analyze(args: &[&str], unit: &Path) -> (bool, String) {
    let out = Command::new("systemd-analyze")
        .args(args)
        .arg(unit)
        .output()
        .expect("systemd-analyze runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_systemd_unit_is_valid_and_its_exposure_is_low() {
    let text = std::fs::read_to_string(UNIT).expect("deploy/undersigned.service");
    assert!(text.contains(&format!("ExecStart={INSTALLED} ")), "{text}");
    if Command::new("systemd-analyze")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("skipping: systemd-analyze not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let unit = unit_in(dir.path(), &text);
    let (ok, said) = analyze(&["verify"], &unit);
    assert!(
        ok && said.trim().is_empty(),
        "systemd-analyze verify: {said}"
    );
    // Exposure on systemd's scale of 0 (locked down) to 10, in tenths: at most 1.2 ("OK").
    let security = ["security", "--offline=yes", "--threshold=12"];
    let (ok, said) = analyze(&security, &unit);
    assert!(ok, "{said}");
    // The check can fail: without two of its protections the same unit is over the threshold.
    let weakened = text
        .replace("NoNewPrivileges=yes", "NoNewPrivileges=no")
        .replace("ProtectSystem=strict", "ProtectSystem=no");
    let (ok, said) = analyze(&security, &unit_in(dir.path(), &weakened));
    assert!(!ok, "a weakened unit passed: {said}");
}

/// The unit's command line (`--config FILE serve`) starts the server on that file's settings.
#[test]
fn the_units_command_line_serves_with_its_config_file() {
    let text = std::fs::read_to_string(UNIT).unwrap();
    let exec = text
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("an ExecStart line");
    let args: Vec<&str> = exec.split_whitespace().skip(1).collect();
    assert_eq!(
        args,
        ["--config", "/etc/undersigned/undersigned.toml", "serve"]
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("undersigned.toml");
    let data = dir.path().join("state");
    std::fs::write(
        &config,
        format!(
            "bind = \"127.0.0.1:0\"\ndata_dir = \"{}\"\n",
            data.display()
        ),
    )
    .unwrap();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace(
                "/etc/undersigned/undersigned.toml",
                &config.to_string_lossy(),
            )
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .args(&args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("UNDERSIGNED_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let listening = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("listening on http://127.0.0.1:"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening.is_some(), "the server never said it listens");
    // The data folder is the config file's, as the unit's StateDirectory would be.
    assert!(data.join("undersigned.db").exists());
}
