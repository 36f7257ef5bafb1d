//! Updates to signers: coordinators send a short news item ("the recipient answered") to a
//! letter's confirmed signatories through the outbox, each mail with an unsubscribe link and a
//! one-click `List-Unsubscribe` header (RFC 8058).
//!
//! Who gets one: signatures that are `confirmed` or `published` (never pending, withdrawn,
//! rejected or expired ones), not unsubscribed, not erased, with an address. The worker checks
//! again when it sends (`worker::outbox`), so a signer who unsubscribes or withdraws after the
//! update was queued is not mailed. The unsubscribe token is derived from the signature's id
//! (`Purpose::Unsubscribe`); only its SHA-256 is kept, set the first time an update is queued.
//!
//! Sending is limited per letter: at most `updates_per_letter_per_day` updates in any 24 hours
//! (429 with `Retry-After` beyond), so a slip cannot flood signers.

use crate::db::query::FirstOrNotFound;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, LetterView};
use super::signatures::{self as signing, SignatureView};
use super::{new_id, now};
use crate::db::models::LetterUpdate;
use crate::db::schema::{letter_updates, outbox, signatures};
use crate::db::DbConnection;
use crate::domain::token::{Purpose, Token, TokenKey};
use crate::domain::{
    LetterState, MailKind, MailState, Permission, SignatureState, SignatureVerification,
};
use crate::error::{AppError, FieldCollector};

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest body (Markdown), in characters.
pub const BODY_MAX: usize = 20_000;
/// The window of the per-letter limit.
pub const WINDOW_HOURS: i64 = 24;
/// Outbox rows inserted per statement.
const INSERT_CHUNK: usize = 500;

/// An update as posted (JSON body or dashboard form), before parsing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// The mail's subject: 1 to 200 characters.
    #[serde(default)]
    pub subject: String,
    /// The update, in Markdown (rendered and cleaned like a letter's body): 1 to 20,000
    /// characters.
    #[serde(default)]
    pub body: String,
}

impl UpdateRequest {
    /// The trimmed subject and body, or a 422 naming each failing field.
    pub fn parse(&self) -> Result<(String, String), AppError> {
        let mut errors = FieldCollector::new();
        let subject = errors.check(
            "subject",
            crate::domain::text::line(SUBJECT_MAX)(&self.subject),
        );
        if subject.as_deref().is_some_and(|s| s.contains(['\r', '\n'])) {
            errors.add("subject", "must be one line");
        }
        let body = errors.check("body", crate::domain::text::text(BODY_MAX)(&self.body));
        errors.finish()?;
        match (subject, body) {
            (Some(subject), Some(body)) => Ok((subject, body)),
            _ => Err(AppError::field("subject", "is required")),
        }
    }
}

/// An outbox row for one signer of an update.
#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewUpdateMail<'a> {
    id: String,
    kind: &'a str,
    recipient: &'a str,
    signature_id: &'a str,
    update_id: &'a str,
    state: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// Serialise sends to one letter until the transaction ends, so two racing requests cannot
/// both pass the limit: on PostgreSQL a transaction-scoped advisory lock keyed by the letter;
/// SQLite has one writer at a time anyway.
fn lock(conn: &mut DbConnection, letter_id: &str) -> Result<(), AppError> {
    crate::db::query::lock_for_transaction(conn, "undersigned-updates", letter_id)
}

/// 429 when the letter had `per_day` updates in the last 24 hours (0: no limit), with the
/// seconds until the oldest of them leaves the window.
fn check_limit(
    conn: &mut DbConnection,
    letter_id: &str,
    per_day: u32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if per_day == 0 {
        return Ok(());
    }
    let window = Duration::hours(WINDOW_HOURS);
    let recent: Vec<NaiveDateTime> = letter_updates::table
        .filter(letter_updates::letter_id.eq(letter_id))
        .filter(letter_updates::created_at.gt(now - window))
        .order(letter_updates::created_at.asc())
        .select(letter_updates::created_at)
        .load(conn)?;
    let per_day = per_day as usize;
    if recent.len() < per_day {
        return Ok(());
    }
    let frees_at = recent[recent.len() - per_day] + window;
    let wait = (frees_at - now).num_seconds().max(1) as u64;
    Err(AppError::RateLimited {
        message: format!(
            "this letter had {} updates in the last {WINDOW_HOURS} hours, the most allowed \
             (updates_per_letter_per_day = {per_day}); the next can be sent in {} minutes",
            recent.len(),
            wait.div_ceil(60)
        ),
        retry_after_secs: wait,
    })
}

/// Signatures an update goes to: confirmed or published, not unsubscribed, not erased, with an
/// address; (id, email, unsubscribe token hash).
type Recipient = (String, String, Option<String>);

fn recipients(conn: &mut DbConnection, letter_id: &str) -> Result<Vec<Recipient>, AppError> {
    Ok(signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::state.eq_any([
            SignatureState::Confirmed.as_str(),
            SignatureState::Published.as_str(),
        ]))
        .filter(signatures::unsubscribed_at.is_null())
        .filter(signatures::erased_at.is_null())
        .filter(signatures::email.ne(""))
        // An imported address was given by the coalition, not by a signer who asked for mail.
        .filter(
            signatures::verification
                .is_null()
                .or(signatures::verification.ne(SignatureVerification::Imported.as_str())),
        )
        .order(signatures::id.asc())
        .select((
            signatures::id,
            signatures::email,
            signatures::unsubscribe_token_hash,
        ))
        .load(conn)?)
}

/// Whether a signature still takes updates (the worker asks again when it sends).
pub fn still_subscribed(view: &SignatureView) -> Result<(), &'static str> {
    let s = &view.signature;
    if s.erased_at.is_some() || s.email.is_empty() {
        Err("the signer's personal data was erased")
    } else if s.unsubscribed_at.is_some() {
        Err("the signer unsubscribed")
    } else if !matches!(
        view.state(),
        SignatureState::Confirmed | SignatureState::Published
    ) {
        Err("the signature is no longer confirmed")
    } else {
        Ok(())
    }
}

/// Send an update to a letter's confirmed signatories: in one transaction, the update, one
/// outbox row per signer (inserted in chunks), their unsubscribe tokens' hashes where missing,
/// and one audit row. Needs the coordinator role in the letter's coalition; the letter must be
/// past draft. `per_day` is the limit per letter (0: none).
pub fn send(
    conn: &mut DbConnection,
    key: &TokenKey,
    actor: &Actor,
    letter_slug: &str,
    request: &UpdateRequest,
    per_day: u32,
) -> Result<(LetterView, LetterUpdate), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let letter = letters::find_for(conn, actor, letter_slug, Permission::ManageLetters)?;
        if letter.state() == LetterState::Draft {
            return Err(AppError::conflict(
                "letter_is_draft",
                "a draft has no signatories to update; updates can be sent once the letter is open",
            ));
        }
        let (subject, body) = request.parse()?;
        let letter_id = letter.letter.id.clone();
        lock(conn, &letter_id)?;
        let now = now();
        check_limit(conn, &letter_id, per_day, now)?;
        let recipients = recipients(conn, &letter_id)?;
        if recipients.is_empty() {
            return Err(AppError::conflict(
                "no_recipients",
                "no signer of this letter takes updates (none is confirmed and subscribed)",
            ));
        }
        let update = LetterUpdate {
            id: new_id(),
            letter_id: letter_id.clone(),
            subject,
            body,
            recipients: recipients.len() as i64,
            created_at: now,
        };
        diesel::insert_into(letter_updates::table)
            .values(&update)
            .execute(conn)?;
        for (id, _, hash) in &recipients {
            if hash.is_none() {
                diesel::update(
                    signatures::table
                        .find(id)
                        .filter(signatures::unsubscribe_token_hash.is_null()),
                )
                .set(
                    signatures::unsubscribe_token_hash
                        .eq(Some(key.derive(Purpose::Unsubscribe, id).hash())),
                )
                .execute(conn)?;
            }
        }
        let rows: Vec<NewUpdateMail> = recipients
            .iter()
            .map(|(id, email, _)| NewUpdateMail {
                id: new_id(),
                kind: MailKind::Update.as_str(),
                recipient: email,
                signature_id: id,
                update_id: &update.id,
                state: MailState::Queued.as_str(),
                attempts: 0,
                next_attempt_at: now,
                created_at: now,
            })
            .collect();
        for chunk in rows.chunks(INSERT_CHUNK) {
            crate::on_backend!(conn, c => diesel::insert_into(outbox::table)
                .values(chunk)
                .execute(c))?;
        }
        Event::new(
            "update.sent",
            ("letter_update", &update.id),
            json!({"subject": update.subject, "recipients": update.recipients}),
        )
        .on_letter(&letter.coalition.id, &letter_id)
        .record(conn, actor)?;
        Ok((letter, update))
    })
}

/// A letter's updates, newest first (anyone who may read the coalition's private data).
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
) -> Result<(LetterView, Vec<LetterUpdate>), AppError> {
    let letter = letters::find_for(conn, actor, letter_slug, Permission::ReadPrivate)?;
    let items = letter_updates::table
        .filter(letter_updates::letter_id.eq(&letter.letter.id))
        .order((letter_updates::created_at.desc(), letter_updates::id.desc()))
        .select(LetterUpdate::as_select())
        .load(conn)?;
    Ok((letter, items))
}

/// One update, for the outbox worker.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<LetterUpdate, AppError> {
    letter_updates::table
        .find(id)
        .select(LetterUpdate::as_select())
        .first_or_not_found(conn, "update")
}

/// The signature an unsubscribe link belongs to; unknown tokens are 404.
pub fn find_by_token(conn: &mut DbConnection, token: &Token) -> Result<SignatureView, AppError> {
    signing::find_by_token(conn, Purpose::Unsubscribe, token)
}

/// What unsubscribing did.
pub struct Unsubscribed {
    pub view: SignatureView,
    /// The signer had unsubscribed before; nothing changed.
    pub already: bool,
}

/// Stop a signer's updates through the link in an update (or a mail provider's one-click
/// POST): idempotent; audited as the public, without the address.
pub fn unsubscribe(conn: &mut DbConnection, token: &Token) -> Result<Unsubscribed, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_by_token(conn, token)?;
        if view.signature.unsubscribed_at.is_some() {
            return Ok(Unsubscribed {
                view,
                already: true,
            });
        }
        let now = now();
        diesel::update(
            signatures::table
                .find(&view.signature.id)
                .filter(signatures::unsubscribed_at.is_null()),
        )
        .set((
            signatures::unsubscribed_at.eq(Some(now)),
            signatures::updated_at.eq(now),
        ))
        .execute(conn)?;
        Event::new(
            "signature.unsubscribed",
            ("signature", &view.signature.id),
            audit::naming(&view.organisation, json!({})),
        )
        .on_letter(&view.letter.coalition_id, &view.letter.id)
        .record(conn, &Actor::Public)?;
        let view = signing::find_by_id(conn, &view.signature.id)?;
        Ok(Unsubscribed {
            view,
            already: false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_and_body_are_checked_per_field() {
        let blank = UpdateRequest::default().parse().unwrap_err();
        let AppError::Validation(fields) = blank else {
            panic!("{blank:?}")
        };
        assert!(fields.contains_key("subject") && fields.contains_key("body"));
        let long = UpdateRequest {
            subject: "s".repeat(SUBJECT_MAX + 1),
            body: "ok".into(),
        }
        .parse()
        .unwrap_err();
        let AppError::Validation(fields) = long else {
            panic!("{long:?}")
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["subject"]);
        let two_lines = UpdateRequest {
            subject: "one\ntwo".into(),
            body: "ok".into(),
        };
        assert!(two_lines.parse().is_err());
        let fine = UpdateRequest {
            subject: "  The recipient answered ".into(),
            body: "**Yes.**".into(),
        };
        assert_eq!(
            fine.parse().unwrap(),
            ("The recipient answered".to_string(), "**Yes.**".to_string())
        );
    }
}
