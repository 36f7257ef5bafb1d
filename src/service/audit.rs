//! The audit log: every change by a coordinator or by the public flow, with its actor, time and
//! details, written in the same transaction as the change.

use crate::domain::text::utc;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::access::Actor;
use super::{new_id, now, Page, PageRequest};
use crate::db::models::AuditRow;
use crate::db::schema::audit_log;
use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::AppError;

/// What a change was about.
pub struct Event<'a> {
    pub coalition_id: Option<&'a str>,
    pub letter_id: Option<&'a str>,
    /// `letter`, `signature`, `organisation`, `coalition`, `user`, `membership`, `country`, …
    pub subject_kind: &'static str,
    pub subject_id: &'a str,
    /// Dotted: `letter.created`, `signature.confirmed`, `membership.added`, …
    pub action: &'static str,
    /// A JSON object with what changed; never a contact email or a token.
    pub details: Value,
}

/// Record one event.
pub fn record(conn: &mut DbConnection, actor: &Actor, event: Event<'_>) -> Result<(), AppError> {
    let (kind, id, name) = actor.audit_identity();
    let row = AuditRow {
        id: new_id(),
        occurred_at: now(),
        actor_kind: kind.to_string(),
        actor_id: id.map(str::to_string),
        actor_name: name.to_string(),
        coalition_id: event.coalition_id.map(str::to_string),
        letter_id: event.letter_id.map(str::to_string),
        subject_kind: event.subject_kind.to_string(),
        subject_id: event.subject_id.to_string(),
        action: event.action.to_string(),
        details: event.details.to_string(),
    };
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Which part of the log to read.
pub enum Scope<'a> {
    Letter(&'a str),
    Coalition(&'a str),
}

/// A page of a letter's log, oldest first, with the letter: for a reader of its coalition
/// (`ReadPrivate`; a private draft is 404 to others).
pub fn of_letter(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug: &str,
    page: PageRequest,
) -> Result<(crate::service::letters::LetterView, Page<AuditRow>), AppError> {
    let view = crate::service::letters::find_for(conn, actor, slug, Permission::ReadPrivate)?;
    let log = list(conn, Scope::Letter(&view.letter.id), page)?;
    Ok((view, log))
}

/// A page of a coalition's log, oldest first, with the coalition: for its readers.
pub fn of_coalition(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug: &str,
    page: PageRequest,
) -> Result<(crate::db::models::Coalition, Page<AuditRow>), AppError> {
    let coalition =
        crate::service::coalitions::find_for(conn, actor, slug, Permission::ReadPrivate)?;
    let log = list(conn, Scope::Coalition(&coalition.id), page)?;
    Ok((coalition, log))
}

/// A page of the log, oldest first.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    page: PageRequest,
) -> Result<Page<AuditRow>, AppError> {
    let filtered = || {
        let query = audit_log::table.into_boxed::<crate::db::pool::MultiBackend>();
        match scope {
            Scope::Letter(id) => query.filter(audit_log::letter_id.eq(id.to_string())),
            Scope::Coalition(id) => query.filter(audit_log::coalition_id.eq(id.to_string())),
        }
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .select(AuditRow::as_select())
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Page::new(items, page, total))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditJson {
    id: String,
    occurred_at: DateTime<Utc>,
    /// `user`, `operator`, `public` or `system`.
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: String,
    letter_id: Option<String>,
    subject_kind: String,
    subject_id: String,
    /// e.g. `letter.created`, `signature.confirmed`, `membership.added`.
    action: String,
    #[schema(value_type = Object)]
    details: serde_json::Value,
}

impl From<AuditRow> for AuditJson {
    fn from(r: AuditRow) -> Self {
        AuditJson {
            id: r.id,
            occurred_at: utc(r.occurred_at),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            letter_id: r.letter_id,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            action: r.action,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        }
    }
}
