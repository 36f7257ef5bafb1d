//! In-process caches for the hot paths, each with a short lifetime so that several instances on one
//! database agree within a second or a minute, and cleared at once by this instance's own writes.
//!
//! - [`CountryCache`]: the country list every sign request resolves against (about 250 rows),
//!   kept for a minute; adding or removing a territory clears it.
//! - [`VersionCache`]: per public letter, its id, last update, list version and ledger length —
//!   all an ETag needs — kept for a second, so a revalidation (`If-None-Match`) is answered with `304`
//!   without touching the database. Publishing, withdrawing or changing a letter here clears its
//!   entry; a change made by another instance shows within a second.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::api::caching::Validators;
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
    /// The length of the letter's ledger: it also grows without a change to the list (a new
    /// text version, a listed organisation's new website), and the letter's JSON and page show
    /// its head.
    pub ledger_length: i64,
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
                let ledger_length = crate::service::ledger::length(conn, &letter.id)?;
                let open = letter.state == crate::domain::LetterState::Open.as_str();
                Ok(LetterVersion {
                    open_until: letter.deadline.filter(|_| open),
                    last_modified: changed_at
                        .map_or(letter.updated_at, |c| c.max(letter.updated_at)),
                    letter_id: letter.id,
                    slug: letter.slug,
                    updated_at: letter.updated_at,
                    version,
                    ledger_length,
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

/// Public responses rendered once and served from memory (issue 19): the letter page, its JSON,
/// signatory pages, CSVs up to [`MAX_CACHED_ROWS`] rows, the badge and the chart.
///
/// An entry is keyed by what changes with its content — the resource's validators (the letter's
/// id, update time and list version from [`VersionCache`], the representation, the query) — and
/// by the current second, so that what the key does not name (a campaign's title, a new
/// translation, a change made on another instance) shows within a second, as the validators do.
/// Concurrent misses on one key wait for one render. Memory is bounded by the bytes held
/// (`response_cache_mib`); each entry keeps a gzip variant beside its body when that is smaller.
pub struct ResponseCache {
    entries: quick_cache::sync::Cache<String, Arc<Representation>, ByBytes>,
}

/// Lists of at most this many rows are rendered whole and cached; longer ones are streamed.
pub const MAX_CACHED_ROWS: i64 = 10_000;

/// Bodies smaller than this are not worth compressing.
const GZIP_FROM: usize = 512;

/// A rendered response, before compression.
pub struct Rendered {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Headers that belong to this representation (a `Link` to the next page).
    pub headers: Vec<(actix_web::http::header::HeaderName, String)>,
    /// When its content last changed, if known: its `Last-Modified` when it is served with
    /// validators of its own bytes ([`Representation::own`]); the render's time otherwise.
    pub last_modified: Option<chrono::NaiveDateTime>,
}

impl Rendered {
    pub fn new(content_type: &'static str, body: impl Into<Vec<u8>>) -> Rendered {
        Rendered {
            content_type,
            body: body.into(),
            headers: vec![],
            last_modified: None,
        }
    }

    /// The same, last changed at `at`.
    pub fn modified_at(self, at: chrono::NaiveDateTime) -> Rendered {
        Rendered {
            last_modified: Some(at),
            ..self
        }
    }

    /// `value` as JSON.
    pub fn json(value: &impl serde::Serialize) -> Result<Rendered, AppError> {
        let body = serde_json::to_vec(value).map_err(|e| AppError::Unexpected(e.into()))?;
        Ok(Rendered::new("application/json", body))
    }

    /// An HTML page.
    pub fn page(page: &impl askama::Template) -> Result<Rendered, AppError> {
        let body = page.render().map_err(|e| AppError::Unexpected(e.into()))?;
        Ok(Rendered::new("text/html; charset=utf-8", body))
    }
}

/// A cached response: its body, and its gzip variant when that is smaller.
pub struct Representation {
    pub content_type: &'static str,
    pub body: bytes::Bytes,
    pub gzip: Option<bytes::Bytes>,
    pub brotli: Option<bytes::Bytes>,
    pub headers: Vec<(actix_web::http::header::HeaderName, String)>,
    /// Validators of its own bytes (a strong tag of the body's hash), for what no version
    /// names: pages, campaigns.
    pub own: Validators,
}

impl Representation {
    /// Compress `rendered` (on the blocking pool when it is large).
    pub async fn of(rendered: Rendered) -> Representation {
        let both = |body: &[u8]| (gzip(body), brotli(body));
        let (gzip, brotli) = if rendered.body.len() < GZIP_FROM {
            (None, None)
        } else if rendered.body.len() < 64 * 1024 {
            both(&rendered.body)
        } else {
            let body = rendered.body.clone();
            actix_web::web::block(move || both(&body))
                .await
                .unwrap_or((None, None))
        };
        let smaller = |variant: Option<Vec<u8>>| {
            variant
                .filter(|v| v.len() < rendered.body.len())
                .map(bytes::Bytes::from)
        };
        let (gzip, brotli) = (smaller(gzip), smaller(brotli));
        let own = Validators::of_body(
            &rendered.body,
            rendered.last_modified.unwrap_or_else(crate::service::now),
        );
        Representation {
            own,
            content_type: rendered.content_type,
            gzip,
            brotli,
            body: rendered.body.into(),
            headers: rendered.headers,
        }
    }

    fn weight(&self) -> u64 {
        let len = |v: &Option<bytes::Bytes>| v.as_ref().map_or(0, |v| v.len());
        (self.body.len() + len(&self.gzip) + len(&self.brotli) + 256) as u64
    }
}

/// Brotli at quality 6: most of its gain over gzip, at a cost close to gzip's (a render happens
/// at most once a second per key; quality 11 would take a hundred times longer).
fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = Vec::with_capacity(body.len() / 5);
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 6, 22);
        encoder.write_all(body).ok()?;
        encoder.flush().ok()?;
    }
    Some(out)
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

/// `key` for the current second: an entry lives at most a second (see [`ResponseCache`]).
fn this_second(key: &str) -> String {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{key}\u{0}{second}")
}

#[derive(Clone)]
pub struct ByBytes;

impl quick_cache::Weighter<String, Arc<Representation>> for ByBytes {
    fn weight(&self, key: &String, value: &Arc<Representation>) -> u64 {
        key.len() as u64 + value.weight()
    }
}

impl ResponseCache {
    /// A cache holding at most `bytes` of responses (0: nothing is kept).
    pub fn new(bytes: u64) -> ResponseCache {
        ResponseCache {
            entries: quick_cache::sync::Cache::with_weighter(
                (bytes / 4096).clamp(16, 1 << 20) as usize,
                bytes.max(1),
                ByBytes,
            ),
        }
    }

    /// The representation cached under `key` this second, or the one `render` makes (once,
    /// however many requests ask at the same time).
    pub async fn get_or_render<F>(
        &self,
        key: &str,
        render: F,
    ) -> Result<Arc<Representation>, AppError>
    where
        F: std::future::Future<Output = Result<Rendered, AppError>>,
    {
        self.entries
            .get_or_insert_async(&this_second(key), async {
                Ok(Arc::new(Representation::of(render.await?).await))
            })
            .await
    }

    /// The representation cached under `key` this second, if there is one.
    pub fn get(&self, key: &str) -> Option<Arc<Representation>> {
        self.entries.get(&this_second(key))
    }

    /// The bytes held now (bodies, gzip variants and keys).
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(size: usize) -> Rendered {
        Rendered {
            content_type: "text/plain",
            body: (0..size).map(|i| b"abcdefgh"[i % 8]).collect(),
            headers: vec![],
            last_modified: None,
        }
    }

    #[actix_web::test]
    async fn one_render_per_key_and_second_and_a_gzip_variant_that_decodes_to_the_body() {
        let cache = ResponseCache::new(1 << 20);
        let renders = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..3 {
            let r = cache
                .get_or_render("k", async {
                    renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok(rendered(10_000))
                })
                .await
                .unwrap();
            let mut decoded = Vec::new();
            use std::io::Read;
            flate2::read::GzDecoder::new(&r.gzip.as_ref().unwrap()[..])
                .read_to_end(&mut decoded)
                .unwrap();
            assert_eq!(decoded, r.body);
            assert!(r.gzip.as_ref().unwrap().len() < r.body.len() / 10);
        }
        // Three reads within a second or two: one render, or two across a second's turn.
        assert!(renders.load(std::sync::atomic::Ordering::SeqCst) <= 2);
        let small = cache
            .get_or_render("small", async { Ok(rendered(100)) })
            .await
            .unwrap();
        assert!(small.gzip.is_none(), "not worth compressing");
    }

    #[actix_web::test]
    async fn the_memory_held_stays_within_the_cap() {
        let cap = 200_000;
        let cache = ResponseCache::new(cap);
        for i in 0..100 {
            cache
                .get_or_render(&format!("letter-{i}"), async { Ok(rendered(20_000)) })
                .await
                .unwrap();
            assert!(cache.weight() <= cap, "{} > {cap}", cache.weight());
        }
        assert!(!cache.is_empty() && cache.len() < 100);
    }

    #[actix_web::test]
    async fn a_failed_render_is_not_cached() {
        let cache = ResponseCache::new(1 << 20);
        let failed = cache
            .get_or_render("k", async { Err(AppError::not_found("letter")) })
            .await;
        assert!(failed.is_err());
        let ok = cache
            .get_or_render("k", async { Ok(rendered(10)) })
            .await
            .unwrap();
        assert_eq!(ok.body.len(), 10);
    }
}
