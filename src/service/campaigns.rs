//! Campaigns: a coalition's letters grouped toward a goal (organisations and/or countries, by a
//! date), with a public timeline of what happened. The service records a letter's opening and
//! delivery on the timeline ([`record_event`]); coordinators post milestones, responses and notes.
//!
//! The public sees a campaign once one of its public letters is past draft, and then only those
//! letters (an unlisted letter stays out of its campaign's public page and progress). Members of
//! the coalition see it all the time.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::domain::text::{line, nullable, text, timestamp};
use crate::error::FieldCollector;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{Audience, LetterView};
use super::{new_id, now, Page, PageRequest};
use crate::db::models::{Campaign, CampaignChanges, Coalition, Letter, TimelineEvent};
use crate::db::schema::{
    campaigns, coalitions, letter_country_counts, letters, public_signatories, timeline_events,
};
use crate::db::DbConnection;
use crate::domain::campaign::EventKind;
use crate::domain::{LetterState, Permission, Slug, Visibility};
use crate::error::AppError;

/// A campaign with its coalition.
#[derive(Debug, Clone)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub coalition: Coalition,
}

pub struct NewCampaignInput {
    /// `None` derives a slug from the title.
    pub slug: Option<Slug>,
    pub coalition: Slug,
    pub title: String,
    pub description: String,
    pub goal: Goal,
}

/// What a campaign aims for; any part may be missing.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    pub organisations: Option<i32>,
    pub countries: Option<i32>,
    pub date: Option<NaiveDateTime>,
}

/// `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Debug, Default)]
pub struct CampaignUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub goal_organisations: Option<Option<i32>>,
    pub goal_countries: Option<Option<i32>>,
    pub goal_date: Option<Option<NaiveDateTime>>,
}

/// How far a campaign has come: distinct organisations and countries over its letters' public
/// lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub organisations: i64,
    pub countries: i64,
}

/// An event as coordinators post it.
pub struct NewEventInput {
    pub kind: EventKind,
    pub title: String,
    pub body: String,
    /// Default: now.
    pub occurred_at: Option<NaiveDateTime>,
    /// The letter it is about, one of the campaign's.
    pub letter: Option<String>,
}

fn slug_taken(conn: &mut DbConnection, slug: &Slug) -> Result<bool, AppError> {
    let n: i64 = campaigns::table
        .filter(campaigns::slug.eq(slug.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn audit_event(
    conn: &mut DbConnection,
    actor: &Actor,
    view: &CampaignView,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&view.coalition.id),
            letter_id: None,
            subject_kind: "campaign",
            subject_id: &view.campaign.id,
            action,
            details,
        },
    )
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewCampaignInput,
) -> Result<CampaignView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = super::coalitions::find(conn, input.coalition.as_str())
            .map_err(|_| AppError::field("coalition", "no coalition has this slug"))?;
        actor.require(&coalition, Permission::ManageLetters)?;
        let slug = super::new_slug(conn, input.slug, &input.title, "campaign", slug_taken)?;
        let now = now();
        let row = Campaign {
            id: new_id(),
            slug: slug.as_str().to_string(),
            coalition_id: coalition.id.clone(),
            title: input.title,
            description: input.description,
            goal_organisations: input.goal.organisations,
            goal_countries: input.goal.countries,
            goal_date: input.goal.date,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(campaigns::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict { .. } => super::slug_taken("campaign", &slug),
                other => other,
            })?;
        let view = CampaignView {
            campaign: row,
            coalition,
        };
        audit_event(
            conn,
            actor,
            &view,
            "campaign.created",
            json!({"title": view.campaign.title}),
        )?;
        Ok(view)
    })
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    slug: &str,
    update: CampaignUpdate,
) -> Result<CampaignView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let current = find_for(conn, actor, slug, Permission::ManageLetters)?;
        let mut fields = Vec::new();
        for (set, name) in [
            (update.title.is_some(), "title"),
            (update.description.is_some(), "description"),
            (update.goal_organisations.is_some(), "goal_organisations"),
            (update.goal_countries.is_some(), "goal_countries"),
            (update.goal_date.is_some(), "goal_date"),
        ] {
            if set {
                fields.push(name);
            }
        }
        let changes = CampaignChanges {
            title: update.title,
            description: update.description,
            goal_organisations: update.goal_organisations,
            goal_countries: update.goal_countries,
            goal_date: update.goal_date,
            updated_at: Some(now()),
        };
        diesel::update(campaigns::table.find(&current.campaign.id))
            .set(&changes)
            .execute(conn)?;
        let view = find_by_id(conn, &current.campaign.id)?;
        audit_event(
            conn,
            actor,
            &view,
            "campaign.updated",
            json!({ "fields": fields }),
        )?;
        Ok(view)
    })
}

fn find_by_id(conn: &mut DbConnection, slug_or_id: &str) -> Result<CampaignView, AppError> {
    campaigns::table
        .inner_join(coalitions::table)
        .filter(
            campaigns::slug
                .eq(slug_or_id)
                .or(campaigns::id.eq(slug_or_id)),
        )
        .select((Campaign::as_select(), Coalition::as_select()))
        .first(conn)
        .optional()?
        .map(|(campaign, coalition)| CampaignView {
            campaign,
            coalition,
        })
        .ok_or_else(|| AppError::not_found(format!("campaign {slug_or_id:?}")))
}

/// The letter states the public sees on a campaign's page.
const PUBLIC_STATES: [LetterState; 4] = [
    LetterState::Open,
    LetterState::Closed,
    LetterState::Delivered,
    LetterState::Archived,
];

fn public_states() -> [&'static str; 4] {
    PUBLIC_STATES.map(LetterState::as_str)
}

/// A campaign as `audience` may see it: hidden from the public (as if it did not exist) until
/// one of its public letters is past draft.
pub fn find(
    conn: &mut DbConnection,
    slug_or_id: &str,
    audience: &Audience,
) -> Result<CampaignView, AppError> {
    let view = find_by_id(conn, slug_or_id)?;
    if audience.sees_private(&view.coalition.id) {
        return Ok(view);
    }
    let shown: i64 = letters::table
        .filter(letters::campaign_id.eq(&view.campaign.id))
        .filter(letters::state.eq_any(public_states()))
        .filter(letters::visibility.eq(Visibility::Public.as_str()))
        .count()
        .get_result(conn)?;
    if shown == 0 {
        return Err(AppError::not_found(format!("campaign {slug_or_id:?}")));
    }
    Ok(view)
}

/// A campaign the actor may see, checked for `permission` in its coalition.
pub fn find_for(
    conn: &mut DbConnection,
    actor: &Actor,
    slug_or_id: &str,
    permission: Permission,
) -> Result<CampaignView, AppError> {
    let view = find(conn, slug_or_id, &actor.audience())?;
    actor.require(&view.coalition, permission)?;
    Ok(view)
}

/// Campaigns the audience may see, newest first; `coalition` narrows to one coalition's.
pub fn list(
    conn: &mut DbConnection,
    audience: &Audience,
    coalition: Option<&str>,
    page: PageRequest,
) -> Result<Page<CampaignView>, AppError> {
    let filtered = || {
        let mut query = campaigns::table
            .inner_join(coalitions::table)
            .into_boxed::<crate::db::pool::MultiBackend>();
        let shown = campaigns::id.eq_any(
            letters::table
                .filter(letters::campaign_id.is_not_null())
                .filter(letters::state.eq_any(public_states()))
                .filter(letters::visibility.eq(Visibility::Public.as_str()))
                .select(letters::campaign_id.assume_not_null()),
        );
        match audience {
            Audience::Public => query = query.filter(shown),
            Audience::Members(ids) => {
                query = query.filter(shown.or(campaigns::coalition_id.eq_any(ids.clone())))
            }
            Audience::Admin => {}
        }
        if let Some(slug) = coalition {
            query = query.filter(coalitions::slug.eq(slug.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .select((Campaign::as_select(), Coalition::as_select()))
        .order((campaigns::created_at.desc(), campaigns::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load::<(Campaign, Coalition)>(conn)?
        .into_iter()
        .map(|(campaign, coalition)| CampaignView {
            campaign,
            coalition,
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// The letters of a campaign that `audience` sees on it: (id, slug).
fn shown_letters(
    conn: &mut DbConnection,
    view: &CampaignView,
    audience: &Audience,
) -> Result<Vec<(String, String)>, AppError> {
    let mut query = letters::table
        .filter(letters::campaign_id.eq(&view.campaign.id))
        .select((letters::id, letters::slug))
        .into_boxed::<crate::db::pool::MultiBackend>();
    if !audience.sees_private(&view.coalition.id) {
        query = query
            .filter(letters::state.eq_any(public_states()))
            .filter(letters::visibility.eq(Visibility::Public.as_str()));
    }
    Ok(query.load(conn)?)
}

/// The ids of the letters of a campaign that `audience` sees on it.
fn letter_ids(
    conn: &mut DbConnection,
    view: &CampaignView,
    audience: &Audience,
) -> Result<Vec<String>, AppError> {
    Ok(shown_letters(conn, view, audience)?
        .into_iter()
        .map(|(id, _)| id)
        .collect())
}

/// The campaign's letters that `audience` sees, oldest first.
pub fn letters(
    conn: &mut DbConnection,
    view: &CampaignView,
    audience: &Audience,
) -> Result<Vec<LetterView>, AppError> {
    let ids = letter_ids(conn, view, audience)?;
    let now = now();
    Ok(letters::table
        .filter(letters::id.eq_any(&ids))
        .order((letters::created_at.asc(), letters::id.asc()))
        .select(Letter::as_select())
        .load(conn)?
        .into_iter()
        .map(|letter| LetterView {
            letter: super::letters::as_of(letter, now),
            coalition: view.coalition.clone(),
        })
        .collect())
}

/// Distinct organisations and countries over the public lists of the campaign's letters that
/// the public sees (so every reader sees the same figures).
pub fn progress(conn: &mut DbConnection, view: &CampaignView) -> Result<Progress, AppError> {
    let ids = letter_ids(conn, view, &Audience::Public)?;
    if ids.is_empty() {
        return Ok(Progress {
            organisations: 0,
            countries: 0,
        });
    }
    // Counts are kept per country (in shards): the countries come from them, cheaply.
    let countries: i64 = letter_country_counts::table
        .filter(letter_country_counts::letter_id.eq_any(&ids))
        .filter(letter_country_counts::count.gt(0))
        .select(count(letter_country_counts::country_code).aggregate_distinct())
        .first(conn)?;
    // One letter lists an organisation once; across letters the same one counts once.
    let organisations: i64 = if ids.len() == 1 {
        super::public_list::summary(conn, &ids[0])?.total
    } else {
        public_signatories::table
            .filter(public_signatories::letter_id.eq_any(&ids))
            .select(count(public_signatories::organisation_id).aggregate_distinct())
            .first(conn)?
    };
    Ok(Progress {
        organisations,
        countries,
    })
}

/// The campaign's timeline as `audience` sees it, newest first: its own events and those of the
/// letters `audience` sees on it.
pub fn timeline(
    conn: &mut DbConnection,
    view: &CampaignView,
    audience: &Audience,
    page: PageRequest,
) -> Result<Page<TimelineEvent>, AppError> {
    let ids = letter_ids(conn, view, audience)?;
    events_of(conn, view, ids, page)
}

/// A page of the events of a campaign and of the letters `ids`, newest first.
fn events_of(
    conn: &mut DbConnection,
    view: &CampaignView,
    ids: Vec<String>,
    page: PageRequest,
) -> Result<Page<TimelineEvent>, AppError> {
    let campaign_id = view.campaign.id.clone();
    let filtered = || {
        timeline_events::table
            .filter(
                timeline_events::campaign_id
                    .eq(campaign_id.clone())
                    .or(timeline_events::letter_id.eq_any(ids.clone())),
            )
            .into_boxed::<crate::db::pool::MultiBackend>()
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .select(TimelineEvent::as_select())
        .order((
            timeline_events::occurred_at.desc(),
            timeline_events::id.desc(),
        ))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Page::new(items, page, total))
}

/// Post an event on a campaign's timeline (milestones, responses, notes).
pub fn post_event(
    conn: &mut DbConnection,
    actor: &Actor,
    slug: &str,
    input: NewEventInput,
) -> Result<TimelineEvent, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_for(conn, actor, slug, Permission::ManageLetters)?;
        if !input.kind.is_posted() {
            return Err(AppError::field(
                "kind",
                format!(
                    "{} events are recorded by the service; post a milestone, response or note",
                    input.kind
                ),
            ));
        }
        let letter_id = match &input.letter {
            None => None,
            Some(letter) => Some(
                letters::table
                    .filter(letters::campaign_id.eq(&view.campaign.id))
                    .filter(letters::slug.eq(letter))
                    .select(letters::id)
                    .first::<String>(conn)
                    .optional()?
                    .ok_or_else(|| {
                        AppError::field("letter", "is not one of this campaign's letters")
                    })?,
            ),
        };
        let now = now();
        let event = TimelineEvent {
            id: new_id(),
            campaign_id: Some(view.campaign.id.clone()),
            letter_id,
            kind: input.kind.as_str().to_string(),
            title: input.title,
            body: input.body,
            occurred_at: input.occurred_at.unwrap_or(now),
            created_at: now,
        };
        diesel::insert_into(timeline_events::table)
            .values(&event)
            .execute(conn)?;
        audit_event(
            conn,
            actor,
            &view,
            "campaign.event_posted",
            json!({"event": event.id, "kind": event.kind, "title": event.title}),
        )?;
        Ok(event)
    })
}

/// Remove an event from a campaign's timeline (a coordinator's correction). Events the service
/// recorded (opened, delivered) stay.
pub fn delete_event(
    conn: &mut DbConnection,
    actor: &Actor,
    slug: &str,
    event_id: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_for(conn, actor, slug, Permission::ManageLetters)?;
        let letters = letter_ids(conn, &view, &Audience::Admin)?;
        let event: TimelineEvent = timeline_events::table
            .filter(timeline_events::id.eq(event_id))
            .filter(
                timeline_events::campaign_id
                    .eq(&view.campaign.id)
                    .or(timeline_events::letter_id.eq_any(&letters)),
            )
            .select(TimelineEvent::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("event {event_id:?}")))?;
        let posted = event
            .kind
            .parse::<EventKind>()
            .is_ok_and(EventKind::is_posted);
        if !posted {
            return Err(AppError::conflict(
                "recorded_event",
                "the service recorded this event (a letter opened or was delivered); it stays",
            ));
        }
        diesel::delete(timeline_events::table.find(&event.id)).execute(conn)?;
        audit_event(
            conn,
            actor,
            &view,
            "campaign.event_deleted",
            json!({"event": event.id, "kind": event.kind, "title": event.title}),
        )?;
        Ok(())
    })
}

/// Record what happened to a letter on its timeline (and so on its campaign's): the service's
/// own events, in the transaction of the change.
pub(crate) fn record_event(
    conn: &mut DbConnection,
    letter: &Letter,
    kind: EventKind,
    title: String,
    body: String,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let event = TimelineEvent {
        id: new_id(),
        campaign_id: None,
        letter_id: Some(letter.id.clone()),
        kind: kind.as_str().to_string(),
        title,
        body,
        occurred_at: at,
        created_at: now(),
    };
    diesel::insert_into(timeline_events::table)
        .values(&event)
        .execute(conn)?;
    Ok(())
}

/// The events of one letter, newest first (its public page shows them).
pub fn letter_timeline(
    conn: &mut DbConnection,
    letter_id: &str,
) -> Result<Vec<TimelineEvent>, AppError> {
    Ok(timeline_events::table
        .filter(timeline_events::letter_id.eq(letter_id))
        .order((
            timeline_events::occurred_at.desc(),
            timeline_events::id.desc(),
        ))
        .select(TimelineEvent::as_select())
        .limit(PageRequest::MAX_PER_PAGE)
        .load(conn)?)
}

/// The campaign a letter may join: one of its own coalition's (a 422 on `campaign` otherwise).
pub(crate) fn for_letter(
    conn: &mut DbConnection,
    coalition_id: &str,
    slug: &Slug,
) -> Result<String, AppError> {
    campaigns::table
        .filter(campaigns::slug.eq(slug.as_str()))
        .filter(campaigns::coalition_id.eq(coalition_id))
        .select(campaigns::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::field("campaign", "is not a campaign of the letter's coalition"))
}

/// A campaign's slug by id (none for none).
pub fn slug_of(conn: &mut DbConnection, id: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(campaigns::table
        .find(id)
        .select(campaigns::slug)
        .first(conn)
        .optional()?)
}

/// Everything a campaign's page and JSON show, read in one go.
pub struct Overview {
    pub view: CampaignView,
    pub progress: Progress,
    /// Its letters the reader sees, with their lists' summaries.
    pub letters: Vec<(LetterView, super::public_list::ListSummary)>,
    /// The latest events, newest first.
    pub timeline: Page<TimelineEvent>,
}

impl Overview {
    /// The slug of the letter an event is about, when the reader sees it.
    pub fn letter_slug(&self, event: &TimelineEvent) -> Option<&str> {
        let id = event.letter_id.as_deref()?;
        self.letters
            .iter()
            .find(|(l, _)| l.letter.id == id)
            .map(|(l, _)| l.letter.slug.as_str())
    }

    /// When anything it shows last changed (for caching).
    pub fn last_modified(&self) -> NaiveDateTime {
        let mut at = self.view.campaign.updated_at;
        for (l, summary) in &self.letters {
            at = at.max(l.letter.updated_at);
            if let Some(changed) = summary.changed_at {
                at = at.max(changed.naive_utc());
            }
        }
        for e in &self.timeline.items {
            at = at.max(e.created_at);
        }
        at
    }
}

/// A campaign with its progress, letters and the first page of its timeline.
pub fn overview(
    conn: &mut DbConnection,
    slug: &str,
    audience: &Audience,
    timeline_page: PageRequest,
) -> Result<Overview, AppError> {
    let view = find(conn, slug, audience)?;
    let progress = progress(conn, &view)?;
    let mut shown = Vec::new();
    for letter in letters(conn, &view, audience)? {
        let summary = super::public_list::summary(conn, &letter.letter.id)?;
        shown.push((letter, summary));
    }
    let timeline = timeline(conn, &view, audience, timeline_page)?;
    Ok(Overview {
        view,
        progress,
        letters: shown,
        timeline,
    })
}

/// A page of a campaign's timeline as `audience` sees it, with what its events link to; without
/// the progress and the letters' lists that [`overview`] reads (the timeline and its feed need
/// neither).
pub struct TimelinePage {
    pub view: CampaignView,
    pub events: Page<TimelineEvent>,
    /// The letters shown on the campaign: (id, slug).
    letters: Vec<(String, String)>,
}

impl TimelinePage {
    /// The slug of the letter an event is about, when the reader sees it.
    pub fn letter_slug(&self, event: &TimelineEvent) -> Option<&str> {
        let id = event.letter_id.as_deref()?;
        (self.letters.iter())
            .find(|(l, _)| l == id)
            .map(|(_, slug)| slug.as_str())
    }

    /// When the campaign or the events shown last changed (for caching).
    pub fn last_modified(&self) -> NaiveDateTime {
        (self.events.items.iter())
            .map(|e| e.created_at)
            .fold(self.view.campaign.updated_at, NaiveDateTime::max)
    }
}

pub fn timeline_page(
    conn: &mut DbConnection,
    slug: &str,
    audience: &Audience,
    page: PageRequest,
) -> Result<TimelinePage, AppError> {
    let view = find(conn, slug, audience)?;
    let letters = shown_letters(conn, &view, audience)?;
    let ids = letters.iter().map(|(id, _)| id.clone()).collect();
    let events = events_of(conn, &view, ids, page)?;
    Ok(TimelinePage {
        view,
        events,
        letters,
    })
}

const TITLE_MAX: usize = 300;

const DESCRIPTION_MAX: usize = 20_000;

const EVENT_BODY_MAX: usize = 20_000;

/// Events in a campaign's JSON and on its page; the rest are paged at `/timeline`.
pub const TIMELINE_SHOWN: i64 = 50;

/// A goal date: `YYYY-MM-DD`, kept as midnight UTC.
fn date(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .map_err(|_| "must be a date such as 2027-03-31".to_string())
}

/// When an event happened: a date (`2027-03-31`) or an RFC 3339 time.
fn when(s: &str) -> Result<NaiveDateTime, String> {
    date(s).or_else(|_| timestamp(s)).map_err(|_| {
        "must be a date such as 2027-03-31 or a time such as 2027-03-31T14:00:00Z".into()
    })
}

/// A number in JSON, or the text of a form field (blank: none).
#[derive(Deserialize, Clone, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Count {
    Number(i64),
    Text(String),
}

fn goal_number(field: &str, errors: &mut FieldCollector, n: Option<Count>) -> Option<i32> {
    let n = match n? {
        Count::Number(n) => n,
        Count::Text(t) if t.trim().is_empty() => return None,
        Count::Text(t) => match t.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.add(field, "must be a whole number above 0");
                return None;
            }
        },
    };
    match i32::try_from(n) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errors.add(field, "must be a whole number above 0");
            None
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub organisations: Option<Count>,
    pub countries: Option<Count>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignFields {
    /// Default: derived from the title.
    pub slug: Option<String>,
    pub coalition: Option<String>,
    pub title: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    pub goal: Option<GoalInput>,
}

impl NewCampaignFields {
    pub fn parse(self) -> Result<NewCampaignInput, AppError> {
        let mut errors = FieldCollector::new();
        let slug = errors.optional("slug", self.slug.as_deref(), Slug::parse);
        let coalition = errors.required("coalition", self.coalition.as_deref(), Slug::parse);
        let title = errors.required("title", self.title.as_deref(), line(TITLE_MAX));
        let description = errors
            .optional(
                "description",
                self.description.as_deref().filter(|d| !d.trim().is_empty()),
                text(DESCRIPTION_MAX),
            )
            .unwrap_or_default();
        let goal = match self.goal {
            None => Goal::default(),
            Some(g) => Goal {
                organisations: goal_number("goal.organisations", &mut errors, g.organisations),
                countries: goal_number("goal.countries", &mut errors, g.countries),
                date: errors.optional(
                    "goal.date",
                    g.date.as_deref().filter(|d| !d.trim().is_empty()),
                    date,
                ),
            },
        };
        errors.finish()?;
        match (coalition, title) {
            (Some(coalition), Some(title)) => Ok(NewCampaignInput {
                slug,
                coalition,
                title,
                description,
                goal,
            }),
            _ => Err(AppError::field("title", "is required")),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignPatchFields {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Each part: a value sets it, `null` clears it, absent leaves it.
    pub goal: Option<GoalPatch>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatch {
    #[serde(default, deserialize_with = "nullable")]
    pub organisations: Option<Option<Count>>,
    #[serde(default, deserialize_with = "nullable")]
    pub countries: Option<Option<Count>>,
    #[serde(default, deserialize_with = "nullable")]
    pub date: Option<Option<String>>,
}

impl CampaignPatchFields {
    pub fn parse(self) -> Result<CampaignUpdate, AppError> {
        let mut errors = FieldCollector::new();
        let title = (self.title.as_deref()).and_then(|t| errors.check("title", line(TITLE_MAX)(t)));
        let description = self.description.map(|d| {
            if d.trim().is_empty() {
                String::new()
            } else {
                errors
                    .check("description", text(DESCRIPTION_MAX)(&d))
                    .unwrap_or_default()
            }
        });
        let mut changes = CampaignUpdate {
            title,
            description,
            ..CampaignUpdate::default()
        };
        if let Some(g) = self.goal {
            changes.goal_organisations = g
                .organisations
                .map(|n| goal_number("goal.organisations", &mut errors, n));
            changes.goal_countries = g
                .countries
                .map(|n| goal_number("goal.countries", &mut errors, n));
            changes.goal_date = g.date.map(|d| {
                errors.optional(
                    "goal.date",
                    d.as_deref().filter(|d| !d.trim().is_empty()),
                    date,
                )
            });
        }
        errors.finish()?;
        Ok(changes)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEventFields {
    /// `milestone`, `response` or `note` (the service records `opened` and `delivered`).
    pub kind: Option<String>,
    pub title: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    /// A date (`2027-03-31`) or an RFC 3339 time; default now.
    pub occurred_at: Option<String>,
    /// The slug of one of the campaign's letters it is about.
    pub letter: Option<String>,
}

/// The event form and JSON, parsed.
pub fn parse_event(body: NewEventFields) -> Result<NewEventInput, AppError> {
    let mut errors = FieldCollector::new();
    let kind: Option<EventKind> = errors.required("kind", body.kind.as_deref(), str::parse);
    if kind.is_some_and(|k| !k.is_posted()) {
        errors.add(
            "kind",
            "opened and delivered events are recorded by the service; post a milestone, response or note",
        );
    }
    let title = errors.required("title", body.title.as_deref(), line(TITLE_MAX));
    let text_body = errors
        .optional(
            "body",
            body.body.as_deref().filter(|b| !b.trim().is_empty()),
            text(EVENT_BODY_MAX),
        )
        .unwrap_or_default();
    let occurred_at = errors.optional(
        "occurred_at",
        body.occurred_at.as_deref().filter(|s| !s.trim().is_empty()),
        when,
    );
    let letter = errors
        .optional(
            "letter",
            body.letter.as_deref().filter(|s| !s.trim().is_empty()),
            Slug::parse,
        )
        .map(|s| s.as_str().to_string());
    errors.finish()?;
    match (kind, title) {
        (Some(kind), Some(title)) => Ok(NewEventInput {
            kind,
            title,
            body: text_body,
            occurred_at,
            letter,
        }),
        _ => Err(AppError::field("title", "is required")),
    }
}
