//! Letters: drafting, reading, listing, and the life cycle.

mod changes;
mod lifecycle;
pub use lifecycle::*;
mod fields;
pub use fields::*;
mod page;
use crate::db::query::any_row;
use crate::db::query::insert_unique;
use crate::service::OnePage;
pub use page::*;
use serde::Deserialize;
use validator::Validate;

use crate::domain::text::{line, nullable, text, timestamp};
use crate::error::FieldCollector;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::access::Actor;
use super::audit::Event;

use super::{new_id, now, Page, PageRequest};
use crate::db::models::{Coalition, Letter, LetterChanges};
use crate::db::pool::MultiBackend;
use crate::db::schema::{coalitions, letters};
use crate::db::DbConnection;
use crate::domain::campaign::EventKind;
use crate::domain::ledger::LedgerKey;
use crate::domain::letter::text_hash;
use crate::domain::licence::Licence;
use crate::domain::{
    EmailAddress, LanguageTag, LetterState, Moderation, Permission, Slug, Visibility,
};
use crate::error::AppError;

/// A letter with its author coalition.
#[derive(Debug, Clone)]
pub struct LetterView {
    pub letter: Letter,
    pub coalition: Coalition,
}

impl LetterView {
    pub fn state(&self) -> LetterState {
        self.letter.state.parse().unwrap_or(LetterState::Draft)
    }

    /// The licence of its text; `None`: all rights reserved by its coalition.
    pub fn text_licence(&self) -> Option<Licence> {
        self.letter.text_licence.as_deref().and_then(Licence::known)
    }
}

/// Who is asking: the public sees only letters past draft; members of coalitions also see their
/// coalitions' drafts (and private fields); the service itself sees all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Public,
    /// The ids of the coalitions whose private data the reader may see.
    Members(Vec<String>),
    Admin,
}

impl Audience {
    /// Whether this reader sees the private side of a letter of `coalition_id`.
    pub fn sees_private(&self, coalition_id: &str) -> bool {
        match self {
            Audience::Public => false,
            Audience::Members(ids) => ids.iter().any(|c| c == coalition_id),
            Audience::Admin => true,
        }
    }
}

pub struct NewLetterInput {
    /// `None` derives a slug from the title.
    pub slug: Option<Slug>,
    pub coalition: Slug,
    pub title: String,
    pub body: String,
    pub recipient_name: String,
    pub recipient_email: Option<EmailAddress>,
    pub place_and_date: Option<String>,
    pub language: LanguageTag,
    pub moderation: Moderation,
    pub visibility: Visibility,
    pub deadline: Option<NaiveDateTime>,
    /// When it opens by itself (the deadline worker opens it).
    pub opens_at: Option<NaiveDateTime>,
    /// The campaign (of the same coalition) it belongs to.
    pub campaign: Option<Slug>,
    /// Its text's licence; `None`: all rights reserved by the coalition.
    pub text_licence: Option<Licence>,
}

/// `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Default)]
pub struct LetterUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    pub recipient_name: Option<String>,
    pub recipient_email: Option<Option<EmailAddress>>,
    pub place_and_date: Option<Option<String>>,
    pub language: Option<LanguageTag>,
    pub moderation: Option<Moderation>,
    pub visibility: Option<Visibility>,
    pub deadline: Option<Option<NaiveDateTime>>,
    pub opens_at: Option<Option<NaiveDateTime>>,
    pub campaign: Option<Option<Slug>>,
    pub text_licence: Option<Option<Licence>>,
}

#[derive(Default)]
pub struct LetterFilter {
    pub state: Option<LetterState>,
    pub coalition: Option<String>,
    pub language: Option<String>,
}

fn slug_taken(conn: &mut DbConnection, slug: &Slug) -> Result<bool, AppError> {
    any_row(conn, letters::table.filter(letters::slug.eq(slug.as_str())))
}

/// Whether `slug` is taken by a letter that `actor` may not see (another coalition's draft).
/// Such a slug is never answered with `409 slug_taken`, which would tell that the draft exists
/// (issue 18, finding 14): the new letter gets a free slug like it instead.
fn hidden_slug(conn: &mut DbConnection, actor: &Actor, slug: &Slug) -> Result<bool, AppError> {
    Ok(slug_taken(conn, slug)? && find(conn, slug.as_str(), actor.audience()).is_err())
}

/// A free slug made of `asked` and a random number (not `-2`, `-3`…, whose count would tell how
/// many hidden letters share the name).
fn free_slug_like(conn: &mut DbConnection, asked: &Slug) -> Result<Slug, AppError> {
    loop {
        let candidate = asked.with_suffix(rand::random_range(1000..100_000));
        if !slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewLetterInput,
) -> Result<LetterView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = super::coalitions::for_new_letters(conn, actor, input.coalition.as_str())?;
        check_opening(input.opens_at, input.deadline)?;
        let campaign_id = match &input.campaign {
            Some(campaign) => Some(super::campaigns::for_letter(conn, &coalition.id, campaign)?),
            None => None,
        };
        let slug = match input.slug {
            Some(asked) if hidden_slug(conn, actor, &asked)? => free_slug_like(conn, &asked)?,
            asked => super::new_slug(conn, asked, &input.title, "letter", slug_taken)?,
        };
        let now = now();
        let row = Letter {
            id: new_id(),
            slug: slug.as_str().to_string(),
            coalition_id: coalition.id,
            text_hash: text_hash(&input.title, &input.body),
            title: input.title,
            body: input.body,
            recipient_name: input.recipient_name,
            recipient_email: input.recipient_email.map(|e| e.as_str().to_string()),
            place_and_date: input.place_and_date,
            language: input.language.as_str().to_string(),
            state: LetterState::Draft.as_str().to_string(),
            moderation: input.moderation.as_str().to_string(),
            visibility: input.visibility.as_str().to_string(),
            deadline: input.deadline,
            opens_at: input.opens_at,
            opened_at: None,
            closed_at: None,
            delivered_at: None,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
            campaign_id,
            text_licence: input.text_licence.map(|l| l.id),
        };
        insert_unique(conn, letters::table, &row, || {
            super::slug_taken("letter", &slug)
        })?;
        let view = find(conn, slug.as_str(), Audience::Admin)?;
        view.event("letter.created", json!({"title": view.letter.title}))
            .record(conn, actor)?;
        Ok(view)
    })
}

/// A draft's opening time must come before its signing deadline (when both are set), or it
/// would open closed.
fn check_opening(
    opens_at: Option<NaiveDateTime>,
    deadline: Option<NaiveDateTime>,
) -> Result<(), AppError> {
    match (opens_at, deadline) {
        (Some(opens), Some(deadline)) if opens >= deadline => Err(AppError::field(
            "opens_at",
            "must be before the signing deadline",
        )),
        _ => Ok(()),
    }
}

impl LetterView {
    /// `action` on this letter (its text, state, versions, translations), for its log.
    pub(crate) fn event(&self, action: &'static str, details: serde_json::Value) -> Event<'_> {
        Event::new(action, ("letter", &self.letter.id), details)
            .on_letter(&self.coalition.id, &self.letter.id)
    }
}

/// A letter the actor may see, checked for `permission` in its coalition: a draft the actor may
/// not see is not found, as for the public.
pub fn find_for(
    conn: &mut DbConnection,
    actor: &Actor,
    slug_or_id: &str,
    permission: Permission,
) -> Result<LetterView, AppError> {
    let view = find(conn, slug_or_id, actor.audience())?;
    actor.require(&view.coalition, permission)?;
    Ok(view)
}

/// A letter by slug (or id). Drafts are hidden from the public as if they did not exist.
pub fn find(
    conn: &mut DbConnection,
    slug_or_id: &str,
    audience: Audience,
) -> Result<LetterView, AppError> {
    // One statically typed query for both audiences, so that diesel keeps it prepared (a boxed
    // query is parsed again on every call, and this one runs on every sign request): the public
    // does not see drafts, coordinators exclude no state (no state is empty).
    // Members see their own drafts: read like the service, then hide the others' drafts.
    let hidden = match audience {
        Audience::Public => LetterState::Draft.as_str(),
        Audience::Members(_) | Audience::Admin => "",
    };
    letters::table
        .inner_join(coalitions::table)
        .filter(letters::slug.eq(slug_or_id).or(letters::id.eq(slug_or_id)))
        .filter(letters::state.ne(hidden))
        .select((Letter::as_select(), Coalition::as_select()))
        .first(conn)
        .optional()?
        .map(|(letter, coalition)| LetterView {
            letter: as_of(letter, now()),
            coalition,
        })
        .filter(|view| {
            view.letter.state != LetterState::Draft.as_str()
                || audience.sees_private(&view.coalition.id)
        })
        .ok_or_else(|| AppError::not_found(format!("letter {slug_or_id:?}")))
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    slug_or_id: &str,
    update: LetterUpdate,
) -> Result<LetterView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        close_if_overdue(conn, slug_or_id, now())?;
        let current = find_for(conn, actor, slug_or_id, Permission::ManageLetters)?;
        let state = current.state();
        let touches_text =
            update.title.is_some() || update.body.is_some() || update.language.is_some();
        if touches_text && !state.text_is_editable() {
            return Err(AppError::conflict(
                "text_frozen",
                format!("the text of a letter is frozen once it leaves draft; this one is {state}"),
            ));
        }
        if matches!(state, LetterState::Delivered | LetterState::Archived) {
            return Err(AppError::conflict(
                "letter_finished",
                format!("a {state} letter can no longer be changed"),
            ));
        }
        let letter = &current.letter;
        if update.opens_at.is_some_and(|o| o.is_some()) && state != LetterState::Draft {
            return Err(AppError::field(
                "opens_at",
                format!("can be set only while the letter is a draft; this one is {state}"),
            ));
        }
        check_opening(
            update.opens_at.unwrap_or(letter.opens_at),
            update.deadline.unwrap_or(letter.deadline),
        )?;
        let new_hash = if update.title.is_some() || update.body.is_some() {
            Some(text_hash(
                update.title.as_deref().unwrap_or(&letter.title),
                update.body.as_deref().unwrap_or(&letter.body),
            ))
        } else {
            None
        };
        let campaign_id = match &update.campaign {
            Some(Some(campaign)) => Some(Some(super::campaigns::for_letter(
                conn,
                &current.coalition.id,
                campaign,
            )?)),
            Some(None) => Some(None),
            None => None,
        };
        let changes = LetterChanges {
            campaign_id,
            title: update.title,
            body: update.body,
            recipient_name: update.recipient_name,
            recipient_email: update
                .recipient_email
                .map(|e| e.map(|e| e.as_str().to_string())),
            place_and_date: update.place_and_date,
            language: update.language.map(|l| l.as_str().to_string()),
            moderation: update.moderation.map(|m| m.as_str().to_string()),
            visibility: update.visibility.map(|v| v.as_str().to_string()),
            deadline: update.deadline,
            opens_at: update.opens_at,
            text_licence: update.text_licence.map(|l| l.map(|l| l.id)),
            text_hash: new_hash,
            updated_at: Some(now()),
            ..LetterChanges::default()
        };
        diesel::update(letters::table.find(&letter.id))
            .set(&changes)
            .execute(conn)?;
        let view = find(conn, &letter.id, Audience::Admin)?;
        if let Some(details) = changes::details(conn, letter, &view.letter)? {
            view.event("letter.updated", details).record(conn, actor)?;
        }
        Ok(view)
    })
}

fn filtered<'a>(
    filter: &'a LetterFilter,
    audience: &'a Audience,
    now: NaiveDateTime,
) -> letters::BoxedQuery<'a, MultiBackend> {
    let mut query = letters::table.into_boxed::<MultiBackend>();
    let public = letters::visibility
        .eq(Visibility::Public.as_str())
        .and(letters::state.eq_any([
            LetterState::Open.as_str(),
            LetterState::Closed.as_str(),
            LetterState::Delivered.as_str(),
        ]));
    match audience {
        Audience::Public => query = query.filter(public),
        Audience::Members(ids) => {
            query = query.filter(public.or(letters::coalition_id.eq_any(ids)))
        }
        Audience::Admin => {}
    }
    // By the state a reader sees (`as_of`): an open letter past its deadline counts as closed.
    let overdue = letters::state
        .eq(LetterState::Open.as_str())
        .and(letters::deadline.le(now));
    match filter.state {
        Some(LetterState::Open) => {
            query = query.filter(
                letters::state
                    .eq(LetterState::Open.as_str())
                    .and(letters::deadline.is_null().or(letters::deadline.gt(now))),
            )
        }
        Some(LetterState::Closed) => {
            query = query.filter(letters::state.eq(LetterState::Closed.as_str()).or(overdue))
        }
        Some(state) => query = query.filter(letters::state.eq(state.as_str())),
        None => {}
    }
    if let Some(language) = &filter.language {
        query = query.filter(letters::language.eq(language));
    }
    if let Some(coalition) = &filter.coalition {
        query = query.filter(
            letters::coalition_id.eq_any(
                coalitions::table
                    .filter(coalitions::slug.eq(coalition))
                    .select(coalitions::id),
            ),
        );
    }
    query
}

/// Letters, newest first. The public sees public letters that are open, closed or delivered.
pub fn list(
    conn: &mut DbConnection,
    filter: &LetterFilter,
    audience: Audience,
    page: PageRequest,
) -> Result<Page<LetterView>, AppError> {
    let now = now();
    let total = filtered(filter, &audience, now).count().get_result(conn)?;
    let ids: Vec<String> = filtered(filter, &audience, now)
        .select(letters::id)
        .order((letters::created_at.desc(), letters::id.desc()))
        .one_page(page)
        .load(conn)?;
    let items = letters::table
        .inner_join(coalitions::table)
        .filter(letters::id.eq_any(&ids))
        .select((Letter::as_select(), Coalition::as_select()))
        .order((letters::created_at.desc(), letters::id.desc()))
        .load::<(Letter, Coalition)>(conn)?
        .into_iter()
        .map(|(letter, coalition)| LetterView {
            letter: as_of(letter, now),
            coalition,
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// A letter body as it will read, for coordinators only: those who may write letters in some
/// coalition (issue 18, finding 1: an account with no role could make the service render any
/// text). Rendering is work: call it on the blocking pool (`Db::off_executor`).
pub fn preview(actor: &Actor, body: &str) -> Result<std::sync::Arc<str>, AppError> {
    actor.require_anywhere(Permission::ManageLetters)?;
    Ok(crate::domain::markdown::to_safe_html(body))
}
