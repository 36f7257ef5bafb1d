//! Personal data through the API: a letter's full export for its coordinators (JSON and CSV),
//! and erasing the person on a signature. See `service::export` and `service::erasure`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::extract::Authenticated;
use super::utc;
use crate::domain::spreadsheet;
use crate::error::AppError;
use crate::service::access::Actor;
use crate::service::erasure;
use crate::service::export::{self, LetterExport, SignatureRecord};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(export_csv).service(export_json).service(erase);
}

/// A signature with its private fields, as exported.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ExportedSignatureJson {
    id: String,
    /// `pending`, `confirmed`, `published`, `rejected`, `withdrawn` or `expired`.
    state: String,
    organisation: ExportedOrganisationJson,
    /// Empty once erased.
    representative_name: String,
    representative_role: String,
    /// Private; empty once erased or past the retention period.
    email: String,
    comment: Option<String>,
    /// `invitation` or `imported` when the signature carries its own verification.
    verification: Option<String>,
    letter_version: i32,
    text_hash: String,
    created_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    rejected_at: Option<DateTime<Utc>>,
    rejection_reason: Option<String>,
    unsubscribed_at: Option<DateTime<Utc>>,
    erased_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ExportedOrganisationJson {
    id: String,
    slug: String,
    name: String,
    country: String,
    country_name: String,
    website: Option<String>,
    /// The organisation's own verification (`unverified`, `domain`, `coordinator`).
    verification: String,
}

impl From<&SignatureRecord> for ExportedSignatureJson {
    fn from(r: &SignatureRecord) -> Self {
        let (s, o) = (&r.signature, &r.organisation);
        ExportedSignatureJson {
            id: s.id.clone(),
            state: s.state.clone(),
            organisation: ExportedOrganisationJson {
                id: o.id.clone(),
                slug: o.slug.clone(),
                name: o.name.clone(),
                country: o.country_code.clone(),
                country_name: r.country_name.clone(),
                website: o.website.clone(),
                verification: o.verification.clone(),
            },
            representative_name: s.representative_name.clone(),
            representative_role: s.representative_role.clone(),
            email: s.email.clone(),
            comment: s.comment.clone(),
            verification: s.verification.clone(),
            letter_version: s.letter_version,
            text_hash: s.text_hash.clone(),
            created_at: utc(s.created_at),
            confirmed_at: s.confirmed_at.map(utc),
            published_at: s.published_at.map(utc),
            withdrawn_at: s.withdrawn_at.map(utc),
            rejected_at: s.rejected_at.map(utc),
            rejection_reason: s.rejection_reason.clone(),
            unsubscribed_at: s.unsubscribed_at.map(utc),
            erased_at: s.erased_at.map(utc),
        }
    }
}

/// The whole export as one JSON document.
pub fn export_document(e: &LetterExport) -> Value {
    let l = &e.letter.letter;
    json!({
        "exported_at": utc(crate::service::now()),
        "letter": {
            "id": l.id, "slug": l.slug, "coalition": e.letter.coalition.slug,
            "title": l.title, "body": l.body, "text_hash": l.text_hash, "version": l.version,
            "language": l.language, "state": l.state, "moderation": l.moderation,
            "visibility": l.visibility, "recipient_name": l.recipient_name,
            "recipient_email": l.recipient_email, "place_and_date": l.place_and_date,
            "deadline": l.deadline.map(utc), "created_at": utc(l.created_at),
            "updated_at": utc(l.updated_at), "opened_at": l.opened_at.map(utc),
            "closed_at": l.closed_at.map(utc), "delivered_at": l.delivered_at.map(utc),
            "archived_at": l.archived_at.map(utc),
        },
        "versions": e.versions.iter().map(|v| json!({
            "version": v.version, "title": v.title, "body": v.body, "text_hash": v.text_hash,
            "note": v.note, "created_at": utc(v.created_at),
        })).collect::<Vec<_>>(),
        "translations": e.translations.iter().map(|t| json!({
            "language": t.language, "title": t.title, "body": t.body, "text_hash": t.text_hash,
            "created_at": utc(t.created_at), "updated_at": utc(t.updated_at),
        })).collect::<Vec<_>>(),
        "signatures": e.signatures.iter().map(ExportedSignatureJson::from).collect::<Vec<_>>(),
        "updates": e.updates.iter().map(|u| json!({
            "id": u.id, "subject": u.subject, "body": u.body, "recipients": u.recipients,
            "created_at": utc(u.created_at),
        })).collect::<Vec<_>>(),
        "delivery": e.delivery.as_ref().map(|d| json!({
            "id": d.id, "recipient_email": d.recipient_email, "signatories": d.signatories,
            "countries": d.countries, "ledger_seq": d.ledger_seq, "ledger_hash": d.ledger_hash,
            "note": d.note, "delivered_at": utc(d.delivered_at),
        })),
        "audit_log": e.audit_log.iter().cloned().map(super::audit::AuditJson::from).collect::<Vec<_>>(),
    })
}

/// The CSV's columns, one row per signature.
pub const CSV_HEADER: [&str; 22] = [
    "id",
    "state",
    "organisation",
    "organisation_slug",
    "country",
    "country_name",
    "website",
    "organisation_verification",
    "signature_verification",
    "representative_name",
    "representative_role",
    "email",
    "comment",
    "letter_version",
    "created_at",
    "confirmed_at",
    "published_at",
    "withdrawn_at",
    "rejected_at",
    "rejection_reason",
    "unsubscribed_at",
    "erased_at",
];

/// Every signature as CSV, with a header row; cells a spreadsheet would run as formulas are
/// defused.
pub fn export_csv_bytes(records: &[SignatureRecord]) -> Result<Vec<u8>, AppError> {
    let time = |t: Option<chrono::NaiveDateTime>| {
        t.map(|t| utc(t).to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
            .unwrap_or_default()
    };
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(records.len() * 300 + 300));
    let fail = |e: csv::Error| AppError::Unexpected(e.into());
    writer
        .write_record(spreadsheet::row(CSV_HEADER))
        .map_err(fail)?;
    for r in records {
        let (s, o) = (&r.signature, &r.organisation);
        writer
            // Issue 18, finding 6: every cell, the country's name too.
            .write_record(spreadsheet::row([
                s.id.clone(),
                s.state.clone(),
                o.name.clone(),
                o.slug.clone(),
                o.country_code.clone(),
                r.country_name.clone(),
                o.website.clone().unwrap_or_default(),
                o.verification.clone(),
                s.verification.clone().unwrap_or_default(),
                s.representative_name.clone(),
                s.representative_role.clone(),
                s.email.clone(),
                s.comment.clone().unwrap_or_default(),
                s.letter_version.to_string(),
                time(Some(s.created_at)),
                time(s.confirmed_at),
                time(s.published_at),
                time(s.withdrawn_at),
                time(s.rejected_at),
                s.rejection_reason.clone().unwrap_or_default(),
                time(s.unsubscribed_at),
                time(s.erased_at),
            ]))
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("{e}")))
}

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

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
        .db
        .write(move |conn| export::record(conn, &actor, &letter, label, count))
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

/// The optional body of an erasure.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseJson {
    /// Why (e.g. "the signer asked by mail"), kept in the audit log: at most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

impl EraseJson {
    pub fn reason(&self) -> Result<Option<String>, AppError> {
        let mut errors = crate::error::FieldCollector::new();
        let reason = errors.optional("reason", self.reason.as_deref(), super::text(500));
        errors.finish()?;
        Ok(reason)
    }
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
    request_body(content = EraseJson, description = "Optional"), security(("api_token" = [])),
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
    let request: EraseJson = if body.iter().all(u8::is_ascii_whitespace) {
        EraseJson::default()
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
