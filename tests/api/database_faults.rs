//! The database goes away mid-traffic: requests answer 503 with `Retry-After` (never a 500, never
//! a hang), nothing is half-written, and the service recovers by itself when the database comes
//! back, `/health` following. The connection is cut by a TCP proxy between the app and the
//! PostgreSQL server. (SQLite is a file opened by the process itself: it cannot go away while
//! the process runs. Another process holding its write lock makes writes wait for it, which
//! they do: measured at 6.9 s for a 7 s lock, then the write succeeds.)

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{postgres_url, signer, status_json, Backend, TestApp, TestDatabase};

/// A TCP proxy that can cut every connection through it and refuse new ones, then let them
/// through again.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (accepting, tracked) = (up.clone(), links.clone());
        actix_web::rt::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(mut server) = TcpStream::connect(target).await else {
                    continue;
                };
                let link = actix_web::rt::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                tracked.lock().unwrap().push(link);
            }
        });
        Proxy { port, up, links }
    }

    /// The database goes away: every open connection is cut, new ones are refused.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// What one request of the traffic got back.
#[derive(Debug, Clone)]
struct Outcome {
    email: String,
    status: u16,
    retry_after: Option<String>,
    millis: u128,
}

/// Sign requests from `clients` concurrent clients until `stop`, each with a new address.
fn traffic(
    app: &TestApp,
    letter: &str,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<Outcome>>> {
    let counter = Arc::new(AtomicUsize::new(0));
    (0..clients)
        .map(|_| {
            let (client, url) = (
                reqwest::Client::new(),
                app.url(&format!("/api/v1/letters/{letter}/signatures")),
            );
            let (stop, counter) = (stop.clone(), counter.clone());
            actix_web::rt::spawn(async move {
                let mut seen = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let email = format!("signer{n}@example.org");
                    let body = signer(&format!("Organisation {n}"), "FR", &email);
                    let started = Instant::now();
                    let Ok(r) = client
                        .post(&url)
                        .json(&body)
                        .timeout(Duration::from_secs(30))
                        .send()
                        .await
                    else {
                        seen.push(Outcome {
                            email,
                            status: 0,
                            retry_after: None,
                            millis: started.elapsed().as_millis(),
                        });
                        continue;
                    };
                    seen.push(Outcome {
                        email,
                        status: r.status().as_u16(),
                        retry_after: r
                            .headers()
                            .get("retry-after")
                            .map(|v| v.to_str().unwrap().to_string()),
                        millis: started.elapsed().as_millis(),
                    });
                    actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                }
                seen
            })
        })
        .collect()
}

async fn collect(handles: Vec<tokio::task::JoinHandle<Vec<Outcome>>>) -> Vec<Outcome> {
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("a traffic task"));
    }
    all
}

/// Every request answered 202, or 503 with `Retry-After`, within seconds (the pool gives up
/// after 5 s; nothing hangs); some of each.
fn check_outcomes(outcomes: &[Outcome]) {
    for o in outcomes {
        assert!(
            o.status == 202 || (o.status == 503 && o.retry_after.is_some()),
            "a request during the fault answered {o:?}"
        );
        assert!(o.millis < 12_000, "a request hung: {o:?}");
    }
    assert!(
        outcomes.iter().any(|o| o.status == 503),
        "the fault was felt"
    );
    assert!(outcomes.iter().any(|o| o.status == 202), "signing went on");
}

/// Every acknowledged signature is stored, once, with its confirmation mail queued: nothing is
/// half-written.
async fn check_stored(app: &TestApp, letter: &str, outcomes: &[Outcome]) {
    let (status, export) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/export"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{export}");
    let stored: Vec<&str> = export["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["email"].as_str().unwrap())
        .collect();
    for o in outcomes.iter().filter(|o| o.status == 202) {
        assert_eq!(
            stored.iter().filter(|e| **e == o.email).count(),
            1,
            "{} was acknowledged",
            o.email
        );
    }
    let outbox: Value = app
        .get_authed("/api/v1/outbox?per_page=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        outbox["total"].as_i64().unwrap(),
        stored.len() as i64,
        "one confirmation mail per stored signature"
    );
}

async fn health(app: &TestApp) -> (u16, Option<String>) {
    let r = app.get("/health").await;
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), retry)
}

#[actix_web::test]
async fn postgres_going_away_mid_traffic_answers_503_and_recovers_by_itself() {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: no PostgreSQL to take away");
        return;
    }
    let db = TestDatabase::new(Backend::Postgres);
    let direct = url::Url::parse(&db.url).unwrap();
    let target: SocketAddr = format!(
        "{}:{}",
        direct.host_str().unwrap(),
        direct.port().unwrap_or(5432)
    )
    .parse()
    .unwrap();
    let proxy = Proxy::start(target).await;
    let mut through = direct.clone();
    through.set_port(Some(proxy.port)).unwrap();
    let app = TestApp::spawn_with(db, |s| {
        s.database_url = Some(through.to_string().into());
        s.metrics_token = Some(crate::metrics::TOKEN.to_string().into());
        // Hundreds of sign requests from one domain: the abuse caps would refuse them.
        s.unconfirmed_per_domain_per_hour = 0;
        s.mails_per_domain_per_hour = 0;
    })
    .await;
    let letter = app.open_letter("away", "auto").await;

    let stop = Arc::new(AtomicBool::new(false));
    let running = traffic(&app, &letter, 4, stop.clone());
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    proxy.cut();
    // While it is gone: /health says so, with Retry-After.
    let mut down = (0, None);
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        down = health(&app).await;
        if down.0 == 503 {
            break;
        }
    }
    assert_eq!(down.0, 503, "/health while the database is away");
    assert!(down.1.is_some(), "Retry-After on /health");
    // The scrape still answers, and says the database is away.
    let scraped = crate::metrics::scrape(&app).await;
    assert_eq!(
        crate::metrics::number(&scraped, "undersigned_database_up{}"),
        0.0
    );
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;

    // It comes back: the service recovers without a restart.
    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(20);
    while health(&app).await.0 != 200 {
        assert!(Instant::now() < deadline, "/health did not recover");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let scraped = crate::metrics::scrape(&app).await;
    assert_eq!(
        crate::metrics::number(&scraped, "undersigned_database_up{}"),
        1.0
    );
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    let outcomes = collect(running).await;
    check_outcomes(&outcomes);
    let after = app
        .sign(&letter, &signer("After", "FR", "after@example.org"))
        .await;
    assert_eq!(after.status(), 202, "signing works again");
    let mut outcomes = outcomes;
    outcomes.push(Outcome {
        email: "after@example.org".into(),
        status: 202,
        retry_after: None,
        millis: 0,
    });
    check_stored(&app, &letter, &outcomes).await;
}
