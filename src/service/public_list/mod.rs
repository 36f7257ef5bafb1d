//! A letter's public list of signatories: its rows, its counts by country, its change feed and its
//! version, all kept by the transaction that publishes or withdraws a signature.
//!
//! - `public_signatories` holds one row per published signatory with only public fields, indexed
//!   for the two orders the API offers, so lists and exports read one table without joins.
//! - `signature_events` appends one row per change (`added`, `withdrawn`, and `updated` when a
//!   listed organisation's public details change); its id orders the
//!   change feed, and the letter's latest event id is the list's version (ETags come from it).
//!   The same change goes into the letter's ledger (`service::ledger`), the hash chain that lets
//!   anyone check the list.
//! - `letter_country_counts` keeps counts per (letter, country) spread over [`SHARDS`] rows; a
//!   change bumps one shard picked at random, so concurrent confirmations rarely wait on one row,
//!   and a reader adds up at most `SHARDS` rows per country instead of scanning signatures.
mod reading;
pub use reading::*;
pub mod snapshot;

use std::collections::BTreeMap;

use base64::Engine;
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};
use serde::{Deserialize, Serialize};

use crate::db::models::{
    CountShard, NewSignatureEvent, Organisation, PublicSignatory, Signature, SignatureEvent,
};
use crate::db::pool::MultiBackend;
use crate::db::schema::{
    countries, letter_country_counts, letters, organisation_checks, public_signatories,
    signature_events, signatures,
};
use crate::db::DbConnection;
use crate::domain::ledger::{Action, LedgerKey};
use crate::domain::LetterState;
use crate::error::AppError;

/// Count rows per (letter, country).
pub const SHARDS: i32 = 8;

/// Log a change to the list: in the change feed, and in the letter's ledger.
fn record_event(
    conn: &mut DbConnection,
    key: &LedgerKey,
    row: &PublicSignatory,
    action: Action,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let feed_action = match action {
        Action::Published => "added",
        Action::Withdrawn | Action::Removed => "withdrawn",
        Action::Updated | Action::Text => "updated",
    };
    diesel::insert_into(signature_events::table)
        .values(&NewSignatureEvent {
            letter_id: &row.letter_id,
            signature_id: &row.signature_id,
            action: feed_action,
            organisation_name: &row.organisation_name,
            organisation_slug: &row.organisation_slug,
            country_code: &row.country_code,
            occurred_at: at,
        })
        .execute(conn)?;
    super::ledger::append(
        conn,
        key,
        &row.letter_id,
        [super::ledger::Change::of_row(action, row, at)],
    )
}

/// Add `delta` to one random shard of a (letter, country) count.
pub fn bump(
    conn: &mut DbConnection,
    letter_id: &str,
    country_code: &str,
    delta: i64,
) -> Result<(), AppError> {
    use letter_country_counts::dsl as c;
    let row = CountShard {
        letter_id,
        country_code,
        shard: rand::random_range(0..SHARDS),
        count: delta,
    };
    crate::on_backend!(conn, inner => diesel::insert_into(c::letter_country_counts)
        .values(&row)
        .on_conflict((c::letter_id, c::country_code, c::shard))
        .do_update()
        .set(c::count.eq(c::count + delta))
        .execute(inner))?;
    Ok(())
}

/// How a listed signatory was checked: the signature's own check (an invitation, an import)
/// when it has one; `coordinator` when the letter's coalition checked the organisation (a check
/// belongs to the coalition that made it: issue 18, finding 3); the organisation's own
/// verification (`unverified`, `domain`) otherwise.
pub fn listed_verification(
    conn: &mut DbConnection,
    signature: &Signature,
    organisation: &Organisation,
) -> Result<String, AppError> {
    if let Some(own) = &signature.verification {
        return Ok(own.clone());
    }
    let checked: i64 = organisation_checks::table
        .filter(organisation_checks::organisation_id.eq(&organisation.id))
        .filter(
            organisation_checks::coalition_id.eq_any(
                letters::table
                    .filter(letters::id.eq(&signature.letter_id))
                    .select(letters::coalition_id),
            ),
        )
        .count()
        .get_result(conn)?;
    Ok(if checked > 0 {
        crate::domain::Verification::Coordinator
            .as_str()
            .to_string()
    } else {
        organisation.verification.clone()
    })
}

/// A signature became public: list it, count it, and log the change.
pub fn publish(
    conn: &mut DbConnection,
    key: &LedgerKey,
    signature: &Signature,
    organisation: &Organisation,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let row = PublicSignatory {
        signature_id: signature.id.clone(),
        letter_id: signature.letter_id.clone(),
        organisation_id: organisation.id.clone(),
        organisation_name: organisation.name.clone(),
        organisation_slug: organisation.slug.clone(),
        sort_name: organisation.normalized_name.clone(),
        country_code: organisation.country_code.clone(),
        website: organisation.website.clone(),
        verification: listed_verification(conn, signature, organisation)?,
        text_hash: signature.text_hash.clone(),
        signed_at: at,
    };
    diesel::insert_into(public_signatories::table)
        .values(&row)
        .execute(conn)?;
    bump(conn, &row.letter_id, &row.country_code, 1)?;
    record_event(conn, key, &row, Action::Published, at)
}

/// A signature left the public list (withdrawn): unlist it, count it out, and log the change.
/// Nothing happens for a signature that was not public.
pub fn unpublish(
    conn: &mut DbConnection,
    key: &LedgerKey,
    signature_id: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    take_off(conn, key, signature_id, Action::Withdrawn, at)
}

/// Coordinators took a signature off the public list (a duplicate organisation merged away):
/// like [`unpublish`], logged in the ledger as `removed` rather than `withdrawn`.
pub fn remove(
    conn: &mut DbConnection,
    key: &LedgerKey,
    signature_id: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    take_off(conn, key, signature_id, Action::Removed, at)
}

fn take_off(
    conn: &mut DbConnection,
    key: &LedgerKey,
    signature_id: &str,
    action: Action,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let row = public_signatories::table
        .find(signature_id)
        .select(PublicSignatory::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(());
    };
    diesel::delete(public_signatories::table.find(signature_id)).execute(conn)?;
    bump(conn, &row.letter_id, &row.country_code, -1)?;
    record_event(conn, key, &row, action, at)
}

/// Keep an organisation's public rows in step with a change to it (name, website,
/// verification, country, a coalition's check), and log an `updated` change for each row that
/// changed — only those, so a change that shows on one coalition's letters (its check) leaves
/// the other coalitions' lists, feeds and ledgers alone. A change of country moves its counts
/// too. A row whose signature carries its own check (an invitation) keeps it; the others show
/// `coordinator` where the letter's coalition checked the organisation, and the organisation's
/// verification elsewhere (see [`listed_verification`]).
pub fn refresh_organisation(
    conn: &mut DbConnection,
    key: &LedgerKey,
    organisation: &Organisation,
) -> Result<(), AppError> {
    // Delivered letters keep the names they were delivered with.
    let frozen = || {
        letters::table
            .filter(letters::state.eq_any(LetterState::FROZEN.map(LetterState::as_str)))
            .select(letters::id)
    };
    let live_rows = || {
        public_signatories::table
            .filter(public_signatories::organisation_id.eq(&organisation.id))
            .filter(diesel::dsl::not(
                public_signatories::letter_id.eq_any(frozen()),
            ))
    };
    let before: Vec<PublicSignatory> = live_rows()
        .select(PublicSignatory::as_select())
        .load(conn)?;
    let moved: Vec<(String, String)> = before
        .iter()
        .filter(|r| r.country_code != organisation.country_code)
        .map(|r| (r.letter_id.clone(), r.country_code.clone()))
        .collect();
    for (letter_id, old_country) in moved {
        bump(conn, &letter_id, &old_country, -1)?;
        bump(conn, &letter_id, &organisation.country_code, 1)?;
    }
    diesel::update(live_rows())
        .set((
            public_signatories::organisation_name.eq(&organisation.name),
            public_signatories::organisation_slug.eq(&organisation.slug),
            public_signatories::sort_name.eq(&organisation.normalized_name),
            public_signatories::country_code.eq(&organisation.country_code),
            public_signatories::website.eq(&organisation.website),
        ))
        .execute(conn)?;
    let own_verification = || {
        signatures::table
            .filter(signatures::organisation_id.eq(&organisation.id))
            .filter(signatures::verification.is_null())
            .select(signatures::id)
    };
    let checking_letters = || {
        letters::table
            .filter(
                letters::coalition_id.eq_any(
                    organisation_checks::table
                        .filter(organisation_checks::organisation_id.eq(&organisation.id))
                        .select(organisation_checks::coalition_id),
                ),
            )
            .select(letters::id)
    };
    diesel::update(
        live_rows()
            .filter(public_signatories::signature_id.eq_any(own_verification()))
            .filter(public_signatories::letter_id.eq_any(checking_letters())),
    )
    .set(public_signatories::verification.eq(crate::domain::Verification::Coordinator.as_str()))
    .execute(conn)?;
    diesel::update(
        live_rows()
            .filter(public_signatories::signature_id.eq_any(own_verification()))
            .filter(diesel::dsl::not(
                public_signatories::letter_id.eq_any(checking_letters()),
            )),
    )
    .set(public_signatories::verification.eq(&organisation.verification))
    .execute(conn)?;
    // By letter, so that transactions touching several ledgers lock them in one order.
    let refreshed: Vec<PublicSignatory> = live_rows()
        .order(public_signatories::letter_id.asc())
        .select(PublicSignatory::as_select())
        .load(conn)?;
    let public = |r: &PublicSignatory| {
        (
            r.organisation_name.clone(),
            r.organisation_slug.clone(),
            r.country_code.clone(),
            r.website.clone(),
            r.verification.clone(),
        )
    };
    let now = super::now();
    for row in &refreshed {
        let unchanged = before
            .iter()
            .any(|b| b.signature_id == row.signature_id && public(b) == public(row));
        if !unchanged {
            record_event(conn, key, row, Action::Updated, now)?;
        }
    }
    Ok(())
}

/// Published signatories of one country.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CountryCount {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// Counts by country, largest first (then by code), without the empty ones.
pub fn counts(conn: &mut DbConnection, letter_id: &str) -> Result<Vec<CountryCount>, AppError> {
    let shards: Vec<(String, i64, String)> = letter_country_counts::table
        .inner_join(countries::table)
        .filter(letter_country_counts::letter_id.eq(letter_id))
        .select((
            letter_country_counts::country_code,
            letter_country_counts::count,
            countries::name,
        ))
        .load(conn)?;
    let mut totals: BTreeMap<String, (i64, String)> = BTreeMap::new();
    for (code, count, name) in shards {
        totals.entry(code).or_insert((0, name)).0 += count;
    }
    let mut list: Vec<CountryCount> = totals
        .into_iter()
        .filter(|(_, (count, _))| *count > 0)
        .map(|(code, (count, name))| CountryCount { code, name, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    Ok(list)
}

/// What a letter's JSON says of its list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListSummary {
    /// Published signatories.
    pub total: i64,
    /// Published signatories by country, largest first.
    pub countries: Vec<CountryCount>,
    /// The id of the latest change to the list (0 before any): it grows with every change.
    pub version: i64,
    /// When the list last changed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn summary(conn: &mut DbConnection, letter_id: &str) -> Result<ListSummary, AppError> {
    let countries = counts(conn, letter_id)?;
    let (version, changed_at) = version(conn, letter_id)?;
    Ok(ListSummary {
        total: countries.iter().map(|c| c.count).sum(),
        countries,
        version,
        changed_at: changed_at.map(|t| t.and_utc()),
    })
}

/// The version of a letter's list: the id and time of its latest change (0 and none before any).
pub fn version(
    conn: &mut DbConnection,
    letter_id: &str,
) -> Result<(i64, Option<NaiveDateTime>), AppError> {
    let latest = signature_events::table
        .filter(signature_events::letter_id.eq(letter_id))
        .order(signature_events::id.desc())
        .select((signature_events::id, signature_events::occurred_at))
        .first::<(i64, NaiveDateTime)>(conn)
        .optional()?;
    Ok(latest.map_or((0, None), |(id, at)| (id, Some(at))))
}

/// Up to `limit` changes of a letter's list after event `after`, oldest first.
pub fn changes(
    conn: &mut DbConnection,
    letter_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<SignatureEvent>, AppError> {
    Ok(signature_events::table
        .filter(signature_events::letter_id.eq(letter_id))
        .filter(signature_events::id.gt(after))
        .order(signature_events::id.asc())
        .select(SignatureEvent::as_select())
        .limit(limit)
        .load(conn)?)
}

/// The latest `limit` changes before change `before` (all when `None`), newest first (for the
/// Atom feed and its older pages).
pub fn latest_changes(
    conn: &mut DbConnection,
    letter_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<SignatureEvent>, AppError> {
    Ok(signature_events::table
        .filter(signature_events::letter_id.eq(letter_id))
        .filter(signature_events::id.lt(before.unwrap_or(i64::MAX)))
        .order(signature_events::id.desc())
        .select(SignatureEvent::as_select())
        .limit(limit)
        .load(conn)?)
}

/// Country names by code, for rows that carry only the code.
pub fn country_names(conn: &mut DbConnection) -> Result<BTreeMap<String, String>, AppError> {
    Ok(countries::table
        .select((countries::code, countries::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_order() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 123_000)
            .unwrap()
            .naive_utc();
        for (cursor, order) in [
            (
                Cursor::Country("FR".into(), "access now".into(), "id-1".into()),
                Order::Country,
            ),
            (Cursor::SignedAt(at, "id-2".into()), Order::SignedAt),
        ] {
            let text = cursor.encode();
            assert!(text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            assert_eq!(Cursor::decode(&text, order), Ok(cursor.clone()));
            let other = match order {
                Order::Country => Order::SignedAt,
                Order::SignedAt => Order::Country,
            };
            assert!(Cursor::decode(&text, other).is_err());
        }
        assert!(Cursor::decode("not base64!", Order::Country).is_err());
    }
}
