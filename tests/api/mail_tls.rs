//! Issue 20: mail through a real SMTP server with TLS and AUTH — aiosmtpd (from PyPI), run by
//! tests/support/smtp_tls_server.py — with a certificate authority made by the test and trusted
//! through `smtp_ca_file`. STARTTLS and implicit TLS deliver with the right password; a wrong
//! password, a refused sender and a certificate from an unknown authority are each reported in
//! the outbox with the server's (or the TLS library's) own words, within the attempt.
//!
//! The Python that runs the server is `AIOSMTPD_PYTHON` (`.ci/run` installs aiosmtpd in a venv of
//! its own and sets it), else `python3`. Without aiosmtpd the tests say so and pass, unless
//! `REQUIRE_MAIL_TLS_TESTS=1` (set by `.ci/run`) makes a missing aiosmtpd fail them.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509NameBuilder, X509};
use secrecy::SecretString;
use serde_json::Value;

use crate::helpers::{backends, signer, Browser, TestApp, TestDatabase, OWNER_EMAIL};

const USER: &str = "relay-user";
const PASSWORD: &str = "relay-password";
const REFUSED_SENDER: &str = "refused@undersigned.test";

fn python() -> String {
    std::env::var("AIOSMTPD_PYTHON")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "python3".into())
}

fn required() -> bool {
    std::env::var("REQUIRE_MAIL_TLS_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Whether aiosmtpd can run here: if not, the test passes saying so (or fails when required).
fn aiosmtpd_available() -> bool {
    let ok = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !required(),
            "REQUIRE_MAIL_TLS_TESTS is set but {} cannot import aiosmtpd",
            python()
        );
        eprintln!("aiosmtpd not found ({}): TLS mail tests skipped", python());
    }
    ok
}

/// A certificate authority, and a certificate for `localhost` and 127.0.0.1 that it signed.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

fn certificate(
    subject: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", subject).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(128, MsbOption::MAYBE_ZERO, false).unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    match issuer {
        None => {
            b.set_issuer_name(&name).unwrap();
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .unwrap(),
            )
            .unwrap();
            b.sign(key, MessageDigest::sha256()).unwrap();
        }
        Some((ca, ca_key)) => {
            b.set_issuer_name(ca.subject_name()).unwrap();
            let san = SubjectAlternativeName::new()
                .dns("localhost")
                .ip("127.0.0.1")
                .build(&b.x509v3_context(Some(ca), None))
                .unwrap();
            b.append_extension(san).unwrap();
            b.sign(ca_key, MessageDigest::sha256()).unwrap();
        }
    }
    b.build()
}

impl Pki {
    /// `name` tells the authority apart (a second one is the "unknown" authority).
    fn new(dir: &Path, name: &str) -> Pki {
        let (ca_key, server_key) = (key(), key());
        let ca = certificate(&format!("undersigned test CA {name}"), &ca_key, None);
        let cert = certificate("localhost", &server_key, Some((&ca, &ca_key)));
        let write = |file: &str, bytes: Vec<u8>| {
            let path = dir.join(format!("{name}-{file}"));
            std::fs::write(&path, bytes).unwrap();
            path
        };
        Pki {
            ca: write("ca.pem", ca.to_pem().unwrap()),
            cert: write("cert.pem", cert.to_pem().unwrap()),
            key: write("key.pem", server_key.private_key_to_pem_pkcs8().unwrap()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    StartTls,
    ImplicitTls,
}

/// aiosmtpd, listening on a port of its own choosing until dropped.
struct TlsSmtp {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl TlsSmtp {
    fn start(mode: Mode, pki: &Pki, dir: &Path) -> TlsSmtp {
        // A file of its own for each server: tests start several in one folder.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out = dir.join(format!("received-{n}.jsonl"));
        // Its log (aiosmtpd reports each refused handshake at length) in a file beside it.
        let log = std::fs::File::create(dir.join(format!("server-{n}.log"))).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_tls_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .args([
                "--mode",
                if mode == Mode::StartTls {
                    "starttls"
                } else {
                    "smtps"
                },
            ])
            .arg("--cert")
            .arg(&pki.cert)
            .arg("--key")
            .arg(&pki.key)
            .args(["--user", USER, "--password", PASSWORD])
            .args(["--refuse-sender", REFUSED_SENDER])
            .arg("--out")
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the SMTP server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server said {line:?}"));
        TlsSmtp { child, port, out }
    }

    /// The settings' URL for this server, with `password`.
    fn url(&self, mode: Mode, password: &str) -> String {
        match mode {
            Mode::StartTls => format!(
                "smtp://{USER}:{password}@localhost:{}?tls=starttls",
                self.port
            ),
            Mode::ImplicitTls => format!("smtps://{USER}:{password}@localhost:{}", self.port),
        }
    }

    /// What the server accepted: one JSON object a mail.
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for TlsSmtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn app_sending_to(
    db: TestDatabase,
    url: String,
    ca: Option<&Path>,
    tweak: impl FnOnce(&mut undersigned::config::Settings),
) -> TestApp {
    let ca = ca.map(Path::to_path_buf);
    TestApp::spawn_with(db, move |s| {
        s.smtp_url = Some(SecretString::from(url));
        s.smtp_ca_file = ca;
        tweak(s);
    })
    .await
}

/// Wait until the outbox's only mail has been sent, or tried `attempts` times; return it.
async fn tried(app: &TestApp, attempts: i64) -> Value {
    for _ in 0..400 {
        let outbox = app.outbox().await;
        if let Some(mail) = outbox["items"].as_array().and_then(|i| i.first()) {
            if mail["state"] == "sent" || mail["attempts"].as_i64() >= Some(attempts) {
                return mail.clone();
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail was tried: {:#}", app.outbox().await);
}

#[actix_web::test]
async fn starttls_and_implicit_tls_deliver_with_the_right_password() {
    if !aiosmtpd_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path(), "ours");
    for backend in backends() {
        for mode in [Mode::StartTls, Mode::ImplicitTls] {
            eprintln!("--- running on {backend}, {mode:?}");
            let smtp = TlsSmtp::start(mode, &pki, dir.path());
            let url = smtp.url(mode, PASSWORD);
            let app = app_sending_to(TestDatabase::new(backend), url, Some(&pki.ca), |_| {}).await;
            let letter = app.open_letter("l", "auto").await;
            let r = app
                .sign(&letter, &signer("Org", "FR", "signer@org.example"))
                .await;
            assert_eq!(r.status(), 202);
            let mail = tried(&app, 1).await;
            assert_eq!(mail["state"], "sent", "{mail:#}");
            let received = smtp.received();
            assert_eq!(received.len(), 1, "{received:#?}");
            assert_eq!(received[0]["rcpt_tos"][0], "signer@org.example");
            assert_eq!(received[0]["mail_from"], "letters@undersigned.test");
        }
    }
}

/// Each misconfiguration, as the outbox reports it after `attempts` attempts.
#[allow(clippy::too_many_arguments)]
async fn failure(
    backend: crate::helpers::Backend,
    mode: Mode,
    server: &Pki,
    trusted: &Pki,
    password: &str,
    from: &str,
    dir: &Path,
    attempts: i64,
) -> Value {
    let smtp = TlsSmtp::start(mode, server, dir);
    let url = smtp.url(mode, password);
    let from = from.to_string();
    let app = app_sending_to(TestDatabase::new(backend), url, Some(&trusted.ca), |s| {
        s.mail_from = format!("Open letters <{from}>");
        s.outbox_retry_base_ms = 50;
        s.outbox_retry_max_ms = 50;
    })
    .await;
    let letter = app.open_letter("l", "auto").await;
    let r = app
        .sign(&letter, &signer("Org", "FR", "signer@org.example"))
        .await;
    assert_eq!(r.status(), 202);
    let mail = tried(&app, attempts).await;
    assert!(smtp.received().is_empty());
    mail
}

#[actix_web::test]
async fn a_wrong_password_a_refused_sender_and_an_unknown_authority_are_reported_in_their_own_words(
) {
    if !aiosmtpd_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ours, unknown) = (
        Pki::new(dir.path(), "ours"),
        Pki::new(dir.path(), "unknown"),
    );
    let from = "letters@undersigned.test";
    for backend in backends() {
        for mode in [Mode::StartTls, Mode::ImplicitTls] {
            eprintln!("--- running on {backend}, {mode:?}");
            // A refused login is the settings' fault, not the mail's: the mail is tried again
            // (and each attempt, not only the first, says why).
            let mail = failure(backend, mode, &ours, &ours, "wrong", from, dir.path(), 3).await;
            let error = mail["last_error"].as_str().unwrap();
            assert!(
                error.contains("535") && error.contains("Authentication credentials invalid"),
                "{mail:#}"
            );
            assert_eq!(mail["state"], "queued", "{mail:#}");

            // A refused sender is refused for good: the mail is dead, with the server's words.
            let mail = failure(
                backend,
                mode,
                &ours,
                &ours,
                PASSWORD,
                REFUSED_SENDER,
                dir.path(),
                1,
            )
            .await;
            let error = mail["last_error"].as_str().unwrap();
            assert!(
                error.contains("550") && error.contains("Sender refused by policy"),
                "{mail:#}"
            );
            assert_eq!(mail["state"], "dead", "{mail:#}");

            let mail = failure(
                backend,
                mode,
                &unknown,
                &ours,
                PASSWORD,
                from,
                dir.path(),
                2,
            )
            .await;
            let error = mail["last_error"].as_str().unwrap();
            assert!(error.contains("certificate verify failed"), "{mail:#}");
            assert_eq!(mail["state"], "queued", "{mail:#}");
        }
    }
}

/// `undersigned check-mail --to ADDRESS` against `smtp`: exit code, stdout, stderr.
fn check_mail(url: &str, ca: Option<&Path>, dir: &Path) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_undersigned"));
    command
        .args(["check-mail", "--to", "coordinator@coalition.example"])
        .env("UNDERSIGNED_DATA_DIR", dir.join("data"))
        .env("UNDERSIGNED_SMTP_URL", url)
        .env(
            "UNDERSIGNED_MAIL_FROM",
            "Open letters <letters@undersigned.test>",
        )
        .env("UNDERSIGNED_SMTP_TIMEOUT_SECS", "5")
        .env("UNDERSIGNED_LOG", "warn");
    if let Some(ca) = ca {
        command.env("UNDERSIGNED_SMTP_CA_FILE", ca);
    }
    let out = command.output().expect("check-mail runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_mail_sends_a_test_mail_or_says_why_not_in_the_servers_words() {
    if !aiosmtpd_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path(), "ours");
    for mode in [Mode::StartTls, Mode::ImplicitTls] {
        eprintln!("--- {mode:?}");
        let smtp = TlsSmtp::start(mode, &pki, dir.path());

        let (code, out, err) = check_mail(&smtp.url(mode, PASSWORD), Some(&pki.ca), dir.path());
        assert_eq!(code, 0, "{out}{err}");
        let received = smtp.received();
        assert_eq!(received.len(), 1, "{received:#?}");
        assert_eq!(received[0]["rcpt_tos"][0], "coordinator@coalition.example");
        let id = received[0]["message_id"].as_str().unwrap();
        assert!(out.contains("accepted") && out.contains(id), "{out}");

        let (code, out, err) = check_mail(&smtp.url(mode, "wrong"), Some(&pki.ca), dir.path());
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.contains("535") && err.contains("Authentication credentials invalid"),
            "{err}"
        );

        // Without the test's CA the server's certificate is from an unknown authority.
        let (code, out, err) = check_mail(&smtp.url(mode, PASSWORD), None, dir.path());
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("certificate verify failed"), "{err}");
        assert_eq!(smtp.received().len(), 1, "nothing more was delivered");
    }
}

#[actix_web::test]
async fn the_check_at_start_is_shown_on_the_outbox_page() {
    if !aiosmtpd_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path(), "ours");
    for backend in backends() {
        eprintln!("--- running on {backend}");
        let smtp = TlsSmtp::start(Mode::StartTls, &pki, dir.path());
        for (password, expected) in [
            ("wrong", "The mail settings do not work"),
            (PASSWORD, "the server takes the connection, TLS and login"),
        ] {
            let url = smtp.url(Mode::StartTls, password);
            let app = app_sending_to(TestDatabase::new(backend), url, Some(&pki.ca), |_| {}).await;
            let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
            let mut page = String::new();
            for _ in 0..200 {
                page = browser.page("/dashboard/outbox").await.1;
                if page.contains("id=\"mail-check\"") {
                    break;
                }
                actix_web::rt::time::sleep(Duration::from_millis(25)).await;
            }
            assert!(page.contains(expected), "{page}");
            if password == "wrong" {
                assert!(page.contains("535"), "{page}");
            }
        }
    }
}
