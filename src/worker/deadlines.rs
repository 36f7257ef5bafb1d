//! The deadline worker: closes open letters whose signing deadline has passed, and opens drafts
//! whose opening time has come, without anyone asking.
//!
//! Every `deadline_poll_ms` it calls `service::letters::close_overdue`, which closes each overdue
//! letter with a guarded UPDATE (so the workers of several instances never close one letter
//! twice) and an audit row by the service. Reads do not wait for it: an open letter past its
//! deadline already reads as closed (`letters::as_of`) and refuses signatures
//! (`signatures::ensure_open`); the worker makes the database say so too, and stamps the audit log.
//!
//! Then it calls `service::letters::open_due`, which opens each draft whose `opens_at` has come as
//! a coordinator's open would (`letters::move_to`: guarded, ledger started, the invitations kept
//! for the opening queued, audited as the service), and wakes the outbox for those invitations.
//! A scheduled letter opens within one poll of its time.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::Db;
use crate::domain::ledger::LedgerKey;
use crate::http::cache::VersionCache;
use crate::service::{self, letters};

pub struct DeadlineWorker {
    pub db: Db,
    /// Forgotten when a letter closes, so this instance's cached ETags follow at once.
    pub versions: Arc<VersionCache>,
    pub poll: Duration,
    /// Opening a letter starts its ledger.
    pub ledger: LedgerKey,
    /// The outbox worker's wake-up: a letter that opens mails its invitations.
    pub wake: Arc<Notify>,
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
            let mut full = false;
            match closed {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(letters = n, "closed letters whose deadline passed");
                    self.versions.clear();
                    full = n as i64 == letters::CLOSE_BATCH;
                }
                Err(e) => tracing::warn!(error = %e, "deadline worker could not close letters"),
            }
            let key = self.ledger.clone();
            let opened = self
                .db
                .write(move |conn| letters::open_due(conn, &key, service::now()))
                .await;
            match opened {
                Ok(slugs) if slugs.is_empty() => {}
                Ok(slugs) => {
                    tracing::info!(
                        letters = slugs.len(),
                        "opened letters at their opening time"
                    );
                    for slug in &slugs {
                        self.versions.forget(slug);
                    }
                    self.wake.notify_one();
                    full |= slugs.len() as i64 == letters::CLOSE_BATCH;
                }
                Err(e) => tracing::warn!(error = %e, "deadline worker could not open letters"),
            }
            if !full {
                tokio::time::sleep(self.poll).await;
            }
        }
    }
}
