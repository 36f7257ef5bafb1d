//! `/api/v1/letters`: drafting letters, reading them, and moving them through their life cycle.
//! The public reads letters past draft; writes and drafts need the admin token.

use crate::db::DbConnection;
use crate::http::state::{After, Keys};
use crate::service::access::Actor;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::LetterChange;
use super::extract::{ApiJson, ApiQuery, Authenticated, Caller};
use super::{text, utc, PageQuery, Reply};
use crate::db::Db;
use crate::domain::ledger::Head;
use crate::domain::licence::Licence;
use crate::domain::Permission;
use crate::domain::{LanguageTag, LetterState, Slug};
use crate::error::{AppError, FieldCollector};
use crate::http::caching::{self, Validators};
use crate::http::Acting;
use crate::service::letters::{
    self, Audience, LetterFilter, LetterPatchFields, NewLetterFields, BODY_MAX,
};
use crate::service::public_list::ListSummary;
use crate::service::{Page, PageRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(preview)
        .service(create)
        .service(show)
        .service(update)
        .service(transition);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CoalitionRef {
    pub slug: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Recipient {
    pub name: String,
    /// Shown only to admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LetterJson {
    pub id: String,
    pub slug: String,
    pub coalition: CoalitionRef,
    pub title: String,
    pub body: String,
    pub recipient: Recipient,
    pub place_and_date: Option<String>,
    pub language: String,
    pub state: String,
    pub moderation: String,
    pub visibility: String,
    pub deadline: Option<DateTime<Utc>>,
    /// A draft's opening time: the service opens it then by itself (and mails the invitations
    /// added meanwhile). `null` once it is open, or when a coordinator will open it.
    pub opens_at: Option<DateTime<Utc>>,
    /// SHA-256 of the text version (title, blank line, body).
    pub text_hash: String,
    /// The version of the text (1 when it opened; more after each new version).
    pub version: i32,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The published signatories: total, counts by country, and the list's version.
    pub signatories: ListSummary,
    /// The signed head of the letter's ledger, which the list can be checked against (see
    /// `/api/v1/letters/{slug}/ledger` and `/.well-known/undersigned-ledger-key`).
    pub ledger: Head,
    /// The slug of the campaign it belongs to (`/api/v1/campaigns/{slug}`).
    pub campaign: Option<String>,
    /// The licence of its public list of signatories (the same for every letter of this
    /// instance; CC0 1.0 unless its operator chose another): the JSON, the CSV and the data
    /// package (`/api/v1/letters/{slug}/datapackage.json`). Not the software's licence.
    pub data_licence: Licence,
    /// The licence of the letter's text, chosen by its coalition; `null`: all rights reserved by
    /// the coalition.
    pub text_licence: Option<Licence>,
}

impl LetterJson {
    /// The letter as `caller` sees it.
    fn for_caller(s: letters::Summarised, caller: &Acting) -> LetterJson {
        LetterJson::new(s, &caller.audience(), &caller.state.data_licence)
    }

    fn new(s: letters::Summarised, audience: &Audience, data_licence: &Licence) -> LetterJson {
        let (v, signatories, ledger, campaign) = (s.view, s.signatories, s.ledger, s.campaign);
        let private = audience.sees_private(&v.coalition.id);
        let text_licence = v.text_licence();
        let l = v.letter;
        LetterJson {
            data_licence: data_licence.clone(),
            text_licence,
            signatories,
            ledger,
            campaign,
            id: l.id,
            slug: l.slug,
            coalition: CoalitionRef {
                slug: v.coalition.slug,
                name: v.coalition.name,
            },
            title: l.title,
            body: l.body,
            recipient: Recipient {
                name: l.recipient_name,
                email: l.recipient_email.filter(|_| private),
            },
            place_and_date: l.place_and_date,
            language: l.language,
            state: l.state,
            moderation: l.moderation,
            visibility: l.visibility,
            deadline: l.deadline.map(utc),
            opens_at: l.opens_at.map(utc),
            text_hash: l.text_hash,
            version: l.version,
            opened_at: l.opened_at.map(utc),
            closed_at: l.closed_at.map(utc),
            delivered_at: l.delivered_at.map(utc),
            archived_at: l.archived_at.map(utc),
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/letters", tag = "letters", request_body = NewLetterFields, security(("api_token" = [])),
    responses((status = 201, body = LetterJson), (status = 401, body = super::ErrorBody),
        (status = 409, description = "Slug taken", body = super::ErrorBody), super::Invalid))]
#[post("/letters")]
pub async fn create(caller: Authenticated, body: ApiJson<NewLetterFields>) -> Reply {
    let input = body.0.parse()?;
    let letter = caller
        .write_only(move |conn, keys, actor| {
            letters::summarised(conn, &keys.ledger, |c| letters::create(c, actor, input))
        })
        .await?;
    Ok(HttpResponse::Created().json(LetterJson::for_caller(letter, &caller)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    state: Option<String>,
    coalition: Option<String>,
    language: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/letters", tag = "letters", params(PageQuery, ListQuery),
    description = "Public letters that are open, closed or delivered, newest first (with the admin token: every letter).",
    responses((status = 200, body = Page<LetterJson>, headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified"), super::Invalid))]
#[get("/letters")]
pub async fn list(
    req: HttpRequest,
    caller: Caller,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<ListQuery>,
) -> Reply {
    let (page, filter) = page.with_filters(|errors| LetterFilter {
        state: errors.optional("state", query.state.as_deref(), str::parse),
        coalition: errors
            .optional("coalition", query.coalition.as_deref(), Slug::parse)
            .map(|s| s.as_str().to_string()),
        language: errors
            .optional("language", query.language.as_deref(), LanguageTag::parse)
            .map(|l| l.as_str().to_string()),
    })?;
    let key = caller.state.ledger.clone();
    let result = caller
        .read(move |conn, actor| {
            let page = letters::list(conn, &filter, actor.audience(), page)?;
            let mut items = Vec::with_capacity(page.items.len());
            for view in page.items {
                items.push(letters::summarised(conn, &key, |_| Ok(view))?);
            }
            Ok(Page::new(
                items,
                PageRequest {
                    page: page.page,
                    per_page: page.per_page,
                },
                page.total,
            ))
        })
        .await?;
    let last_modified = (result.items.iter())
        .map(letters::Summarised::last_modified)
        .max()
        .unwrap_or_default();
    let audience = caller.audience();
    let licence = &caller.state.data_licence;
    let body = result.map(|s| LetterJson::new(s, &audience, licence));
    Ok(caching::json(&req, &body, last_modified))
}

#[utoipa::path(get, path = "/api/v1/letters/{slug}", tag = "letters", params(("slug" = String, Path)),
    responses((status = 200, body = LetterJson, headers(("ETag" = String), ("Last-Modified" = String))), (status = 304, description = "Not modified"),
        (status = 404, description = "No public letter has this slug", body = super::ErrorBody)))]
#[get("/letters/{slug}")]
pub async fn show(req: HttpRequest, caller: Caller, slug: web::Path<String>) -> Reply {
    let slug = slug.into_inner();
    let state = &caller.state;
    let audience = caller.audience();
    let validators =
        |id: &str, updated_at: NaiveDateTime, version: i64, ledger: i64, last_modified| {
            let parts = [
                "letter",
                id,
                &updated_at.to_string(),
                &version.to_string(),
                &ledger.to_string(),
                &format!("{audience:?}"),
            ];
            Validators::of(&parts, last_modified)
        };
    if audience == Audience::Public {
        // The representation is rendered once and served from memory (issue 19); a
        // revalidation reads the version fresh, so that its 304 is true (issue 23).
        let v = state.versions.for_request(&state.db, &slug, &req).await?;
        let cached = validators(
            &v.letter_id,
            v.updated_at,
            v.version,
            v.ledger_length,
            v.last_modified,
        );
        let key = state.ledger.clone();
        return cached
            .serve(&req, &state.responses, async {
                let letter = state
                    .db
                    .run(move |conn| {
                        letters::summarised(conn, &key, |c| {
                            letters::find(c, &slug, Audience::Public)
                        })
                    })
                    .await?;
                crate::http::cache::Rendered::json(&LetterJson::new(
                    letter,
                    &Audience::Public,
                    &state.data_licence,
                ))
            })
            .await;
    }
    let key = state.ledger.clone();
    let letter = caller
        .read(move |conn, actor| {
            letters::summarised(conn, &key, |c| letters::find(c, &slug, actor.audience()))
        })
        .await?;
    let validators = validators(
        &letter.view.letter.id,
        letter.view.letter.updated_at,
        letter.signatories.version,
        letter.ledger.length,
        letter.last_modified(),
    );
    let licence = &state.data_licence;
    Ok(validators.respond(&req, |b| {
        b.json(LetterJson::new(letter, &audience, licence))
    }))
}

#[utoipa::path(patch, path = "/api/v1/letters/{slug}", tag = "letters", params(("slug" = String, Path)), request_body = LetterPatchFields, security(("api_token" = [])),
    responses((status = 200, body = LetterJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "The text is frozen once the letter is open", body = super::ErrorBody), super::Invalid))]
#[patch("/letters/{slug}")]
pub async fn update(change: LetterChange<LetterPatchFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let changes = body.parse()?;
    let update = move |conn: &mut _, _: &_, actor: &_| letters::update(conn, actor, &slug, changes);
    let after = |letter: &letters::Summarised| After::letter(&letter.view.letter.slug);
    change_letter(caller, update, after).await
}

/// Change a letter as the caller (`change` answers the letter it leaves), then answer it as the
/// caller sees it, with its list's summary and ledger head (`letters::summarised`).
async fn change_letter<W>(
    caller: Authenticated,
    change: W,
    after: fn(&letters::Summarised) -> After,
) -> Reply
where
    W: FnOnce(&mut DbConnection, &Keys, &Actor) -> Result<letters::LetterView, AppError>
        + Send
        + 'static,
{
    let letter = caller
        .write(
            move |conn, keys, actor| {
                letters::summarised(conn, &keys.ledger, |c| change(c, keys, actor))
            },
            after,
        )
        .await?;
    Ok(HttpResponse::Ok().json(LetterJson::for_caller(letter, &caller)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionJson {
    /// `open`, `closed`, `delivered` or `archived`: the next state only, or `open` for a closed
    /// letter (a reopening).
    to: Option<String>,
}

/// Move a letter to the next state: `{"to": "open"}`. A closed letter may also be reopened with
/// `{"to": "open"}` until it is delivered: signing starts again, its `closed_at` is cleared, its
/// ledger, list and change feed go on unchanged (no new entry), and the audit log records
/// `letter.state_changed` from `closed` to `open`. Opening or reopening a letter whose signing
/// deadline has passed is `409 deadline_passed`: set a later deadline (or none) first.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/transition", tag = "letters", params(("slug" = String, Path)), request_body = TransitionJson, security(("api_token" = [])),
    responses((status = 200, body = LetterJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "Not a move the letter can make (`invalid_transition`), or its deadline has passed (`deadline_passed`)", body = super::ErrorBody), super::Invalid))]
#[post("/letters/{slug}/transition")]
pub async fn transition(change: LetterChange<TransitionJson>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let to: LetterState = FieldCollector::only("to", body.to.as_deref(), str::parse)?;
    let transition = move |conn: &mut _, keys: &Keys, actor: &_| {
        letters::transition(conn, &keys.ledger, actor, &slug, to)
    };
    // Delivering queues the delivery mail.
    let after = |letter: &letters::Summarised| After::letter(&letter.view.letter.slug).and_mail();
    change_letter(caller, transition, after).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewJson {
    /// Markdown.
    body: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PreviewHtml {
    /// The body as the letter's page shows it: rendered and sanitised.
    #[schema(value_type = String)]
    html: std::sync::Arc<str>,
}

/// Render a letter body (Markdown) as its page will show it, without saving anything. For
/// coordinators: the coordinator role in some coalition.
#[utoipa::path(post, path = "/api/v1/letters/preview", tag = "letters", request_body = PreviewJson, security(("api_token" = [])),
    responses((status = 200, body = PreviewHtml), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        super::Invalid))]
#[post("/letters/preview")]
pub async fn preview(caller: Authenticated, body: ApiJson<PreviewJson>) -> Reply {
    caller.actor.require_anywhere(Permission::ManageLetters)?;
    let body = FieldCollector::only("body", body.0.body.as_deref(), text(BODY_MAX))?;
    let actor = caller.0.actor;
    let html = Db::off_executor(move || letters::preview(&actor, &body)).await?;
    Ok(HttpResponse::Ok().json(PreviewHtml { html }))
}
