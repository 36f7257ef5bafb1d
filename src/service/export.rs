//! Everything about a letter for its coordinators: the letter with its versions and
//! translations, every signature with its private fields (the person, the address, the
//! comment), the updates sent, the delivery if any, and the letter's audit log.
//!
//! Private fields are personal data, so an export needs the coordinator role
//! (`Permission::Moderate`) in the letter's coalition, not only the viewer's right to read them
//! on screen one page at a time; every export is audited (`letter.exported`, with who and in
//! which format).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::domain::spreadsheet;
use crate::domain::text::utc;
use diesel::prelude::*;
use serde_json::json;

use super::access::Actor;
use super::letters::{self, LetterView};
use crate::db::models::{
    AuditRow, Delivery, LetterUpdate, LetterVersion, Organisation, Signature, Translation,
};
use crate::db::schema::{
    audit_log, countries, deliveries, letter_updates, letter_versions, organisations, signatures,
};
use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::AppError;

/// A signature with its organisation and the organisation's country name.
#[derive(Debug, Clone)]
pub struct SignatureRecord {
    pub signature: Signature,
    pub organisation: Organisation,
    pub country_name: String,
}

/// Everything about one letter.
#[derive(Debug, Clone)]
pub struct LetterExport {
    pub letter: LetterView,
    pub versions: Vec<LetterVersion>,
    pub translations: Vec<Translation>,
    pub signatures: Vec<SignatureRecord>,
    pub updates: Vec<LetterUpdate>,
    pub delivery: Option<Delivery>,
    pub audit_log: Vec<AuditRow>,
}

/// The letter, if the actor may export it: the coordinator role in its coalition.
pub fn authorise(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
) -> Result<LetterView, AppError> {
    letters::find_for(conn, actor, letter_slug, Permission::Moderate)
}

/// Every signature of a letter with its organisation, oldest first.
pub fn signatures(
    conn: &mut DbConnection,
    letter_id: &str,
) -> Result<Vec<SignatureRecord>, AppError> {
    let rows: Vec<(Signature, Organisation, String)> = signatures::table
        .inner_join(organisations::table.inner_join(countries::table))
        .filter(signatures::letter_id.eq(letter_id))
        .order((signatures::created_at.asc(), signatures::id.asc()))
        .select((
            Signature::as_select(),
            Organisation::as_select(),
            countries::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(signature, organisation, country_name)| SignatureRecord {
            signature,
            organisation,
            country_name,
        })
        .collect())
}

/// Everything about a letter the actor may export.
pub fn gather(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
) -> Result<LetterExport, AppError> {
    let letter = authorise(conn, actor, letter_slug)?;
    let id = letter.letter.id.clone();
    let versions = letter_versions::table
        .filter(letter_versions::letter_id.eq(&id))
        .order(letter_versions::version.asc())
        .select(LetterVersion::as_select())
        .load(conn)?;
    let translations = super::translations::list(conn, &id)?;
    let signatures = signatures(conn, &id)?;
    let updates = letter_updates::table
        .filter(letter_updates::letter_id.eq(&id))
        .order((letter_updates::created_at.asc(), letter_updates::id.asc()))
        .select(LetterUpdate::as_select())
        .load(conn)?;
    let delivery = deliveries::table
        .filter(deliveries::letter_id.eq(&id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()?;
    let audit_log = audit_log::table
        .filter(audit_log::letter_id.eq(&id))
        .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok(LetterExport {
        letter,
        versions,
        translations,
        signatures,
        updates,
        delivery,
        audit_log,
    })
}

/// Record that the actor downloaded a letter's personal data, in `format`, with how many
/// signatures it held.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &LetterView,
    format: &'static str,
    signatures: usize,
) -> Result<(), AppError> {
    letter
        .event(
            "letter.exported",
            json!({"format": format, "signatures": signatures}),
        )
        .record(conn, actor)
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
