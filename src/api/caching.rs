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
        }
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
        builder
            .insert_header(header::ETag(self.etag.clone()))
            .insert_header(header::LastModified(HttpDate::from(self.last_modified)))
            .insert_header(CacheControl(vec![
                CacheDirective::Public,
                CacheDirective::MaxAge(MAX_AGE),
                CacheDirective::Extension(
                    "stale-while-revalidate".into(),
                    Some(STALE_WHILE_REVALIDATE.to_string()),
                ),
            ]))
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
        cached: &crate::cache::Representation,
    ) -> HttpResponse {
        if let Some(response) = self.not_modified(req) {
            return response;
        }
        let mut builder = HttpResponse::Ok();
        self.apply(&mut builder);
        send_cached(req, &mut builder, cached, Some(&self.etag))
    }
}

/// Fill `builder` with a cached representation, its gzip variant when the client accepts it
/// (with `etag` made weak then, since the bytes differ).
pub fn send_cached(
    req: &HttpRequest,
    builder: &mut HttpResponseBuilder,
    cached: &crate::cache::Representation,
    etag: Option<&EntityTag>,
) -> HttpResponse {
    builder
        .content_type(cached.content_type)
        .insert_header((header::VARY, "Accept, Accept-Encoding"));
    for (name, value) in &cached.headers {
        builder.insert_header((name.clone(), value.as_str()));
    }
    match &cached.gzip {
        Some(gzip) if accepts_gzip(req) => {
            if let Some(tag) = etag {
                builder.insert_header(header::ETag(EntityTag::new_weak(tag.tag().to_string())));
            }
            builder
                .insert_header((header::CONTENT_ENCODING, "gzip"))
                .body(gzip.clone())
        }
        _ => builder.body(cached.body.clone()),
    }
}

/// Whether `Accept-Encoding` takes gzip (named, or `*`, without `q=0`).
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
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

    #[test]
    fn gzip_is_taken_when_named_or_starred_without_q_zero() {
        let with = |value: &str| {
            accepts_gzip(
                &TestRequest::default()
                    .insert_header(("Accept-Encoding", value))
                    .to_http_request(),
            )
        };
        for yes in [
            "gzip",
            "br, gzip;q=0.5",
            "GZIP",
            "*",
            "deflate, gzip, br, zstd",
        ] {
            assert!(with(yes), "{yes}");
        }
        for no in ["br", "gzip;q=0", "identity", "gzip; q=0.0", "x-gzip2"] {
            assert!(!with(no), "{no}");
        }
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
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
