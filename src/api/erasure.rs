//! `POST /api/v1/signatures/{id}/erase`: erasing the person on a signature (name, role, email,
//! comment), for the coordinators of its letter. See `service::erasure`.

use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::Authenticated;
use super::{utc, Reply};
use crate::error::AppError;
use crate::service::erasure::{self, EraseFields};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(erase);
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
        (status = 404, body = super::ErrorBody), super::Invalid))]
#[post("/signatures/{id}/erase")]
pub async fn erase(caller: Authenticated, id: web::Path<String>, body: web::Bytes) -> Reply {
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
    let erased = caller
        .write_only(move |conn, _, actor| erasure::erase(conn, actor, &id, reason.as_deref()))
        .await?;
    // The public list does not change; cached ETags stay right.
    Ok(HttpResponse::Ok().json(ErasedJson::from(erased)))
}
