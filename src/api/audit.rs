//! The audit log through the API: per letter and per coalition (viewer role or more).

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::{ApiQuery, Authenticated};
use super::{utc, PageQuery};
use crate::db::models::AuditRow;
use crate::domain::Permission;
use crate::error::AppError;
use crate::service::audit::{self, Scope};
use crate::service::{coalitions, letters, Page};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(letter_log).service(coalition_log);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditJson {
    id: String,
    occurred_at: DateTime<Utc>,
    /// `user`, `operator`, `public` or `system`.
    actor_kind: String,
    actor_id: Option<String>,
    actor_name: String,
    letter_id: Option<String>,
    subject_kind: String,
    subject_id: String,
    /// e.g. `letter.created`, `signature.confirmed`, `membership.added`.
    action: String,
    #[schema(value_type = Object)]
    details: serde_json::Value,
}

impl From<AuditRow> for AuditJson {
    fn from(r: AuditRow) -> Self {
        AuditJson {
            id: r.id,
            occurred_at: utc(r.occurred_at),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            letter_id: r.letter_id,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            action: r.action,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        }
    }
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
