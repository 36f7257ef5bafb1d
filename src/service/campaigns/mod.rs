//! Campaigns: a coalition's letters grouped toward a goal (organisations and/or countries, by a
//! date), with a public timeline of what happened. The service records a letter's opening and
//! delivery on the timeline ([`record_event`]); coordinators post milestones, responses and notes.
//!
//! The public sees a campaign once one of its public letters is past draft, and then only those
//! letters (an unlisted letter stays out of its campaign's public page and progress). Members of
//! the coalition see it all the time.

mod timeline;
pub use timeline::*;
mod fields;
mod page;
use crate::db::query::any_row;
use crate::db::query::{insert_unique, FirstOrNotFound};
use crate::service::OnePage;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count;
use diesel::prelude::*;
pub use fields::*;
pub use page::*;
use serde::Deserialize;
use serde_json::json;

use crate::domain::text::{line, nullable, text, timestamp};
use crate::error::FieldCollector;

use super::access::Actor;
use super::audit::Event;
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
    any_row(
        conn,
        campaigns::table.filter(campaigns::slug.eq(slug.as_str())),
    )
}

impl CampaignView {
    /// `action` on this campaign, in its coalition's log.
    fn event(&self, action: &'static str, details: serde_json::Value) -> Event<'_> {
        Event::new(action, ("campaign", &self.campaign.id), details)
            .in_coalition(&self.coalition.id)
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewCampaignInput,
) -> Result<CampaignView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = super::coalitions::for_new_letters(conn, actor, input.coalition.as_str())?;
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
        insert_unique(conn, campaigns::table, &row, || {
            super::slug_taken("campaign", &slug)
        })?;
        let view = CampaignView {
            campaign: row,
            coalition,
        };
        view.event("campaign.created", json!({"title": view.campaign.title}))
            .record(conn, actor)?;
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
        view.event("campaign.updated", json!({ "fields": fields }))
            .record(conn, actor)?;
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
        .first_or_not_found(conn, format!("campaign {slug_or_id:?}"))
        .map(|(campaign, coalition)| CampaignView {
            campaign,
            coalition,
        })
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
        .one_page(page)
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

/// The campaign with the id `id`, if there is one (none for none).
pub fn by_id(conn: &mut DbConnection, id: Option<&str>) -> Result<Option<Campaign>, AppError> {
    let Some(id) = id else { return Ok(None) };
    Ok(campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(conn)
        .optional()?)
}

/// A campaign's slug by id (none for none).
pub fn slug_of(conn: &mut DbConnection, id: Option<&str>) -> Result<Option<String>, AppError> {
    Ok(by_id(conn, id)?.map(|campaign| campaign.slug))
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
