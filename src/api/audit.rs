//! The audit log through the API: per letter and per coalition (viewer role or more).

use crate::service::audit::{AuditJson, LogFields};
use actix_web::{get, web, HttpResponse};

use super::extract::{ApiQuery, Authenticated};
use super::{PageQuery, Reply};
use crate::service::audit;
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(letter_log).service(coalition_log);
}

/// Everything that happened to a letter and its signatures, oldest first (or `order=newest`),
/// of one kind or one person's if asked.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery, LogFields), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), super::Refused))]
#[get("/letters/{slug}/audit")]
pub async fn letter_log(
    caller: Authenticated,
    slug: web::Path<String>,
    page: ApiQuery<PageQuery>,
    fields: ApiQuery<LogFields>,
) -> Reply {
    let page = page.parse()?;
    let query = fields.parse(false)?;
    let slug = slug.into_inner();
    let (_, log) = caller
        .read(move |conn, actor| audit::of_letter(conn, actor, &slug, &query, page))
        .await?;
    Ok(HttpResponse::Ok().json(log.map(AuditJson::from)))
}

/// Everything that happened in a coalition (its letters, signatures and members), oldest first
/// (or `order=newest`), of one kind or one person's if asked.
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery, LogFields), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), super::Refused))]
#[get("/coalitions/{slug}/audit")]
pub async fn coalition_log(
    caller: Authenticated,
    slug: web::Path<String>,
    page: ApiQuery<PageQuery>,
    fields: ApiQuery<LogFields>,
) -> Reply {
    let page = page.parse()?;
    let query = fields.parse(false)?;
    let slug = slug.into_inner();
    let (_, log) = caller
        .read(move |conn, actor| audit::of_coalition(conn, actor, &slug, &query, page))
        .await?;
    Ok(HttpResponse::Ok().json(log.map(AuditJson::from)))
}
