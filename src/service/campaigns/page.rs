//! The campaign page's read model, the same for the public page and the coordinators': the
//! overview with the first page of its timeline, each event's text rendered, and whether the goal
//! is reached. Markdown is rendered here, on the blocking pool, never on the executor's threads.

use std::sync::Arc;

use super::*;
use crate::domain::campaign::percent;
use crate::domain::markdown::to_safe_html;

/// An event as a page shows it.
pub struct EventView {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub title: String,
    pub body_html: Arc<str>,
    pub letter: Option<String>,
    /// Posted by coordinators (so they may remove it).
    pub posted: bool,
}

/// A campaign's page: its overview (with the latest [`TIMELINE_SHOWN`] events), the events as
/// shown, its description rendered, and whether its goal is reached.
pub struct CampaignPage {
    pub o: Overview,
    pub events: Vec<EventView>,
    pub description_html: Arc<str>,
    pub reached: bool,
}

/// The page of the campaign `slug_or_id` as `audience` sees it.
pub fn page(
    conn: &mut DbConnection,
    slug_or_id: &str,
    audience: &Audience,
) -> Result<CampaignPage, AppError> {
    let first = PageRequest {
        page: 1,
        per_page: TIMELINE_SHOWN,
    };
    let o = overview(conn, slug_or_id, audience, first)?;
    Ok(CampaignPage {
        events: events(&o),
        description_html: to_safe_html(&o.view.campaign.description),
        reached: reached(&o),
        o,
    })
}

fn events(o: &Overview) -> Vec<EventView> {
    (o.timeline.items.iter())
        .map(|e: &TimelineEvent| EventView {
            id: e.id.clone(),
            date: e.occurred_at.format("%-d %B %Y").to_string(),
            kind: e.kind.clone(),
            title: e.title.clone(),
            body_html: if e.body.is_empty() {
                Arc::from("")
            } else {
                to_safe_html(&e.body)
            },
            letter: o.letter_slug(e).map(str::to_string),
            posted: e.kind.parse::<EventKind>().is_ok_and(EventKind::is_posted),
        })
        .collect()
}

/// Every goal the campaign set (organisations, countries) is met, and it set at least one.
fn reached(o: &Overview) -> bool {
    let c = &o.view.campaign;
    let orgs = percent(o.progress.organisations, c.goal_organisations);
    let countries = percent(o.progress.countries, c.goal_countries);
    (orgs.is_some() || countries.is_some())
        && orgs.is_none_or(|p| p == 100)
        && countries.is_none_or(|p| p == 100)
}
