//! The outbox worker: claims due mail, renders it, sends it, and records the outcome.
//!
//! At least once: a row is marked sent only after the mail server accepted it, so a crash between
//! the two sends it again when its lease runs out (with the same Message-ID). Failures are retried
//! with exponential backoff and jitter; a permanent SMTP refusal (5xx), a mail that cannot be
//! rendered, or the last allowed attempt parks the row as `dead` with its error, never dropped.

use crate::i18n::Lang;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use rand::Rng;
use tokio::sync::Notify;

use crate::db::models::OutboxMail;
use crate::db::Db;
use crate::domain::token::{Purpose, TokenKey};
use crate::domain::{MailKind, SignatureState};
use crate::email::{templates, Email, Mailer};
use crate::error::AppError;
use crate::service::letters::{self, Audience};
use crate::service::{self, deliveries, invitations, outbox, public_list, signatures, updates};

/// Rows claimed at once; sent concurrently over the SMTP pool.
const BATCH: i64 = 32;
/// Loops that claim and send batches side by side: while one waits for SMTP answers, another
/// claims and renders (one loop left the database and the SMTP pool idle in turns).
const LANES: usize = 2;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: i32,
    pub base: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    /// The delay before attempt `attempts + 1`: base × 2^(attempts-1), capped, ±20 % jitter.
    pub fn delay(&self, attempts: i32) -> Duration {
        let exp = attempts.saturating_sub(1).clamp(0, 30) as u32;
        let raw = self
            .base
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.max);
        let jitter = rand::rng().random_range(0.8..1.2);
        raw.mul_f64(jitter)
    }
}

pub struct OutboxWorker {
    pub db: Db,
    pub mailer: Arc<Mailer>,
    pub from: Mailbox,
    pub key: TokenKey,
    pub public_url: String,
    pub retry: RetryPolicy,
    pub poll: Duration,
    /// How long a claimed row stays reserved for the worker that claimed it (`outbox_lease_secs`).
    pub lease: chrono::Duration,
    /// Woken after a request queues mail, so it goes out at once.
    pub wake: Arc<Notify>,
}

impl OutboxWorker {
    /// Run until the process stops.
    pub async fn run(self) {
        let worker = Arc::new(self);
        tracing::info!(mailer = %worker.mailer.describe(), lanes = LANES, "outbox worker started");
        let lanes: Vec<_> = (0..LANES)
            .map(|_| actix_web::rt::spawn(Arc::clone(&worker).lane()))
            .collect();
        for lane in lanes {
            let _ = lane.await;
        }
    }

    /// One claim-render-send-mark loop. Claims never overlap (the claim is one write that
    /// leases its rows), so lanes only overlap one batch's sending with the next one's claim.
    async fn lane(self: Arc<Self>) {
        let worker = self;
        let lease = worker.lease;
        loop {
            let claimed = worker
                .db
                .write(move |conn| outbox::claim(conn, BATCH, lease))
                .await;
            match claimed {
                Ok(batch) if !batch.is_empty() => {
                    let full = batch.len() as i64 == BATCH;
                    // The whole batch is rendered in one trip to the blocking pool, on one
                    // connection (a trip per mail cost more than the queries); then sent
                    // concurrently over the SMTP pool.
                    let rendered = {
                        let (key, public_url) = (worker.key.clone(), worker.public_url.clone());
                        let batch = batch.clone();
                        worker
                            .db
                            .run(move |conn| {
                                Ok(batch
                                    .iter()
                                    .map(|mail| prepare(conn, &key, &public_url, mail))
                                    .collect::<Vec<_>>())
                            })
                            .await
                    };
                    let rendered = match rendered {
                        Ok(each) => each,
                        // No connection: every mail of the batch is retried later.
                        Err(e) => (batch.iter())
                            .map(|_| Err(AppError::Unavailable(anyhow::anyhow!("{e}"))))
                            .collect(),
                    };
                    let mut tasks = tokio::task::JoinSet::new();
                    let mut skipped = Vec::new();
                    for (mail, email) in batch.into_iter().zip(rendered) {
                        let email = match email {
                            Ok(Prepared::Skip(reason)) => {
                                tracing::info!(outbox_id = %mail.id, kind = %mail.kind, reason, "mail not sent");
                                skipped.push((mail.id, reason));
                                continue;
                            }
                            Ok(Prepared::Send(email)) => Ok(email),
                            Err(e) => Err(e),
                        };
                        let worker = Arc::clone(&worker);
                        tasks.spawn_local(async move { worker.deliver(mail, email).await });
                    }
                    let mut sent = Vec::new();
                    while let Some(outcome) = tasks.join_next().await {
                        if let Ok(Some(id)) = outcome {
                            sent.push(id);
                        }
                    }
                    // One write for the whole batch: the writer is shared with sign requests.
                    let marked = worker
                        .db
                        .write(move |conn| {
                            outbox::mark_sent(conn, &sent)?;
                            outbox::mark_skipped(conn, &skipped)
                        })
                        .await;
                    if let Err(e) = marked {
                        // The leases run out and the mails are sent again (at least once).
                        tracing::warn!(error = %e, "could not mark mail as sent");
                    }
                    if full {
                        continue;
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox worker could not claim mail"),
            }
            let _ = tokio::time::timeout(worker.poll, worker.wake.notified()).await;
        }
    }

    /// Send one rendered mail; returns its id when it was sent (the caller marks the batch),
    /// and records a failure itself.
    async fn deliver(&self, mail: OutboxMail, rendered: Result<Email, AppError>) -> Option<String> {
        let id = mail.id.clone();
        let attempts = mail.attempts + 1;
        let outcome = match rendered {
            Ok(email) => self
                .mailer
                .send(&self.from, &email)
                .await
                .map_err(|e| (e.permanent, e.message)),
            Err(AppError::Unavailable(e)) => Err((false, format!("database unavailable: {e}"))),
            Err(e) => Err((true, format!("could not render: {e}"))),
        };
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(outbox_id = %id, kind = %mail.kind, attempts, "mail sent");
                return Some(id);
            }
            Err((permanent, error)) => {
                let retry_at = (!permanent && attempts < self.retry.max_attempts).then(|| {
                    service::now()
                        + chrono::Duration::from_std(self.retry.delay(attempts))
                            .unwrap_or_else(|_| chrono::Duration::hours(1))
                });
                match retry_at {
                    Some(at) => {
                        tracing::warn!(outbox_id = %id, attempts, %error, retry_at = %at, "mail not sent; will retry")
                    }
                    None => {
                        tracing::error!(outbox_id = %id, attempts, %error, "mail not sent; parked as dead")
                    }
                }
                self.db
                    .write(move |conn| outbox::mark_failed(conn, &id, &error, retry_at))
                    .await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the row is tried again.
            tracing::warn!(error = %e, "could not record a delivery outcome");
        }
        None
    }
}

/// What to do with a claimed row.
pub enum Prepared {
    Send(Email),
    /// Send nothing: the recipient no longer takes this mail (an update to a signer who
    /// unsubscribed, withdrew or was erased since it was queued). The row is closed with the
    /// reason, never mailed.
    Skip(&'static str),
}

/// The language a signer's mails are written in (English for a value the interface lacks).
fn signer_lang(view: &signatures::SignatureView) -> Lang {
    Lang::parse(&view.signature.mail_language).unwrap_or_default()
}

/// The head of a mail about the signature of `view`, in the language `t`: its letter, the
/// letter's page, its organisation.
fn signer_head<'v>(
    view: &'v signatures::SignatureView,
    public_url: &str,
    t: Lang,
) -> templates::SignerMailHead<'v> {
    templates::SignerMailHead {
        letter_title: &view.letter.title,
        letter_url: format!("{public_url}/letters/{}", view.letter.slug),
        organisation_name: &view.organisation.name,
        t,
    }
}

/// The link in every mail to a signer that withdraws the signature `id`.
fn withdraw_url(key: &TokenKey, public_url: &str, id: &str) -> String {
    let token = key.derive(Purpose::WithdrawSignature, id);
    format!("{public_url}/signatures/withdraw/{}", token.as_str())
}

/// The signature an outbox row is about.
fn signature_id(mail: &OutboxMail) -> Result<&str, AppError> {
    mail.signature_id
        .as_deref()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no signature")))
}

/// Turn an outbox row into the mail to send, reading what it refers to; or skip it, when what
/// it refers to no longer calls for it (each kind checks that once it has read it).
pub fn prepare(
    conn: &mut crate::db::DbConnection,
    key: &TokenKey,
    public_url: &str,
    mail: &OutboxMail,
) -> Result<Prepared, AppError> {
    let kind: MailKind = mail
        .kind
        .parse()
        .map_err(|e: String| AppError::Unexpected(anyhow::anyhow!("outbox kind: {e}")))?;
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    let message_id = format!("<{}@{}>", mail.id, host);
    // Each kind: its rendered subject, text and HTML, the link worth logging, and the
    // unsubscribe link for the `List-Unsubscribe` headers.
    let ((subject, text, html), primary_link, list_unsubscribe) = match kind {
        MailKind::SignatureConfirmation => {
            let view = signatures::find_by_id(conn, signature_id(mail)?)?;
            let confirm = key.derive(Purpose::ConfirmSignature, &view.signature.id);
            let t = signer_lang(&view);
            let expires = view.signature.confirm_expires_at;
            let content = templates::SignatureConfirmation {
                head: signer_head(&view, public_url, t),
                representative_name: &view.signature.representative_name,
                confirm_url: &format!("{public_url}/signatures/confirm/{}", confirm.as_str()),
                withdraw_url: &withdraw_url(key, public_url, &view.signature.id),
                expires_at: &t.time_utc(expires),
                held: view.signature.contests.is_some(),
            };
            (
                content.render()?,
                Some(format!(
                    "{public_url}/signatures/confirm/{}",
                    confirm.as_str()
                )),
                None,
            )
        }
        MailKind::SignatureContested => {
            let held = signatures::find_by_id(conn, signature_id(mail)?)?;
            // Decided before the mail went out: the held signature no longer contests this one.
            let contested_id = match held.signature.contests.as_deref() {
                Some(id) if held.state().is_live() => id,
                _ => {
                    return Ok(Prepared::Skip(
                        "the contest was decided before the mail went out",
                    ))
                }
            };
            let contested = signatures::find_by_id(conn, contested_id)?;
            let withdraw = withdraw_url(key, public_url, &contested.signature.id);
            let content = templates::ContestedMail {
                head: signer_head(&held, public_url, signer_lang(&contested)),
                representative_name: &contested.signature.representative_name,
                other_domain: &held.signature.email_domain,
                listed: contested.state() == SignatureState::Published,
                withdraw_url: &withdraw,
            };
            (content.render()?, Some(withdraw), None)
        }
        MailKind::AlreadySigned => {
            let view = signatures::find_by_id(conn, signature_id(mail)?)?;
            if !view.state().is_live() {
                return Ok(Prepared::Skip(ENDED));
            }
            let withdraw = withdraw_url(key, public_url, &view.signature.id);
            let state = view.state();
            let t = signer_lang(&view);
            let standing = match (state, view.signature.published_at) {
                (SignatureState::Published, Some(at)) => {
                    t.with1("standing-listed", "date", t.date(at.date()))
                }
                (SignatureState::Pending, _) => t.get("standing-pending"),
                _ => t.get("standing-review"),
            };
            let content = templates::AlreadySignedMail {
                head: signer_head(&view, public_url, t),
                representative_name: &view.signature.representative_name,
                standing: &standing,
                pending: state == SignatureState::Pending,
                withdraw_url: &withdraw,
            };
            (content.render()?, Some(withdraw), None)
        }
        MailKind::AlreadyListed => {
            let view = signatures::find_by_id(conn, signature_id(mail)?)?;
            if !view.state().is_live() {
                return Ok(Prepared::Skip(ENDED));
            }
            let coalition = crate::service::coalitions::find(conn, &view.letter.coalition_id)?;
            // The colleague's language, from their request (the signature is someone else's).
            let t = (mail.language.as_deref())
                .and_then(Lang::parse)
                .unwrap_or_default();
            let since = (view.state() == SignatureState::Published)
                .then_some(view.signature.published_at)
                .flatten()
                .map(|at| t.date(at.date()));
            let content = templates::AlreadyListedMail {
                head: signer_head(&view, public_url, t),
                since,
                coalition_name: &coalition.name,
                coalition_website: coalition.website.as_deref(),
            };
            (content.render()?, Some(content.head.letter_url), None)
        }
        MailKind::Invitation | MailKind::InvitationReminder => {
            let invitation_id = mail
                .invitation_id
                .as_deref()
                .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no invitation")))?;
            let view = invitations::find_by_id(conn, invitation_id)?;
            let token = key.derive(Purpose::Invitation, &view.invitation.id);
            let url = format!("{public_url}/invitations/{}", token.as_str());
            let t = Lang::parse(&view.letter.letter.language).unwrap_or_default();
            let content = templates::InvitationMail {
                reminder: kind == MailKind::InvitationReminder,
                coalition_name: &view.letter.coalition.name,
                organisation_name: &view.organisation.name,
                country_name: &view.country.name,
                letter_title: &view.letter.letter.title,
                recipient_name: &view.letter.letter.recipient_name,
                invitation_url: &url,
                deadline: (view.letter.letter.deadline).map(|d| t.time_utc(d)),
                t,
            };
            (content.render()?, Some(url), None)
        }
        MailKind::Update => {
            let (signature_id, update_id) = match (&mail.signature_id, &mail.update_id) {
                (Some(s), Some(u)) => (s.as_str(), u.as_str()),
                _ => {
                    return Err(AppError::Unexpected(anyhow::anyhow!(
                        "an update mail without its signature or update"
                    )))
                }
            };
            let view = signatures::find_by_id(conn, signature_id)?;
            if let Err(reason) = updates::still_subscribed(&view) {
                return Ok(Prepared::Skip(reason));
            }
            let update = updates::find(conn, update_id)?;
            let unsubscribe = key.derive(Purpose::Unsubscribe, &view.signature.id);
            let unsubscribe_url = format!("{public_url}/unsubscribe/{}", unsubscribe.as_str());
            let content = templates::UpdateMail {
                head: signer_head(&view, public_url, signer_lang(&view)),
                subject: &update.subject,
                body: &update.body,
                body_html: &crate::domain::markdown::to_safe_mail_html(&update.body),
                unsubscribe_url: &unsubscribe_url,
                withdraw_url: &withdraw_url(key, public_url, &view.signature.id),
            };
            (
                content.render()?,
                Some(unsubscribe_url.clone()),
                Some(unsubscribe_url),
            )
        }
        MailKind::Delivery => {
            let delivery_id = mail
                .delivery_id
                .as_deref()
                .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no delivery")))?;
            let delivery = deliveries::find_by_id(conn, delivery_id)?;
            let view = letters::find(conn, &delivery.letter_id, Audience::Admin)?;
            let letter = &view.letter;
            // The list is frozen at delivery, so the mail shows what was delivered however
            // late it leaves.
            let summary = public_list::summary(conn, &letter.id)?;
            let groups = public_list::by_country(conn, &letter.id, &summary, DELIVERY_LISTS)?;
            let letter_url = format!("{public_url}/letters/{}", letter.slug);
            let content = templates::DeliveryMail {
                coalition_name: &view.coalition.name,
                letter_title: &letter.title,
                recipient_name: &letter.recipient_name,
                place_and_date: letter.place_and_date.as_deref(),
                body: &letter.body,
                body_html: &crate::domain::markdown::to_safe_mail_html(&letter.body),
                note: delivery.note.as_deref(),
                groups: &groups,
                total: delivery.signatories,
                countries: delivery.countries,
                print_url: &format!("{letter_url}/print"),
                list_url: &format!(
                    "{public_url}/api/v1/letters/{}/signatories.csv",
                    letter.slug
                ),
                letter_url: &letter_url,
                ledger_length: delivery.ledger_seq,
                ledger_hash: &delivery.ledger_hash,
            };
            (content.render()?, Some(letter_url), None)
        }
    };
    Ok(Prepared::Send(Email {
        to: mail.recipient.clone(),
        subject,
        text,
        html,
        message_id,
        primary_link,
        list_unsubscribe,
    }))
}

/// Why a mail that says "signed already" is not sent: it would be false once the signature it
/// names has ended.
const ENDED: &str = "the signature it names ended before the mail went out";

/// Signatories a delivery mail names; a longer list is a link away.
const DELIVERY_LISTS: i64 = 5_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_are_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base: Duration::from_secs(5),
            max: Duration::from_secs(60),
        };
        let first = policy.delay(1);
        assert!(
            first >= Duration::from_secs(4) && first <= Duration::from_secs(6),
            "{first:?}"
        );
        let third = policy.delay(3);
        assert!(
            third >= Duration::from_secs(16) && third <= Duration::from_secs(24),
            "{third:?}"
        );
        for attempts in [6, 20, 1000] {
            assert!(policy.delay(attempts) <= Duration::from_secs(72));
        }
    }
}
