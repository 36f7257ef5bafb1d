//! The JSON API under `/api/v1`: one file per resource. Handlers parse the request into domain
//! types, call one `service` function through [`Db::run`](crate::db::Db::run), and shape the
//! answer; errors follow `crate::error`.

pub mod abuse;
pub mod accounts;
pub mod audit;
pub mod caching;
pub mod campaigns;
pub mod changes;
pub mod coalitions;
pub mod countries;
pub mod extract;
pub mod health;
pub mod imports;
pub mod invitations;
pub mod ledger;
pub mod letters;
pub mod members;
pub mod metrics;
pub mod moderation;
pub mod openapi;
pub mod organisations;
pub mod privacy;
pub mod signatories;
pub mod signatures;
pub mod streaming;
pub mod updates;
pub mod versions;

use actix_web::web;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::error::{AppError, FieldCollector};
use crate::service::PageRequest;

pub use openapi::ErrorBody;

/// Mount every API route; `limit` wraps the endpoint that signs.
pub fn routes(cfg: &mut web::ServiceConfig, limits: &crate::startup::Limits) {
    cfg.service(
        web::scope("/api/v1")
            .wrap(cors())
            .route("/openapi.json", web::get().to(openapi::document))
            .configure(countries::routes)
            .configure(coalitions::routes)
            .configure(organisations::routes)
            .configure(members::routes)
            .configure(letters::routes)
            .configure(campaigns::routes)
            .configure(|cfg| signatures::routes(cfg, limits))
            .configure(invitations::routes)
            .configure(updates::routes)
            .configure(privacy::routes)
            .configure(imports::routes)
            .configure(|cfg| accounts::routes(cfg, limits))
            .configure(audit::routes)
            .configure(moderation::routes)
            .configure(abuse::routes)
            .configure(versions::routes)
            .configure(signatories::routes)
            .configure(changes::routes)
            .configure(ledger::routes),
    );
}

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

/// `?page=&per_page=` on every list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1 to 1,000,000.
    pub page: Option<i64>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn parse(&self) -> Result<PageRequest, AppError> {
        let mut errors = FieldCollector::new();
        let page = self.page.unwrap_or(1);
        if !(1..=PageRequest::MAX_PAGE).contains(&page) {
            errors.add(
                "page",
                format!("must be from 1 to {}", PageRequest::MAX_PAGE),
            );
        }
        let per_page = self.per_page.unwrap_or(PageRequest::DEFAULT_PER_PAGE);
        if !(1..=PageRequest::MAX_PER_PAGE).contains(&per_page) {
            errors.add(
                "per_page",
                format!("must be from 1 to {}", PageRequest::MAX_PER_PAGE),
            );
        }
        errors.finish()?;
        Ok(PageRequest { page, per_page })
    }
}

/// For PATCH bodies: a missing field is `None` (leave alone), `null` is `Some(None)` (clear).
/// Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

pub use crate::domain::text::{line, text};

/// A parser for an RFC 3339 time (`2026-12-31T23:59:00Z`), kept as UTC.
pub fn timestamp(s: &str) -> Result<NaiveDateTime, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .map_err(|_| "must be an RFC 3339 time such as 2026-12-31T23:59:00Z".to_string())
}

/// How stored UTC times are written in JSON: RFC 3339 with `Z`.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}
