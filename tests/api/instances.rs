//! Issue 20: several instances on one database, as a coalition adds them on a viral day. Two
//! server processes (the real binary) share one database and one SMTP sink, each with its own
//! workers, caches and rate limits:
//!
//! - the first-run setup link either one logged works on the other, once, and then on neither;
//! - a signature made through one is confirmed through the other and read through both within
//!   one second;
//! - each mail of a burst signed through both reaches the sink exactly once (Message-IDs);
//! - the deadline and retention jobs, run by both, act once (one audit entry each).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::directory::{audit, closed_by_the_service, letter_due_in};
use crate::helpers::{
    backends, signer, status_json, Browser, TestApp, TestDatabase, ADMIN_TOKEN, HOME, LEDGER_KEY,
    OWNER_EMAIL, PASSWORD, SECRET_KEY,
};
use crate::mail::SmtpSink;
use crate::updates::backdate_delivery;

/// One server process. Killed when dropped.
struct Instance {
    child: Child,
    address: String,
    /// The setup link it logged, if the database had no account when it started.
    setup: Option<String>,
}

impl Instance {
    fn start(db: &TestDatabase, mail: &SmtpSink, data: &Path) -> Instance {
        let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .env("DATABASE_URL", &db.url)
            .env("UNDERSIGNED_BIND", "127.0.0.1:0")
            .env("UNDERSIGNED_DATA_DIR", data)
            .env("UNDERSIGNED_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("UNDERSIGNED_SECRET_KEY", SECRET_KEY)
            .env("UNDERSIGNED_LEDGER_KEY", LEDGER_KEY)
            .env("UNDERSIGNED_SMTP_URL", mail.url())
            .env(
                "UNDERSIGNED_MAIL_FROM",
                "Open letters <letters@undersigned.test>",
            )
            .env("UNDERSIGNED_WORKERS", "1")
            .env("UNDERSIGNED_DB_POOL_SIZE", "4")
            .env("UNDERSIGNED_OUTBOX_POLL_MS", "50")
            .env("UNDERSIGNED_OUTBOX_RETRY_BASE_MS", "50")
            .env("UNDERSIGNED_OUTBOX_RETRY_MAX_MS", "400")
            .env("UNDERSIGNED_DEADLINE_POLL_MS", "50")
            .env("UNDERSIGNED_RETENTION_POLL_MS", "50")
            .env("UNDERSIGNED_SIGNER_EMAIL_RETENTION_DAYS", "30")
            .env("UNDERSIGNED_SIGN_RATE_PER_MINUTE", "6000")
            .env("UNDERSIGNED_SIGN_RATE_BURST", "1000")
            .env("UNDERSIGNED_SIGN_IN_RATE_PER_MINUTE", "6000")
            .env("UNDERSIGNED_SIGN_IN_RATE_BURST", "1000")
            .env("UNDERSIGNED_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // Read the log on a thread of its own for the process's whole life (a full pipe would
        // stall the server), and hand over what start-up says. Warnings and errors are echoed
        // into the test's output, so a failure shows what the instances said.
        let (said, heard) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let pid = child.id();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("WARN") || line.contains("ERROR") {
                    eprintln!("[instance {pid}] {line}");
                }
                let _ = said.send(line);
            }
        });
        let (mut address, mut setup) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(60);
        while address.is_none() {
            let line = heard
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server says where it listens");
            if let Some(i) = line.find("/setup/") {
                let token: String = line[i + "/setup/".len()..].chars().take(64).collect();
                setup = Some(token);
            }
            if let Some(i) = line.find("listening on http://") {
                let url = line[i + "listening on ".len()..].split_whitespace().next();
                address = url.map(str::to_string);
            }
        }
        Instance {
            child,
            address: address.unwrap(),
            setup,
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Poll `read` until it is true; how long that took (panics after 10 s).
async fn time_until<F, Fut>(what: &str, mut read: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !read().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: not after 10 s"
        );
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

fn lists(body: &Value, organisation: &str) -> bool {
    body["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|s| s["name"] == organisation))
}

#[actix_web::test]
async fn two_instances_on_one_database_act_as_one_service() {
    for backend in backends() {
        eprintln!("--- running on {backend}");
        let db = TestDatabase::new(backend);
        let sink = SmtpSink::start();
        let dir = tempfile::tempdir().unwrap();
        // One after the other: the first applies the migrations.
        let one = Instance::start(&db, &sink, &dir.path().join("one"));
        let two = Instance::start(&db, &sink, &dir.path().join("two"));
        let mut a = TestApp::at(one.address.clone(), db.share(), sink.clone());
        let mut b = TestApp::at(two.address.clone(), db.share(), sink.clone());

        // The setup link the first logged works on the second, once; then neither's works.
        let (first, second) = (one.setup.clone().unwrap(), two.setup.clone().unwrap());
        assert_ne!(first, second);
        let browser = Browser::new(&b);
        let path = format!("/setup/{first}");
        assert_eq!(browser.page(&path).await.0, 200);
        let r = browser
            .submit(
                &path,
                &path,
                &[
                    ("name", "Olga Owner"),
                    ("email", OWNER_EMAIL),
                    ("password", PASSWORD),
                    ("coalition_name", "Home coalition"),
                    ("coalition_slug", HOME),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        for (app, token) in [(&a, &first), (&a, &second), (&b, &first), (&b, &second)] {
            let status = app.get(&format!("/setup/{token}")).await.status();
            assert_eq!(status, 404, "{} /setup/{token}", app.address);
        }
        let token = a.sign_in(OWNER_EMAIL).await;
        a.token = token.clone();
        b.token = token;

        // Signed through one, confirmed through the other, read through both within a second.
        let letter = a.open_letter("l", "auto").await;
        // Both have the letter's (empty) list in memory before the change.
        for app in [&a, &b] {
            assert!(!lists(&app.signatories(&letter).await, "Org A"));
        }
        let list_url = a.url(&format!("/api/v1/letters/{letter}/signatories"));
        let before = a.client.get(&list_url).send().await.unwrap();
        let old_tag = before.headers()["etag"].to_str().unwrap().to_string();
        let r = a
            .sign(&letter, &signer("Org A", "FR", "someone@org-a.example"))
            .await;
        assert_eq!(r.status(), 202);
        let mail = sink.wait_for_to(0, "someone@org-a.example").await;
        b.confirm(&mail).await;
        // A 304 proves the list is the one the client has, even within the second after another
        // process changed it (issue 23, item 5): A still holds the old version in memory, but a
        // revalidation reads it fresh, so the old tag gets the new list, never a 304.
        for _ in 0..3 {
            let r = a
                .client
                .get(&list_url)
                .header("If-None-Match", &old_tag)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "a 304 for a list that changed");
            assert_ne!(r.headers()["etag"].to_str().unwrap(), old_tag);
            assert!(lists(&r.json().await.unwrap(), "Org A"));
        }
        let on_b = time_until("listed through the instance that confirmed", || async {
            lists(&b.signatories(&letter).await, "Org A")
        })
        .await;
        let on_a = time_until("listed through the other instance", || async {
            lists(&a.signatories(&letter).await, "Org A")
        })
        .await;
        eprintln!("listed through B after {on_b:?}, through A after {on_a:?}");
        assert!(on_b < Duration::from_millis(100), "{on_b:?}");
        // The other instance looks its letters' versions up once a second: the change shows at
        // the next second's turn, plus one request (rendering it again) on a busy machine.
        assert!(on_a < Duration::from_millis(1250), "{on_a:?}");

        // A burst through both: every mail reaches the sink exactly once.
        let before = sink.mails().len();
        let n = 30;
        for i in 0..n {
            let app = if i % 2 == 0 { &a } else { &b };
            let r = app
                .sign(
                    &letter,
                    &signer(
                        &format!("Burst {i}"),
                        "DE",
                        &format!("b{i}@burst{i}.example"),
                    ),
                )
                .await;
            assert_eq!(r.status(), 202);
        }
        sink.wait_for(before + n).await;
        // Both workers keep polling every 50 ms: a mail sent twice would arrive meanwhile.
        actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
        let burst: Vec<_> = sink.mails()[before..].to_vec();
        assert_eq!(burst.len(), n, "each mail once");
        let mut ids: Vec<&str> = burst.iter().map(|m| m.message_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "distinct Message-IDs");
        for i in 0..n {
            let to = format!("b{i}@burst{i}.example");
            let got = burst
                .iter()
                .filter(|m| m.to.iter().any(|t| t.contains(&to)));
            assert_eq!(got.count(), 1, "{to}");
        }

        // The deadline job, run by both, closes a letter once.
        letter_due_in(&a, "due", 1).await;
        time_until("closed by its deadline", || async {
            audit(&a, "due").await.iter().any(closed_by_the_service)
        })
        .await;
        // Both workers keep looking every 50 ms.
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        let log = audit(&b, "due").await;
        let closing = log.iter().filter(|e| closed_by_the_service(e)).count();
        assert_eq!(closing, 1, "closed once: {log:#?}");

        // The retention job, run by both, removes a delivered letter's addresses once.
        let r = a
            .post(
                &format!("/api/v1/letters/{letter}/transition"),
                &json!({"to": "closed"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let (status, body) = status_json(
            a.post(&format!("/api/v1/letters/{letter}/deliver"), &json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        // Delivered 31 days ago, past the 30 days both instances keep addresses for.
        backdate_delivery(&a, &letter, 31);
        time_until("addresses removed", || async {
            audit(&a, &letter)
                .await
                .iter()
                .any(|e| e["action"] == "letter.signer_emails_removed")
        })
        .await;
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        let log = audit(&b, &letter).await;
        let removals = log
            .iter()
            .filter(|e| e["action"] == "letter.signer_emails_removed")
            .count();
        assert_eq!(removals, 1, "removed once: {log:#?}");
    }
}
