//! The audit log through the API: per letter and per coalition (viewer role or more).

use crate::service::audit::AuditJson;
use actix_web::{get, web, HttpResponse};

use super::extract::{ApiQuery, Authenticated};
use super::PageQuery;
use crate::domain::Permission;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::audit::{self, Scope};
use crate::service::{coalitions, letters, Page};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(letter_log).service(coalition_log);
}

/// Everything that happened to a letter and its signatures, oldest first.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/audit")]
pub async fn letter_log(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    page: ApiQuery<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = page.parse()?;
    let slug = slug.into_inner();
    let result = state
        .db
        .run(move |conn| {
            let view = letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            audit::list(conn, Scope::Letter(&view.letter.id), page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(AuditJson::from)))
}

/// Everything that happened in a coalition (its letters, signatures and members), oldest first.
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[get("/coalitions/{slug}/audit")]
pub async fn coalition_log(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    page: ApiQuery<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = page.parse()?;
    let slug = slug.into_inner();
    let result = state
        .db
        .run(move |conn| {
            let coalition = coalitions::find(conn, &slug)?;
            actor.require(&coalition, Permission::ReadPrivate)?;
            audit::list(conn, Scope::Coalition(&coalition.id), page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(AuditJson::from)))
}
