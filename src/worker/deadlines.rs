//! The deadline worker: closes open letters whose signing deadline has passed, without anyone
//! asking.
//!
//! Every `deadline_poll_ms` it calls `service::letters::close_overdue`, which closes each overdue
//! letter with a guarded UPDATE (so the workers of several instances never close one letter
//! twice) and an audit row by the service. Reads do not wait for it: an open letter past its
//! deadline already reads as closed (`letters::as_of`) and refuses signatures
//! (`signatures::ensure_open`); the worker makes the database say so too, and stamps the audit log.

use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::http::cache::VersionCache;
use crate::service::{self, letters};

pub struct DeadlineWorker {
    pub db: Db,
    /// Forgotten when a letter closes, so this instance's cached ETags follow at once.
    pub versions: Arc<VersionCache>,
    pub poll: Duration,
}

impl DeadlineWorker {
    /// Run until the process stops.
    pub async fn run(self) {
        tracing::info!(
            poll_ms = self.poll.as_millis() as u64,
            "deadline worker started"
        );
        loop {
            let closed = self
                .db
                .write(|conn| letters::close_overdue(conn, service::now()))
                .await;
            match closed {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(letters = n, "closed letters whose deadline passed");
                    self.versions.clear();
                    if n as i64 == letters::CLOSE_BATCH {
                        continue;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "deadline worker could not close letters"),
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}
