//! Imports through the API: preview an existing list of signatory organisations (nothing is
//! stored), then import it into the directory and, optionally, as signatures on a letter.

use crate::http::commands::run_import;
use actix_web::{post, web, HttpResponse};

use super::extract::{ApiJson, Authenticated};
use super::Reply;
use crate::service::imports::{self, ImportFields, ImportReport};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(preview).service(apply);
}

/// What importing a list would do, line by line: `ready` lines with their organisation (`new`
/// to the directory or `existing`) and, with a letter, their signature (`new`,
/// `already_signed`, or `awaiting` confirmation or moderation); `review` lines with their
/// `issues` (no country, an unknown or ambiguous one with its `candidates`, a bad name, website
/// or email); `duplicate` lines. Stores nothing. Needs the coordinator role in a coalition, and
/// in the letter's coalition when a letter is named.
#[utoipa::path(post, path = "/api/v1/imports/preview", tag = "imports", request_body = ImportFields,
    security(("api_token" = [])),
    responses((status = 200, body = ImportReport), ImportRefused))]
#[post("/imports/preview")]
pub async fn preview(caller: Authenticated, body: ApiJson<ImportFields>) -> Reply {
    let request = body.0.parse()?;
    let report = caller
        .read(move |conn, actor| imports::preview(conn, actor, &request))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Import a list: the preview's `ready` lines are saved (new organisations into the directory;
/// with a letter, a published signature marked `imported` for each organisation that has no
/// live signature on it), `review` and `duplicate` lines are skipped and reported. Countries
/// chosen in review go in `countries`, by line number. Importing the same list again creates
/// nothing (`existing`, `already_signed`).
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", request_body = ImportFields,
    security(("api_token" = [])),
    responses((status = 200, body = ImportReport), ImportRefused))]
#[post("/imports")]
pub async fn apply(caller: Authenticated, body: ApiJson<ImportFields>) -> Reply {
    let request = body.0.parse()?;
    let report = run_import(&caller.state, caller.actor.clone(), request).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Why a preview or an import is refused (both answer alike).
#[derive(utoipa::IntoResponses)]
pub enum ImportRefused {
    #[response(status = 401)]
    Unauthorized(super::ErrorBody),
    #[response(
        status = 403,
        description = "Needs the coordinator role (in the letter's coalition, with a letter)"
    )]
    Forbidden(super::ErrorBody),
    #[response(
        status = 409,
        description = "`letter_not_importable`: the letter is not open or closed"
    )]
    Conflict(super::ErrorBody),
    #[response(status = 413, description = "Over the body limit")]
    TooLarge(super::ErrorBody),
    #[response(
        status = 422,
        description = "`format`, `content`, `letter`, `countries.N`"
    )]
    Invalid(super::ErrorBody),
}
