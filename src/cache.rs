//! In-process caches for the hot paths, each with a short lifetime so that several instances on one
//! database agree within a second or a minute, and cleared at once by this instance's own writes.
//!
//! - [`CountryCache`]: the country list every sign request resolves against (about 250 rows),
//!   kept for a minute; adding or removing a territory clears it.
//! - [`VersionCache`]: per public letter, its id, last update and list version — all an ETag
//!   needs — kept for a second, so a revalidation (`If-None-Match`) is answered with `304`
//!   without touching the database. Publishing, withdrawing or changing a letter here clears its
//!   entry; a change made by another instance shows within a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::db::models::Country;
use crate::db::Db;
use crate::error::AppError;
use crate::service::letters::{self, Audience};
use crate::service::{countries, public_list};

const COUNTRIES_TTL: Duration = Duration::from_secs(60);
const VERSIONS_TTL: Duration = Duration::from_secs(1);
/// Letters kept at most; the cache is emptied when it grows past this.
const VERSIONS_MAX: usize = 10_000;

#[derive(Default)]
pub struct CountryCache {
    entry: RwLock<Option<(Instant, Arc<Vec<Country>>)>>,
}

impl CountryCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<Vec<Country>>, AppError> {
        if let Some((at, list)) = self.entry.read().expect("cache lock").as_ref() {
            if at.elapsed() < COUNTRIES_TTL {
                return Ok(Arc::clone(list));
            }
        }
        let list = Arc::new(db.run(countries::all).await?);
        *self.entry.write().expect("cache lock") = Some((Instant::now(), Arc::clone(&list)));
        Ok(list)
    }

    pub fn clear(&self) {
        *self.entry.write().expect("cache lock") = None;
    }
}

/// What the validators of a public letter's resources are made of.
#[derive(Debug, Clone)]
pub struct LetterVersion {
    pub letter_id: String,
    pub slug: String,
    pub updated_at: NaiveDateTime,
    /// The id of the list's latest change (0 before any).
    pub version: i64,
    /// The later of the letter's update and the list's latest change.
    pub last_modified: NaiveDateTime,
    /// The deadline of an open letter: the entry goes stale then, since the letter reads as
    /// closed from that moment (`letters::as_of`).
    pub open_until: Option<NaiveDateTime>,
}

#[derive(Default)]
pub struct VersionCache {
    entries: RwLock<HashMap<String, (Instant, LetterVersion)>>,
}

impl VersionCache {
    /// The version of the public letter `slug` (404 for a draft or an unknown slug).
    pub async fn get(&self, db: &Db, slug: &str) -> Result<LetterVersion, AppError> {
        if let Some((at, v)) = self.entries.read().expect("cache lock").get(slug) {
            let closed_since = v.open_until.is_some_and(|d| d <= crate::service::now());
            if at.elapsed() < VERSIONS_TTL && !closed_since {
                return Ok(v.clone());
            }
        }
        let key = slug.to_string();
        let v = db
            .run(move |conn| {
                let letter = letters::find(conn, &key, Audience::Public)?.letter;
                let (version, changed_at) = public_list::version(conn, &letter.id)?;
                let open = letter.state == crate::domain::LetterState::Open.as_str();
                Ok(LetterVersion {
                    open_until: letter.deadline.filter(|_| open),
                    last_modified: changed_at
                        .map_or(letter.updated_at, |c| c.max(letter.updated_at)),
                    letter_id: letter.id,
                    slug: letter.slug,
                    updated_at: letter.updated_at,
                    version,
                })
            })
            .await?;
        let mut entries = self.entries.write().expect("cache lock");
        if entries.len() >= VERSIONS_MAX {
            entries.clear();
        }
        entries.insert(slug.to_string(), (Instant::now(), v.clone()));
        Ok(v)
    }

    /// Forget every letter (after a change that touches many lists, such as renaming a listed
    /// organisation).
    pub fn clear(&self) {
        self.entries.write().expect("cache lock").clear();
    }

    /// Forget a letter after this instance changed it or its list.
    pub fn forget(&self, slug: &str) {
        self.entries.write().expect("cache lock").remove(slug);
    }
}
