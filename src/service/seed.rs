//! `undersigned seed`: fill a letter with many published signatories quickly, for benchmarks and
//! demos. Rows are written in multi-row `INSERT`s, 5,000 rows a transaction, with everything the normal flow would write: organisations, published signatures, the public
//! list, the change log and the counts by country.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::coalitions::{self, NewCoalitionInput};
use super::letters::{self, Audience, NewLetterInput};
use super::{new_id, now, public_list};
use crate::db::models::{NewOrganisation, PublicSignatory};
use crate::db::schema::{
    countries, organisations, public_signatories, signature_events, signatures,
};
use crate::db::DbConnection;
use crate::domain::token::{Purpose, TokenKey};
use crate::domain::{LanguageTag, LetterState, Moderation, Slug, Visibility};
use crate::error::AppError;

/// Rows written per batch (and per transaction).
const BATCH: usize = 5_000;

#[derive(Insertable)]
#[diesel(table_name = signatures)]
struct SeedSignature {
    id: String,
    letter_id: String,
    organisation_id: String,
    state: &'static str,
    representative_name: String,
    representative_role: &'static str,
    email: String,
    text_hash: String,
    confirm_token_hash: String,
    withdraw_token_hash: String,
    confirm_expires_at: NaiveDateTime,
    confirmations_sent: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    confirmed_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = signature_events)]
struct SeedEvent {
    letter_id: String,
    signature_id: String,
    action: &'static str,
    organisation_name: String,
    organisation_slug: String,
    country_code: String,
    occurred_at: NaiveDateTime,
}

#[derive(Debug)]
pub struct SeedReport {
    pub letter: String,
    pub added: usize,
    pub elapsed: Duration,
}

/// The letter to fill: the one with this slug, or a new open letter of a "bench" coalition.
fn letter_for(conn: &mut DbConnection, slug: &Slug) -> Result<crate::db::models::Letter, AppError> {
    if let Ok(view) = letters::find(conn, slug.as_str(), Audience::Admin) {
        return Ok(view.letter);
    }
    let bench = Slug::parse("bench").expect("a valid slug");
    if coalitions::find(conn, bench.as_str()).is_err() {
        coalitions::create(
            conn,
            NewCoalitionInput {
                slug: bench.clone(),
                name: "Benchmark coalition".into(),
                website: None,
            },
        )?;
    }
    letters::create(
        conn,
        NewLetterInput {
            slug: Some(slug.clone()),
            coalition: bench,
            title: format!("Seeded letter {}", slug.as_str()),
            body: "A letter filled by `undersigned seed`.".into(),
            recipient_name: "The recipient".into(),
            recipient_email: None,
            place_and_date: None,
            language: LanguageTag::parse("en").expect("a valid tag"),
            moderation: Moderation::Auto,
            visibility: Visibility::Public,
            deadline: None,
        },
    )?;
    Ok(letters::transition(conn, slug.as_str(), LetterState::Open)?.letter)
}

/// Add `count` published signatories from every country in turn to the letter `slug`.
pub fn seed(
    conn: &mut DbConnection,
    key: &TokenKey,
    slug: &Slug,
    count: usize,
) -> Result<SeedReport, AppError> {
    let started = Instant::now();
    if let DbConnection::Sqlite(c) = conn {
        // Index pages for a million random keys: keep them in memory while seeding.
        diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA cache_size = -262144")?;
    }
    let letter = letter_for(conn, slug)?;
    let codes: Vec<String> = countries::table
        .filter(countries::is_iso.eq(1))
        .select(countries::code)
        .order(countries::code.asc())
        .load(conn)?;
    let run = &new_id()[..8];
    let mut per_country: BTreeMap<String, i64> = BTreeMap::new();
    let mut start = 0;
    while start < count {
        let end = (start + BATCH).min(count);
        let now = now();
        let mut orgs = Vec::with_capacity(end - start);
        let mut sigs = Vec::with_capacity(end - start);
        let mut public = Vec::with_capacity(end - start);
        let mut events = Vec::with_capacity(end - start);
        for i in start..end {
            let country = &codes[i % codes.len()];
            let name = format!("{} signatory {run} {i}", letter.slug);
            let org_slug = format!("{}-signatory-{run}-{i}", letter.slug);
            let org_id = new_id();
            let sig_id = new_id();
            *per_country.entry(country.clone()).or_default() += 1;
            public.push(PublicSignatory {
                signature_id: sig_id.clone(),
                letter_id: letter.id.clone(),
                organisation_id: org_id.clone(),
                organisation_name: name.clone(),
                organisation_slug: org_slug.clone(),
                sort_name: name.to_lowercase(),
                country_code: country.clone(),
                website: None,
                verification: "unverified".into(),
                text_hash: letter.text_hash.clone(),
                signed_at: now,
            });
            events.push(SeedEvent {
                letter_id: letter.id.clone(),
                signature_id: sig_id.clone(),
                action: "added",
                organisation_name: name.clone(),
                organisation_slug: org_slug.clone(),
                country_code: country.clone(),
                occurred_at: now,
            });
            sigs.push(SeedSignature {
                confirm_token_hash: key.derive(Purpose::ConfirmSignature, &sig_id).hash(),
                withdraw_token_hash: key.derive(Purpose::WithdrawSignature, &sig_id).hash(),
                id: sig_id,
                letter_id: letter.id.clone(),
                organisation_id: org_id.clone(),
                state: "published",
                representative_name: format!("Seed person {i}"),
                representative_role: "Director",
                email: format!("signer-{run}-{i}@seed.invalid"),
                text_hash: letter.text_hash.clone(),
                confirm_expires_at: now,
                confirmations_sent: 1,
                created_at: now,
                updated_at: now,
                confirmed_at: Some(now),
                published_at: Some(now),
            });
            orgs.push(NewOrganisation {
                id: org_id,
                slug: org_slug,
                normalized_name: name.to_lowercase(),
                name,
                country_code: country.clone(),
                website: None,
                email_domain: None,
                description: None,
                verification: "unverified".into(),
                created_at: now,
                updated_at: now,
            });
        }
        crate::db::write_transaction(conn, |conn| {
            // Multi-row INSERTs of 1,000 rows stay under both backends' parameter limits.
            crate::on_backend!(conn, c => {
                for chunk in orgs.chunks(1_000) {
                    diesel::insert_into(organisations::table).values(chunk).execute(c)?;
                }
                for chunk in sigs.chunks(1_000) {
                    diesel::insert_into(signatures::table).values(chunk).execute(c)?;
                }
                for chunk in public.chunks(1_000) {
                    diesel::insert_into(public_signatories::table).values(chunk).execute(c)?;
                }
                for chunk in events.chunks(1_000) {
                    diesel::insert_into(signature_events::table).values(chunk).execute(c)?;
                }
            });
            Ok(())
        })?;
        start = end;
    }
    crate::db::write_transaction(conn, |conn| {
        for (country, added) in &per_country {
            public_list::bump(conn, &letter.id, country, *added)?;
        }
        Ok(())
    })?;
    // Fresh statistics, or the planner takes the freshly filled letter for a small one and sorts
    // the whole list for every page instead of walking the index.
    let analyze = match conn {
        DbConnection::Sqlite(_) => "PRAGMA optimize",
        DbConnection::Postgresql(_) => "ANALYZE",
    };
    diesel::connection::SimpleConnection::batch_execute(conn, analyze)?;
    Ok(SeedReport {
        letter: letter.slug,
        added: count,
        elapsed: started.elapsed(),
    })
}
