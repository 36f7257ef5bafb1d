//! Faults the service survives (docs/RELIABILITY.md): a mail server that hangs up mid-mail, that
//! stops answering, that says "later" (4xx) or "never" (5xx), a queue that drains when the server
//! recovers, and the server itself killed with SIGKILL in the middle of a burst of signing.
//!
//! The mail server here is a deliberately small SMTP server on a raw `TcpListener` whose
//! behaviour each test sets (and changes, to "recover").

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use undersigned::config::Settings;

use crate::helpers::{
    backends, signer, Backend, TestApp, TestDatabase, ADMIN_TOKEN, LEDGER_KEY, OWNER_EMAIL,
    SECRET_KEY,
};
use crate::mail::{ReceivedMail, SmtpSink};

/// What the server does with the next connection or mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Answer everything and keep the mail.
    Healthy,
    /// Accept the connection and never say a word.
    Silent,
    /// Answer DATA with 354, read the first line of the body, then hang up.
    DropMidBody,
    /// Read the whole body and keep the mail, then hang up before the final 250: the mail
    /// arrived, but the sender cannot know it.
    DropBeforeFinal,
    /// Read the whole body, then say nothing.
    StallAfterData,
    /// Answer the body with 451: the server cannot take mail now.
    Busy,
}

struct State {
    fault: Mutex<Fault>,
    /// How long the server waits before it answers MAIL (a slower, more realistic server).
    delay: Mutex<Duration>,
    inbox: Mutex<Vec<ReceivedMail>>,
    /// Mails whose MAIL command has come and that have not been taken (or dropped) yet.
    in_flight: AtomicUsize,
    /// RCPT commands seen per address.
    rcpts: Mutex<HashMap<String, usize>>,
    stop: AtomicBool,
}

/// Addresses with these local parts get fixed answers to RCPT whatever the fault:
/// `greylist…` a 451 for its first three tries, `always-busy…` a 451 every time, `reject…` a
/// permanent 550.
const GREYLISTED_TRIES: usize = 3;

struct FaultySmtp {
    port: u16,
    state: Arc<State>,
}

impl FaultySmtp {
    fn start(fault: Fault) -> FaultySmtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            fault: Mutex::new(fault),
            delay: Mutex::new(Duration::ZERO),
            inbox: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            rcpts: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
        });
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, &state);
                });
            }
        });
        FaultySmtp { port, state }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Change the behaviour from the next connection or mail on.
    fn set(&self, fault: Fault) {
        *self.state.fault.lock().unwrap() = fault;
    }

    fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }

    fn mails(&self) -> Vec<ReceivedMail> {
        self.state.inbox.lock().unwrap().clone()
    }

    fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for FaultySmtp {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the stop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Hold a connection open without a word until the server stops (or a minute passes).
fn hold(state: &State) {
    let until = Instant::now() + Duration::from_secs(60);
    while !state.stop.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Counts a mail in [`State::in_flight`] from its MAIL command until it is taken, refused or
/// its connection ends.
struct Transaction<'a> {
    state: &'a State,
    open: bool,
}

impl Transaction<'_> {
    fn start(&mut self) {
        if !std::mem::replace(&mut self.open, true) {
            self.state.in_flight.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn end(&mut self) {
        if std::mem::replace(&mut self.open, false) {
            self.state.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        self.end();
    }
}

fn serve(stream: TcpStream, state: &State) -> std::io::Result<()> {
    if *state.fault.lock().unwrap() == Fault::Silent {
        hold(state);
        return Ok(());
    }
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 faulty.test ESMTP\r\n")?;
    let mut to: Vec<String> = Vec::new();
    let mut fault = Fault::Healthy;
    let mut open = Transaction { state, open: false };
    loop {
        let mut line = Vec::new();
        if lines.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&line).trim_end().to_string();
        let verb = line
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-faulty.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "RSET" => {
                to.clear();
                open.end();
                out.write_all(b"250 OK\r\n")?
            }
            "MAIL" => {
                to.clear();
                fault = *state.fault.lock().unwrap();
                open.start();
                let delay = *state.delay.lock().unwrap();
                std::thread::sleep(delay);
                out.write_all(b"250 OK\r\n")?
            }
            "RCPT" => {
                let address = line
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default();
                let tries = {
                    let mut seen = state.rcpts.lock().unwrap();
                    let n = seen.entry(address.clone()).or_default();
                    *n += 1;
                    *n
                };
                if address.starts_with("reject") {
                    out.write_all(b"550 5.1.1 No such mailbox here\r\n")?
                } else if address.starts_with("always-busy")
                    || (address.starts_with("greylist") && tries <= GREYLISTED_TRIES)
                {
                    out.write_all(b"451 4.7.1 Greylisted, try again later\r\n")?
                } else {
                    to.push(address);
                    out.write_all(b"250 OK\r\n")?
                }
            }
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut body = Vec::new();
                loop {
                    let mut line = Vec::new();
                    if lines.read_until(b'\n', &mut line)? == 0 {
                        return Ok(());
                    }
                    if fault == Fault::DropMidBody {
                        return Ok(());
                    }
                    if line == b".\r\n" {
                        break;
                    }
                    let unstuffed = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    body.extend_from_slice(unstuffed);
                }
                let mut keep = || {
                    let mail = ReceivedMail::parse(std::mem::take(&mut to), &body);
                    state.inbox.lock().unwrap().push(mail);
                };
                open.end();
                match fault {
                    Fault::DropBeforeFinal => {
                        keep();
                        return Ok(());
                    }
                    Fault::StallAfterData => {
                        hold(state);
                        return Ok(());
                    }
                    Fault::Busy => out.write_all(b"451 4.3.0 Cannot take mail now\r\n")?,
                    _ => {
                        keep();
                        out.write_all(b"250 2.0.0 Queued\r\n")?
                    }
                }
            }
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"500 5.5.2 Unknown command\r\n")?,
        }
    }
}

/// An app whose mail goes to a [`FaultySmtp`] behaving as `fault`.
async fn app_with_faulty_smtp(
    backend: Backend,
    fault: Fault,
    tweak: impl FnOnce(&mut Settings),
) -> (TestApp, FaultySmtp) {
    eprintln!("--- running on {backend}, {fault:?}");
    let smtp = FaultySmtp::start(fault);
    let url = smtp.url();
    let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
        s.smtp_url = Some(url.into());
        tweak(s);
    })
    .await;
    (app, smtp)
}

/// Sign as organisations `range` with addresses `{prefix}{i}@org{i}.example`.
async fn sign_many(app: &TestApp, letter: &str, prefix: &str, range: std::ops::Range<usize>) {
    for i in range {
        let r = app
            .sign(
                letter,
                &signer(
                    &format!("Org {i}"),
                    "FR",
                    &format!("{prefix}{i}@org{i}.example"),
                ),
            )
            .await;
        assert_eq!(r.status(), 202);
    }
}

/// Poll the outbox until `done` holds for its rows (panics after `secs`).
async fn wait_for_outbox(
    app: &TestApp,
    what: &str,
    secs: u64,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let rows = app.outbox().await["items"].as_array().unwrap().clone();
        if done(&rows) {
            return rows;
        }
        assert!(
            Instant::now() < deadline,
            "waited {secs} s for {what}: {rows:#?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn attempts(row: &Value) -> i64 {
    row["attempts"].as_i64().unwrap()
}

fn all_sent(rows: &[Value]) -> bool {
    rows.iter().all(|m| m["state"] == "sent")
}

/// The outbox row id in a Message-ID `<{id}@host>`.
fn row_of(message_id: &str) -> &str {
    message_id
        .trim()
        .trim_start_matches('<')
        .split('@')
        .next()
        .unwrap()
}

/// Every row arrived, each under the one Message-ID of its row and to its recipient; a mail
/// that arrived more than once arrived under the same Message-ID. Returns how many arrived.
fn assert_each_row_arrived_under_its_message_id(mails: &[ReceivedMail], rows: &[Value]) -> usize {
    let by_id: HashMap<&str, &Value> = rows
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut ids = HashSet::new();
    for mail in mails {
        let id = row_of(&mail.message_id);
        let row = by_id
            .get(id)
            .unwrap_or_else(|| panic!("a mail with a Message-ID of no outbox row: {mail:?}"));
        assert_eq!(
            mail.to,
            vec![row["recipient"].as_str().unwrap().to_string()]
        );
        ids.insert(id);
    }
    assert_eq!(
        ids.len(),
        rows.len(),
        "every row arrived, under exactly one Message-ID"
    );
    mails.len()
}

/// A mail server that hangs up in the middle of the body, or after the body but before its
/// final 250: the mail stays queued with the error and is retried; once the server is healthy
/// it arrives. When the server had kept it before hanging up it arrives twice, but under the
/// same Message-ID; no row ever goes out under two.
#[actix_web::test]
async fn a_server_that_hangs_up_mid_mail_loses_nothing_and_never_mints_a_second_message_id() {
    for backend in backends() {
        for fault in [Fault::DropMidBody, Fault::DropBeforeFinal] {
            let (app, smtp) = app_with_faulty_smtp(backend, fault, |_| {}).await;
            let letter = app.open_letter("l", "auto").await;
            let n = 5;
            sign_many(&app, &letter, "o", 0..n).await;
            let rows = wait_for_outbox(&app, "every mail tried", 20, |rows| {
                rows.len() == n && rows.iter().all(|m| attempts(m) >= 1)
            })
            .await;
            assert!(
                rows.iter()
                    .all(|m| m["state"] == "queued" && m["last_error"].is_string()),
                "{rows:#?}"
            );
            if fault == Fault::DropMidBody {
                assert!(smtp.mails().is_empty());
            }

            smtp.set(Fault::Healthy);
            let rows = wait_for_outbox(&app, "every mail sent", 20, all_sent).await;
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            let arrived = assert_each_row_arrived_under_its_message_id(&smtp.mails(), &rows);
            match fault {
                Fault::DropMidBody => assert_eq!(arrived, n),
                // The copies the server kept before hanging up, and the retries.
                _ => assert!(arrived >= 2 * n, "{arrived}"),
            }
        }
    }
}

/// A server that accepts the connection and never greets, or that takes the body and never
/// answers: with `smtp_timeout_secs = 1` the attempt fails with a timeout in `last_error` and
/// is retried, and the worker is not stuck: once the server answers, that mail and a new one
/// both go out.
#[actix_web::test]
async fn a_silent_or_stalling_server_times_out_is_retried_and_does_not_stall_the_worker() {
    for backend in backends() {
        for fault in [Fault::Silent, Fault::StallAfterData] {
            let (app, smtp) =
                app_with_faulty_smtp(backend, fault, |s| s.smtp_timeout_secs = 1).await;
            let letter = app.open_letter("l", "auto").await;
            sign_many(&app, &letter, "o", 0..1).await;
            let timed_out = |m: &Value| {
                m["state"] == "queued"
                    && m["last_error"]
                        .as_str()
                        .is_some_and(|e| e.contains("timed out"))
            };
            let started = Instant::now();
            wait_for_outbox(&app, "a second timed-out attempt", 20, |rows| {
                rows.len() == 1 && attempts(&rows[0]) >= 2 && timed_out(&rows[0])
            })
            .await;
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{:?}",
                started.elapsed()
            );
            assert!(smtp.mails().is_empty());

            smtp.set(Fault::Healthy);
            sign_many(&app, &letter, "o", 1..2).await;
            let rows = wait_for_outbox(&app, "both mails sent", 20, |rows| {
                rows.len() == 2 && all_sent(rows)
            })
            .await;
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(
                assert_each_row_arrived_under_its_message_id(&smtp.mails(), &rows),
                2
            );
        }
    }
}

/// Side by side: a 451 (greylisting) is retried and the mail delivered on the fourth try; a 451
/// that never ends is parked `dead` only after `outbox_max_attempts`; a 550 is parked `dead` at
/// once with the server's reason.
#[actix_web::test]
async fn a_temporary_4xx_is_retried_until_delivered_and_a_permanent_5xx_is_parked_dead_at_once() {
    for backend in backends() {
        let (app, smtp) =
            app_with_faulty_smtp(backend, Fault::Healthy, |s| s.outbox_max_attempts = 5).await;
        let letter = app.open_letter("l", "auto").await;
        for (i, email) in [
            "greylist@a.example",
            "reject@b.example",
            "always-busy@c.example",
            "fine@d.example",
        ]
        .iter()
        .enumerate()
        {
            let r = app
                .sign(&letter, &signer(&format!("Org {i}"), "FR", email))
                .await;
            assert_eq!(r.status(), 202);
        }
        let rows = wait_for_outbox(&app, "every mail sent or dead", 20, |rows| {
            rows.len() == 4 && rows.iter().all(|m| m["state"] != "queued")
        })
        .await;
        let row = |to: &str| {
            rows.iter()
                .find(|m| m["recipient"] == to)
                .unwrap_or_else(|| panic!("{to}: {rows:#?}"))
                .clone()
        };
        let greylisted = row("greylist@a.example");
        assert_eq!(greylisted["state"], "sent", "{greylisted}");
        assert_eq!(attempts(&greylisted), GREYLISTED_TRIES as i64 + 1);
        let rejected = row("reject@b.example");
        assert_eq!(rejected["state"], "dead", "{rejected}");
        assert_eq!(attempts(&rejected), 1, "a 5xx is not retried");
        let reason = rejected["last_error"].as_str().unwrap();
        assert!(
            reason.contains("550") && reason.contains("No such mailbox"),
            "{reason}"
        );
        let busy = row("always-busy@c.example");
        assert_eq!(busy["state"], "dead", "{busy}");
        assert_eq!(
            attempts(&busy),
            5,
            "a 4xx is parked only at the last attempt"
        );
        assert!(
            busy["last_error"].as_str().unwrap().contains("451"),
            "{busy}"
        );
        let fine = row("fine@d.example");
        assert_eq!((fine["state"].as_str(), attempts(&fine)), (Some("sent"), 1));

        let mails = smtp.mails();
        let mut to: Vec<&str> = mails.iter().map(|m| m.to[0].as_str()).collect();
        to.sort();
        assert_eq!(to, ["fine@d.example", "greylist@a.example"]);
    }
}

/// A burst of mail queued while the server answers every body with 451: all of it stays queued,
/// and all of it arrives, once each, when the server recovers (more than one claim's batch).
#[actix_web::test]
async fn a_burst_queued_while_the_server_refuses_drains_once_it_recovers() {
    for backend in backends() {
        let (app, smtp) =
            app_with_faulty_smtp(backend, Fault::Busy, |s| s.outbox_max_attempts = 100).await;
        let letter = app.open_letter("l", "auto").await;
        let n = 40;
        sign_many(&app, &letter, "o", 0..n).await;
        let rows = wait_for_outbox(&app, "every mail refused once", 30, |rows| {
            rows.len() == n && rows.iter().all(|m| attempts(m) >= 1)
        })
        .await;
        assert!(
            rows.iter().all(|m| m["state"] == "queued"
                && m["last_error"].as_str().is_some_and(|e| e.contains("451"))),
            "{rows:#?}"
        );
        assert!(smtp.mails().is_empty());

        smtp.set(Fault::Healthy);
        let rows = wait_for_outbox(&app, "the queue drained", 30, all_sent).await;
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            assert_each_row_arrived_under_its_message_id(&smtp.mails(), &rows),
            n
        );
    }
}

/// The real binary as a child process; killed (SIGKILL) when dropped, so a failing test leaves
/// no server behind.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(db: &TestDatabase, smtp: &FaultySmtp) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .current_dir(std::env::temp_dir())
            .env_remove("RUST_LOG")
            .env("DATABASE_URL", &db.url)
            .env("UNDERSIGNED_DATA_DIR", db.data_dir())
            .env("UNDERSIGNED_BIND", "127.0.0.1:0")
            .env("UNDERSIGNED_SMTP_URL", smtp.url())
            .env("UNDERSIGNED_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("UNDERSIGNED_SECRET_KEY", SECRET_KEY)
            .env("UNDERSIGNED_LEDGER_KEY", LEDGER_KEY)
            .env("UNDERSIGNED_SIGN_RATE_PER_MINUTE", "0")
            .env("UNDERSIGNED_SIGN_RATE_PER_LETTER_PER_MINUTE", "0")
            .env("UNDERSIGNED_SIGN_IN_RATE_PER_MINUTE", "0")
            .env("UNDERSIGNED_OUTBOX_LEASE_SECS", "2")
            // Below the lease, as docs/CONFIGURATION.md asks: a batch never outlives its claim.
            .env("UNDERSIGNED_SMTP_TIMEOUT_SECS", "1")
            .env("UNDERSIGNED_OUTBOX_POLL_MS", "100")
            .env("UNDERSIGNED_OUTBOX_RETRY_BASE_MS", "100")
            .env("UNDERSIGNED_OUTBOX_RETRY_MAX_MS", "500")
            .env("UNDERSIGNED_WORKERS", "2")
            .env("UNDERSIGNED_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // Read the log to the end on a thread of its own, so the child never blocks on a full
        // pipe; the address it listens on comes back over a channel.
        let stderr = child.stderr.take().unwrap();
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("listening on http://") {
                    let url = line[i + "listening on ".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .to_string();
                    let _ = found.send(url);
                }
            }
        });
        let address = address
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        Server { child, address }
    }

    /// SIGKILL: no shutdown, no flush, nothing finished.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary is killed with SIGKILL in the middle of a burst of signing (8 concurrent
/// clients, 200 requests), while its worker is sending confirmations, then started again on
/// the same database and data folder. Every signature acknowledged with a 202 is there; every
/// queued confirmation arrives; mails claimed by the killed worker go out after their lease
/// (`outbox_lease_secs = 2`); and no signer gets two different confirmations: the only repeat
/// at-least-once allows is the same Message-ID again.
#[actix_web::test]
async fn after_sigkill_mid_burst_every_acknowledged_signature_is_kept_and_each_mail_goes_out_under_one_message_id(
) {
    for backend in backends() {
        eprintln!("--- running on {backend}");
        let smtp = FaultySmtp::start(Fault::Healthy);
        // A server that takes a moment to start each mail keeps mails in flight at the kill:
        // claimed and being sent, but not arrived.
        smtp.set_delay(Duration::from_millis(50));
        let db = TestDatabase::new(backend);
        let mut server = Server::start(&db, &smtp);
        let mut app = TestApp {
            address: server.address.clone(),
            backend,
            client: reqwest::Client::new(),
            token: String::new(),
            db,
            // Unused: this app's mail goes to `smtp`.
            mail: SmtpSink::start(),
        };
        app.token = app.account(OWNER_EMAIL, "Olga Owner").await;
        let letter = app.open_letter("l", "auto").await;

        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let url = app.url(&format!("/api/v1/letters/{letter}/signatures"));
        let (clients, each) = (8, 8);
        // Three rounds: the second and third kill a server that is also still recovering the
        // mail claimed by the one killed before it.
        for round in 0..3 {
            if round > 0 {
                server = Server::start(&app.db, &smtp);
            }
            let before = acknowledged.lock().unwrap().len();
            let url = url.replace(&app.address, &server.address);
            let burst: Vec<_> = (0..clients)
                .map(|c| {
                    let (client, url) = (app.client.clone(), url.clone());
                    let acknowledged = Arc::clone(&acknowledged);
                    actix_web::rt::spawn(async move {
                        for k in 0..each {
                            let i = (round * clients + c) * each + k;
                            let email = format!("s{i}@org{i}.example");
                            let body = signer(&format!("Org {i}"), "FR", &email);
                            match client.post(&url).json(&body).send().await {
                                Ok(r) if r.status() == 202 => {
                                    acknowledged.lock().unwrap().push(email)
                                }
                                Ok(r) => panic!("{}: {}", r.status(), r.text().await.unwrap()),
                                // The server is gone: no acknowledgement, no promise.
                                Err(_) => return,
                            }
                        }
                    })
                })
                .collect();
            // The kill comes after 24 acknowledgements of this round, while the worker has
            // mail in flight (so that claimed, unfinished work dies with the process).
            let give_up = Instant::now() + Duration::from_secs(20);
            while acknowledged.lock().unwrap().len() < before + 24
                || (smtp.in_flight() == 0 && Instant::now() < give_up)
            {
                actix_web::rt::time::sleep(Duration::from_millis(1)).await;
            }
            let in_flight = smtp.in_flight();
            server.kill();
            for client in burst {
                client.await.expect("a client ran to the end of its burst");
            }
            let now = acknowledged.lock().unwrap().len();
            eprintln!(
                "round {round}: {} of {} sign requests acknowledged before SIGKILL; {} mails had arrived, {in_flight} in flight",
                now - before,
                clients * each,
                smtp.mails().len()
            );
            assert!(now - before < clients * each, "the kill came mid-burst");
        }
        let acknowledged = acknowledged.lock().unwrap().clone();

        let server = Server::start(&app.db, &smtp);
        app.address = server.address.clone();

        // Every acknowledged signature is there.
        let signatures: Value = app
            .get_authed(&format!("/api/v1/letters/{letter}/signatures?per_page=200"))
            .await
            .json()
            .await
            .unwrap();
        let stored: HashSet<&str> = signatures["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["email"].as_str().unwrap())
            .collect();
        assert_eq!(signatures["total"].as_u64().unwrap() as usize, stored.len());
        for email in &acknowledged {
            assert!(stored.contains(email.as_str()), "{email} was acknowledged");
        }

        // Every queued confirmation goes out, those the killed worker had claimed included.
        let rows = wait_for_outbox(&app, "every confirmation sent", 60, all_sent).await;
        assert_eq!(rows.len(), stored.len(), "one confirmation per signature");
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        let mails = smtp.mails();
        let arrived = assert_each_row_arrived_under_its_message_id(&mails, &rows);
        let mut per_signer: HashMap<&str, HashSet<&str>> = HashMap::new();
        for mail in &mails {
            (per_signer.entry(mail.to[0].as_str()).or_default()).insert(row_of(&mail.message_id));
        }
        for email in &stored {
            assert_eq!(
                per_signer.get(email).map(HashSet::len),
                Some(1),
                "{email}: one confirmation, under one Message-ID"
            );
        }
        eprintln!(
            "{} signatures stored, {} confirmations, {} deliveries ({} repeated after the crash)",
            stored.len(),
            rows.len(),
            arrived,
            arrived - rows.len()
        );
        drop(server);
    }
}
