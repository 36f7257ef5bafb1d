//! Letters: drafting, reading, listing, and the life cycle.

use serde::Deserialize;
use validator::Validate;

use crate::domain::text::{line, nullable, text, timestamp};
use crate::error::FieldCollector;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::access::Actor;
use super::audit::{self, Event};

use super::{new_id, now, Page, PageRequest};
use crate::db::models::{Coalition, Letter, LetterChanges, NewLetter};
use crate::db::pool::MultiBackend;
use crate::db::schema::{coalitions, letters};
use crate::db::DbConnection;
use crate::domain::campaign::EventKind;
use crate::domain::ledger::LedgerKey;
use crate::domain::letter::text_hash;
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
    /// The campaign (of the same coalition) it belongs to.
    pub campaign: Option<Slug>,
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
    pub campaign: Option<Option<Slug>>,
}

#[derive(Default)]
pub struct LetterFilter {
    pub state: Option<LetterState>,
    pub coalition: Option<String>,
    pub language: Option<String>,
}

fn slug_taken(conn: &mut DbConnection, slug: &Slug) -> Result<bool, AppError> {
    let n: i64 = letters::table
        .filter(letters::slug.eq(slug.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
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
        let coalition = super::coalitions::find(conn, input.coalition.as_str())
            .map_err(|_| AppError::field("coalition", "no coalition has this slug"))?;
        actor.require(&coalition, Permission::ManageLetters)?;
        let campaign_id = match &input.campaign {
            Some(campaign) => Some(super::campaigns::for_letter(conn, &coalition.id, campaign)?),
            None => None,
        };
        let slug = match input.slug {
            Some(asked) if hidden_slug(conn, actor, &asked)? => free_slug_like(conn, &asked)?,
            asked => super::new_slug(conn, asked, &input.title, "letter", slug_taken)?,
        };
        let now = now();
        let row = NewLetter {
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
            created_at: now,
            updated_at: now,
            campaign_id,
        };
        diesel::insert_into(letters::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict { .. } => super::slug_taken("letter", &slug),
                other => other,
            })?;
        let view = find(conn, slug.as_str(), Audience::Admin)?;
        record(
            conn,
            actor,
            &view,
            "letter.created",
            json!({"title": view.letter.title}),
        )?;
        Ok(view)
    })
}

/// Log a change to a letter (its text, state, versions, translations) in the audit log.
pub(crate) fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    view: &LetterView,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&view.coalition.id),
            letter_id: Some(&view.letter.id),
            subject_kind: "letter",
            subject_id: &view.letter.id,
            action,
            details,
        },
    )
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
            text_hash: new_hash,
            updated_at: Some(now()),
            ..LetterChanges::default()
        };
        let changed = changed_fields(&changes);
        diesel::update(letters::table.find(&letter.id))
            .set(&changes)
            .execute(conn)?;
        let view = find(conn, &letter.id, Audience::Admin)?;
        record(
            conn,
            actor,
            &view,
            "letter.updated",
            json!({"fields": changed}),
        )?;
        Ok(view)
    })
}

/// Move a letter to the next state of its life cycle, stamping the time of the move. Opening a
/// letter starts its ledger with the text it opens with; delivering it delivers it by the
/// defaults of [`super::deliveries::deliver`] (by mail when the letter has an address).
pub fn transition(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    to: LetterState,
) -> Result<LetterView, AppError> {
    move_to(
        conn,
        key,
        actor,
        slug_or_id,
        to,
        &DeliveryOptions::default(),
    )
}

/// How a letter is delivered when it moves to `delivered`.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Mail the letter and its list to the recipient's address (when the letter has one).
    pub by_email: bool,
    /// Shown on the timeline: how, where, to whom it was handed.
    pub note: Option<String>,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions {
            by_email: true,
            note: None,
        }
    }
}

pub(crate) fn move_to(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    to: LetterState,
    delivery: &DeliveryOptions,
) -> Result<LetterView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        // A letter past its deadline is closed first (by the service), so that the move starts
        // from the state the coordinator sees.
        close_if_overdue(conn, slug_or_id, now())?;
        let current = find_for(conn, actor, slug_or_id, Permission::ManageLetters)?;
        let from = current.state();
        if !from.can_move_to(to) {
            let allowed = match from.next() {
                Some(next) => format!("it can move only to {next}"),
                None => "it cannot move any more".to_string(),
            };
            return Err(AppError::conflict(
                "invalid_transition",
                format!("a {from} letter cannot move to {to}: {allowed}"),
            ));
        }
        let now = now();
        if to == LetterState::Open && current.letter.deadline.is_some_and(|d| d <= now) {
            return Err(AppError::conflict(
                "deadline_passed",
                "the signing deadline of this letter has passed: set a later one (or none) first",
            ));
        }
        let mut changes = LetterChanges {
            state: Some(to.as_str().to_string()),
            updated_at: Some(now),
            ..LetterChanges::default()
        };
        match to {
            LetterState::Open => changes.opened_at = Some(Some(now)),
            LetterState::Closed => changes.closed_at = Some(Some(now)),
            LetterState::Delivered => changes.delivered_at = Some(Some(now)),
            LetterState::Archived => changes.archived_at = Some(Some(now)),
            LetterState::Draft => {}
        }
        // Guard on the state read above, so two racing moves cannot both succeed.
        let moved = diesel::update(
            letters::table
                .filter(letters::id.eq(&current.letter.id))
                .filter(letters::state.eq(from.as_str())),
        )
        .set(&changes)
        .execute(conn)?;
        if moved != 1 {
            return Err(AppError::conflict(
                "invalid_transition",
                "the letter changed state meanwhile; read it again",
            ));
        }
        if to == LetterState::Open {
            let letter = &current.letter;
            let text = super::ledger::Change::text(&letter.text_hash, now);
            super::ledger::append(conn, key, &letter.id, [text])?;
            super::versions::record_first(conn, &current)?;
            // The translations it opens with are part of its record too.
            let translations = super::translations::list(conn, &letter.id)?;
            let texts = translations
                .iter()
                .map(|t| super::ledger::Change::text(&t.text_hash, now));
            super::ledger::append(conn, key, &letter.id, texts)?;
            super::campaigns::record_event(
                conn,
                letter,
                EventKind::Opened,
                format!("“{}” opened for signatures", letter.title),
                String::new(),
                now,
            )?;
        }
        let view = find(conn, &current.letter.id, Audience::Admin)?;
        if to == LetterState::Delivered {
            super::deliveries::record(conn, key, actor, &view, delivery, now)?;
        }
        record(
            conn,
            actor,
            &view,
            "letter.state_changed",
            json!({"from": from, "to": to}),
        )?;
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
        .limit(page.per_page)
        .offset(page.offset())
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

/// How a letter reads at `now`: an open letter whose deadline has passed is closed (at its
/// deadline) even before [`close_overdue`] has closed it in the database, so no read offers to
/// sign it. Its `updated_at` moves to the deadline too, so the letter's ETag and Last-Modified
/// change when it closes.
pub fn as_of(mut letter: Letter, now: NaiveDateTime) -> Letter {
    if letter.state == LetterState::Open.as_str() {
        if let Some(deadline) = letter.deadline.filter(|d| *d <= now) {
            letter.state = LetterState::Closed.as_str().to_string();
            letter.closed_at = Some(deadline);
            letter.updated_at = letter.updated_at.max(deadline);
        }
    }
    letter
}

/// Letters closed by one call of [`close_overdue`] at most; the worker calls again at once when
/// a batch was full.
pub const CLOSE_BATCH: i64 = 100;

/// A letter body as it will read, for coordinators only: those who may write letters in some
/// coalition (issue 18, finding 1: an account with no role could make the service render any
/// text). Rendering is work: call it on the blocking pool (`Db::off_executor`).
pub fn preview(actor: &Actor, body: &str) -> Result<std::sync::Arc<str>, AppError> {
    actor.require_anywhere(Permission::ManageLetters)?;
    Ok(crate::domain::markdown::to_safe_html(body))
}

/// Close every open letter whose deadline is at or before `now` (up to [`CLOSE_BATCH`]): each
/// in a transaction of its own, by a guarded UPDATE (only while it is still open and overdue),
/// so that two server processes never close one letter twice, with a `letter.state_changed`
/// audit row by the service. Returns how many it closed; the caller forgets cached versions.
pub fn close_overdue(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let due: Vec<String> = letters::table
        .filter(letters::state.eq(LetterState::Open.as_str()))
        .filter(letters::deadline.le(now))
        .order(letters::id.asc())
        .select(letters::id)
        .limit(CLOSE_BATCH)
        .load(conn)?;
    let mut closed = 0;
    for id in &due {
        if close_if_overdue(conn, id, now)? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Close one letter (by slug or id) if it is open and its deadline is at or before `now`;
/// returns whether this call closed it.
fn close_if_overdue(
    conn: &mut DbConnection,
    slug_or_id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let closed = diesel::update(
            letters::table
                .filter(letters::id.eq(slug_or_id).or(letters::slug.eq(slug_or_id)))
                .filter(letters::state.eq(LetterState::Open.as_str()))
                .filter(letters::deadline.le(now)),
        )
        .set(&LetterChanges {
            state: Some(LetterState::Closed.as_str().to_string()),
            closed_at: Some(Some(now)),
            updated_at: Some(now),
            ..LetterChanges::default()
        })
        .execute(conn)?;
        if closed == 0 {
            return Ok(false);
        }
        let view = find(conn, slug_or_id, Audience::Admin)?;
        record(
            conn,
            &Actor::System,
            &view,
            "letter.state_changed",
            json!({"from": LetterState::Open, "to": LetterState::Closed, "reason": "deadline"}),
        )?;
        Ok(true)
    })
}

/// The names of the fields a change sets, for the audit log.
fn changed_fields(changes: &LetterChanges) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut note = |set: bool, name: &'static str| {
        if set {
            fields.push(name);
        }
    };
    note(changes.title.is_some(), "title");
    note(changes.body.is_some(), "body");
    note(changes.recipient_name.is_some(), "recipient_name");
    note(changes.recipient_email.is_some(), "recipient_email");
    note(changes.place_and_date.is_some(), "place_and_date");
    note(changes.language.is_some(), "language");
    note(changes.moderation.is_some(), "moderation");
    note(changes.visibility.is_some(), "visibility");
    note(changes.deadline.is_some(), "deadline");
    note(changes.campaign_id.is_some(), "campaign");
    fields
}

pub const TITLE_MAX: usize = 300;

pub const BODY_MAX: usize = 100_000;

const NAME_MAX: usize = 200;

fn future_timestamp(s: &str) -> Result<chrono::NaiveDateTime, String> {
    let t = timestamp(s)?;
    if t <= crate::service::now() {
        return Err("must be in the future".into());
    }
    Ok(t)
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLetterFields {
    pub slug: Option<String>,
    #[validate(required(message = "is required"))]
    coalition: Option<String>,
    #[validate(required(message = "is required"))]
    title: Option<String>,
    #[validate(required(message = "is required"))]
    body: Option<String>,
    #[validate(required(message = "is required"))]
    recipient_name: Option<String>,
    recipient_email: Option<String>,
    place_and_date: Option<String>,
    language: Option<String>,
    moderation: Option<String>,
    visibility: Option<String>,
    deadline: Option<String>,
    /// The slug of one of the coalition's campaigns.
    campaign: Option<String>,
}

impl NewLetterFields {
    pub fn parse(self) -> Result<NewLetterInput, AppError> {
        let mut errors = FieldCollector::new();
        if let Err(e) = self.validate() {
            errors.merge_validator(e);
        }
        let slug = errors.optional("slug", self.slug.as_deref(), Slug::parse);
        let coalition = errors.given("coalition", self.coalition.as_deref(), Slug::parse);
        let title = errors.given("title", self.title.as_deref(), line(TITLE_MAX));
        let body = errors.given("body", self.body.as_deref(), text(BODY_MAX));
        let recipient_name = errors.given(
            "recipient_name",
            self.recipient_name.as_deref(),
            line(NAME_MAX),
        );
        let recipient_email = errors.optional(
            "recipient_email",
            self.recipient_email.as_deref(),
            EmailAddress::parse,
        );
        let place_and_date = errors.optional(
            "place_and_date",
            self.place_and_date.as_deref(),
            line(NAME_MAX),
        );
        let language = errors
            .optional("language", self.language.as_deref(), LanguageTag::parse)
            .or_else(|| LanguageTag::parse("en").ok());
        let moderation = errors
            .optional("moderation", self.moderation.as_deref(), str::parse)
            .unwrap_or(Moderation::Auto);
        let visibility = errors
            .optional("visibility", self.visibility.as_deref(), str::parse)
            .unwrap_or(Visibility::Public);
        let deadline = errors.optional("deadline", self.deadline.as_deref(), future_timestamp);
        let campaign = errors.optional("campaign", self.campaign.as_deref(), Slug::parse);
        errors.finish()?;
        match (coalition, title, body, recipient_name, language) {
            (Some(coalition), Some(title), Some(body), Some(recipient_name), Some(language)) => {
                Ok(NewLetterInput {
                    slug,
                    coalition,
                    title,
                    body,
                    recipient_name,
                    recipient_email,
                    place_and_date,
                    language,
                    moderation,
                    visibility,
                    deadline,
                    campaign,
                })
            }
            _ => Err(AppError::field("body", "a required field is missing")),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterPatchFields {
    title: Option<String>,
    body: Option<String>,
    recipient_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    recipient_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    place_and_date: Option<Option<String>>,
    language: Option<String>,
    moderation: Option<String>,
    visibility: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    deadline: Option<Option<String>>,
    /// The slug of one of the coalition's campaigns; `null` takes the letter out of its campaign.
    #[serde(default, deserialize_with = "nullable")]
    campaign: Option<Option<String>>,
}

impl LetterPatchFields {
    pub fn parse(self) -> Result<LetterUpdate, AppError> {
        let mut errors = FieldCollector::new();
        let changes = LetterUpdate {
            title: self
                .title
                .as_deref()
                .and_then(|t| errors.check("title", line(TITLE_MAX)(t))),
            body: self
                .body
                .as_deref()
                .and_then(|b| errors.check("body", text(BODY_MAX)(b))),
            recipient_name: self
                .recipient_name
                .as_deref()
                .and_then(|n| errors.check("recipient_name", line(NAME_MAX)(n))),
            recipient_email: self
                .recipient_email
                .map(|e| errors.optional("recipient_email", e.as_deref(), EmailAddress::parse)),
            place_and_date: self
                .place_and_date
                .map(|p| errors.optional("place_and_date", p.as_deref(), line(NAME_MAX))),
            language: self
                .language
                .as_deref()
                .and_then(|l| errors.check("language", LanguageTag::parse(l))),
            moderation: self
                .moderation
                .as_deref()
                .and_then(|m| errors.check("moderation", m.parse())),
            visibility: self
                .visibility
                .as_deref()
                .and_then(|v| errors.check("visibility", v.parse())),
            deadline: self
                .deadline
                .map(|d| errors.optional("deadline", d.as_deref(), future_timestamp)),
            campaign: self
                .campaign
                .map(|c| errors.optional("campaign", c.as_deref(), Slug::parse)),
        };
        errors.finish()?;
        Ok(changes)
    }
}
