//! A letter's ledger, the public proof of its list: `GET /api/v1/letters/{slug}/ledger` (pages,
//! or everything with `all=true`), and the key that signs its heads at
//! `/.well-known/undersigned-ledger-key`. `undersigned verify` reads both; docs/VERIFY.md says how
//! to check them without it.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::extract::{ApiQuery, LetterData};
use super::Reply;
use crate::domain::ledger::{Entry, Head};
use crate::error::{AppError, FieldCollector};
use crate::http::cache::Rendered;
use crate::http::AppState;
use crate::service::ledger;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(entries);
}

/// Mounted at the root, outside `/api/v1`, and as open to other sites as the API.
pub fn well_known(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/.well-known")
            .wrap(crate::http::cors())
            .service(public_key),
    );
}

pub const DEFAULT_LIMIT: i64 = super::CURSOR_LIMIT.0;
pub const MAX_LIMIT: i64 = super::CURSOR_LIMIT.1;
/// Entries read per database round trip while streaming a whole ledger.
const STREAM_CHUNK: i64 = 2_000;

/// The key that signs ledger heads.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicKeyJson {
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The public key: 32 bytes as lowercase hex.
    pub public_key: String,
}

/// Where a ledger belongs.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LedgerLetter {
    pub id: String,
    pub slug: String,
}

/// Entries of a letter's ledger with its signed head. Entries stop at the head, so a page is
/// always consistent with the head it carries.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LedgerPage {
    pub letter: LedgerLetter,
    /// The key the head is signed with (check it against `/.well-known/undersigned-ledger-key`).
    pub public_key: String,
    pub head: Head,
    pub entries: Vec<Entry>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_after: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// Entries after this sequence number (default 0: from the first).
    pub after: Option<i64>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// `true` streams every entry after `after` in one response.
    pub all: Option<bool>,
}

struct Parsed {
    after: i64,
    limit: i64,
    all: bool,
}

impl LedgerParams {
    fn parse(&self) -> Result<Parsed, AppError> {
        let mut errors = FieldCollector::new();
        let (after, limit) = super::after_and_limit(&mut errors, self.after, self.limit);
        let all = self.all.unwrap_or(false);
        if all && self.limit.is_some() {
            errors.add("limit", "cannot be combined with all=true");
        }
        errors.finish()?;
        Ok(Parsed { after, limit, all })
    }
}

/// The public key that signs every ledger head of this service.
#[utoipa::path(get, path = "/.well-known/undersigned-ledger-key", tag = "open data",
    responses((status = 200, body = PublicKeyJson)))]
#[get("/undersigned-ledger-key")]
pub async fn public_key(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let body = PublicKeyJson {
        algorithm: "Ed25519".into(),
        public_key: state.ledger.public_hex(),
    };
    crate::http::caching::json(&req, &body, chrono::NaiveDateTime::default())
}

/// A letter's ledger: every change to its public list in a signed hash chain (docs/VERIFY.md).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/ledger", tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug"), LedgerParams),
    responses(
        (status = 200, description = "A page of entries (or every entry with all=true) and the signed head", body = LedgerPage,
         headers(("ETag" = String), ("Last-Modified" = String))),
        super::PublicRead,
    ))]
#[get("/letters/{slug}/ledger")]
pub async fn entries(letter: LetterData, params: ApiQuery<LedgerParams>) -> Reply {
    let parsed = params.parse()?;
    // The ledger changes with the list's version, or with the letter (when it opens).
    let v = letter.version().await?;
    let shape = format!("{}|{}|{}", parsed.after, parsed.limit, parsed.all);
    let validators = v.of_letter("ledger", &[&v.ledger_length.to_string(), &shape]);
    let (req, state) = (&letter.req, &letter.state);
    if !parsed.all {
        // A page and the signed head: rendered once and served from memory (issue 19).
        return letter
            .serve(&validators, async {
                let (key, letter_id) = (state.ledger.clone(), v.letter_id.clone());
                let (head, entries) = state
                    .db
                    .run(move |conn| {
                        let head = ledger::head(conn, &key, &letter_id)?;
                        let entries =
                            ledger::entries(conn, &letter_id, parsed.after, parsed.limit)?;
                        Ok((head, entries))
                    })
                    .await?;
                let entries: Vec<Entry> = entries
                    .into_iter()
                    .filter(|e| e.seq <= head.length)
                    .collect();
                let last = entries.last().map_or(parsed.after, |e| e.seq);
                Rendered::json(&LedgerPage {
                    letter: LedgerLetter {
                        id: v.letter_id.clone(),
                        slug: v.slug.clone(),
                    },
                    public_key: state.ledger.public_hex(),
                    next_after: (last < head.length).then_some(last),
                    entries,
                    head,
                })
            })
            .await;
    }
    if let Some(response) = validators.not_modified(req) {
        return Ok(response);
    }
    let (key, letter_id) = (state.ledger.clone(), v.letter_id.clone());
    // The whole ledger, streamed: the document without its entries, split where they go.
    let head = state
        .db
        .run(move |conn| ledger::head(conn, &key, &letter_id))
        .await?;
    let page = LedgerPage {
        letter: LedgerLetter {
            id: v.letter_id.clone(),
            slug: v.slug.clone(),
        },
        public_key: state.ledger.public_hex(),
        entries: Vec::new(),
        next_after: None,
        head,
    };
    let mut builder = HttpResponse::Ok();
    validators.apply(&mut builder);
    let shell = serde_json::to_string(&page).expect("JSON serialises");
    let (prefix, suffix) = shell
        .split_once("\"entries\":[]")
        .expect("the entries field is in the document");
    let (prefix, suffix) = (format!("{prefix}\"entries\":["), format!("]{suffix}\n"));
    let (db, letter_id, end) = (state.db.clone(), v.letter_id, page.head.length);
    let mut after = parsed.after;
    let read = move || {
        let limit = STREAM_CHUNK.min(end - after).max(0);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut conn = db.get()?;
        let chunk = ledger::entries(&mut conn, &letter_id, after, limit)?;
        after = chunk.last().map_or(end, |e| e.seq);
        Ok(chunk)
    };
    let encode = |chunk: Vec<Entry>, first| super::streaming::json_items(chunk.into_iter(), first);
    let stream = super::streaming::pipeline(read, encode, prefix, suffix);
    Ok(builder.content_type("application/json").streaming(stream))
}
