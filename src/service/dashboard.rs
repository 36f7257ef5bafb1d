//! What the dashboard shows: the actor's coalitions with their letters and counts.

use std::collections::HashMap;

use diesel::prelude::*;

use super::access::Actor;
use crate::db::models::Letter;
use crate::db::schema::{letter_country_counts, letters, signatures};
use crate::db::DbConnection;
use crate::domain::{Role, SignatureState};
use crate::error::AppError;

/// A letter's signatures by state, and its countries.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Signed, email not confirmed yet.
    pub pending: i64,
    /// Confirmed, waiting for a coordinator (on `manual` letters).
    pub confirmed: i64,
    pub published: i64,
    /// Countries with at least one published signatory.
    pub countries: i64,
}

/// A letter with its counts.
#[derive(Debug, Clone)]
pub struct LetterCounts {
    pub slug: String,
    pub title: String,
    pub state: String,
    pub counts: Counts,
}

#[derive(Debug, Clone)]
pub struct CoalitionLetters {
    pub slug: String,
    pub name: String,
    pub role: Role,
    pub letters: Vec<LetterCounts>,
}

/// The counts of each of these letters.
pub fn counts(
    conn: &mut DbConnection,
    letter_ids: &[String],
) -> Result<HashMap<String, Counts>, AppError> {
    let mut all: HashMap<String, Counts> = HashMap::new();
    for (letter, state, n) in signatures::table
        .filter(signatures::letter_id.eq_any(letter_ids))
        .group_by((signatures::letter_id, signatures::state))
        .select((
            signatures::letter_id,
            signatures::state,
            diesel::dsl::count_star(),
        ))
        .load::<(String, String, i64)>(conn)?
    {
        let c = all.entry(letter).or_default();
        match state.parse() {
            Ok(SignatureState::Pending) => c.pending = n,
            Ok(SignatureState::Confirmed) => c.confirmed = n,
            Ok(SignatureState::Published) => c.published = n,
            _ => {}
        }
    }
    // The shards of each (letter, country) add up; a country counts when its sum is positive.
    let mut per_country: HashMap<(String, String), i64> = HashMap::new();
    for (letter, country, n) in letter_country_counts::table
        .filter(letter_country_counts::letter_id.eq_any(letter_ids))
        .select((
            letter_country_counts::letter_id,
            letter_country_counts::country_code,
            letter_country_counts::count,
        ))
        .load::<(String, String, i64)>(conn)?
    {
        *per_country.entry((letter, country)).or_default() += n;
    }
    for ((letter, _), n) in per_country {
        if n > 0 {
            all.entry(letter).or_default().countries += 1;
        }
    }
    Ok(all)
}

/// The coalitions the actor belongs to, each with its letters (newest first) and their counts.
pub fn overview(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<CoalitionLetters>, AppError> {
    let mine = super::accounts::my_coalitions(conn, actor)?;
    let ids: Vec<String> = mine.iter().map(|(c, _)| c.id.clone()).collect();
    // Read as of now, so that a letter past its deadline shows as closed before the worker
    // has closed it.
    let now = super::now();
    let rows: Vec<(String, String, String, String, String)> = letters::table
        .filter(letters::coalition_id.eq_any(&ids))
        .order((letters::created_at.desc(), letters::id.desc()))
        .select(Letter::as_select())
        .load(conn)?
        .into_iter()
        .map(|l| super::letters::as_of(l, now))
        .map(|l| (l.id, l.coalition_id, l.slug, l.title, l.state))
        .collect();
    let letter_ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut counts = counts(conn, &letter_ids)?;
    Ok(mine
        .into_iter()
        .map(|(coalition, role)| CoalitionLetters {
            letters: rows
                .iter()
                .filter(|r| r.1 == coalition.id)
                .map(|(id, _, slug, title, state)| LetterCounts {
                    slug: slug.clone(),
                    title: title.clone(),
                    state: state.clone(),
                    counts: counts.remove(id).unwrap_or_default(),
                })
                .collect(),
            slug: coalition.slug,
            name: coalition.name,
            role,
        })
        .collect())
}
