//! Everything about a letter for its coordinators: the letter with its versions and
//! translations, every signature with its private fields (the person, the address, the
//! comment), the updates sent, the delivery if any, and the letter's audit log.
//!
//! Private fields are personal data, so an export needs the coordinator role
//! (`Permission::Moderate`) in the letter's coalition, not only the viewer's right to read them
//! on screen one page at a time; every export is audited (`letter.exported`, with who and in
//! which format).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, LetterView};
use crate::db::models::{
    AuditRow, LetterUpdate, LetterVersion, Organisation, Signature, Translation,
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

/// A letter's delivery, as recorded when it was delivered.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct DeliveryRecord {
    pub id: String,
    pub recipient_email: Option<String>,
    pub signatories: i64,
    pub countries: i64,
    pub ledger_seq: i64,
    pub ledger_hash: String,
    pub note: Option<String>,
    pub delivered_at: NaiveDateTime,
}

/// Everything about one letter.
#[derive(Debug, Clone)]
pub struct LetterExport {
    pub letter: LetterView,
    pub versions: Vec<LetterVersion>,
    pub translations: Vec<Translation>,
    pub signatures: Vec<SignatureRecord>,
    pub updates: Vec<LetterUpdate>,
    pub delivery: Option<DeliveryRecord>,
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
        .select(DeliveryRecord::as_select())
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
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&letter.coalition.id),
            letter_id: Some(&letter.letter.id),
            subject_kind: "letter",
            subject_id: &letter.letter.id,
            action: "letter.exported",
            details: json!({"format": format, "signatures": signatures}),
        },
    )
}
