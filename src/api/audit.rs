//! The audit log through the API: per letter and per coalition (viewer role or more).

use crate::db::models::AuditRow;
use crate::service::audit::{AuditJson, LogFields, LogQuery};
use actix_web::{get, web, HttpResponse};

use super::extract::{About, ApiQuery};
use super::{PageQuery, Reply};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::service::access::Actor;
use crate::service::audit;
use crate::service::{Page, PageRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(letter_log).service(coalition_log);
}

/// Everything that happened to a letter and its signatures, oldest first (or `order=newest`),
/// of one kind or one person's if asked.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery, LogFields), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), super::Refused))]
#[get("/letters/{slug}/audit")]
pub async fn letter_log(
    letter: About,
    page: ApiQuery<PageQuery>,
    fields: ApiQuery<LogFields>,
) -> Reply {
    log(letter, page, fields, audit::of_letter).await
}

/// Everything that happened in a coalition (its letters, signatures and members), oldest first
/// (or `order=newest`), of one kind or one person's if asked.
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/audit", tag = "audit", params(("slug" = String, Path), PageQuery, LogFields), security(("api_token" = [])),
    responses((status = 200, body = Page<AuditJson>), super::Refused))]
#[get("/coalitions/{slug}/audit")]
pub async fn coalition_log(
    coalition: About,
    page: ApiQuery<PageQuery>,
    fields: ApiQuery<LogFields>,
) -> Reply {
    log(coalition, page, fields, audit::of_coalition).await
}

/// What a log read finds: the letter or coalition, and a page of its log.
type Found<S> = Result<(S, Page<AuditRow>), AppError>;

/// A page of the log of what the path names, as `read` finds it (of a letter or a coalition).
async fn log<S: Send + 'static>(
    about: About,
    page: ApiQuery<PageQuery>,
    fields: ApiQuery<LogFields>,
    read: fn(&mut DbConnection, &Actor, &str, &LogQuery, PageRequest) -> Found<S>,
) -> Reply {
    let page = page.parse()?;
    let query = fields.parse(false)?;
    let (_, log) = about
        .read(move |conn, actor, slug| read(conn, actor, slug, &query, page))
        .await?;
    Ok(HttpResponse::Ok().json(log.map(AuditJson::from)))
}
