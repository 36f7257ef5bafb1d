//! The JSON API under `/api/v1`: one file per resource. Handlers parse the request into domain
//! types, call one `service` function through [`Db::run`](crate::db::Db::run), and shape the
//! answer; errors follow `crate::error`.

pub mod abuse;
pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod changes;
pub mod coalitions;
pub mod countries;
pub mod datapackage;
pub mod erasure;
pub mod export;
pub mod extract;
pub mod health;
pub mod imports;
pub mod invitations;
pub mod ledger;
pub mod letters;
pub mod member_organisations;
pub mod metrics;
pub mod moderation;
pub mod openapi;
pub mod organisations;
pub mod outbox;
pub mod pictures;
pub mod previews;
pub mod signatories;
pub mod signatures;
pub mod streaming;
pub mod updates;
pub mod versions;

use actix_web::web;
use serde::Deserialize;

use crate::error::{AppError, FieldCollector};
use crate::service::PageRequest;

pub use openapi::{ErrorBody, Invalid, PublicRead, Refused};

/// What an API handler answers: a response, or an error in the API's JSON shape.
pub type Reply = Result<actix_web::HttpResponse, AppError>;

/// Mount every API route; `limit` wraps the endpoint that signs.
pub fn routes(cfg: &mut web::ServiceConfig, limits: &crate::http::rate_limit::Limits) {
    cfg.service(
        web::scope("/api/v1")
            .wrap(crate::http::cors())
            .route("/openapi.json", web::get().to(openapi::document))
            .configure(countries::routes)
            .configure(coalitions::routes)
            .configure(organisations::routes)
            .configure(member_organisations::routes)
            .configure(letters::routes)
            .configure(previews::routes)
            .configure(campaigns::routes)
            .configure(|cfg| signatures::routes(cfg, limits))
            .configure(invitations::routes)
            .configure(outbox::routes)
            .configure(updates::routes)
            .configure(export::routes)
            .configure(erasure::routes)
            .configure(imports::routes)
            .configure(|cfg| accounts::routes(cfg, limits))
            .configure(audit::routes)
            .configure(moderation::routes)
            .configure(abuse::routes)
            .configure(versions::routes)
            .configure(signatories::routes)
            .configure(datapackage::routes)
            .configure(changes::routes)
            .configure(ledger::routes),
    )
    // The embeddable badge and chart, beside the letter's page.
    .configure(pictures::routes);
}

/// The `?q=` of a search by organisation name, normalised as the names it is compared with.
pub fn name_search(errors: &mut FieldCollector, q: Option<&str>) -> Option<String> {
    let name = errors.optional("q", q, crate::domain::OrgName::parse);
    name.map(|n| n.normalized())
}

/// The links an Atom feed of the API starts with: to itself (`rel="self"`) and to the page
/// whose news it carries (the default relation, `alternate`).
pub fn atom_links(self_url: String, page_url: String) -> Vec<atom_syndication::Link> {
    use atom_syndication::Link;
    vec![
        Link {
            href: self_url,
            rel: "self".into(),
            ..Link::default()
        },
        Link {
            href: page_url,
            ..Link::default()
        },
    ]
}

/// A public read of the one thing the path names, answered as cached JSON
/// ([`caching::json`](crate::http::caching::json)): `find` reads it by `name`, `json` shapes
/// it, and `changed_at` says when it last changed.
pub async fn find_json<T: Send + 'static, J: serde::Serialize>(
    req: &actix_web::HttpRequest,
    state: &crate::http::AppState,
    name: String,
    find: fn(&mut crate::db::DbConnection, &str) -> Result<T, AppError>,
    changed_at: fn(&T) -> chrono::NaiveDateTime,
    json: fn(T) -> J,
) -> Reply {
    let found = state.db.run(move |conn| find(conn, &name)).await?;
    let last_modified = changed_at(&found);
    Ok(crate::http::caching::json(req, &json(found), last_modified))
}

/// `200` with a JSON array of `rows`, each made an item by `item`.
pub fn json_each<R, J: serde::Serialize>(
    rows: impl IntoIterator<Item = R>,
    item: impl FnMut(R) -> J,
) -> Reply {
    let items: Vec<J> = rows.into_iter().map(item).collect();
    Ok(actix_web::HttpResponse::Ok().json(items))
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

    /// The page, then the filters that `parse` reads from a list's query, whose problems are
    /// answered together (one `422` naming each field).
    pub fn with_filters<F>(
        &self,
        parse: impl FnOnce(&mut FieldCollector) -> F,
    ) -> Result<(PageRequest, F), AppError> {
        let page = self.parse()?;
        let mut errors = FieldCollector::new();
        let filters = parse(&mut errors);
        errors.finish()?;
        Ok((page, filters))
    }
}

/// The page size of an open-data list read from a position (signatories, changes, the ledger)
/// when `?limit=` is not given, and the largest it may be.
pub const CURSOR_LIMIT: (i64, i64) = (100, 1_000);

/// `?limit=` of an open-data list read from a position: from 1 to 1000 (100 by default); a
/// wrong value is added to `errors`.
pub fn cursor_limit(errors: &mut FieldCollector, limit: Option<i64>) -> i64 {
    let (default, max) = CURSOR_LIMIT;
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        errors.add("limit", format!("must be from 1 to {max}"));
    }
    limit
}

/// `?after=&limit=` of an open-data list read after a position (changes, the ledger): `after`
/// 0 or more (0 by default: from the start), `limit` as [`cursor_limit`].
pub fn after_and_limit(
    errors: &mut FieldCollector,
    after: Option<i64>,
    limit: Option<i64>,
) -> (i64, i64) {
    let after = after.unwrap_or(0);
    if after < 0 {
        errors.add("after", "must be 0 or more");
    }
    (after, cursor_limit(errors, limit))
}

pub use crate::domain::text::{line, nullable, text, timestamp, utc};
