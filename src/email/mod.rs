//! Sending mail: the SMTP backend (lettre's pooled async transport, configured by URL, running on
//! a thread of its own: see [`smtp`]) and the
//! file backend (one `.eml` per mail in `<data_dir>/mail`, the default when no SMTP URL is set).
//! Mail is only ever sent by the outbox worker (`crate::worker`); templates live in
//! [`templates`].

pub mod smtp;
pub mod templates;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use self::smtp::SmtpThread;
use secrecy::ExposeSecret;

use crate::config::Settings;

/// SMTP connections open to the mail server at most (idle or sending): more mails wait their turn.
const SMTP_POOL_SIZE: u32 = 8;

/// A rendered mail, ready to send.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Stable per outbox row, so a mail sent twice after a crash is recognisably one mail.
    pub message_id: String,
    /// A link worth logging when mail only goes to files (local runs).
    pub primary_link: Option<String>,
    /// An unsubscribe URL: sent as `List-Unsubscribe: <url>` with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so mail providers offer
    /// a one-click button that POSTs to it.
    pub list_unsubscribe: Option<String>,
}

/// Why a send failed, and whether trying again could help.
#[derive(Debug)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

pub enum Mailer {
    Smtp(SmtpThread),
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// The outcome of the mail check at start ([`Mailer::check`]), logged and shown on the
/// dashboard's outbox page.
#[derive(Default)]
pub struct MailCheck(std::sync::Mutex<Option<Checked>>);

#[derive(Debug, Clone)]
pub struct Checked {
    pub at: chrono::DateTime<chrono::Utc>,
    pub mailer: String,
    /// Why the settings do not work, in the server's words; `None` when they do.
    pub error: Option<String>,
}

impl MailCheck {
    /// Check `mailer` now: log the outcome and keep it.
    pub async fn run(&self, mailer: &Mailer) {
        let outcome = mailer.check().await;
        let mailer = mailer.describe();
        match &outcome {
            Ok(()) => {
                tracing::info!(%mailer, "mail settings checked: the server takes the connection, TLS and login")
            }
            Err(e) => {
                tracing::error!(%mailer, error = %e.message, "mail settings checked: they do not work; mail will wait in the outbox")
            }
        }
        *self.0.lock().expect("mail check lock") = Some(Checked {
            at: chrono::Utc::now(),
            mailer,
            error: outcome.err().map(|e| e.message),
        });
    }

    /// The last outcome, once the check has run.
    pub fn last(&self) -> Option<Checked> {
        self.0.lock().expect("mail check lock").clone()
    }
}

/// lettre's URL syntax, also accepting `tls=starttls` (= `required`) and `tls=none`.
fn lettre_url(url: &str) -> anyhow::Result<String> {
    let mut parsed = url::Url::parse(url).context("UNDERSIGNED_SMTP_URL is not a URL")?;
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed.set_query(None);
    {
        let mut query = parsed.query_pairs_mut();
        for (k, v) in pairs {
            match (k.as_str(), v.as_str()) {
                ("tls", "starttls") => {
                    query.append_pair("tls", "required");
                }
                ("tls", "none") => {}
                _ => {
                    query.append_pair(&k, &v);
                }
            }
        }
    }
    let mut s = parsed.to_string();
    if s.ends_with('?') {
        s.pop();
    }
    Ok(s)
}

/// The TLS mode `url` asks for, trusting the certificate authorities in the PEM file at `path`
/// beside the system's (`smtp_ca_file`: a private relay with a CA of its own).
fn tls_trusting(url: &str, path: &std::path::Path) -> anyhow::Result<Tls> {
    let pem = std::fs::read(path)
        .with_context(|| format!("UNDERSIGNED_SMTP_CA_FILE: reading {}", path.display()))?;
    let parsed = url::Url::parse(url)?;
    let host = parsed
        .host_str()
        .context("UNDERSIGNED_SMTP_URL names no host")?
        .to_string();
    let mut parameters = TlsParameters::builder(host);
    // A bundle may hold several certificates: add each.
    let mut found = 0;
    for block in pem_blocks(&pem) {
        let certificate = Certificate::from_pem(block.as_bytes()).with_context(|| {
            format!(
                "UNDERSIGNED_SMTP_CA_FILE: {} holds a certificate that is not valid PEM",
                path.display()
            )
        })?;
        parameters = parameters.add_root_certificate(certificate);
        found += 1;
    }
    anyhow::ensure!(
        found > 0,
        "UNDERSIGNED_SMTP_CA_FILE: {} holds no PEM certificate",
        path.display()
    );
    let parameters = parameters.build()?;
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) => Ok(Tls::Wrapper(parameters)),
        ("smtp", Some("required")) => Ok(Tls::Required(parameters)),
        ("smtp", Some("opportunistic")) => Ok(Tls::Opportunistic(parameters)),
        _ => anyhow::bail!(
            "UNDERSIGNED_SMTP_CA_FILE is set but UNDERSIGNED_SMTP_URL uses no TLS \
             (use smtps:// or ?tls=starttls)"
        ),
    }
}

/// The `-----BEGIN CERTIFICATE-----` blocks of a PEM bundle.
fn pem_blocks(pem: &[u8]) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(pem);
    text.match_indices("-----BEGIN CERTIFICATE-----")
        .filter_map(|(start, _)| {
            let rest = &text[start..];
            rest.find(END)
                .map(|end| rest[..end + END.len()].to_string())
        })
        .collect()
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        match &settings.smtp_url {
            Some(url) => {
                let url = lettre_url(url.expose_secret())?;
                let timeout = Duration::from_secs(settings.smtp_timeout_secs.max(1));
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .context("UNDERSIGNED_SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(timeout))
                    .pool_config(PoolConfig::new().max_size(SMTP_POOL_SIZE));
                if let Some(path) = &settings.smtp_ca_file {
                    builder = builder.tls(tls_trusting(&url, path)?);
                }
                Ok(Mailer::Smtp(SmtpThread::start(
                    builder,
                    timeout,
                    SMTP_POOL_SIZE as usize,
                )?))
            }
            None => {
                let dir = settings.data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating mail folder {}", dir.display()))?;
                Ok(Mailer::File {
                    transport: AsyncFileTransport::<Tokio1Executor>::new(&dir),
                    dir,
                })
            }
        }
    }

    /// Whether the mail settings work, sending nothing: for SMTP, a connection with its TLS
    /// and login, and a NOOP (the server's own words when they fail); mail written to files
    /// always works once its folder exists.
    pub async fn check(&self) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(thread) => thread.check().await,
            Mailer::File { .. } => Ok(()),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "smtp".into(),
            Mailer::File { dir, .. } => format!("files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &Mailbox, email: &Email) -> Result<(), SendError> {
        let message = build_message(from, email).map_err(|e| SendError {
            permanent: true,
            message: format!("could not build the message: {e}"),
        })?;
        match self {
            Mailer::Smtp(thread) => thread.send(message).await,
            Mailer::File { transport, dir } => {
                let id = transport.send(message).await.map_err(|e| SendError {
                    permanent: false,
                    message: e.to_string(),
                })?;
                let path = dir.join(format!("{id}.eml"));
                match &email.primary_link {
                    Some(link) => {
                        tracing::info!(path = %path.display(), %link, "mail written to a file")
                    }
                    None => tracing::info!(path = %path.display(), "mail written to a file"),
                }
                Ok(())
            }
        }
    }
}

fn build_message(from: &Mailbox, email: &Email) -> anyhow::Result<Message> {
    let to: Mailbox = email.to.parse().context("recipient address")?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(email.message_id.clone()));
    if let Some(url) = &email.list_unsubscribe {
        anyhow::ensure!(
            url.is_ascii() && !url.contains(['<', '>', '\r', '\n', ' ']),
            "the unsubscribe URL is not a plain URL"
        );
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ));
    }
    Ok(builder.multipart(
        MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(email.text.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(email.html.clone()),
            ),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starttls_and_none_map_to_lettre_syntax() {
        assert_eq!(
            lettre_url("smtp://u:p@mail.example.org:587?tls=starttls").unwrap(),
            "smtp://u:p@mail.example.org:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtp://127.0.0.1:2525?tls=none").unwrap(),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(
            lettre_url("smtps://mail.example.org").unwrap(),
            "smtps://mail.example.org"
        );
    }

    #[test]
    fn messages_carry_both_parts_and_the_message_id() {
        let email = Email {
            to: "someone@example.org".into(),
            subject: "Subject".into(),
            text: "plain text".into(),
            html: "<p>html</p>".into(),
            message_id: "<abc@example.org>".into(),
            primary_link: None,
            list_unsubscribe: None,
        };
        let from: Mailbox = "undersigned <noreply@example.org>".parse().unwrap();
        let raw = String::from_utf8(build_message(&from, &email).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <abc@example.org>"), "{raw}");
        assert!(raw.contains("text/plain") && raw.contains("text/html"));
        assert!(raw.contains("plain text") && raw.contains("<p>html</p>"));
        assert!(!raw.contains("List-Unsubscribe"), "{raw}");
    }

    #[test]
    fn updates_carry_one_click_unsubscribe_headers() {
        let url = "https://x.example/unsubscribe/abc";
        let email = Email {
            to: "someone@example.org".into(),
            subject: "News".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            message_id: "<u@example.org>".into(),
            primary_link: None,
            list_unsubscribe: Some(url.into()),
        };
        let from: Mailbox = "undersigned <noreply@example.org>".parse().unwrap();
        let raw = String::from_utf8(build_message(&from, &email).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("List-Unsubscribe: <https://x.example/unsubscribe/abc>\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            "{raw}"
        );
        let hostile = Email {
            list_unsubscribe: Some("https://x.example/a>\r\nBcc: evil@example.org".into()),
            ..email
        };
        assert!(build_message(&from, &hostile).is_err());
    }
}
