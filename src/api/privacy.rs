//! Personal data through the API: a letter's full export for its coordinators (JSON and CSV),
//! and erasing the person on a signature. See `service::export` and `service::erasure`.

use crate::http::commands::download;
use crate::service::erasure::EraseFields;
use crate::service::export::ExportFormat;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::Authenticated;
use super::utc;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::erasure;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(export_csv).service(export_json).service(erase);
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
pub async fn export_json(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    download(&state, actor, slug.into_inner(), ExportFormat::Json).await
}

/// A letter's signatures with their private fields as CSV, one row per signature (every
/// state), as an attachment. Same rules as the JSON export.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/export.csv", tag = "privacy", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv", body = String),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/export.csv")]
pub async fn export_csv(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    download(&state, actor, slug.into_inner(), ExportFormat::Csv).await
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErasedJson {
    signature: String,
    letter: String,
    erased_at: DateTime<Utc>,
    /// It had been erased before; nothing changed.
    already_erased: bool,
}

impl From<erasure::Erased> for ErasedJson {
    fn from(e: erasure::Erased) -> Self {
        ErasedJson {
            signature: e.signature_id,
            letter: e.letter_slug,
            erased_at: utc(e.erased_at),
            already_erased: e.already,
        }
    }
}

/// Erase the person on a signature: representative name and role, email and comment are
/// blanked, queued mail to them is not sent, and the erasure is logged (without the person).
/// The organisation stays listed: the public list, counts and ledger do not change. Erasing
/// again answers 200 with `already_erased`. The body (JSON) is optional.
#[utoipa::path(post, path = "/api/v1/signatures/{id}/erase", tag = "privacy", params(("id" = String, Path)),
    request_body(content = EraseFields, description = "Optional"), security(("api_token" = [])),
    responses((status = 200, body = ErasedJson), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Needs the coordinator role in the letter's coalition", body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
#[post("/signatures/{id}/erase")]
pub async fn erase(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let request: EraseFields = if body.iter().all(u8::is_ascii_whitespace) {
        EraseFields::default()
    } else {
        let mut de = serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            match e.into_inner() {
                inner if inner.is_data() => AppError::field(&field, inner.to_string()),
                inner => AppError::BadRequest(format!("invalid JSON: {inner}")),
            }
        })?
    };
    let reason = request.reason()?;
    let id = id.into_inner();
    let erased = state
        .db
        .write(move |conn| erasure::erase(conn, &actor, &id, reason.as_deref()))
        .await?;
    // The public list does not change; cached ETags stay right.
    Ok(HttpResponse::Ok().json(ErasedJson::from(erased)))
}
