//! A draft's secret preview links through the API (`service::previews`): make one (its link is
//! in that answer only), list them (never their tokens), revoke one.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::{About, Item, LetterChange};
use super::{utc, Reply};
use crate::db::models::LetterPreview;
use crate::domain::Permission;
use crate::service::previews::{self, PreviewFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(list).service(revoke);
}

/// A preview link as its coordinators see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PreviewLinkJson {
    id: String,
    /// Who it is for, e.g. "for EDRi".
    label: Option<String>,
    created_at: DateTime<Utc>,
    /// When it was revoked: it answers 410 since.
    revoked_at: Option<DateTime<Utc>>,
    /// Only in the answer that makes it: the link to share (`/preview/{token}`). Keep it; it
    /// is not shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl PreviewLinkJson {
    fn new(row: LetterPreview, url: Option<String>) -> PreviewLinkJson {
        PreviewLinkJson {
            id: row.id,
            label: row.label,
            created_at: utc(row.created_at),
            revoked_at: row.revoked_at.map(utc),
            url,
        }
    }
}

/// Make a secret preview link of a draft, to share with partner organisations before it opens:
/// anyone with the link reads the letter as it will read (no sign form), the page is not indexed
/// and not listed anywhere. Once the letter opens, the link leads to its public page; once
/// revoked, it answers 410.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/previews", tag = "letters", params(("slug" = String, Path)),
    request_body = PreviewFields, security(("api_token" = [])),
    responses((status = 201, body = PreviewLinkJson), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Needs the coordinator role in the letter's coalition", body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, description = "The letter is not a draft", body = super::ErrorBody),
        super::Invalid))]
#[post("/letters/{slug}/previews")]
pub async fn create(change: LetterChange<PreviewFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let label = body.parse()?;
    let (token, row) = caller
        .write_only(move |conn, _, actor| previews::create(conn, actor, &slug, label))
        .await?;
    let url = format!("{}/preview/{}", caller.state.public_url, token.as_str());
    Ok(HttpResponse::Created().json(PreviewLinkJson::new(row, Some(url))))
}

/// A letter's preview links, newest first, revoked ones included (never the links themselves).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/previews", tag = "letters", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, body = Vec<PreviewLinkJson>), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/previews")]
pub async fn list(letter: About) -> Reply {
    let (_, rows) = letter.read(previews::list).await?;
    super::json_each(rows, |r| PreviewLinkJson::new(r, None))
}

/// Revoke one of a letter's preview links: from now on it answers 410 (revoking twice is
/// harmless).
#[utoipa::path(post, path = "/api/v1/letters/{slug}/previews/{id}/revoke", tag = "letters",
    params(("slug" = String, Path), ("id" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = PreviewLinkJson), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[post("/letters/{slug}/previews/{id}/revoke")]
pub async fn revoke(link: Item) -> Reply {
    let row = link.write_only(previews::revoke).await?;
    Ok(HttpResponse::Ok().json(PreviewLinkJson::new(row, None)))
}
