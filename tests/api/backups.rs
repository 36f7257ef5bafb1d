//! `undersigned backup`: a copy taken from a running app while organisations sign, restored into
//! a new database (SQLite: the copy itself; PostgreSQL: `pg_restore` of the `pg_dump -Fc`
//! archive), and served by a second app that lists every signature published before the backup
//! began, with counts and a ledger that agree.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{backends, signer, status_json, Backend, TestApp, TestDatabase};

/// Run `undersigned backup` against the app's database, off the async executor.
async fn backup(app: &TestApp, path: &Path, extra: &[&str]) -> Output {
    let url = app.db.url.clone();
    let path = path.to_path_buf();
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    actix_web::rt::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .current_dir(dir.path())
            .env("DATABASE_URL", url)
            .env("UNDERSIGNED_DATA_DIR", dir.path().join("data"))
            .arg("backup")
            .arg(&path)
            .args(&extra)
            .output()
            .expect("the binary runs")
    })
    .await
    .unwrap()
}

/// The names on a letter's whole public list.
async fn names(app: &TestApp, letter: &str) -> BTreeSet<String> {
    let (status, all) = status_json(
        app.get(&format!("/api/v1/letters/{letter}/signatories?all=true"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

/// The names on a letter's list, once nothing changes it: they agree with the letter's total and
/// its counts by country.
async fn listed(app: &TestApp, letter: &str) -> (BTreeSet<String>, i64) {
    let names = names(app, letter).await;
    let (_, letter_json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
    let summary: &Value = &letter_json["signatories"];
    let by_country: i64 = summary["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    let total = summary["total"].as_i64().unwrap();
    assert_eq!(
        total, by_country,
        "the counts by country add up to the total"
    );
    assert_eq!(total, names.len() as i64, "the list has the total's length");
    (names, total)
}

/// A new database holding what the backup at `path` holds.
fn restore(backend: Backend, path: &Path) -> TestDatabase {
    match backend {
        Backend::Sqlite => TestDatabase::sqlite_at(path),
        Backend::Postgres => {
            let db = TestDatabase::new(Backend::Postgres);
            let out = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&db.url)
                .arg(path)
                .output()
                .expect("pg_restore runs");
            assert!(
                out.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            db
        }
    }
}

#[actix_web::test]
async fn a_backup_taken_while_organisations_sign_restores_every_published_signature() {
    for backend in backends() {
        eprintln!("--- running on {backend}");
        let app = TestApp::spawn(backend).await;
        let letter = app.open_letter("backed-up", "auto").await;
        let first: Vec<(String, &str)> = (0..12)
            .map(|i| (format!("Early organisation {i}"), "DE"))
            .collect();
        let first: Vec<(&str, &str)> = first.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        app.publish(&letter, &first).await;

        let folder = tempfile::tempdir().unwrap();
        let path: PathBuf = folder.path().join("undersigned.backup");
        let stop = Cell::new(false);
        let writers = (0..3).map(|w| {
            let (app, letter, stop) = (&app, &letter, &stop);
            async move {
                let mut n = 0;
                while !stop.get() {
                    let name = format!("Busy organisation {w}-{n}");
                    app.sign_and_confirm(
                        letter,
                        &signer(&name, "FR", &format!("busy{w}-{n}@example.org")),
                    )
                    .await;
                    n += 1;
                }
                n
            }
        });
        let backed_up = async {
            // Let the writers get going, then note what is published, then back up.
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
            let before = names(&app, &letter).await;
            let out = backup(&app, &path, &[]).await;
            // A few more signatures after the copy.
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
            stop.set(true);
            (before, out)
        };
        let (signed, (before, out)) =
            futures_util::future::join(futures_util::future::join_all(writers), backed_up).await;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            signed.iter().sum::<usize>() > 0,
            "signing went on meanwhile"
        );
        assert!(before.len() >= first.len());
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(
            stdout.contains(&format!("wrote {}: {size} bytes", path.display())),
            "{stdout}"
        );
        match backend {
            Backend::Sqlite => assert!(
                stdout.contains("pages") && stdout.contains("integrity_check: ok"),
                "{stdout}"
            ),
            Backend::Postgres => assert!(stdout.contains("pg_restore --list"), "{stdout}"),
        }
        let (after, after_total) = listed(&app, &letter).await;
        assert!(
            after.len() > before.len(),
            "signatures were published after the copy began"
        );

        // An existing file is kept unless --force.
        let again = backup(&app, &path, &[]).await;
        assert!(!again.status.success());
        assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), size);

        // A second app on the restored copy.
        let restored = TestApp::spawn_with(restore(backend, &path), |_| {}).await;
        let (names, total) = listed(&restored, &letter).await;
        let missing: Vec<_> = before.difference(&names).collect();
        assert!(missing.is_empty(), "lost in the backup: {missing:?}");
        let invented: Vec<_> = names.difference(&after).collect();
        assert!(invented.is_empty(), "not in the original: {invented:?}");
        assert!(total <= after_total);
        let report = restored.verify(&letter, None).await;
        assert!(report.ok(), "{report}");

        // The restored service goes on: a new signature lands on the restored list.
        restored
            .sign_and_confirm(
                &letter,
                &signer("After the restore", "FR", "after@example.org"),
            )
            .await;
        let (names, _) = listed(&restored, &letter).await;
        assert!(names.contains("After the restore"));
        assert!(restored.verify(&letter, None).await.ok());

        // --force replaces the file with a new copy.
        let forced = backup(&app, &path, &["--force"]).await;
        assert!(
            forced.status.success(),
            "{}",
            String::from_utf8_lossy(&forced.stderr)
        );
    }
}

#[actix_web::test]
async fn a_backup_of_a_missing_sqlite_database_fails_and_writes_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("copy.db");
    let out = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .current_dir(folder.path())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", folder.path().join("absent.db").display()),
        )
        .arg("backup")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no SQLite database"));
    assert!(!path.exists());
    assert!(!folder.path().join("absent.db").exists());
}
