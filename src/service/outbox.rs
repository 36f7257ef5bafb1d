//! The outbox: every mail is a row, written in the transaction of the change that causes it, and
//! delivered at least once by `crate::worker`.

use crate::db::query::FirstOrNotFound;
use crate::service::OnePage;
use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::access::Actor;
use super::letters::Audience;
use super::{new_id, now, Page, PageRequest};
use crate::db::models::OutboxMail;
use crate::db::schema::{deliveries, invitations, letters, organisations, outbox, signatures};
use crate::db::DbConnection;
use crate::domain::{MailKind, MailState, Permission};
use crate::error::AppError;

/// Queue a mail about a signature (or about nothing) for delivery now; returns its id.
pub fn enqueue(
    conn: &mut DbConnection,
    kind: MailKind,
    recipient: &str,
    signature_id: Option<&str>,
) -> Result<String, AppError> {
    insert(conn, kind, recipient, Subject::signature(signature_id))
}

/// Queue a mail about a signature to an address that is not its signer's, written in
/// `language` (the one its recipient asked in); returns its id.
pub fn enqueue_in(
    conn: &mut DbConnection,
    kind: MailKind,
    recipient: &str,
    signature_id: &str,
    language: &str,
) -> Result<String, AppError> {
    let subject = Subject {
        language: Some(language.to_string()),
        ..Subject::signature(Some(signature_id))
    };
    insert(conn, kind, recipient, subject)
}

/// Queue a mail about an invitation for delivery now; returns its id.
pub fn enqueue_invitation(
    conn: &mut DbConnection,
    kind: MailKind,
    recipient: &str,
    invitation_id: &str,
) -> Result<String, AppError> {
    insert(
        conn,
        kind,
        recipient,
        Subject {
            invitation_id: Some(invitation_id.to_string()),
            ..Subject::default()
        },
    )
}

/// Queue the mail that delivers a letter to its recipient; returns its id.
pub fn enqueue_delivery(
    conn: &mut DbConnection,
    recipient: &str,
    delivery_id: &str,
) -> Result<String, AppError> {
    insert(
        conn,
        MailKind::Delivery,
        recipient,
        Subject {
            delivery_id: Some(delivery_id.to_string()),
            ..Subject::default()
        },
    )
}

/// What a mail is about: the row its template reads.
#[derive(Debug, Default)]
struct Subject {
    signature_id: Option<String>,
    invitation_id: Option<String>,
    delivery_id: Option<String>,
    update_id: Option<String>,
    language: Option<String>,
}

impl Subject {
    fn signature(id: Option<&str>) -> Subject {
        Subject {
            signature_id: id.map(str::to_string),
            ..Subject::default()
        }
    }
}

fn insert(
    conn: &mut DbConnection,
    kind: MailKind,
    recipient: &str,
    subject: Subject,
) -> Result<String, AppError> {
    let now = now();
    let row = OutboxMail {
        id: new_id(),
        kind: kind.as_str().to_string(),
        recipient: recipient.to_string(),
        signature_id: subject.signature_id,
        state: MailState::Queued.as_str().to_string(),
        attempts: 0,
        next_attempt_at: now,
        locked_until: None,
        last_error: None,
        created_at: now,
        sent_at: None,
        invitation_id: subject.invitation_id,
        delivery_id: subject.delivery_id,
        update_id: subject.update_id,
        language: subject.language,
    };
    diesel::insert_into(outbox::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.id)
}

/// Take up to `limit` due mails for `lease`: no other worker takes them until the lease ends.
/// On PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so workers of several
/// instances never take the same row; SQLite serialises writers by itself. A worker that dies
/// mid-send leaves its lease to run out, and the mail is sent again (at least once).
pub fn claim(
    conn: &mut DbConnection,
    limit: i64,
    lease: Duration,
) -> Result<Vec<OutboxMail>, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let now = now();
        let due = outbox::table
            .filter(outbox::state.eq(MailState::Queued.as_str()))
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.le(now)),
            )
            .order(outbox::next_attempt_at.asc())
            .select(outbox::id)
            .limit(limit);
        let ids: Vec<String> = match conn {
            DbConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(lite) => due.load(lite)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::locked_until.eq(Some(now + lease)))
            .execute(conn)?;
        Ok(outbox::table
            .filter(outbox::id.eq_any(&ids))
            .select(OutboxMail::as_select())
            .order(outbox::next_attempt_at.asc())
            .load(conn)?)
    })
}

/// Mark mails as sent (one statement for a whole batch).
pub fn mark_sent(conn: &mut DbConnection, ids: &[String]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = now();
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::state.eq(MailState::Sent.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(Some(now)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Close mails that are not to be sent at all (the worker's `Prepared::Skip`): `sent` with no
/// send time, and the reason as their note, so they are neither retried nor shown as failures.
pub fn mark_skipped(conn: &mut DbConnection, skipped: &[(String, &str)]) -> Result<(), AppError> {
    for (id, reason) in skipped {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(MailState::Sent.as_str()),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::sent_at.eq(None::<NaiveDateTime>),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some(format!("not sent: {reason}"))),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Record a failed attempt: retry at `retry_at`, or park the mail as dead.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    let error: String = error.chars().take(1000).collect();
    let state = match retry_at {
        Some(_) => MailState::Queued,
        None => MailState::Dead,
    };
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq(state.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at.unwrap_or_else(now)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Outbox rows for coordinators, newest first, optionally in one state: the mail about the
/// letters (their signatures and invitations) of the coalitions where the actor may read
/// private data.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    state: Option<MailState>,
    page: PageRequest,
) -> Result<Page<OutboxMail>, AppError> {
    actor.require_anywhere(Permission::ReadPrivate)?;
    let coalitions = match actor.audience() {
        Audience::Members(ids) => ids,
        _ => Vec::new(),
    };
    let filtered = || {
        let mut q = outbox::table
            .filter(
                outbox::signature_id
                    .eq_any(
                        signatures::table
                            .inner_join(letters::table)
                            .filter(letters::coalition_id.eq_any(coalitions.clone()))
                            .select(signatures::id.nullable()),
                    )
                    .or(outbox::invitation_id.eq_any(
                        invitations::table
                            .inner_join(letters::table)
                            .filter(letters::coalition_id.eq_any(coalitions.clone()))
                            .select(invitations::id.nullable()),
                    ))
                    .or(outbox::delivery_id.eq_any(
                        deliveries::table
                            .inner_join(letters::table)
                            .filter(letters::coalition_id.eq_any(coalitions.clone()))
                            .select(deliveries::id.nullable()),
                    )),
            )
            .into_boxed::<crate::db::pool::MultiBackend>();
        if let Some(s) = state {
            q = q.filter(outbox::state.eq(s.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .select(OutboxMail::as_select())
        .order((outbox::created_at.desc(), outbox::id.desc()))
        .one_page(page)
        .load(conn)?;
    Ok(Page::new(items, page, total))
}

/// What a mail is about, for the coordinators' outbox: the organisation it concerns (the signer
/// or the invited one; for a delivery, the letter's recipient) and the letter's title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailAbout {
    pub organisation: Option<String>,
    pub letter: Option<String>,
}

/// What each mail of a page is about, by mail id: one query per kind of row a mail names.
pub fn about(
    conn: &mut DbConnection,
    mails: &[OutboxMail],
) -> Result<HashMap<String, MailAbout>, AppError> {
    let ids = |pick: fn(&OutboxMail) -> Option<&String>| -> Vec<String> {
        mails.iter().filter_map(pick).cloned().collect()
    };
    // (id, who, letter) rows by id.
    let keyed = |rows: Vec<(String, String, String)>| -> HashMap<String, (String, String)> {
        rows.into_iter()
            .map(|(id, who, letter)| (id, (who, letter)))
            .collect()
    };
    let by_signature = keyed(
        signatures::table
            .inner_join(organisations::table)
            .inner_join(letters::table)
            .filter(signatures::id.eq_any(ids(|m| m.signature_id.as_ref())))
            .select((signatures::id, organisations::name, letters::title))
            .load(conn)?,
    );
    let by_invitation = keyed(
        invitations::table
            .inner_join(organisations::table)
            .inner_join(letters::table)
            .filter(invitations::id.eq_any(ids(|m| m.invitation_id.as_ref())))
            .select((invitations::id, organisations::name, letters::title))
            .load(conn)?,
    );
    let by_delivery = keyed(
        deliveries::table
            .inner_join(letters::table)
            .filter(deliveries::id.eq_any(ids(|m| m.delivery_id.as_ref())))
            .select((deliveries::id, letters::recipient_name, letters::title))
            .load(conn)?,
    );
    Ok(mails
        .iter()
        .map(|mail| {
            let found = None
                .or_else(|| by_signature.get(mail.signature_id.as_ref()?))
                .or_else(|| by_invitation.get(mail.invitation_id.as_ref()?))
                .or_else(|| by_delivery.get(mail.delivery_id.as_ref()?));
            let about = found.map_or_else(MailAbout::default, |(organisation, letter)| MailAbout {
                organisation: Some(organisation.clone()),
                letter: Some(letter.clone()),
            });
            (mail.id.clone(), about)
        })
        .collect())
}

/// Send a dead mail again: back in the queue with a fresh round of attempts (coordinators of
/// the letter it is about).
pub fn retry(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<OutboxMail, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let mail = outbox::table
            .find(id)
            .select(OutboxMail::as_select())
            .first_or_not_found(conn, format!("mail {id:?}"))?;
        let letter = match (&mail.signature_id, &mail.invitation_id, &mail.delivery_id) {
            (Some(signature), _, _) => Some(
                signatures::table
                    .inner_join(letters::table)
                    .filter(signatures::id.eq(signature))
                    .select((letters::id, letters::coalition_id))
                    .first::<(String, String)>(conn)?,
            ),
            (None, Some(invitation), _) => Some(
                invitations::table
                    .inner_join(letters::table)
                    .filter(invitations::id.eq(invitation))
                    .select((letters::id, letters::coalition_id))
                    .first::<(String, String)>(conn)?,
            ),
            (None, None, Some(delivery)) => Some(
                deliveries::table
                    .inner_join(letters::table)
                    .filter(deliveries::id.eq(delivery))
                    .select((letters::id, letters::coalition_id))
                    .first::<(String, String)>(conn)?,
            ),
            (None, None, None) => None,
        };
        let Some((letter_id, coalition_id)) = letter else {
            return Err(AppError::not_found(format!("mail {id:?}")));
        };
        if !actor.can(&coalition_id, Permission::ReadPrivate) {
            return Err(AppError::not_found(format!("mail {id:?}")));
        }
        if !actor.can(&coalition_id, Permission::ManageLetters) {
            return Err(AppError::Forbidden(
                "retrying mail needs the coordinator role".into(),
            ));
        }
        if mail.state != MailState::Dead.as_str() {
            return Err(AppError::conflict(
                "mail_not_dead",
                format!("this mail is {}; only dead mail is retried", mail.state),
            ));
        }
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(MailState::Queued.as_str()),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now()),
                outbox::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        super::audit::Event::new(
            "mail.retried",
            ("mail", id),
            serde_json::json!({"kind": mail.kind, "last_error": mail.last_error}),
        )
        .on_letter(&coalition_id, &letter_id)
        .record(conn, actor)?;
        Ok(outbox::table
            .find(id)
            .select(OutboxMail::as_select())
            .first(conn)?)
    })
}

/// The outbox at a glance, for monitoring (`/metrics`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backlog {
    /// Mail waiting to be sent (queued), due or not.
    pub queued: i64,
    /// Queued mail whose time has come.
    pub due: i64,
    /// Seconds since the longest-waiting due mail became due (0 when none is due). Restarts with
    /// each retry, so it stays small while a failing server keeps mail cycling.
    pub oldest_due_secs: f64,
    /// Seconds since the oldest queued mail was queued (0 when none is): grows through every
    /// retry, so it tells that mail is stuck.
    pub oldest_queued_secs: f64,
    /// Mail given up on (dead).
    pub dead: i64,
}

pub fn backlog(conn: &mut DbConnection) -> Result<Backlog, AppError> {
    let now = now();
    let queued = || outbox::table.filter(outbox::state.eq(MailState::Queued.as_str()));
    let due = || queued().filter(outbox::next_attempt_at.le(now));
    let oldest_due: Option<NaiveDateTime> = due()
        .select(diesel::dsl::min(outbox::next_attempt_at))
        .first(conn)?;
    let oldest_queued: Option<NaiveDateTime> = queued()
        .select(diesel::dsl::min(outbox::created_at))
        .first(conn)?;
    let age = |since: Option<NaiveDateTime>| {
        since
            .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0)
    };
    Ok(Backlog {
        queued: queued().count().get_result(conn)?,
        due: due().count().get_result(conn)?,
        oldest_due_secs: age(oldest_due),
        oldest_queued_secs: age(oldest_queued),
        dead: outbox::table
            .filter(outbox::state.eq(MailState::Dead.as_str()))
            .count()
            .get_result(conn)?,
    })
}
