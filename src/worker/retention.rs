//! The retention worker: removes signers' email addresses from letters delivered longer ago
//! than `signer_email_retention_days` (`service::erasure::apply_retention`). Every
//! `retention_poll_ms`; several instances may run it (a letter whose addresses are gone is not
//! picked again, and each letter is one transaction).

use std::time::Duration;

use crate::db::Db;
use crate::service::{self, erasure};

pub struct RetentionWorker {
    pub db: Db,
    /// 0 keeps addresses: the worker does not run.
    pub days: u32,
    pub poll: Duration,
}

impl RetentionWorker {
    /// Run until the process stops.
    pub async fn run(self) {
        if self.days == 0 {
            tracing::info!("signer email retention is off (signer_email_retention_days = 0)");
            return;
        }
        tracing::info!(days = self.days, "retention worker started");
        loop {
            let days = self.days;
            let done = self
                .db
                .write(move |conn| erasure::apply_retention(conn, days, service::now()))
                .await;
            match done {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(letters = n, "removed signer addresses past retention");
                    if n as i64 == erasure::RETENTION_BATCH {
                        continue;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "retention worker could not run"),
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}
