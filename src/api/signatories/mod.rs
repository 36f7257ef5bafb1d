//! `/api/v1/letters/{slug}/signatories`: a letter's published signatories, for journalists and
//! scripts. JSON pages with a cursor, or the whole list streamed as JSON or CSV; every form
//! cached by the list's version. Only public fields: never a person, an email or an IP.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{ApiQuery, LetterData};
use super::organisations::CountryRef;
use super::{timestamp, utc, Reply};
use crate::db::models::PublicSignatory;
use crate::domain::CountryCode;
use crate::error::{AppError, FieldCollector};
use crate::http::caching::Validators;
use crate::http::AppState;
use crate::service::public_list::{self, Cursor, ListQuery, Order};

mod rows;
mod snapshots;

pub(super) use rows::CSV_HEADER;
use rows::{encode, stream_rows, Format};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(list_csv);
}

pub const DEFAULT_LIMIT: i64 = super::CURSOR_LIMIT.0;
pub const MAX_LIMIT: i64 = super::CURSOR_LIMIT.1;

/// One published signatory.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignatoryJson {
    /// The organisation's name as it signed.
    pub name: String,
    /// The organisation's stable identifier in this service.
    pub slug: String,
    pub country: CountryRef,
    pub website: Option<String>,
    /// How the organisation was checked: `unverified`, `domain` (a signer confirmed an address
    /// at its website's registrable domain; never a free-mail provider), `coordinator`,
    /// `invitation` (this signature came through a personal link the coalition mailed to it), or
    /// `imported` (the coalition imported it from a list it collected; no one confirmed it by mail).
    #[schema(value_type = ListedVerification)]
    pub verification: String,
    /// With `verification: domain`, the registrable domain that was proved (the website's):
    /// `tellmama.org`, or `attacker.example` for a look-alike. `null` otherwise.
    pub verified_domain: Option<String>,
    /// When the signature was published (confirmed by email, or approved).
    pub signed_at: DateTime<Utc>,
    /// SHA-256 of the letter text the signer saw.
    pub text_hash: String,
}

/// The values of a listed signatory's `verification`, for the OpenAPI document: the
/// organisation's own (`domain::Verification`) or the signature's (`domain::SignatureVerification`).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ListedVerification {
    Unverified,
    Domain,
    Coordinator,
    Invitation,
    Imported,
}

impl SignatoryJson {
    pub(super) fn new(row: PublicSignatory, countries: &rows::CountryColumns) -> SignatoryJson {
        SignatoryJson {
            country: CountryRef {
                name: (countries.get(&row.country_code))
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
                code: row.country_code,
            },
            name: row.organisation_name,
            slug: row.organisation_slug,
            verified_domain: crate::domain::verification::verified_domain(
                &row.verification,
                row.website.as_deref(),
            ),
            website: row.website,
            verification: row.verification,
            signed_at: utc(row.signed_at),
            text_hash: row.text_hash,
        }
    }
}

/// One page of a letter's signatories.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignatoryPage {
    pub letter: String,
    /// The list's version: the id of its latest change.
    pub version: i64,
    /// Published signatories in the list (of the country, when filtered by one).
    pub total: i64,
    /// The list's licence (the same for every list of this instance; not the software's):
    /// `/api/v1/letters/{slug}/datapackage.json` describes its columns.
    pub licence: crate::domain::licence::Licence,
    pub items: Vec<SignatoryJson>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// In a snapshot (`?version=`) only: how many entries of the letter's ledger the list was
    /// rebuilt from (check them with `/ledger` or `undersigned verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger_length: Option<i64>,
}

/// The query of a list. An unknown parameter is a `422` naming it, so a misspelt filter
/// (`?contry=FR`, `?page=3`) never answers the whole list as if it had been applied.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// `country` (default: by country code, then name) or `signed_at` (oldest first).
    pub order: Option<String>,
    /// Only this country (alpha-2 code).
    pub country: Option<String>,
    /// Only signatories published at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Where the previous page ended (its `next_cursor`).
    pub cursor: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// `true` streams the whole list in one response (no cursor, no limit).
    pub all: Option<bool>,
    /// CSV only: `true` starts the file with a UTF-8 byte order mark, which some spreadsheet
    /// programs need to read accented names right.
    pub bom: Option<bool>,
    /// The list as it was at this version (a citation: the `version` of a list page, or of the
    /// CSV's `Link: rel="cite-as"`), rebuilt from the letter's ledger: the whole list, with
    /// `country` (and `bom` for CSV) only.
    pub version: Option<i64>,
}

struct Parsed {
    query: ListQuery,
    limit: i64,
    all: bool,
}

impl ListParams {
    fn parse(&self) -> Result<Parsed, AppError> {
        let mut errors = FieldCollector::new();
        let order = match self.order.as_deref().map(str::trim) {
            None | Some("") | Some("country") => Order::Country,
            Some("signed_at") => Order::SignedAt,
            Some(_) => {
                errors.add("order", "must be country or signed_at");
                Order::Country
            }
        };
        let country = errors
            .optional("country", self.country.as_deref(), CountryCode::parse)
            .map(|c| c.as_str().to_string());
        let since = errors.optional("since", self.since.as_deref(), timestamp);
        let after = errors.optional("cursor", self.cursor.as_deref(), |c| {
            Cursor::decode(c, order)
        });
        let limit = super::cursor_limit(&mut errors, self.limit);
        let all = self.all.unwrap_or(false);
        if all && self.cursor.is_some() {
            errors.add("cursor", "cannot be combined with all=true");
        }
        if all && self.limit.is_some() {
            errors.add("limit", "cannot be combined with all=true");
        }
        errors.finish()?;
        Ok(Parsed {
            query: ListQuery {
                order,
                country,
                since,
                after,
            },
            limit,
            all,
        })
    }

    /// What the representation depends on, for its tag.
    fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.order, self.country, self.since, self.cursor, self.limit, self.all, self.bom
        )
    }
}

/// What a list response needs before it reads any row.
struct ListHead {
    letter_id: String,
    slug: String,
    version: i64,
    total: i64,
    countries: Arc<rows::CountryColumns>,
    validators: Validators,
}

/// A list's validators, from the cached version alone; or `304`.
async fn validators(
    letter: &LetterData,
    format: &str,
    key: &str,
) -> Result<Result<(crate::http::cache::LetterVersion, Validators), HttpResponse>, AppError> {
    let v = letter.version().await?;
    let validators = v.of_list("signatories", &[format, key]);
    Ok(match validators.not_modified(&letter.req) {
        Some(not_modified) => Err(not_modified),
        None => Ok((v, validators)),
    })
}

/// What a `200` needs besides the validators: the counts and how rows name countries.
/// `total` is how many the filters select: the whole list, one country's (`country`), and of
/// those the ones published since `since`.
async fn full_head(
    state: &AppState,
    v: crate::http::cache::LetterVersion,
    validators: Validators,
    query: &ListQuery,
) -> Result<ListHead, AppError> {
    let letter_id = v.letter_id.clone();
    let (country, since) = (query.country.clone(), query.since);
    let total = state
        .db
        .run(move |conn| match since {
            Some(since) => public_list::count_since(conn, &letter_id, country.as_deref(), since),
            None => Ok(public_list::counts(conn, &letter_id)?
                .iter()
                .filter(|c| country.as_ref().is_none_or(|code| &c.code == code))
                .map(|c| c.count)
                .sum()),
        })
        .await?;
    let countries = rows::country_columns(&state.countries.get(&state.db).await?);
    Ok(ListHead {
        letter_id: v.letter_id,
        slug: v.slug,
        version: v.version,
        total,
        countries,
        validators,
    })
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .map(|m| m.split(';').next().unwrap_or("").trim())
                .any(|m| m == "text/csv")
        })
}

/// A letter's published signatories: a JSON page, the whole list streamed as JSON (`all=true`),
/// or CSV (`Accept: text/csv`, always the whole list). Filters: `country`, `since`.
#[utoipa::path(
    get,
    path = "/api/v1/letters/{slug}/signatories",
    tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug"), ListParams),
    responses(
        (status = 200, description = "A page of signatories (or the whole list with all=true, or CSV with Accept: text/csv)", body = SignatoryPage,
         headers(("ETag" = String), ("Last-Modified" = String), ("Link" = String, description = "rel=\"describedby\" to the data package, rel=\"license\" to the list's licence, rel=\"next\" to the next page"))),
        super::PublicRead,
    )
)]
#[get("/letters/{slug}/signatories")]
pub async fn list(letter: LetterData, params: ApiQuery<ListParams>) -> Reply {
    if let Some(version) = params.version {
        let csv = wants_csv(&letter.req);
        return snapshots::respond(&letter, &params, version, csv).await;
    }
    if wants_csv(&letter.req) {
        return csv_response(letter, params.into_inner()).await;
    }
    let parsed = params.parse()?;
    if params.bom.is_some() {
        return Err(AppError::field("bom", "only for CSV (Accept: text/csv)"));
    }
    let (req, state) = (&letter.req, &letter.state);
    let format = if parsed.all { "json-all" } else { "json" };
    let (v, validators) = match validators(&letter, format, &params.key()).await? {
        Ok(found) => found,
        Err(not_modified) => return Ok(not_modified),
    };
    if !parsed.all {
        // A page: rendered once and served from memory (issue 19).
        let cached = state
            .responses
            .get_or_render(&validators.key(), async {
                let head = full_head(state, v, validators.clone(), &parsed.query).await?;
                json_page(req, state, head, parsed).await
            })
            .await?;
        return Ok(validators.respond_cached(req, &cached));
    }
    if let Some(cached) = state.responses.get(&validators.key()) {
        return Ok(validators.respond_cached(req, &cached));
    }
    let head = full_head(state, v, validators, &parsed.query).await?;
    let whole = WholeList {
        prefix: format!(
            "{{\"letter\":{},\"version\":{},\"total\":{},\"licence\":{},\"items\":[",
            serde_json::to_string(&head.slug).expect("a string serialises"),
            head.version,
            head.total,
            serde_json::to_string(&state.data_licence).expect("a licence serialises"),
        ),
        suffix: "]}\n".into(),
        format: Format::Json(head.countries.clone()),
        content_type: "application/json",
        headers: vec![links(state, &head, None)],
    };
    whole.send(req, state, head, parsed.query).await
}

/// A whole list in one format: what goes before and after its rows, and how they are written.
struct WholeList {
    prefix: String,
    suffix: String,
    format: Format,
    content_type: &'static str,
    headers: Vec<(header::HeaderName, String)>,
}

impl WholeList {
    /// Rendered once and served from memory when the list has at most
    /// [`crate::http::cache::MAX_CACHED_ROWS`] rows (issue 19); streamed in keyset chunks otherwise.
    async fn send(
        self,
        req: &HttpRequest,
        state: &AppState,
        head: ListHead,
        query: public_list::ListQuery,
    ) -> Reply {
        if head.total <= crate::http::cache::MAX_CACHED_ROWS {
            let validators = head.validators.clone();
            let cached = state
                .responses
                .get_or_render(&validators.key(), async {
                    let letter_id = head.letter_id.clone();
                    let rows = state
                        .db
                        .run(move |conn| {
                            public_list::page(
                                conn,
                                &letter_id,
                                &query,
                                crate::http::cache::MAX_CACHED_ROWS,
                            )
                        })
                        .await?;
                    let mut body = self.prefix.into_bytes();
                    body.extend_from_slice(&encode(rows, &self.format, true));
                    body.extend_from_slice(self.suffix.as_bytes());
                    Ok(crate::http::cache::Rendered {
                        headers: self.headers,
                        ..crate::http::cache::Rendered::new(self.content_type, body)
                    })
                })
                .await?;
            return Ok(validators.respond_cached(req, &cached));
        }
        let stream = stream_rows(
            state.db.clone(),
            head.letter_id.clone(),
            query,
            self.format,
            self.prefix,
            self.suffix,
        );
        let mut builder = HttpResponse::Ok();
        head.validators.apply(&mut builder);
        for (name, value) in self.headers {
            builder.insert_header((name, value));
        }
        Ok(builder.content_type(self.content_type).streaming(stream))
    }
}

/// A JSON page of signatories, with a `Link` to the next one.
async fn json_page(
    req: &HttpRequest,
    state: &AppState,
    head: ListHead,
    parsed: Parsed,
) -> Result<crate::http::cache::Rendered, AppError> {
    let (letter_id, query, limit) = (head.letter_id.clone(), parsed.query.clone(), parsed.limit);
    // One row more than the page, to know whether a next page has any: the last page never
    // links to an empty one.
    let mut rows = state
        .db
        .run(move |conn| public_list::page(conn, &letter_id, &query, limit + 1))
        .await?;
    let more = rows.len() as i64 > parsed.limit;
    rows.truncate(parsed.limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last()
                .map(|r| Cursor::after(r, parsed.query.order).encode())
        })
        .flatten();
    let body = SignatoryPage {
        letter: head.slug.clone(),
        version: head.version,
        total: head.total,
        licence: state.data_licence.clone(),
        items: rows
            .into_iter()
            .map(|r| SignatoryJson::new(r, &head.countries))
            .collect(),
        next_cursor: next_cursor.clone(),
        ledger_length: None,
    };
    let mut next = None;
    if let Some(cursor) = next_cursor {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
            if k != "cursor" {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("cursor", &cursor);
        // Absolute, as RFC 8288 clients (requests' `r.links`) expect.
        next = Some(format!(
            "<{}{}?{}>; rel=\"next\"",
            state.public_url,
            req.path(),
            query.finish()
        ));
    }
    Ok(crate::http::cache::Rendered {
        headers: vec![links(state, &head, next)],
        ..crate::http::cache::Rendered::json(&body)?
    })
}

/// The whole list as CSV (the same as `Accept: text/csv`).
#[utoipa::path(
    get,
    path = "/api/v1/letters/{slug}/signatories.csv",
    tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug"), ListParams),
    responses(
        (status = 200, description = "CSV: name, slug, country_code, country_name, website, verification, signed_at, text_hash, verified_domain, country_alpha3 (described by the letter's datapackage.json)", content_type = "text/csv", body = String,
         headers(("ETag" = String), ("Last-Modified" = String), ("Link" = String, description = "rel=\"describedby\" to the data package, rel=\"license\" to the list's licence"))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No public letter has this slug", body = super::ErrorBody),
    )
)]
#[get("/letters/{slug}/signatories.csv")]
pub async fn list_csv(letter: LetterData, params: ApiQuery<ListParams>) -> Reply {
    csv_response(letter, params.into_inner()).await
}

async fn csv_response(letter: LetterData, params: ListParams) -> Reply {
    if let Some(version) = params.version {
        return snapshots::respond(&letter, &params, version, true).await;
    }
    let parsed = params.parse()?;
    let (v, validators) = match validators(&letter, "csv", &params.key()).await? {
        Ok(found) => found,
        Err(not_modified) => return Ok(not_modified),
    };
    let (req, state) = (&letter.req, &letter.state);
    if let Some(cached) = state.responses.get(&validators.key()) {
        return Ok(validators.respond_cached(req, &cached));
    }
    let head = full_head(state, v, validators, &parsed.query).await?;
    let disposition = format!("inline; filename=\"{}-signatories.csv\"", head.slug);
    let bom = if params.bom == Some(true) {
        "\u{feff}"
    } else {
        ""
    };
    let whole = WholeList {
        prefix: format!("{bom}{CSV_HEADER}"),
        suffix: String::new(),
        format: Format::Csv(head.countries.clone()),
        content_type: "text/csv; charset=utf-8",
        headers: vec![
            (header::CONTENT_DISPOSITION, disposition),
            links(state, &head, None),
        ],
    };
    whole.send(req, state, head, parsed.query).await
}

/// Every `Link` of a list response, in one header: where the data is described and under which
/// licence (`api::datapackage`), the address that cites this list as it is now for good
/// (`rel="cite-as"`, RFC 8574: `?version=N`, `snapshots`), then the next page, last.
fn links(state: &AppState, head: &ListHead, next: Option<String>) -> (header::HeaderName, String) {
    let cite_as = format!(
        "<{}/api/v1/letters/{}/signatories?version={}>; rel=\"cite-as\"",
        state.public_url, head.slug, head.version
    );
    let mut links = vec![super::datapackage::data_links(state, &head.slug), cite_as];
    links.extend(next);
    (header::LINK, links.join(", "))
}
