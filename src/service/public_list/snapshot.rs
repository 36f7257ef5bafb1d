//! A list as it was at one of its versions, for citations: "212 organisations, list version
//! 240" names one list for good. The list is rebuilt from the letter's ledger, not from today's
//! rows: every change to the list is one ledger entry written in the same transaction as the
//! change's event (same time), so the entries up to that event's time are the list at that
//! version, and anyone can replay them the same way (`undersigned verify` checks the chain and the
//! signed head).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::PublicSignatory;
use crate::db::schema::{ledger_entries, signature_events};
use crate::db::DbConnection;
use crate::domain::ledger::Replay;
use crate::domain::organisation::OrgName;
use crate::error::AppError;
use crate::service::ledger;

/// Entries read per round trip while replaying.
const CHUNK: i64 = 5_000;

/// A list at one version.
pub struct Snapshot {
    /// The version asked for, or the latest change before it (the same list).
    pub version: i64,
    /// How many ledger entries it was rebuilt from.
    pub ledger_length: i64,
    /// The listed organisations, in the list's default order (country, then name).
    pub rows: Vec<PublicSignatory>,
}

/// The list at `version` (of one country when `country` is given). A version the list has not
/// reached yet is a `422` on `version` saying which it has.
pub fn at_version(
    conn: &mut DbConnection,
    letter_id: &str,
    version: i64,
    country: Option<&str>,
) -> Result<Snapshot, AppError> {
    let (current, _) = super::version(conn, letter_id)?;
    if !(0..=current).contains(&version) {
        return Err(AppError::field(
            "version",
            format!("must be from 0 to {current}, the list's version now"),
        ));
    }
    let change: Option<(i64, NaiveDateTime)> = signature_events::table
        .filter(signature_events::letter_id.eq(letter_id))
        .filter(signature_events::id.le(version))
        .order(signature_events::id.desc())
        .select((signature_events::id, signature_events::occurred_at))
        .first(conn)
        .optional()?;
    let Some((version, at)) = change else {
        return Ok(Snapshot {
            version: 0,
            ledger_length: 0,
            rows: Vec::new(),
        });
    };
    let ledger_length: Option<i64> = ledger_entries::table
        .filter(ledger_entries::letter_id.eq(letter_id))
        .filter(ledger_entries::occurred_at.le(at))
        .select(diesel::dsl::max(ledger_entries::seq))
        .first(conn)?;
    let ledger_length = ledger_length.unwrap_or(0);
    Ok(Snapshot {
        version,
        ledger_length,
        rows: at_ledger(conn, letter_id, ledger_length, country)?,
    })
}

/// The list after the first `n` entries of the letter's ledger.
fn at_ledger(
    conn: &mut DbConnection,
    letter_id: &str,
    n: i64,
    country: Option<&str>,
) -> Result<Vec<PublicSignatory>, AppError> {
    let mut replay = Replay::new(letter_id);
    while replay.length < n {
        let entries =
            ledger::entries(conn, letter_id, replay.length, CHUNK.min(n - replay.length))?;
        if entries.is_empty() {
            break;
        }
        for entry in &entries {
            replay.apply(entry).map_err(|e| {
                AppError::Unexpected(anyhow::anyhow!(
                    "the ledger of {letter_id} does not check: {e}"
                ))
            })?;
        }
    }
    let mut rows: Vec<PublicSignatory> = replay
        .listed
        .into_iter()
        .filter(|(_, listed)| country.is_none_or(|c| listed.country == c))
        .map(|(slug, listed)| PublicSignatory {
            signature_id: String::new(),
            letter_id: letter_id.to_string(),
            organisation_id: String::new(),
            sort_name: OrgName::parse(&listed.name)
                .map(|name| name.normalized())
                .unwrap_or_else(|_| listed.name.to_lowercase()),
            organisation_name: listed.name,
            organisation_slug: slug,
            country_code: listed.country,
            website: listed.website.filter(|w| !w.is_empty()),
            verification: listed.verification,
            text_hash: listed.text_hash,
            signed_at: chrono::DateTime::parse_from_rfc3339(&listed.since)
                .map(|t| t.naive_utc())
                .unwrap_or(NaiveDateTime::MIN),
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.country_code, &a.sort_name, &a.organisation_slug).cmp(&(
            &b.country_code,
            &b.sort_name,
            &b.organisation_slug,
        ))
    });
    Ok(rows)
}
