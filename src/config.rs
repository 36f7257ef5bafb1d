//! Typed settings: defaults, then an optional TOML file, then environment variables.
//!
//! Every setting is documented in `docs/CONFIGURATION.md`. Secrets (the admin token, the SMTP URL
//! with its password, a PostgreSQL URL with its password) are held in [`SecretString`], whose
//! `Debug` output is redacted, so logging the settings never leaks them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The config file read when `--config` / `UNDERSIGNED_CONFIG` names none and it exists.
pub const DEFAULT_CONFIG_FILE: &str = "undersigned.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on; port 0 picks a free port.
    pub bind: String,
    /// Folder for the embedded SQLite database, generated keys and written mail.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://...`; unset means `sqlite://<data_dir>/undersigned.db`.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub database_url: Option<SecretString>,
    /// Base URL of links in emails; unset means `http://<bind>`.
    pub public_url: Option<String>,
    /// Bearer token for write endpoints; unset means one is generated into `<data_dir>/admin-token`.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub admin_token: Option<SecretString>,
    /// `smtp://user:pass@host:587?tls=starttls`; unset means mail is written as files.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub smtp_url: Option<SecretString>,
    /// Key for deriving link tokens (32+ characters); unset means one is generated into
    /// `<data_dir>/secret-key`. Every instance sharing a database needs the same key.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub secret_key: Option<SecretString>,
    /// Ed25519 seed (64 hex digits) that signs ledger heads; unset means one is generated into
    /// `<data_dir>/ledger-key`. Its public key is served at `/.well-known/undersigned-ledger-key`.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub ledger_key: Option<SecretString>,
    /// The `From` of every mail.
    pub mail_from: String,
    /// How long a confirmation link stays valid, in seconds.
    pub confirmation_ttl_secs: u64,
    /// How many confirmation mails one unconfirmed signature may get (the first one included).
    pub max_confirmation_sends: i32,
    /// Delivery attempts before a mail is parked as dead.
    pub outbox_max_attempts: i32,
    /// First retry delay in milliseconds; doubles each attempt, with jitter.
    pub outbox_retry_base_ms: u64,
    /// Longest retry delay in milliseconds.
    pub outbox_retry_max_ms: u64,
    /// How often the worker looks for due mail when nothing wakes it, in milliseconds.
    pub outbox_poll_ms: u64,
    /// How long a worker's claim on a mail lasts, in seconds: a mail claimed by a worker that
    /// died (or lost its database) is sent again once this runs out.
    pub outbox_lease_secs: u64,
    /// How often the deadline worker closes open letters whose signing deadline has passed, in
    /// milliseconds.
    pub deadline_poll_ms: u64,
    /// Bearer token for `/metrics` (Prometheus); unset: `/metrics` answers 404.
    #[serde(serialize_with = "serialize_secret_opt")]
    pub metrics_token: Option<SecretString>,
    /// SMTP timeout, in seconds: for connecting, and for the whole exchange of one mail.
    pub smtp_timeout_secs: u64,
    /// A PEM file of extra certificate authorities to trust for the SMTP server's certificate,
    /// beside the system's (a private relay with its own CA). Unset: the system's only.
    pub smtp_ca_file: Option<PathBuf>,
    /// The reverse proxies in front of the service, as addresses or CIDR networks (a list, or
    /// one string separated by commas): only from these are `Forwarded`, `X-Forwarded-For` and
    /// `X-Forwarded-Proto` believed (`proxy`). Empty: the TCP peer is the client.
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// The header those proxies write: `X-Forwarded-For` (with `X-Forwarded-Proto`) or
    /// `Forwarded`.
    pub proxy_header: String,
    /// Sign requests allowed per client IP per minute; 0 turns the limit off.
    pub sign_rate_per_minute: u32,
    /// Sign requests a client IP may make in a burst before the per-minute rate applies.
    pub sign_rate_burst: u32,
    /// Sign requests allowed per letter per minute, from all addresses together; 0 turns the
    /// limit off.
    pub sign_rate_per_letter_per_minute: u32,
    /// Sign requests one letter may get in a burst before its per-minute rate applies.
    pub sign_rate_per_letter_burst: u32,
    /// Unconfirmed signatures addresses at one email domain may make per hour from one sender
    /// network, across all letters, before that network's further sign requests for the domain
    /// answer 429 (free-mail providers aside); 0 turns the cap off.
    pub unconfirmed_per_domain_per_hour: u32,
    /// New signatures (so confirmation mails) for addresses at one email domain per hour, from
    /// all networks together (free-mail providers aside); 0 turns the bound off.
    pub mails_per_domain_per_hour: u32,
    /// How far back the dashboard's surge alert looks, in minutes.
    pub surge_window_minutes: u32,
    /// A domain or network surges when it made more than this many of a letter's signatures in
    /// the window…
    pub surge_min_signatures: u32,
    /// …and more than this share of them, in per cent.
    pub surge_min_share_percent: u32,
    /// Sign-in attempts (and setup-link posts) allowed per client IP per minute; 0 turns the
    /// limit off.
    pub sign_in_rate_per_minute: u32,
    /// Sign-in attempts a client IP may make in a burst before the per-minute rate applies.
    pub sign_in_rate_burst: u32,
    /// Updates coordinators may send to one letter's signatories in 24 hours; 0 means no limit.
    pub updates_per_letter_per_day: u32,
    /// Days after a letter's delivery when its signers' email addresses are removed; 0 keeps
    /// them.
    pub signer_email_retention_days: u32,
    /// How often the retention worker looks for delivered letters past that time, in
    /// milliseconds.
    pub retention_poll_ms: u64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests handled at once; one more gets `503` with `Retry-After` (0: no limit).
    pub max_in_flight: usize,
    /// Memory for public responses rendered once and served from memory, in MiB
    /// (`cache::ResponseCache`).
    pub response_cache_mib: u64,
    /// How long a request's body may take to arrive whole, in milliseconds; a slower one is
    /// answered 408 and its connection closed.
    pub body_timeout_ms: u64,
    /// Request bodies from one client address that may be waiting for the network at once; one
    /// more answers 429 at once (0: no limit).
    pub max_unfinished_bodies_per_address: usize,
    /// Connections in the database pool.
    pub db_pool_size: u32,
    /// How long SQLite waits for a lock before giving up, in milliseconds.
    pub sqlite_busy_timeout_ms: u32,
    /// How much of the SQLite file reads may map instead of copying, in MiB; 0 turns it off.
    pub sqlite_mmap_mb: u32,
    /// HTTP worker threads; unset means one per core.
    pub workers: Option<usize>,
    /// Default log filter (overridden by `RUST_LOG`).
    pub log: String,
    /// `text` (one readable line per event) or `json` (one JSON object per line, for log
    /// shippers).
    pub log_format: String,
    /// The licence of every public list of signatories (the data, not the software): an SPDX
    /// identifier (`domain::licence`).
    pub data_licence: String,
    /// Its title, for a licence the service does not know (or to replace the known one's).
    pub data_licence_title: Option<String>,
    /// Where its text is, for a licence the service does not know (or to replace the known one's).
    pub data_licence_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            public_url: None,
            admin_token: None,
            smtp_url: None,
            secret_key: None,
            ledger_key: None,
            mail_from: "undersigned <noreply@localhost>".into(),
            confirmation_ttl_secs: 7 * 24 * 3600,
            max_confirmation_sends: 5,
            outbox_max_attempts: 10,
            outbox_retry_base_ms: 5_000,
            outbox_retry_max_ms: 3_600_000,
            outbox_poll_ms: 1_000,
            outbox_lease_secs: 120,
            deadline_poll_ms: 30_000,
            smtp_timeout_secs: 10,
            metrics_token: None,
            smtp_ca_file: None,
            trusted_proxies: Vec::new(),
            proxy_header: "X-Forwarded-For".into(),
            sign_rate_per_minute: 30,
            sign_rate_burst: 10,
            sign_rate_per_letter_per_minute: 300,
            sign_rate_per_letter_burst: 100,
            unconfirmed_per_domain_per_hour: 50,
            mails_per_domain_per_hour: 250,
            surge_window_minutes: 60,
            surge_min_signatures: 20,
            surge_min_share_percent: 30,
            sign_in_rate_per_minute: 6,
            sign_in_rate_burst: 5,
            updates_per_letter_per_day: 2,
            signer_email_retention_days: 90,
            retention_poll_ms: 3_600_000,
            max_body_bytes: 256 * 1024,
            max_in_flight: 512,
            response_cache_mib: 64,
            body_timeout_ms: 10_000,
            max_unfinished_bodies_per_address: 8,
            db_pool_size: 8,
            sqlite_busy_timeout_ms: crate::db::SqliteTuning::default().busy_timeout_ms,
            sqlite_mmap_mb: crate::db::SqliteTuning::default().mmap_mb,
            workers: None,
            log: "info".into(),
            log_format: "text".into(),
            data_licence: "CC0-1.0".into(),
            data_licence_title: None,
            data_licence_url: None,
        }
    }
}

/// A list, or one string of items separated by commas (as an environment variable is easiest
/// to write).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Items {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Items::deserialize(deserializer)? {
        Items::List(items) => items,
        Items::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

fn serialize_secret_opt<S: serde::Serializer>(
    value: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => serializer.serialize_some(secret.expose_secret()),
        None => serializer.serialize_none(),
    }
}

impl Settings {
    /// Load settings: defaults, then the TOML file (the one given, else `undersigned.toml` if it
    /// exists), then `UNDERSIGNED_*` environment variables and `DATABASE_URL`.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "config file {} not found", path.display());
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file(DEFAULT_CONFIG_FILE)),
        }
        figment = figment
            .merge(Env::prefixed("UNDERSIGNED_").ignore(&["config"]))
            .merge(Env::raw().only(&["database_url"]));
        figment.extract().context("invalid configuration")
    }

    /// The database URL in force, with the SQLite default filled in.
    pub fn database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => SecretString::from(format!(
                "sqlite://{}",
                self.data_dir.join("undersigned.db").display()
            )),
        }
    }

    /// The licence of the public lists, from `data_licence` (and its title and URL when given);
    /// an error names the setting that is wrong.
    pub fn data_licence(&self) -> anyhow::Result<crate::domain::licence::Licence> {
        crate::domain::licence::Licence::configured(
            &self.data_licence,
            self.data_licence_title.as_deref(),
            self.data_licence_url.as_deref(),
        )
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
    }

    /// The public base URL without a trailing slash.
    pub fn public_url(&self, bound_port: u16) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => {
                let host = self.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
                format!("http://{host}:{bound_port}")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_secrets() {
        let settings = Settings {
            admin_token: Some(SecretString::from("admin-secret-value")),
            smtp_url: Some(SecretString::from("smtp://u:smtp-pass@host:587")),
            secret_key: Some(SecretString::from("key-secret-value-0123456789abcdef")),
            database_url: Some(SecretString::from("postgres://u:db-pass@host/db")),
            ..Settings::default()
        };
        let shown = format!("{settings:?}");
        for secret in [
            "admin-secret-value",
            "smtp-pass",
            "db-pass",
            "key-secret-value",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
    }

    #[test]
    fn trusted_proxies_are_a_list_or_a_string_of_commas() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("UNDERSIGNED_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1");
            let settings = Settings::load(None).expect("loads");
            assert_eq!(settings.trusted_proxies, ["10.0.0.0/8", "127.0.0.1"]);
            jail.set_env("UNDERSIGNED_TRUSTED_PROXIES", "[\"fd00::/8\"]");
            let settings = Settings::load(None).expect("loads");
            assert_eq!(settings.trusted_proxies, ["fd00::/8"]);
            jail.create_file(
                "proxies.toml",
                "trusted_proxies = [\"192.0.2.1\", \"192.0.2.2\"]",
            )?;
            jail.set_env("UNDERSIGNED_TRUSTED_PROXIES", "");
            let settings = Settings::load(Some(Path::new("proxies.toml"))).expect("loads");
            assert!(
                settings.trusted_proxies.is_empty(),
                "the environment wins, and empty is none"
            );
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_file_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "bind = \"0.0.0.0:9000\"\nlog = \"debug\"")?;
            jail.set_env("UNDERSIGNED_BIND", "127.0.0.1:0");
            jail.set_env("DATABASE_URL", "postgres://localhost/x");
            let settings = Settings::load(Some(Path::new("custom.toml"))).expect("loads");
            assert_eq!(settings.bind, "127.0.0.1:0");
            assert_eq!(settings.log, "debug");
            assert_eq!(
                settings.database_url().expose_secret(),
                "postgres://localhost/x"
            );
            assert_eq!(settings.max_body_bytes, 256 * 1024);
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_in_the_file_are_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "bnid = \"x\"")?;
            assert!(Settings::load(Some(Path::new("bad.toml"))).is_err());
            Ok(())
        });
    }

    #[test]
    fn the_data_licence_is_cc0_unless_configured() {
        figment::Jail::expect_with(|jail| {
            let settings = Settings::load(None).expect("loads");
            assert_eq!(settings.data_licence().expect("valid").id, "CC0-1.0");
            jail.create_file("licence.toml", "data_licence = \"ODbL-1.0\"")?;
            let settings = Settings::load(Some(Path::new("licence.toml"))).expect("loads");
            let licence = settings.data_licence().expect("valid");
            assert_eq!(licence.title, "ODbL 1.0");
            jail.set_env("UNDERSIGNED_DATA_LICENCE", "Etalab-2.0");
            let settings = Settings::load(Some(Path::new("licence.toml"))).expect("loads");
            let error = settings
                .data_licence()
                .expect_err("unknown, with no title or URL");
            assert!(error.to_string().contains("data_licence_title"), "{error}");
            jail.set_env("UNDERSIGNED_DATA_LICENCE_TITLE", "Licence Ouverte 2.0");
            jail.set_env(
                "UNDERSIGNED_DATA_LICENCE_URL",
                "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            );
            let settings = Settings::load(None).expect("loads");
            assert_eq!(
                settings.data_licence().expect("valid").title,
                "Licence Ouverte 2.0"
            );
            Ok(())
        });
    }

    #[test]
    fn public_url_defaults_to_the_bound_address() {
        let settings = Settings {
            bind: "127.0.0.1:0".into(),
            ..Settings::default()
        };
        assert_eq!(settings.public_url(4321), "http://127.0.0.1:4321");
        let settings = Settings {
            public_url: Some("https://letters.example.org/".into()),
            ..Settings::default()
        };
        assert_eq!(settings.public_url(1), "https://letters.example.org");
    }
}
