//! `/api/v1/campaigns`: letters grouped toward a goal, their progress and their timeline (also as
//! Atom); and `/api/v1/letters/{slug}/deliver`, which delivers a letter to its recipient.

use crate::http::state::After;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use atom_syndication::{Content, Entry, FixedDateTime, Link, Person, Text};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::domain::markdown::to_safe_html;
use serde::{Deserialize, Serialize};

use super::extract::{About, ApiJson, ApiQuery, Authenticated, Caller};
use super::extract::{CampaignChange, LetterChange};
use super::letters::CoalitionRef;
use super::{utc, PageQuery, Reply};
use crate::db::models::{Delivery, TimelineEvent};
use crate::domain::campaign::percent;
use crate::domain::Permission;
use crate::domain::Slug;
use crate::error::AppError;
use crate::http::caching;
use crate::http::{Acting, AppState};
use crate::service::campaigns::{
    self, parse_event, CampaignPatchFields, NewCampaignFields, NewEventFields, Overview,
    TIMELINE_SHOWN,
};
use crate::service::deliveries;
use crate::service::deliveries::DeliverFields;
use crate::service::letters::Audience;
use crate::service::{Page, PageRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(timeline)
        .service(atom)
        .service(post_event)
        .service(delete_event)
        .service(deliver)
        .service(delivery);
}

const ATOM_ENTRIES: i64 = 100;

#[derive(Serialize, utoipa::ToSchema)]
pub struct GoalJson {
    /// Organisations to gather, across the campaign's letters.
    organisations: Option<i32>,
    /// Countries to gather them from.
    countries: Option<i32>,
    /// The date to reach it by (`YYYY-MM-DD`).
    #[schema(value_type = Option<String>, format = Date)]
    date: Option<NaiveDate>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProgressJson {
    /// Distinct organisations on the public lists of the campaign's public letters.
    organisations: i64,
    /// Distinct countries they come from.
    countries: i64,
    /// Of the goal, capped at 100 (none without a goal).
    organisations_percent: Option<u8>,
    countries_percent: Option<u8>,
    /// Whether every part of the goal that is set is reached (false without a goal).
    reached: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignLetterJson {
    slug: String,
    title: String,
    state: String,
    /// Published signatories.
    signatories: i64,
    countries: usize,
    delivered_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventJson {
    id: String,
    /// `opened`, `milestone`, `delivered`, `response` or `note`.
    kind: String,
    title: String,
    /// Markdown.
    body: String,
    occurred_at: DateTime<Utc>,
    /// The slug of the letter it is about, if any.
    letter: Option<String>,
}

impl EventJson {
    fn new(e: TimelineEvent, letter: Option<&str>) -> EventJson {
        EventJson {
            id: e.id,
            kind: e.kind,
            title: e.title,
            body: e.body,
            occurred_at: utc(e.occurred_at),
            letter: letter.map(str::to_string),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignJson {
    id: String,
    slug: String,
    coalition: CoalitionRef,
    title: String,
    /// Markdown.
    description: String,
    goal: GoalJson,
    progress: ProgressJson,
    letters: Vec<CampaignLetterJson>,
    /// The latest events, newest first (all of them at `/timeline`).
    timeline: Vec<EventJson>,
    /// How many events the timeline holds.
    timeline_total: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl CampaignJson {
    fn new(o: Overview) -> CampaignJson {
        let slugs: Vec<Option<String>> = (o.timeline.items.iter())
            .map(|e| o.letter_slug(e).map(str::to_string))
            .collect();
        let c = o.view.campaign;
        let p = o.progress;
        let organisations_percent = percent(p.organisations, c.goal_organisations);
        let countries_percent = percent(p.countries, c.goal_countries);
        let has_goal = c.goal_organisations.is_some() || c.goal_countries.is_some();
        let reached = has_goal
            && organisations_percent.is_none_or(|x| x == 100)
            && countries_percent.is_none_or(|x| x == 100);
        CampaignJson {
            id: c.id,
            slug: c.slug,
            coalition: CoalitionRef {
                slug: o.view.coalition.slug,
                name: o.view.coalition.name,
            },
            title: c.title,
            description: c.description,
            goal: GoalJson {
                organisations: c.goal_organisations,
                countries: c.goal_countries,
                date: c.goal_date.map(|d| d.date()),
            },
            progress: ProgressJson {
                organisations: p.organisations,
                countries: p.countries,
                organisations_percent,
                countries_percent,
                reached,
            },
            letters: (o.letters.into_iter())
                .map(|(l, summary)| CampaignLetterJson {
                    slug: l.letter.slug,
                    title: l.letter.title,
                    state: l.letter.state,
                    signatories: summary.total,
                    countries: summary.countries.len(),
                    delivered_at: l.letter.delivered_at.map(utc),
                })
                .collect(),
            timeline_total: o.timeline.total,
            timeline: (o.timeline.items.into_iter().zip(slugs))
                .map(|(e, slug)| EventJson::new(e, slug.as_deref()))
                .collect(),
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignListQuery {
    /// Only this coalition's campaigns.
    coalition: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignSummaryJson {
    slug: String,
    title: String,
    coalition: CoalitionRef,
    goal: GoalJson,
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", params(PageQuery, CampaignListQuery),
    description = "Campaigns with at least one public letter past draft, newest first (coordinators also see their coalitions' others).",
    responses((status = 200, body = Page<CampaignSummaryJson>), super::Invalid))]
#[get("/campaigns")]
pub async fn list(
    caller: Caller,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<CampaignListQuery>,
) -> Reply {
    let (page, coalition) = page.with_filters(|errors| {
        errors.optional("coalition", query.coalition.as_deref(), Slug::parse)
    })?;
    let coalition = coalition.as_ref().map(|c| c.as_str().to_string());
    let result = caller
        .read(move |conn, actor| {
            campaigns::list(conn, &actor.audience(), coalition.as_deref(), page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(|v| CampaignSummaryJson {
        slug: v.campaign.slug,
        title: v.campaign.title,
        coalition: CoalitionRef {
            slug: v.coalition.slug,
            name: v.coalition.name,
        },
        goal: GoalJson {
            organisations: v.campaign.goal_organisations,
            countries: v.campaign.goal_countries,
            date: v.campaign.goal_date.map(|d| d.date()),
        },
    })))
}

async fn overview(caller: &Acting, slug: String) -> Result<Overview, AppError> {
    caller
        .read(move |conn, actor| {
            campaigns::overview(
                conn,
                &slug,
                &actor.audience(),
                PageRequest {
                    page: 1,
                    per_page: TIMELINE_SHOWN,
                },
            )
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = NewCampaignFields, security(("api_token" = [])),
    responses((status = 201, body = CampaignJson), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, description = "Slug taken", body = super::ErrorBody), super::Invalid))]
#[post("/campaigns")]
pub async fn create(caller: Authenticated, body: ApiJson<NewCampaignFields>) -> Reply {
    let input = body.0.parse()?;
    let create = move |conn: &mut _, _: &_, actor: &_| campaigns::create(conn, actor, input);
    let view = caller.write_only(create).await?;
    let o = overview(&caller, view.campaign.slug).await?;
    Ok(HttpResponse::Created().json(CampaignJson::new(o)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{slug}", tag = "campaigns", params(("slug" = String, Path)),
    description = "A campaign: its goal, its progress, its letters and the latest 50 events of its timeline. Hidden from the public until one of its public letters is open.",
    responses((status = 200, body = CampaignJson, headers(("ETag" = String), ("Last-Modified" = String))), (status = 304, description = "Not modified"),
        (status = 404, body = super::ErrorBody)))]
#[get("/campaigns/{slug}")]
pub async fn show(req: HttpRequest, caller: Caller, slug: web::Path<String>) -> Reply {
    let slug = slug.into_inner();
    let state = &caller.state;
    if caller.audience() == Audience::Public {
        // Rendered once and served from memory until this instance writes anything or the
        // second turns (issue 19).
        let key = format!("campaign-json\u{0}{slug}\u{0}{}", state.db.writes());
        return caching::serve_own(&req, &state.responses, &key, async {
            let o = overview(&caller, slug).await?;
            let last_modified = o.last_modified();
            Ok(crate::http::cache::Rendered::json(&CampaignJson::new(o))?
                .modified_at(last_modified))
        })
        .await;
    }
    let o = overview(&caller, slug).await?;
    let last_modified = o.last_modified();
    Ok(caching::json(&req, &CampaignJson::new(o), last_modified))
}

#[utoipa::path(patch, path = "/api/v1/campaigns/{slug}", tag = "campaigns", params(("slug" = String, Path)), request_body = CampaignPatchFields, security(("api_token" = [])),
    responses((status = 200, body = CampaignJson), super::Refused, super::Invalid))]
#[patch("/campaigns/{slug}")]
pub async fn update(change: CampaignChange<CampaignPatchFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let changes = body.parse()?;
    let update =
        move |conn: &mut _, _: &_, actor: &_| campaigns::update(conn, actor, &slug, changes);
    let view = caller.write_only(update).await?;
    let o = overview(&caller, view.campaign.slug).await?;
    Ok(HttpResponse::Ok().json(CampaignJson::new(o)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{slug}/timeline", tag = "campaigns", params(("slug" = String, Path), PageQuery),
    description = "The campaign's timeline, newest first: its letters' openings and deliveries, and the milestones, responses and notes its coordinators post.",
    responses((status = 200, body = Page<EventJson>), (status = 404, body = super::ErrorBody), super::Invalid))]
#[get("/campaigns/{slug}/timeline")]
pub async fn timeline(campaign: About<Caller>, page: ApiQuery<PageQuery>) -> Reply {
    let page = page.parse()?;
    let t = campaign
        .read(move |conn, actor, slug| {
            campaigns::timeline_page(conn, slug, &actor.audience(), page)
        })
        .await?;
    let slugs: Vec<Option<String>> = (t.events.items.iter())
        .map(|e| t.letter_slug(e).map(str::to_string))
        .collect();
    let mut slugs = slugs.into_iter();
    Ok(HttpResponse::Ok().json(
        t.events
            .map(|e| EventJson::new(e, slugs.next().flatten().as_deref())),
    ))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{slug}/timeline.atom", tag = "campaigns", params(("slug" = String, Path)),
    responses((status = 200, description = "Atom 1.0 feed of the latest 100 events", content_type = "application/atom+xml", body = String),
        (status = 304, description = "Not modified"), (status = 404, body = super::ErrorBody)))]
#[get("/campaigns/{slug}/timeline.atom")]
pub async fn atom(req: HttpRequest, state: web::Data<AppState>, slug: web::Path<String>) -> Reply {
    let slug = slug.into_inner();
    let (o, bodies) = state
        .db
        .run(move |conn| {
            let o = campaigns::timeline_page(
                conn,
                &slug,
                &Audience::Public,
                PageRequest {
                    page: 1,
                    per_page: ATOM_ENTRIES,
                },
            )?;
            // Rendered here, on the blocking pool, not on the async executor's threads.
            let bodies: Vec<_> = (o.events.items.iter())
                .map(|e| (!e.body.is_empty()).then(|| to_safe_html(&e.body)))
                .collect();
            Ok((o, bodies))
        })
        .await?;
    let page_url = format!("{}/campaigns/{}", state.public_url, o.view.campaign.slug);
    let self_url = format!(
        "{}/api/v1/campaigns/{}/timeline.atom",
        state.public_url, o.view.campaign.slug
    );
    let time = |t: NaiveDateTime| -> FixedDateTime { utc(t).fixed_offset() };
    let last_modified = o.last_modified();
    let entries: Vec<Entry> = (o.events.items.iter().zip(bodies))
        .map(|(e, body)| Entry {
            id: format!("{page_url}#event-{}", e.id),
            title: Text::plain(e.title.clone()),
            updated: time(e.created_at.max(e.occurred_at)),
            published: Some(time(e.occurred_at)),
            content: body.map(|html| Content {
                value: Some(html.to_string()),
                content_type: Some("html".into()),
                ..Content::default()
            }),
            categories: vec![atom_syndication::Category {
                term: e.kind.clone(),
                ..Default::default()
            }],
            links: vec![Link {
                href: match o.letter_slug(e) {
                    Some(letter) => format!("{}/letters/{letter}", state.public_url),
                    None => format!("{page_url}#event-{}", e.id),
                },
                ..Link::default()
            }],
            ..Entry::default()
        })
        .collect();
    let feed = atom_syndication::Feed {
        id: self_url.clone(),
        title: Text::plain(format!("Timeline of “{}”", o.view.campaign.title)),
        updated: time(last_modified),
        authors: vec![Person {
            name: o.view.coalition.name.clone(),
            ..Person::default()
        }],
        links: super::atom_links(self_url, page_url),
        entries,
        ..atom_syndication::Feed::default()
    };
    let xml = feed.to_string();
    let total = o.events.total.to_string();
    let validators = caching::Validators::of(
        &["campaign-atom", &o.view.campaign.id, &total],
        last_modified,
    );
    Ok(validators.respond(&req, |b| {
        b.content_type("application/atom+xml; charset=utf-8")
            .body(xml)
    }))
}

#[utoipa::path(post, path = "/api/v1/campaigns/{slug}/events", tag = "campaigns", params(("slug" = String, Path)), request_body = NewEventFields, security(("api_token" = [])),
    responses((status = 201, body = EventJson), super::Refused, super::Invalid))]
#[post("/campaigns/{slug}/events")]
pub async fn post_event(change: CampaignChange<NewEventFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let input = parse_event(body)?;
    let letter = input.letter.clone();
    let post =
        move |conn: &mut _, _: &_, actor: &_| campaigns::post_event(conn, actor, &slug, input);
    let event = caller.write_only(post).await?;
    Ok(HttpResponse::Created().json(EventJson::new(event, letter.as_deref())))
}

#[utoipa::path(post, path = "/api/v1/campaigns/{slug}/events/{id}/delete", tag = "campaigns", params(("slug" = String, Path), ("id" = String, Path)), security(("api_token" = [])),
    responses((status = 204, description = "Removed"),
        (status = 409, description = "An event the service recorded", body = super::ErrorBody), super::Refused))]
#[post("/campaigns/{slug}/events/{id}/delete")]
pub async fn delete_event(caller: Authenticated, path: web::Path<(String, String)>) -> Reply {
    let (slug, id) = path.into_inner();
    let delete =
        move |conn: &mut _, _: &_, actor: &_| campaigns::delete_event(conn, actor, &slug, &id);
    caller.write_only(delete).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A letter's delivery as anyone may read it: not the address it went to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryJson {
    letter: String,
    delivered_at: DateTime<Utc>,
    /// Whether it was mailed to the recipient (else delivered by hand).
    by_email: bool,
    /// The list as delivered: signatories and countries.
    signatories: i64,
    countries: i64,
    /// The ledger's length and last hash at delivery: check the list against them.
    ledger_length: i64,
    ledger_hash: String,
    note: Option<String>,
}

impl DeliveryJson {
    fn new(d: Delivery, letter: String) -> DeliveryJson {
        DeliveryJson {
            letter,
            delivered_at: utc(d.delivered_at),
            by_email: d.recipient_email.is_some(),
            signatories: d.signatories,
            countries: d.countries,
            ledger_length: d.ledger_seq,
            ledger_hash: d.ledger_hash,
            note: d.note,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/letters/{slug}/deliver", tag = "letters", params(("slug" = String, Path)), request_body = DeliverFields, security(("api_token" = [])),
    description = "Deliver a closed letter: it moves to `delivered`, its list is frozen, the letter with its signatories grouped by country is mailed to the recipient (when the letter has an address and `by_email` is not false), and the delivery goes on the timeline.",
    responses((status = 200, body = DeliveryJson), (status = 409, description = "Not closed", body = super::ErrorBody), super::Refused,
        super::Invalid))]
#[post("/letters/{slug}/deliver")]
pub async fn deliver(change: LetterChange<DeliverFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let options = body.parse()?;
    let (view, delivered) = caller
        .write(
            move |conn, keys, actor| {
                deliveries::deliver(conn, &keys.ledger, actor, &slug, &options)
            },
            |(view, _)| After::letter(&view.letter.slug).and_mail(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(DeliveryJson::new(delivered, view.letter.slug)))
}

#[utoipa::path(get, path = "/api/v1/letters/{slug}/delivery", tag = "letters", params(("slug" = String, Path)),
    responses((status = 200, body = DeliveryJson), (status = 404, description = "No such letter, or not delivered", body = super::ErrorBody)))]
#[get("/letters/{slug}/delivery")]
pub async fn delivery(letter: About<Caller>) -> Reply {
    let (letter, delivered) = letter
        .read(|conn, actor, slug| {
            let view = crate::service::letters::find(conn, slug, actor.audience())?;
            let delivered = deliveries::find(conn, &view.letter.id)?
                .ok_or_else(|| AppError::not_found("delivery"))?;
            Ok((view.letter.slug, delivered))
        })
        .await?;
    Ok(HttpResponse::Ok().json(DeliveryJson::new(delivered, letter)))
}
