//! `/api/v1/letters/{slug}/changes`: every addition to and withdrawal from a letter's public list,
//! in order, with a cursor to follow it; the same as an Atom feed at `changes.atom`.

use std::collections::BTreeMap;

use actix_web::{get, web};
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{ApiQuery, LetterData};
use super::organisations::CountryRef;
use super::{utc, Reply};
use crate::db::models::SignatureEvent;
use crate::error::{AppError, FieldCollector};
use crate::http::cache::Rendered;
use crate::http::AppState;
use crate::service::letters::{self, Audience};
use crate::service::public_list;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(changes).service(atom);
}

pub const DEFAULT_LIMIT: i64 = super::CURSOR_LIMIT.0;
pub const MAX_LIMIT: i64 = super::CURSOR_LIMIT.1;
/// Entries in the Atom feed: the latest changes.
pub const ATOM_ENTRIES: i64 = 100;

/// One change to a letter's public list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChangeJson {
    /// Increasing; pass the last one you saw as `after` to get what came next.
    pub id: i64,
    /// `added`, `withdrawn`, or `updated` (the organisation's public details changed: name,
    /// country, website or verification).
    pub action: String,
    /// The organisation's name at the time of the change.
    pub organisation: String,
    pub organisation_slug: String,
    pub country: CountryRef,
    pub at: DateTime<Utc>,
}

/// Changes after a cursor.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChangePage {
    pub letter: String,
    pub items: Vec<ChangeJson>,
    /// The id to pass as `after` next time (the last id here, or the one given when nothing is new).
    pub cursor: i64,
    /// Whether more changes follow right away.
    pub more: bool,
}

/// An unknown parameter is a `422` naming it.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeParams {
    /// Only changes with a larger id (default 0: from the start).
    pub after: Option<i64>,
    /// At most this many, 1 to 1000 (default 100).
    pub limit: Option<i64>,
}

/// Which page of the Atom feed (RFC 5005 §3, a paged feed): the newest without `before`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AtomParams {
    /// Only changes older than this change id: the feed's `rel="next"` link gives it.
    pub before: Option<i64>,
}

fn change_json(e: SignatureEvent, names: &BTreeMap<String, String>) -> ChangeJson {
    ChangeJson {
        id: e.id,
        action: e.action,
        organisation: e.organisation_name,
        organisation_slug: e.organisation_slug,
        country: CountryRef {
            name: names.get(&e.country_code).cloned().unwrap_or_default(),
            code: e.country_code,
        },
        at: utc(e.occurred_at),
    }
}

/// An Atom entry's title: what happened, the organisation and its country's name, such as
/// `Signed: Access Now (United States)`. `undersigned verify` checks the feed with it.
pub fn atom_title(action: &str, organisation: &str, country_name: &str) -> String {
    // Issue 18, finding 8: an `updated` change said "Withdrew".
    let verb = match action {
        "added" => "Signed",
        "withdrawn" => "Withdrew",
        _ => "Changed",
    };
    format!("{verb}: {organisation} ({country_name})")
}

/// Additions and withdrawals in order, from `after`.
#[utoipa::path(
    get,
    path = "/api/v1/letters/{slug}/changes",
    tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug"), ChangeParams),
    responses(
        (status = 200, description = "Changes after the cursor", body = ChangePage),
        super::PublicRead,
    )
)]
#[get("/letters/{slug}/changes")]
pub async fn changes(letter: LetterData, params: ApiQuery<ChangeParams>) -> Reply {
    let mut errors = FieldCollector::new();
    let (after, limit) = super::after_and_limit(&mut errors, params.after, params.limit);
    errors.finish()?;
    let key = format!("json|{after}|{limit}");
    let v = letter.version().await?;
    let validators = v.of_letter("changes", &[&key]);
    letter
        .serve(&validators, async {
            let letter_id = v.letter_id.clone();
            let (events, names) = letter
                .state
                .db
                .run(move |conn| {
                    Ok((
                        public_list::changes(conn, &letter_id, after, limit)?,
                        public_list::country_names(conn)?,
                    ))
                })
                .await?;
            let more = events.len() as i64 == limit;
            let cursor = events.last().map_or(after, |e| e.id);
            Rendered::json(&ChangePage {
                letter: v.slug.clone(),
                items: events.into_iter().map(|e| change_json(e, &names)).collect(),
                cursor,
                more,
            })
        })
        .await
}

/// The latest changes as an Atom feed, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/letters/{slug}/changes.atom",
    tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug"), AtomParams),
    responses(
        (status = 200, description = "Atom 1.0 feed of the latest 100 changes (older ones a rel=\"next\" link away, RFC 5005)", content_type = "application/atom+xml", body = String),
        super::PublicRead,
    )
)]
#[get("/letters/{slug}/changes.atom")]
pub async fn atom(letter: LetterData, params: ApiQuery<AtomParams>) -> Reply {
    let before = params.before;
    if before.is_some_and(|b| b < 1) {
        return Err(AppError::field("before", "must be 1 or more"));
    }
    let key = format!("atom|{before:?}");
    let v = letter.version().await?;
    let validators = v.of_letter("changes", &[&key]);
    letter
        .serve(&validators, async {
            let xml = atom_feed(&letter.state, &v.letter_id, before).await?;
            Ok(Rendered::new("application/atom+xml; charset=utf-8", xml))
        })
        .await
}

/// The Atom feed of the letter `letter_id`'s latest changes (before change `before`): a paged
/// feed (RFC 5005 §3) whose `first` link is the newest page and whose `next` link is the page of
/// older changes, until the first change.
async fn atom_feed(
    state: &AppState,
    letter_id: &str,
    before: Option<i64>,
) -> Result<String, AppError> {
    let letter_id = letter_id.to_string();
    let (letter, mut events, names) = state
        .db
        .run(move |conn| {
            Ok((
                letters::find(conn, &letter_id, Audience::Public)?.letter,
                public_list::latest_changes(conn, &letter_id, before, ATOM_ENTRIES + 1)?,
                public_list::country_names(conn)?,
            ))
        })
        .await?;
    let older = events.len() as i64 > ATOM_ENTRIES;
    events.truncate(ATOM_ENTRIES as usize);
    let page_url = format!("{}/letters/{}", state.public_url, letter.slug);
    let feed_url = format!(
        "{}/api/v1/letters/{}/changes.atom",
        state.public_url, letter.slug
    );
    let self_url = match before {
        Some(before) => format!("{feed_url}?before={before}"),
        None => feed_url.clone(),
    };
    let mut paging = vec![Link {
        href: feed_url.clone(),
        rel: "first".into(),
        ..Link::default()
    }];
    if let (true, Some(oldest)) = (older, events.last()) {
        paging.push(Link {
            href: format!("{feed_url}?before={}", oldest.id),
            rel: "next".into(),
            ..Link::default()
        });
    }
    let time = |t: chrono::NaiveDateTime| -> FixedDateTime { utc(t).fixed_offset() };
    let updated = events
        .first()
        .map_or(letter.updated_at, |e| e.occurred_at.max(letter.updated_at));
    let entries: Vec<Entry> = events
        .into_iter()
        .map(|e| {
            let country = names.get(&e.country_code).cloned().unwrap_or_default();
            Entry {
                id: format!("{feed_url}#change-{}", e.id),
                title: Text::plain(atom_title(&e.action, &e.organisation_name, &country)),
                updated: time(e.occurred_at),
                links: vec![Link {
                    href: page_url.clone(),
                    ..Link::default()
                }],
                ..Entry::default()
            }
        })
        .collect();
    let document = Feed {
        id: feed_url.clone(),
        title: Text::plain(format!("Signatories of “{}”", letter.title)),
        updated: time(updated),
        authors: vec![Person {
            name: "undersigned".into(),
            ..Person::default()
        }],
        links: super::atom_links(self_url, page_url)
            .into_iter()
            .chain(paging)
            .collect(),
        entries,
        ..Feed::default()
    };
    Ok(document.to_string())
}
