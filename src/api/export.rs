//! `/api/v1/letters/{slug}/export` and `export.csv`: a letter's full export, with personal data,
//! for its coordinators. See `service::export`; erasure is in `api::erasure`.

use crate::http::commands::download;
use crate::service::export::ExportFormat;
use actix_web::{get, web};

use super::extract::Authenticated;
use super::Reply;
use crate::http::Acting;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(export_csv).service(export_json);
}

/// Everything about a letter, with personal data: the letter (versions, translations), every
/// signature with its private fields, the updates sent, the delivery, the audit log. Needs the
/// coordinator role in the letter's coalition (a viewer reads signatures page by page, but does
/// not download them all); every download is audited as `letter.exported`.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/export", tag = "privacy", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, description = "The export (`Content-Disposition: attachment`)", body = Object),
        (status = 401, body = super::ErrorBody),
        (status = 403, description = "Needs the coordinator role in the letter's coalition", body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/export")]
pub async fn export_json(caller: Authenticated, slug: web::Path<String>) -> Reply {
    let Authenticated(Acting { actor, state }) = caller;
    download(&state, actor, slug.into_inner(), ExportFormat::Json).await
}

/// A letter's signatures with their private fields as CSV, one row per signature (every
/// state), as an attachment. Same rules as the JSON export.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/export.csv", tag = "privacy", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv", body = String), super::Refused))]
#[get("/letters/{slug}/export.csv")]
pub async fn export_csv(caller: Authenticated, slug: web::Path<String>) -> Reply {
    let Authenticated(Acting { actor, state }) = caller;
    download(&state, actor, slug.into_inner(), ExportFormat::Csv).await
}
