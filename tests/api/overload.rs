//! A saturated server sheds load: with `max_in_flight` requests already being handled (here
//! held up by a lock another connection keeps on the signatures), one more is answered at once
//! with 503 and `Retry-After`, stores nothing, and `/health` still answers (that it is
//! shedding); once the held
//! requests finish, the server takes requests again.

use std::time::{Duration, Instant};

use crate::helpers::{signer, status_json, Backend, TestApp, TestDatabase};

const LIMIT: usize = 3;
const REQUESTS: usize = 10;
const HOLD: Duration = Duration::from_millis(2_500);

/// Hold a lock that makes every insert into `signatures` wait, for [`HOLD`], on a connection of
/// its own; returns once the lock is held.
fn hold_signatures(app: &TestApp) -> std::thread::JoinHandle<()> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let (backend, url) = (app.backend, app.db.url.clone());
    let (held, is_held) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || match backend {
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).unwrap();
            // Waiting its turn if the app is writing at that moment (its outbox worker).
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE; UPDATE coalitions SET name = name;",
            )
            .unwrap();
            held.send(()).unwrap();
            std::thread::sleep(HOLD);
            c.batch_execute("ROLLBACK").unwrap();
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&url).unwrap();
            c.batch_execute("BEGIN; LOCK TABLE signatures IN EXCLUSIVE MODE;")
                .unwrap();
            held.send(()).unwrap();
            std::thread::sleep(HOLD);
            c.batch_execute("ROLLBACK").unwrap();
        }
    });
    is_held.recv().unwrap();
    holder
}

#[actix_web::test]
async fn a_saturated_server_answers_503_at_once_instead_of_queueing() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
            s.max_in_flight = LIMIT;
            s.sqlite_busy_timeout_ms = 10_000;
        })
        .await;
        let letter = app.open_letter("busy", "auto").await;
        let holder = hold_signatures(&app);
        let started = Instant::now();
        let mut requests = Vec::new();
        for i in 0..REQUESTS {
            let (client, url) = (
                reqwest::Client::new(),
                app.url(&format!("/api/v1/letters/{letter}/signatures")),
            );
            let body = signer(&format!("Org {i}"), "FR", &format!("o{i}@example.org"));
            requests.push(actix_web::rt::spawn(async move {
                let r = client.post(&url).json(&body).send().await.unwrap();
                let retry = r.headers().get("retry-after").is_some();
                (r.status().as_u16(), retry, started.elapsed())
            }));
            // In order, so that the first LIMIT are surely in before the others arrive.
            actix_web::rt::time::sleep(Duration::from_millis(60)).await;
        }
        // While the server is full, /health still answers, and says that it is shedding
        // (issue 18, finding 2: it said 200 while every other route answered 503).
        let (status, health) = status_json(app.get("/health").await).await;
        assert_eq!(
            (status, health["status"].as_str()),
            (503, Some("shedding")),
            "{health}"
        );
        let mut answers = Vec::new();
        for r in requests {
            answers.push(r.await.unwrap());
        }
        tokio::task::spawn_blocking(move || holder.join().unwrap())
            .await
            .unwrap();
        let shed: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
        let taken: Vec<_> = answers.iter().filter(|a| a.0 == 202).collect();
        assert_eq!(taken.len(), LIMIT, "{answers:?}");
        assert_eq!(shed.len(), REQUESTS - LIMIT, "{answers:?}");
        for a in &shed {
            assert!(a.1, "Retry-After on a shed request: {answers:?}");
            assert!(a.2 < HOLD, "shed at once, not after the wait: {answers:?}");
        }
        for a in &taken {
            assert!(
                a.2 >= HOLD / 2,
                "the taken ones waited for the lock: {answers:?}"
            );
        }
        // Only the requests that were taken stored anything; the server takes requests again.
        let (_, export) = status_json(
            app.get_authed(&format!("/api/v1/letters/{letter}/export"))
                .await,
        )
        .await;
        assert_eq!(export["signatures"].as_array().unwrap().len(), LIMIT);
        let r = app
            .sign(&letter, &signer("Later", "FR", "later@example.org"))
            .await;
        assert_eq!(r.status(), 202);
    }
}
