//! Erasing signers' personal data: on request (one signature, or every signature made with one
//! address), and by the retention setting after a letter's delivery.
//!
//! **Erasure** blanks the person on a signature — representative name and role, email, comment —
//! and stamps `erased_at`; the signature keeps its state, so the organisation stays listed: the
//! public list, counts, change feed and ledger hold only the organisation (name, country,
//! website, verification) and do not change. The outbox rows about the signature lose their
//! recipient, and those still queued are not sent; an invitation the signature was made through
//! loses its address too. The audit row (`signature.erased`) names the organisation and the
//! reason, never the person. Erasing twice changes nothing and answers the same.
//!
//! **Retention** (`signer_email_retention_days`, 0 = keep): once a letter has been delivered for
//! that many days, its signatures' email addresses are blanked (names, roles and comments stay:
//! they are the record of who signed for the organisation), with the outbox recipients of mails
//! about them, and one `letter.signer_emails_removed` audit row per letter with the count.
//! `erased_at` is not set: the signature was not erased, only its address removed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access::Actor;
use super::audit::Event;
use super::letters::{self, Audience};
use super::now;
use crate::db::models::Signature;
use crate::db::schema::{invitations, letters as letters_t, outbox, signatures};
use crate::db::DbConnection;
use crate::domain::{MailState, Permission};
use crate::error::AppError;

diesel::define_sql_function! {
    /// SQL `lower()` (ASCII case folding on SQLite).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Letters the retention job handles in one pass (the rest on the next).
pub const RETENTION_BATCH: i64 = 100;

/// What erasing a signature did.
#[derive(Debug, Clone)]
pub struct Erased {
    pub signature_id: String,
    pub letter_slug: String,
    pub erased_at: NaiveDateTime,
    /// It had been erased before; nothing changed.
    pub already: bool,
}

/// Queued mail about these signatures is not sent (marked sent, with no send time and the
/// reason as its note), and every mail about them loses its recipient.
fn forget_mail(
    conn: &mut DbConnection,
    signature_ids: &[String],
    reason: &str,
) -> Result<(), AppError> {
    for ids in signature_ids.chunks(500) {
        diesel::update(
            outbox::table
                .filter(outbox::signature_id.eq_any(ids))
                .filter(outbox::state.eq(MailState::Queued.as_str())),
        )
        .set((
            outbox::state.eq(MailState::Sent.as_str()),
            outbox::sent_at.eq(None::<NaiveDateTime>),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(format!("not sent: {reason}"))),
        ))
        .execute(conn)?;
        diesel::update(
            outbox::table
                .filter(outbox::signature_id.eq_any(ids))
                .filter(outbox::recipient.ne("")),
        )
        .set(outbox::recipient.eq(""))
        .execute(conn)?;
    }
    Ok(())
}

fn blank_signature(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(signatures::table.find(id))
        .set((
            signatures::representative_name.eq(""),
            signatures::representative_role.eq(""),
            signatures::email.eq(""),
            signatures::email_key.eq(""),
            signatures::email_domain.eq(""),
            signatures::comment.eq(None::<String>),
            signatures::erased_at.eq(Some(now)),
            signatures::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(invitations::table.filter(invitations::signature_id.eq(id)))
        .set(invitations::email.eq(""))
        .execute(conn)?;
    forget_mail(
        conn,
        &[id.to_string()],
        "the signer's personal data was erased",
    )
}

fn audit_erasure(
    conn: &mut DbConnection,
    actor: &Actor,
    signature: &Signature,
    coalition_id: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let (name, country): (String, String) = crate::db::schema::organisations::table
        .find(&signature.organisation_id)
        .select((
            crate::db::schema::organisations::name,
            crate::db::schema::organisations::country_code,
        ))
        .first(conn)?;
    Event::new(
        "signature.erased",
        ("signature", &signature.id),
        json!({"organisation": name, "country": country, "reason": reason}),
    )
    .on_letter(coalition_id, &signature.letter_id)
    .record(conn, actor)
}

/// Erase the person on one signature (coordinators of the letter's coalition). A signature the
/// actor may not read is not found.
pub fn erase(
    conn: &mut DbConnection,
    actor: &Actor,
    signature_id: &str,
    reason: Option<&str>,
) -> Result<Erased, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let missing = || AppError::not_found(format!("signature {signature_id:?}"));
        let signature = signatures::table
            .find(signature_id)
            .select(Signature::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(missing)?;
        let letter = letters::find(conn, &signature.letter_id, Audience::Admin)?;
        if !actor.can(&letter.coalition.id, Permission::ReadPrivate) {
            return Err(match actor {
                Actor::Public => AppError::Unauthorized,
                _ => missing(),
            });
        }
        actor.require(&letter.coalition, Permission::Moderate)?;
        if let Some(erased_at) = signature.erased_at {
            return Ok(Erased {
                signature_id: signature.id,
                letter_slug: letter.letter.slug,
                erased_at,
                already: true,
            });
        }
        let now = now();
        blank_signature(conn, &signature.id, now)?;
        audit_erasure(conn, actor, &signature, &letter.coalition.id, reason)?;
        Ok(Erased {
            signature_id: signature.id,
            letter_slug: letter.letter.slug,
            erased_at: now,
            already: false,
        })
    })
}

/// Erase every signature made with `email` (compared without regard to ASCII case, or reaching
/// the same mailbox by `domain::abuse::email_key`), on every letter: the operator's answer to a
/// person who writes in (`undersigned erase --email`).
pub fn erase_by_email(
    conn: &mut DbConnection,
    email: &str,
    reason: Option<&str>,
) -> Result<Vec<Erased>, AppError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::field("email", "must not be blank"));
    }
    crate::db::write_transaction(conn, |conn| {
        let found: Vec<(Signature, String, String)> = signatures::table
            .inner_join(letters_t::table)
            .filter(
                lower(signatures::email)
                    .eq(&email)
                    .or(signatures::email_key.eq(crate::domain::abuse::email_key(&email))),
            )
            .select((
                Signature::as_select(),
                letters_t::slug,
                letters_t::coalition_id,
            ))
            .load(conn)?;
        let now = now();
        let mut done = Vec::new();
        for (signature, slug, coalition_id) in found {
            blank_signature(conn, &signature.id, now)?;
            audit_erasure(conn, &Actor::Operator, &signature, &coalition_id, reason)?;
            done.push(Erased {
                signature_id: signature.id,
                letter_slug: slug,
                erased_at: now,
                already: false,
            });
        }
        Ok(done)
    })
}

/// Blank the signers' addresses of letters delivered at least `days` days before `now` (0: keep
/// them); returns how many letters were handled. Each letter is its own transaction.
pub fn apply_retention(
    conn: &mut DbConnection,
    days: u32,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    if days == 0 {
        return Ok(0);
    }
    let cutoff = now - Duration::days(i64::from(days));
    let due: Vec<(String, String)> = signatures::table
        .inner_join(letters_t::table)
        .filter(letters_t::delivered_at.le(cutoff))
        .filter(signatures::email.ne(""))
        .select((letters_t::id, letters_t::coalition_id))
        .distinct()
        .limit(RETENTION_BATCH)
        .load(conn)?;
    for (letter_id, coalition_id) in &due {
        crate::db::write_transaction(conn, |conn| {
            let addressed = signatures::table
                .filter(signatures::letter_id.eq(letter_id))
                .filter(signatures::email.ne(""))
                .select(signatures::id);
            // Another instance's worker may be at the same letter: on PostgreSQL the rows are
            // locked, and once its transaction commits they no longer match (their addresses are
            // gone), so only one of the two blanks them and writes the audit row. SQLite has
            // one writer at a time.
            let ids: Vec<String> = match conn {
                DbConnection::Postgresql(pg) => addressed.for_update().load(pg)?,
                DbConnection::Sqlite(lite) => addressed.load(lite)?,
            };
            if ids.is_empty() {
                return Ok(());
            }
            diesel::update(
                signatures::table
                    .filter(signatures::letter_id.eq(letter_id))
                    .filter(signatures::email.ne("")),
            )
            .set((
                signatures::email.eq(""),
                signatures::email_key.eq(""),
                signatures::email_domain.eq(""),
            ))
            .execute(conn)?;
            forget_mail(
                conn,
                &ids,
                "the signer's address was removed after the retention period",
            )?;
            Event::new(
                "letter.signer_emails_removed",
                ("letter", letter_id),
                json!({"signatures": ids.len(), "retention_days": days}),
            )
            .on_letter(coalition_id, letter_id)
            .record(conn, &Actor::System)
        })?;
    }
    Ok(due.len())
}

/// The optional body of an erasure.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseFields {
    /// Why (e.g. "the signer asked by mail"), kept in the audit log: at most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

impl EraseFields {
    pub fn reason(&self) -> Result<Option<String>, AppError> {
        let mut errors = crate::error::FieldCollector::new();
        let reason = errors.optional(
            "reason",
            self.reason.as_deref(),
            crate::domain::text::text(500),
        );
        errors.finish()?;
        Ok(reason)
    }
}
