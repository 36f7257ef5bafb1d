//! What every handler can reach: [`AppState`], built once by `startup` and shared by the API,
//! the pages and the workers' hand-offs (waking the outbox, forgetting cached versions).

use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio::sync::Notify;

use crate::db::Db;
use crate::domain::ledger::LedgerKey;
use crate::domain::token::{Token, TokenKey};
use crate::error::AppError;
use crate::service;
use crate::service::signatures::{SignatureChange, SignatureView, SigningPolicy};

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    /// Whether the mail settings worked when checked at start (the outbox page shows it).
    pub mail_check: Arc<crate::email::MailCheck>,
    pub public_url: String,
    /// The licence of every public list (`data_licence`): in the letter and list JSON, the CSV's
    /// `Link`, the data package and the letter page.
    pub data_licence: crate::domain::licence::Licence,
    pub max_body_bytes: usize,
    pub key: TokenKey,
    /// Signs the heads of letters' ledgers.
    pub ledger: LedgerKey,
    pub signing: SigningPolicy,
    /// Cookies get `Secure` when the public URL is HTTPS.
    pub secure_cookies: bool,
    pub countries: crate::http::cache::CountryCache,
    /// Shared with the deadline worker, which forgets the letters it closes.
    pub versions: Arc<crate::http::cache::VersionCache>,
    /// Public responses rendered once and served from memory.
    pub responses: crate::http::cache::ResponseCache,
    /// Updates one letter may send in 24 hours (0: no limit).
    pub updates_per_letter_per_day: u32,
    /// When the dashboard warns of signing surging from one domain or network.
    pub surge: service::abuse::SurgePolicy,
    /// Sign forms whose honeypot field was filled since start-up (logged; nothing stored).
    pub honeypot_hits: std::sync::atomic::AtomicU64,
    /// Sign requests per letter (`AppState::signing_allowed`).
    pub sign_per_letter: crate::http::rate_limit::PerLetter,
    /// The requests being handled, against `max_in_flight` (`/health` reports shedding).
    pub load: Arc<crate::http::shedding::InFlight>,
    pub(crate) outbox_wake: Arc<Notify>,
    pub(crate) admin_token_sha256: [u8; 32],
    /// What `/metrics` shows.
    pub metrics: Arc<crate::http::metrics::Metrics>,
    /// SHA-256 of `metrics_token`; `None`: `/metrics` is off.
    pub(crate) metrics_token_sha256: Option<[u8; 32]>,
}

/// What a committed write asks of this instance: the letters whose cached version is stale (a
/// change every list shows, such as an organisation's new name, makes every letter's stale), and
/// whether mail was queued for the outbox worker. Declared by the caller of
/// [`AppState::command`], done by it once the write is committed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct After {
    letters: Vec<String>,
    every_letter: bool,
    mail: bool,
}

impl After {
    /// Nothing to do.
    pub fn nothing() -> After {
        After::default()
    }

    /// The letter's public list or text changed.
    pub fn letter(slug: &str) -> After {
        After {
            letters: vec![slug.to_string()],
            ..After::default()
        }
    }

    /// Something every letter's list shows changed (an organisation's name or badge).
    pub fn every_letter() -> After {
        After {
            every_letter: true,
            ..After::default()
        }
    }

    /// A signature's change: its letter, or every letter when it verified its organisation.
    pub fn signature(view: &SignatureView) -> After {
        if view.verified_now {
            After::every_letter()
        } else {
            After::letter(&view.letter.slug)
        }
    }

    /// And mail was queued.
    pub fn and_mail(mut self) -> After {
        self.mail = true;
        self
    }
}

/// The keys a write may need: the link key (tokens in mails) and the ledger's signing key.
#[derive(Clone)]
pub struct Keys {
    pub tokens: TokenKey,
    pub ledger: LedgerKey,
}

impl AppState {
    /// The one way handlers write: run `write` in its transaction on the writer (the service
    /// checks the actor's role itself), then do what `after` declares of its result once it is
    /// committed (forget cached versions, wake the outbox). The API, the pages and the
    /// commands below all go through here.
    pub async fn command<T, W, A>(&self, write: W, after: A) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut crate::db::DbConnection, &Keys) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&T) -> After,
    {
        let keys = Keys {
            tokens: self.key.clone(),
            ledger: self.ledger.clone(),
        };
        let done = self.db.write(move |conn| write(conn, &keys)).await?;
        self.apply(after(&done));
        Ok(done)
    }

    /// Do what a committed write declared.
    fn apply(&self, after: After) {
        if after.every_letter {
            self.versions.clear();
        } else {
            for slug in &after.letters {
                self.versions.forget(slug);
            }
        }
        if after.mail {
            self.wake_outbox();
        }
    }

    /// Whether `presented` is the admin token (digests compared in constant time).
    pub fn is_admin_token(&self, presented: &str) -> bool {
        has_digest(presented, &self.admin_token_sha256)
    }

    /// `None` when `/metrics` is off; else whether `presented` is its token (constant time).
    pub fn is_metrics_token(&self, presented: &str) -> Option<bool> {
        let expected = self.metrics_token_sha256.as_ref()?;
        Some(has_digest(presented, expected))
    }

    /// Change a signature through one of its links (confirm, withdraw), then forget the cached
    /// version of its letter (of every letter when its organisation became verified, since
    /// that shows in all its lists) so the change shows at once.
    pub async fn change_signature(
        &self,
        token: Token,
        change: SignatureChange,
    ) -> Result<SignatureView, AppError> {
        let view = self
            .command(
                move |conn, keys| change(conn, &keys.ledger, &token),
                After::signature,
            )
            .await?;
        if view.changed_now {
            self.metrics
                .changed_signature(view.state() == crate::domain::SignatureState::Withdrawn);
        }
        Ok(view)
    }

    /// Sign a letter through an invitation's link, then forget the cached version of its letter
    /// (of every letter when its organisation became verified) and count the signature.
    pub async fn sign_by_invitation(
        &self,
        token: Token,
        input: crate::service::invitations::InvitationSignInput,
    ) -> Result<crate::service::invitations::Signed, AppError> {
        let policy = self.signing.clone();
        let signed = self
            .command(
                move |conn, keys| {
                    let (tokens, ledger) = (&keys.tokens, &keys.ledger);
                    crate::service::invitations::sign(conn, tokens, ledger, &policy, &token, input)
                },
                |signed| {
                    signed
                        .signature
                        .as_ref()
                        .map_or(After::nothing(), After::signature)
                },
            )
            .await?;
        if signed.signature.is_some() {
            self.metrics.sign_request("invitation");
        }
        Ok(signed)
    }

    /// Count a sign request against its letter's limit, found by slug or id (a draft or unknown
    /// letter is 404), so that every way of naming a letter shares one allowance.
    pub async fn signing_allowed(&self, slug_or_id: &str) -> Result<(), AppError> {
        let letter = self.versions.get(&self.db, slug_or_id).await?;
        self.sign_per_letter.check(&letter.letter_id)
    }

    /// Tell the outbox worker that mail was queued, so it goes out at once.
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }
}

/// Whether `presented` has the SHA-256 `expected`, compared in constant time so that the
/// comparison's timing says nothing about the token.
fn has_digest(presented: &str, expected: &[u8; 32]) -> bool {
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    crate::domain::token::same_secret(&digest, expected)
}
