//! In-process caches for the hot paths, each with a short lifetime so that several instances on one
//! database agree within a second or a minute, and cleared at once by this instance's own writes.
//!
//! - [`CountryCache`]: the country list every sign request resolves against (about 250 rows),
//!   kept for a minute; adding or removing a territory clears it.
//! - [`VersionCache`]: per public letter, its id, last update, list version and ledger length —
//!   all an ETag needs — kept for a second, so a revalidation (`If-None-Match`) is answered with `304`
//!   without touching the database. Publishing, withdrawing or changing a letter here clears its
//!   entry; a change made by another instance shows within a second.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::db::models::Country;
use crate::db::Db;
use crate::error::AppError;
use crate::http::caching::Validators;
use crate::service::letters::{self, Audience};
use crate::service::{countries, public_list};

const COUNTRIES_TTL: Duration = Duration::from_secs(60);
const VERSIONS_TTL: Duration = Duration::from_secs(1);
/// Letters kept at most (the least used go first).
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
    /// The letter's own language: the interface's when the visitor's is unknown.
    pub language: String,
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

/// Per public letter, its [`LetterVersion`] for the current second. Concurrent misses on one
/// letter wait for one lookup (a thousand readers at a second's turn make one query, not a
/// thousand queued for the pool).
pub struct VersionCache {
    entries: quick_cache::sync::Cache<String, LetterVersion>,
}

impl Default for VersionCache {
    fn default() -> Self {
        VersionCache {
            entries: quick_cache::sync::Cache::new(VERSIONS_MAX),
        }
    }
}

/// `slug`'s key for the current second (an entry lives at most a second, `VERSIONS_TTL`).
fn version_key(slug: &str) -> String {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / VERSIONS_TTL.as_secs().max(1));
    format!("{slug}\u{0}{second}")
}

impl VersionCache {
    /// The version of the public letter `slug` (404 for a draft or an unknown slug).
    pub async fn get(&self, db: &Db, slug: &str) -> Result<LetterVersion, AppError> {
        let key = version_key(slug);
        if let Some(v) = self.entries.get(&key) {
            // The letter reads as closed from its deadline on (`letters::as_of`).
            if v.open_until.is_none_or(|d| d > crate::service::now()) {
                return Ok(v);
            }
            self.entries.remove(&key);
        }
        let slug = slug.to_string();
        self.entries
            .get_or_insert_async(&key, async move {
                db.run(move |conn| {
                    let letter = letters::find(conn, &slug, Audience::Public)?.letter;
                    let (version, changed_at) = public_list::version(conn, &letter.id)?;
                    let ledger_length = crate::service::ledger::length(conn, &letter.id)?;
                    let open = letter.state == crate::domain::LetterState::Open.as_str();
                    Ok(LetterVersion {
                        open_until: letter.deadline.filter(|_| open),
                        last_modified: changed_at
                            .map_or(letter.updated_at, |c| c.max(letter.updated_at)),
                        letter_id: letter.id,
                        slug: letter.slug,
                        language: letter.language,
                        updated_at: letter.updated_at,
                        version,
                        ledger_length,
                    })
                })
                .await
            })
            .await
    }

    /// The version of `slug` for an answer to `req`: from the cache, except for a conditional
    /// request (`If-None-Match`, `If-Modified-Since`), which reads it fresh and puts it in the
    /// cache. A `304` then proves the list is the one the client has, even within the second
    /// after another process changed it (issue 23, item 5); an unconditional read costs no query.
    pub async fn for_request(
        &self,
        db: &Db,
        slug: &str,
        req: &actix_web::HttpRequest,
    ) -> Result<LetterVersion, AppError> {
        let headers = req.headers();
        let conditional = headers.contains_key(actix_web::http::header::IF_NONE_MATCH)
            || headers.contains_key(actix_web::http::header::IF_MODIFIED_SINCE);
        if conditional {
            self.forget(slug);
        }
        self.get(db, slug).await
    }

    /// Forget every letter (after a change that touches many lists, such as renaming a listed
    /// organisation).
    pub fn clear(&self) {
        self.entries.clear();
    }

    /// Forget a letter after this instance changed it or its list.
    pub fn forget(&self, slug: &str) {
        self.entries.remove(&version_key(slug));
    }
}

/// Public responses rendered once and served from memory (issue 19): the letter page, its JSON,
/// signatory pages, whole lists up to [`MAX_CACHED_ROWS`] rows, the change feed, the ledger's pages, the
/// badge, the chart, campaigns.
///
/// An entry is keyed by what changes with its content — the resource's validators (the letter's
/// id, update time and list version from [`VersionCache`], the representation, the query) — so a
/// change made here is a new key, rendered at once. What the key does not name (a campaign's
/// title, a new translation, a change made on another instance) is caught by age: an entry is
/// fresh for [`FRESH`]; once older, the first reader renders it again while every other reader
/// is served the entry it has, so that no reader waits at each second's turn. Concurrent misses
/// on a new key wait for one render. Memory is bounded by the bytes held
/// (`response_cache_mib`); each entry keeps gzip and brotli variants beside its body.
pub struct ResponseCache {
    entries: quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>,
    max_bytes: u64,
    /// Lookups through [`ResponseCache::get_or_render`], and those that rendered (`/metrics`).
    pub lookups: prometheus_client::metrics::counter::Counter,
    pub renders: prometheus_client::metrics::counter::Counter,
}

/// How long an entry is served without a new render.
pub const FRESH: Duration = Duration::from_secs(1);

/// A cached representation, when it was rendered, and whether a reader is rendering it again.
pub struct Entry {
    representation: Arc<Representation>,
    rendered: Instant,
    refreshing: std::sync::atomic::AtomicBool,
}

impl Entry {
    fn new(representation: Arc<Representation>) -> Arc<Entry> {
        Arc::new(Entry {
            representation,
            rendered: Instant::now(),
            refreshing: Default::default(),
        })
    }

    fn fresh(&self) -> bool {
        self.rendered.elapsed() < FRESH
    }
}

/// Lets another reader refresh an entry if this one's render ends without a result (an error,
/// or a client that went away and dropped the request).
struct Refreshing<'a>(&'a Entry);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0
            .refreshing
            .store(false, std::sync::atomic::Ordering::Release);
    }
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
        // Browsers ask again each time an HTML page is shown (`no-cache`), and are answered
        // `304` while it is the same, so a signer who comes back after confirming sees the list
        // with their organisation at once.
        let own = if rendered.content_type.starts_with("text/html") {
            own.revalidated()
        } else {
            own
        };
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

#[derive(Clone)]
pub struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, value: &Arc<Entry>) -> u64 {
        key.len() as u64 + value.representation.weight()
    }
}

impl ResponseCache {
    /// A cache holding at most `bytes` of responses (0: nothing is kept).
    pub fn new(bytes: u64) -> ResponseCache {
        ResponseCache {
            max_bytes: bytes,
            entries: quick_cache::sync::Cache::with_weighter(
                (bytes / 4096).clamp(16, 1 << 20) as usize,
                bytes.max(1),
                ByBytes,
            ),
            lookups: Default::default(),
            renders: Default::default(),
        }
    }

    /// The representation cached under `key`, or the one `render` makes: once for a new key
    /// however many readers ask at the same time; for an entry past [`FRESH`], by the first
    /// reader, while the others are served what is held.
    pub async fn get_or_render<F>(
        &self,
        key: &str,
        render: F,
    ) -> Result<Arc<Representation>, AppError>
    where
        F: std::future::Future<Output = Result<Rendered, AppError>>,
    {
        use std::sync::atomic::Ordering;
        self.lookups.inc();
        if let Some(entry) = self.entries.get(key) {
            if entry.fresh() {
                return Ok(Arc::clone(&entry.representation));
            }
            if entry
                .refreshing
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                return Ok(Arc::clone(&entry.representation));
            }
            let _refreshing = Refreshing(&entry);
            self.renders.inc();
            let rendered = match render.await {
                Ok(rendered) => rendered,
                Err(e) => {
                    // Gone or failing: stop serving what was held (the next reader renders).
                    self.entries.remove(key);
                    return Err(e);
                }
            };
            let representation = Arc::new(Representation::of(rendered).await);
            self.entries
                .insert(key.to_string(), Entry::new(Arc::clone(&representation)));
            return Ok(representation);
        }
        let entry = self
            .entries
            .get_or_insert_async(key, async {
                self.renders.inc();
                Ok::<_, AppError>(Entry::new(Arc::new(
                    Representation::of(render.await?).await,
                )))
            })
            .await?;
        Ok(Arc::clone(&entry.representation))
    }

    /// The representation cached under `key`, if it is fresh.
    pub fn get(&self, key: &str) -> Option<Arc<Representation>> {
        self.entries
            .get(key)
            .filter(|entry| entry.fresh())
            .map(|entry| Arc::clone(&entry.representation))
    }

    /// The bytes held now (bodies, gzip variants and keys).
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// The most bytes it holds (`response_cache_mib`).
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
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
        // Three reads within a second: one render.
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 1);
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
    async fn past_its_second_one_reader_renders_again_while_the_others_get_what_is_held() {
        let cache = ResponseCache::new(1 << 20);
        let text = |s: &str| Rendered::new("text/plain", s.as_bytes().to_vec());
        cache
            .get_or_render("k", async { Ok(text("old")) })
            .await
            .unwrap();
        actix_web::rt::time::sleep(FRESH + Duration::from_millis(100)).await;
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let refresher = cache.get_or_render("k", async {
            finished.await.unwrap();
            Ok(text("new"))
        });
        let reader = async {
            let held = cache
                .get_or_render("k", async { panic!("a second render of one entry") })
                .await;
            done.send(()).unwrap();
            held
        };
        let (refreshed, held) = tokio::join!(refresher, reader);
        assert_eq!(&held.unwrap().body[..], b"old");
        assert_eq!(&refreshed.unwrap().body[..], b"new");
        assert_eq!(&cache.get("k").unwrap().body[..], b"new");

        // A refresh that fails (the resource is gone) drops what was held: the next reader
        // renders again rather than being served the old bytes.
        actix_web::rt::time::sleep(FRESH + Duration::from_millis(100)).await;
        let failed = cache
            .get_or_render("k", async { Err(AppError::not_found("gone")) })
            .await;
        assert!(failed.is_err());
        assert!(cache.get("k").is_none());
        let again = cache.get_or_render("k", async { Ok(text("newer")) }).await;
        assert_eq!(&again.unwrap().body[..], b"newer");
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
