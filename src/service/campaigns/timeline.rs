//! A campaign's and a letter's timeline: events posted by coordinators and recorded by the service.

use super::*;
use crate::db::query::FirstOrNotFound;
#[allow(unused_imports)]
use crate::service::OnePage;

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
pub(super) fn events_of(
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
        .one_page(page)
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
        view.event(
            "campaign.event_posted",
            json!({"event": event.id, "kind": event.kind, "title": event.title}),
        )
        .record(conn, actor)?;
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
            .first_or_not_found(conn, format!("event {event_id:?}"))?;
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
        view.event(
            "campaign.event_deleted",
            json!({"event": event.id, "kind": event.kind, "title": event.title}),
        )
        .record(conn, actor)?;
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
