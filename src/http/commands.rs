//! Use cases as both handler layers run them, where more than one write or an after-effect
//! follows the service call: a bulk rejection, an import, an export's download. `api/` and
//! `web/` call these; neither calls the other.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::state::After;
use super::AppState;
use crate::domain::text::text;
use crate::error::{AppError, FieldCollector};
use crate::service::abuse::{self as service, MatchQuery};
use crate::service::access::Actor;
use crate::service::export::{self, export_csv_bytes, export_document, ExportFormat};
use crate::service::imports::{self, ImportReport, Keys};
/// Read, audit and answer an export (the API and the dashboard share it): the read first, then
/// the audit row, so a download that is not recorded is not served.
pub async fn download(
    state: &AppState,
    actor: Actor,
    slug: String,
    format: ExportFormat,
) -> Result<HttpResponse, AppError> {
    let reader = actor.clone();
    let (letter, body, count, content_type, name) = state
        .db
        .run(move |conn| match format {
            ExportFormat::Json => {
                let e = export::gather(conn, &reader, &slug)?;
                let body = serde_json::to_vec_pretty(&export_document(&e))
                    .map_err(|e| AppError::Unexpected(e.into()))?;
                let n = e.signatures.len();
                Ok((e.letter, body, n, "application/json", "export.json"))
            }
            ExportFormat::Csv => {
                let letter = export::authorise(conn, &reader, &slug)?;
                let records = export::signatures(conn, &letter.letter.id)?;
                let body = export_csv_bytes(&records)?;
                let n = records.len();
                Ok((letter, body, n, "text/csv; charset=utf-8", "signatures.csv"))
            }
        })
        .await?;
    let filename = format!("{}-{name}", letter.letter.slug);
    let label = match format {
        ExportFormat::Json => "json",
        ExportFormat::Csv => "csv",
    };
    state
        .command(
            move |conn, _| export::record(conn, &actor, &letter, label, count),
            |_| After::nothing(),
        )
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Parse and run a bulk rejection (the API's and the dashboard's), then forget the letter's
/// cached version.
pub async fn reject(
    state: &AppState,
    actor: crate::service::access::Actor,
    slug: &str,
    query: &MatchQuery,
    reason: Option<String>,
    expected: Option<i64>,
) -> Result<service::Rejected, AppError> {
    let mut errors = FieldCollector::new();
    let filter = query.parse_into(&mut errors);
    let reason = errors.required("reason", reason.as_deref(), text(500));
    if expected.is_none_or(|n| n < 0) {
        errors.add("expected", "give the total of the preview");
    }
    errors.finish()?;
    let letter = slug.to_string();
    let reason = reason.unwrap_or_default();
    let expected = expected.unwrap_or_default();
    state
        .command(
            move |conn, keys| {
                let key = &keys.ledger;
                service::reject_matching(conn, key, &actor, &letter, &filter, &reason, expected)
            },
            |_| After::letter(slug),
        )
        .await
}

/// Save an import (for the API and the dashboard) and clear the letter's cached version.
pub async fn run_import(
    state: &web::Data<AppState>,
    actor: crate::service::access::Actor,
    request: imports::ImportRequest,
) -> Result<ImportReport, AppError> {
    state
        .command(
            move |conn, keys| {
                let keys = Keys {
                    tokens: &keys.tokens,
                    ledger: &keys.ledger,
                };
                imports::apply(conn, &keys, &actor, &request, &mut |_, _| {})
            },
            |report| match &report.letter {
                Some(slug) if report.totals.signatures_new > 0 => After::letter(slug),
                _ => After::nothing(),
            },
        )
        .await
}
