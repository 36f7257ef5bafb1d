//! The audit log: every change by a coordinator or by the public flow, with its actor, time and
//! details, written in the same transaction as the change.

use crate::domain::text::utc;
use crate::service::OnePage;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::access::Actor;
use super::{new_id, now, Page, PageRequest};
use crate::db::models::{AuditRow, Organisation};
use crate::db::pool::MultiBackend;
use crate::db::schema::audit_log;
use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::{AppError, FieldCollector};

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

impl<'a> Event<'a> {
    /// `action` on the subject `subject_kind` `subject_id`, in no coalition's log and no
    /// letter's (the directory, countries, accounts) until [`Event::in_coalition`] or
    /// [`Event::on_letter`] places it.
    pub fn new(
        action: &'static str,
        (subject_kind, subject_id): (&'static str, &'a str),
        details: Value,
    ) -> Self {
        Event {
            coalition_id: None,
            letter_id: None,
            subject_kind,
            subject_id,
            action,
            details,
        }
    }

    /// The event in the log of the coalition `coalition_id`.
    pub fn in_coalition(self, coalition_id: &'a str) -> Self {
        Event {
            coalition_id: Some(coalition_id),
            ..self
        }
    }

    /// The event in the log of the letter `letter_id` (and of its coalition, `coalition_id`).
    pub fn on_letter(self, coalition_id: &'a str, letter_id: &'a str) -> Self {
        Event {
            coalition_id: Some(coalition_id),
            letter_id: Some(letter_id),
            ..self
        }
    }

    /// Record it: [`record`].
    pub fn record(self, conn: &mut DbConnection, actor: &Actor) -> Result<(), AppError> {
        record(conn, actor, self)
    }
}

/// The details that name an organisation (never its contact), its name and country, with the
/// fields of `more` (a JSON object).
pub fn naming(organisation: &Organisation, more: Value) -> Value {
    let mut details = serde_json::json!({"organisation": organisation.name, "country": organisation.country_code});
    if let (Some(d), Value::Object(more)) = (details.as_object_mut(), more) {
        d.extend(more);
    }
    details
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

/// How to read the log: its order, and only one kind of entry or one person's, if asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    pub newest_first: bool,
    /// An action's family, the part before the dot: `letter`, `signature`, `membership`, ….
    pub kind: Option<String>,
    /// Who acted: a user's id, or `public`, `operator` or `system`.
    pub person: Option<String>,
}

/// A request for the log as typed in the dashboard's filters or an API query: empty values are
/// no filter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogFields {
    /// `oldest` first (the API's default) or `newest` first (the dashboard's).
    pub order: Option<String>,
    /// Only the entries of one kind: the part of `action` before the dot (`letter`,
    /// `signature`, `invitation`, `membership`, …; `signature` includes `signatures.…`).
    pub kind: Option<String>,
    /// Only one person's entries: a user's id (the entries' `actor_id`), or `public`,
    /// `operator` or `system`.
    pub person: Option<String>,
}

impl LogFields {
    /// The query, oldest first unless `order` says `newest` (or, with no `order`,
    /// `newest_by_default`); every failing field named.
    pub fn parse(&self, newest_by_default: bool) -> Result<LogQuery, AppError> {
        let mut errors = FieldCollector::new();
        let newest_first = errors
            .optional("order", self.order.as_deref(), |o| match o.trim() {
                "newest" => Ok(true),
                "oldest" => Ok(false),
                _ => Err("must be newest or oldest"),
            })
            .unwrap_or(newest_by_default);
        let word = |v: &str| {
            let v = v.trim();
            let fits = v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if fits {
                Ok(v.to_string())
            } else {
                Err("must be one of the values the log lists")
            }
        };
        let kind = errors.optional("kind", self.kind.as_deref(), word);
        let person = errors.optional("person", self.person.as_deref(), word);
        errors.finish()?;
        Ok(LogQuery {
            newest_first,
            kind,
            person,
        })
    }
}

/// The family of an action, what the log is filtered by: `signature` for `signature.approved`
/// and for the bulk `signatures.rejected_matching`.
pub fn kind_of(action: &str) -> &str {
    match action.split('.').next().unwrap_or(action) {
        "signatures" => "signature",
        kind => kind,
    }
}

/// Someone who appears in a log, as its person filter offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// What the filter sends: a user's id, or the actor kind of the others.
    pub key: String,
    pub name: String,
}

/// What a log can be filtered by: the kinds of its entries and the people in it, by name.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub kinds: Vec<String>,
    pub people: Vec<Person>,
}

/// A page of a letter's log with the letter: for a reader of its coalition (`ReadPrivate`; a
/// private draft is 404 to others).
pub fn of_letter(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug: &str,
    query: &LogQuery,
    page: PageRequest,
) -> Result<(crate::service::letters::LetterView, Page<AuditRow>), AppError> {
    let view = crate::service::letters::find_for(conn, actor, slug, Permission::ReadPrivate)?;
    let log = list(conn, Scope::Letter(&view.letter.id), query, page)?;
    Ok((view, log))
}

/// A page of a coalition's log with the coalition: for its readers.
pub fn of_coalition(
    conn: &mut DbConnection,
    actor: &crate::service::access::Actor,
    slug: &str,
    query: &LogQuery,
    page: PageRequest,
) -> Result<(crate::db::models::Coalition, Page<AuditRow>), AppError> {
    let coalition =
        crate::service::coalitions::find_for(conn, actor, slug, Permission::ReadPrivate)?;
    let log = list(conn, Scope::Coalition(&coalition.id), query, page)?;
    Ok((coalition, log))
}

fn scoped<'a>(scope: &Scope<'_>) -> audit_log::BoxedQuery<'a, MultiBackend> {
    let query = audit_log::table.into_boxed::<MultiBackend>();
    match *scope {
        Scope::Letter(id) => query.filter(audit_log::letter_id.eq(id.to_string())),
        Scope::Coalition(id) => query.filter(audit_log::coalition_id.eq(id.to_string())),
    }
}

const NOT_USERS: [&str; 3] = ["public", "operator", "system"];

/// A page of the log, in the query's order and with its filters.
pub fn list(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    query: &LogQuery,
    page: PageRequest,
) -> Result<Page<AuditRow>, AppError> {
    // A kind is the actions of the log that belong to it: no pattern to escape, either backend.
    let actions: Option<Vec<String>> = match &query.kind {
        Some(kind) => Some(
            actions(conn, &scope)?
                .into_iter()
                .filter(|a| kind_of(a) == kind)
                .collect(),
        ),
        None => None,
    };
    let filtered = || {
        let mut q = scoped(&scope);
        if let Some(actions) = &actions {
            q = q.filter(audit_log::action.eq_any(actions.clone()));
        }
        match query.person.as_deref() {
            Some(kind) if NOT_USERS.contains(&kind) => {
                q = q.filter(audit_log::actor_kind.eq(kind.to_string()))
            }
            Some(id) => q = q.filter(audit_log::actor_id.eq(id.to_string())),
            None => {}
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let ordered = if query.newest_first {
        filtered().order((audit_log::occurred_at.desc(), audit_log::id.desc()))
    } else {
        filtered().order((audit_log::occurred_at.asc(), audit_log::id.asc()))
    };
    let items = ordered
        .select(AuditRow::as_select())
        .one_page(page)
        .load(conn)?;
    Ok(Page::new(items, page, total))
}

fn actions(conn: &mut DbConnection, scope: &Scope<'_>) -> Result<Vec<String>, AppError> {
    Ok(scoped(scope)
        .select(audit_log::action)
        .distinct()
        .load(conn)?)
}

/// The kinds and the people of a log (the whole log, not a page), for its filters.
pub fn facets(conn: &mut DbConnection, scope: Scope<'_>) -> Result<Facets, AppError> {
    let mut kinds: Vec<String> = actions(conn, &scope)?
        .iter()
        .map(|a| kind_of(a).to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    let rows: Vec<(String, Option<String>, String)> = scoped(&scope)
        .select((
            audit_log::actor_kind,
            audit_log::actor_id,
            audit_log::actor_name,
        ))
        .distinct()
        .load(conn)?;
    let mut people: Vec<Person> = Vec::new();
    for (kind, id, name) in rows {
        let key = id.unwrap_or(kind);
        if !people.iter().any(|p| p.key == key) {
            people.push(Person { key, name });
        }
    }
    people.sort_by_key(|p| p.name.to_lowercase());
    Ok(Facets { kinds, people })
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
