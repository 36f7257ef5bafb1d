//! HTTP caching for public GETs: a strong `ETag`, `Last-Modified`, `Cache-Control` with a short
//! `max-age` and `stale-while-revalidate`, and `304 Not Modified` for a matching `If-None-Match`
//! (or, without one, a recent enough `If-Modified-Since`).
//!
//! Lists of signatories are versioned by their latest change, so their validators are known
//! before anything is loaded, and a revalidation costs one indexed lookup. Small resources hash
//! their serialised body instead.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::header::{
    self, CacheControl, CacheDirective, EntityTag, HttpDate, IfModifiedSince, IfNoneMatch,
};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long clients and caches may use a response without asking again, in seconds.
pub const MAX_AGE: u32 = 10;
/// How long they may serve it stale while they revalidate, in seconds.
pub const STALE_WHILE_REVALIDATE: u32 = 60;

#[derive(Debug, Clone)]
pub struct Validators {
    etag: EntityTag,
    last_modified: SystemTime,
    /// `Cache-Control: no-cache` instead of a `max-age`: for HTML pages, which a person comes
    /// back to right after changing what they show (a signer after confirming).
    revalidate: bool,
}

fn system_time(t: NaiveDateTime) -> SystemTime {
    let secs = t.and_utc().timestamp().max(0) as u64;
    UNIX_EPOCH + Duration::from_secs(secs)
}

impl Validators {
    /// Validators from what the representation depends on (each part changes the tag).
    pub fn of(parts: &[&str], last_modified: NaiveDateTime) -> Validators {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        Validators {
            etag: EntityTag::new_strong(hex::encode(&hasher.finalize()[..16])),
            last_modified: system_time(last_modified),
            revalidate: false,
        }
    }

    /// Validators of a body's own bytes.
    pub fn of_body(body: &[u8], last_modified: NaiveDateTime) -> Validators {
        Validators {
            etag: EntityTag::new_strong(hex::encode(&Sha256::digest(body)[..16])),
            last_modified: system_time(last_modified),
            revalidate: false,
        }
    }

    /// The same validators, with caches told to ask again every time (a `304` then costs no
    /// render, no database).
    pub fn revalidated(mut self) -> Validators {
        self.revalidate = true;
        self
    }

    /// Whether the request already has this representation.
    pub fn is_fresh(&self, req: &HttpRequest) -> bool {
        if let Some(if_none_match) = req.get_header::<IfNoneMatch>() {
            return match if_none_match {
                IfNoneMatch::Any => true,
                IfNoneMatch::Items(tags) => tags.iter().any(|t| t.weak_eq(&self.etag)),
            };
        }
        if let Some(IfModifiedSince(since)) = req.get_header::<IfModifiedSince>() {
            return self.last_modified <= SystemTime::from(since);
        }
        false
    }

    /// Add `ETag`, `Last-Modified`, `Cache-Control` and `Vary`.
    pub fn apply(&self, builder: &mut HttpResponseBuilder) {
        let cache_control = if self.revalidate {
            vec![CacheDirective::Public, CacheDirective::NoCache]
        } else {
            vec![
                CacheDirective::Public,
                CacheDirective::MaxAge(MAX_AGE),
                CacheDirective::Extension(
                    "stale-while-revalidate".into(),
                    Some(STALE_WHILE_REVALIDATE.to_string()),
                ),
            ]
        };
        builder
            .insert_header(header::ETag(self.etag.clone()))
            .insert_header(header::LastModified(HttpDate::from(self.last_modified)))
            .insert_header(CacheControl(cache_control))
            .insert_header((header::VARY, "Accept, Accept-Encoding"));
    }

    /// `304 Not Modified` with the validators, if the request is fresh.
    pub fn not_modified(&self, req: &HttpRequest) -> Option<HttpResponse> {
        self.is_fresh(req).then(|| {
            let mut builder = HttpResponse::NotModified();
            self.apply(&mut builder);
            builder.finish()
        })
    }

    /// `200` with the validators and `body` built only when needed, or `304`.
    pub fn respond(
        &self,
        req: &HttpRequest,
        build: impl FnOnce(&mut HttpResponseBuilder) -> HttpResponse,
    ) -> HttpResponse {
        if let Some(response) = self.not_modified(req) {
            return response;
        }
        let mut builder = HttpResponse::Ok();
        self.apply(&mut builder);
        build(&mut builder)
    }
}

impl Validators {
    /// The tag, as a key for the response cache (`cache::ResponseCache`): every part the tag
    /// was made of changes it.
    pub fn key(&self) -> String {
        self.etag.tag().to_string()
    }

    /// `200` with a cached representation — its gzip variant when the client accepts gzip (with
    /// the tag made weak, as the bytes differ) — or `304`.
    pub fn respond_cached(
        &self,
        req: &HttpRequest,
        cached: &crate::http::cache::Representation,
    ) -> HttpResponse {
        if let Some(response) = self.not_modified(req) {
            return response;
        }
        let mut builder = HttpResponse::Ok();
        self.apply(&mut builder);
        send_cached(req, &mut builder, cached, Some(&self.etag))
    }
}

impl Validators {
    /// `304` when the request already has this representation; else the representation cached
    /// under these validators (`cache::ResponseCache`), which `render` makes on a miss — once,
    /// however many readers ask at the same time.
    pub async fn serve<F>(
        &self,
        req: &HttpRequest,
        cache: &crate::http::cache::ResponseCache,
        render: F,
    ) -> Result<HttpResponse, crate::error::AppError>
    where
        F: std::future::Future<
            Output = Result<crate::http::cache::Rendered, crate::error::AppError>,
        >,
    {
        if let Some(response) = self.not_modified(req) {
            return Ok(response);
        }
        let cached = cache.get_or_render(&self.key(), render).await?;
        Ok(self.respond_cached(req, &cached))
    }
}

impl crate::http::cache::LetterVersion {
    /// The validators of the representation `kind` (with `extra`, what else it depends on) of
    /// something that changes with the letter and with its list.
    pub fn of_letter(&self, kind: &str, extra: &[&str]) -> Validators {
        let (updated_at, version) = (self.updated_at.to_string(), self.version.to_string());
        let parts = [&[kind, &self.letter_id, &updated_at, &version], extra].concat();
        Validators::of(&parts, self.last_modified)
    }

    /// Like [`LetterVersion::of_letter`](crate::http::cache::LetterVersion::of_letter), for
    /// something that changes with the list alone.
    pub fn of_list(&self, kind: &str, extra: &[&str]) -> Validators {
        let version = self.version.to_string();
        let parts = [&[kind, &self.letter_id, &version], extra].concat();
        Validators::of(&parts, self.last_modified)
    }
}

/// The representation cached under `key` (rendered by `render` on a miss), with validators of
/// its own bytes: for public reads whose version no cheap lookup names (campaigns), and for
/// public pages (which browsers revalidate each time they show them: [`crate::http::cache::Representation::of`]).
pub async fn serve_own<F>(
    req: &HttpRequest,
    cache: &crate::http::cache::ResponseCache,
    key: &str,
    render: F,
) -> Result<HttpResponse, crate::error::AppError>
where
    F: std::future::Future<Output = Result<crate::http::cache::Rendered, crate::error::AppError>>,
{
    let cached = cache.get_or_render(key, render).await?;
    Ok(cached.own.respond_cached(req, &cached))
}

/// Fill `builder` with a cached representation, its gzip variant when the client accepts it
/// (with `etag` made weak then, since the bytes differ).
pub fn send_cached(
    req: &HttpRequest,
    builder: &mut HttpResponseBuilder,
    cached: &crate::http::cache::Representation,
    etag: Option<&EntityTag>,
) -> HttpResponse {
    builder
        .content_type(cached.content_type)
        .insert_header((header::VARY, "Accept, Accept-Encoding"));
    // Appended: a representation may carry several `Link`s (next page, cite-as, …).
    for (name, value) in &cached.headers {
        builder.append_header((name.clone(), value.as_str()));
    }
    let variants = [("br", &cached.brotli), ("gzip", &cached.gzip)];
    let available = variants
        .iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| (*name, v)));
    match preferred(req, available) {
        Some((coding, bytes)) => {
            if let Some(tag) = etag {
                builder.insert_header(header::ETag(EntityTag::new_weak(tag.tag().to_string())));
            }
            builder
                .insert_header((header::CONTENT_ENCODING, coding))
                .body(bytes.clone())
        }
        None => builder.body(cached.body.clone()),
    }
}

/// The weight `Accept-Encoding` gives `coding` (named, else `*`; 0 when refused or absent).
pub fn accepted(req: &HttpRequest, coding: &str) -> f32 {
    let (mut named, mut any) = (None, None);
    for item in req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let q = parts
            .find_map(|p| {
                p.strip_prefix("q=")
                    .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            })
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            named = Some(q);
        } else if name == "*" {
            any = Some(q);
        }
    }
    named.or(any).unwrap_or(0.0)
}

/// Of the encodings available (in the server's order of preference), the one the client
/// weighs most, if it takes any.
fn preferred<'a, T>(
    req: &HttpRequest,
    available: impl Iterator<Item = (&'a str, T)>,
) -> Option<(&'a str, T)> {
    let mut best: Option<(f32, (&'a str, T))> = None;
    for (name, variant) in available {
        let q = accepted(req, name);
        if q > 0.0 && best.as_ref().is_none_or(|(b, _)| q > *b) {
            best = Some((q, (name, variant)));
        }
    }
    best.map(|(_, chosen)| chosen)
}

/// A cached JSON answer whose tag is the hash of its body.
pub fn json(
    req: &HttpRequest,
    value: &impl Serialize,
    last_modified: NaiveDateTime,
) -> HttpResponse {
    let body = serde_json::to_string(value).expect("JSON serialises");
    let validators = Validators::of(&[&body], last_modified);
    validators.respond(req, |b| b.content_type("application/json").body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn asking(value: &str) -> HttpRequest {
        TestRequest::default()
            .insert_header(("Accept-Encoding", value))
            .to_http_request()
    }

    #[test]
    fn gzip_is_taken_when_named_or_starred_without_q_zero() {
        for yes in [
            "gzip",
            "br, gzip;q=0.5",
            "GZIP",
            "*",
            "deflate, gzip, br, zstd",
            "*;q=0, gzip",
        ] {
            assert!(accepted(&asking(yes), "gzip") > 0.0, "{yes}");
        }
        for no in [
            "br",
            "gzip;q=0",
            "identity",
            "gzip; q=0.0",
            "x-gzip2",
            "*, gzip;q=0",
        ] {
            assert_eq!(accepted(&asking(no), "gzip"), 0.0, "{no}");
        }
        assert_eq!(
            accepted(&TestRequest::default().to_http_request(), "gzip"),
            0.0
        );
    }

    #[test]
    fn brotli_is_preferred_unless_the_client_weighs_gzip_more() {
        let both = || [("br", 1), ("gzip", 2)].into_iter();
        let chosen = |value: &str| preferred(&asking(value), both()).map(|(name, _)| name);
        assert_eq!(chosen("gzip, deflate, br, zstd"), Some("br"));
        assert_eq!(chosen("br;q=0.5, gzip"), Some("gzip"));
        assert_eq!(chosen("gzip"), Some("gzip"));
        assert_eq!(chosen("br;q=0, gzip;q=0"), None);
        assert_eq!(chosen("identity"), None);
        // Only what is available is chosen (a small body has no compressed variant).
        assert_eq!(
            preferred(&asking("br"), [("gzip", 2)].into_iter()).map(|(n, _)| n),
            None
        );
    }

    #[test]
    fn tags_change_with_each_part() {
        let a = Validators::of(&["letter", "7"], at(0));
        assert_eq!(a.etag, Validators::of(&["letter", "7"], at(5)).etag);
        assert_ne!(a.etag, Validators::of(&["letter", "8"], at(0)).etag);
        assert_ne!(a.etag, Validators::of(&["letter7", ""], at(0)).etag);
        assert!(!a.etag.weak);
    }

    #[test]
    fn if_none_match_wins_over_if_modified_since() {
        let v = Validators::of(&["x"], at(1_000_000));
        let tag = v.etag.to_string();
        let fresh = TestRequest::default()
            .insert_header(("If-None-Match", tag.as_str()))
            .to_http_request();
        assert!(v.is_fresh(&fresh));
        let weak = TestRequest::default()
            .insert_header(("If-None-Match", format!("W/{tag}")))
            .to_http_request();
        assert!(v.is_fresh(&weak));
        let other = TestRequest::default()
            .insert_header(("If-None-Match", "\"other\""))
            .insert_header(("If-Modified-Since", "Sun, 01 Jan 2040 00:00:00 GMT"))
            .to_http_request();
        assert!(!v.is_fresh(&other));
        let later = TestRequest::default()
            .insert_header(("If-Modified-Since", "Sun, 01 Jan 2040 00:00:00 GMT"))
            .to_http_request();
        assert!(v.is_fresh(&later));
        let earlier = TestRequest::default()
            .insert_header(("If-Modified-Since", "Thu, 01 Jan 1970 00:00:01 GMT"))
            .to_http_request();
        assert!(!v.is_fresh(&earlier));
        assert!(!v.is_fresh(&TestRequest::default().to_http_request()));
    }
}
