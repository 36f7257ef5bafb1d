//! What every HTTP handler shares, below `api/` and `web/` (which never name each other): the
//! application state, the public responses' cache and its HTTP validators, CORS for open data,
//! load shedding and slow-body guards, rate limits, trusted proxies, and the metrics.

pub mod acting;
pub mod cache;
pub mod caching;
pub mod commands;
pub mod error;
pub mod metrics;
pub mod nul_bytes;
pub mod proxy;
pub mod rate_limit;
pub mod shedding;
pub mod state;

pub use acting::Acting;
pub use state::AppState;

/// CORS: any site may read (GET) the API from a browser, with any request header (a newsroom's
/// page revalidates with `If-None-Match`); cross-site writes stay refused, since no preflight for
/// them is allowed. No credentials: the answer is `*`.
pub(crate) fn cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET"])
        .allow_any_header()
        .expose_headers(["ETag", "Last-Modified", "Link", "Retry-After"])
        .max_age(86_400)
}
