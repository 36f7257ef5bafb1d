//! Database access: backend selection from the URL, the connection pool, migrations, the schema
//! and the row models.
//!
//! One code base serves SQLite and PostgreSQL through diesel's `MultiConnection`: queries are
//! written once against [`DbConnection`]; the few backend-specific statements match on its variant.

pub mod backup;
pub mod migrations;
pub mod models;
pub mod pool;
pub mod query;
pub mod schema;
pub mod writer;

pub use pool::{write_transaction, Db, DbConnection, SqliteTuning};

use anyhow::bail;
use secrecy::{ExposeSecret, SecretString};

/// Run one diesel expression on the concrete connection of either backend: for the few
/// statements `MultiConnection` cannot express (upserts, row locks). The body is written once.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}

/// Which backend a database URL names.
#[derive(Clone)]
pub enum DatabaseUrl {
    /// A file path (the part after `sqlite://`).
    Sqlite(String),
    /// The whole `postgres://` or `postgresql://` URL.
    Postgres(SecretString),
}

impl DatabaseUrl {
    /// `sqlite://PATH` (also `sqlite:PATH`), or `postgres://...` / `postgresql://...`.
    pub fn parse(url: &SecretString) -> anyhow::Result<DatabaseUrl> {
        let url = url.expose_secret();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(SecretString::from(url.to_string())));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                bail!(
                    "DATABASE_URL sqlite:// needs a file path, e.g. sqlite://data/undersigned.db"
                );
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        bail!("DATABASE_URL must start with sqlite:// or postgres://")
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }

    /// A form safe to log: the SQLite path, or the PostgreSQL URL without its password.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => match url::Url::parse(url.expose_secret()) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    u.to_string()
                }
                Err(_) => "postgres://(unparsable)".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_url_scheme() {
        let sqlite = DatabaseUrl::parse(&"sqlite://data/x.db".into()).unwrap();
        assert!(matches!(&sqlite, DatabaseUrl::Sqlite(p) if p == "data/x.db"));
        let pg = DatabaseUrl::parse(&"postgres://u:pw@h/db".into()).unwrap();
        assert_eq!(pg.backend_name(), "postgres");
        assert!(!pg.redacted().contains("pw"));
        assert!(DatabaseUrl::parse(&"mysql://h/db".into()).is_err());
        assert!(DatabaseUrl::parse(&"sqlite://".into()).is_err());
    }
}
