//! The use cases. Each is one function taking a connection, doing its work in one transaction,
//! and returning domain rows or an [`AppError`](crate::error::AppError). The JSON API, the web
//! pages and the CLI all call these; handlers only translate HTTP to and from them.

pub mod abuse;
pub mod access;
pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod coalitions;
pub mod countries;
pub mod dashboard;
pub mod deliveries;
pub mod erasure;
pub mod export;
pub mod imports;
pub mod invitations;
pub mod ledger;
pub mod letters;
pub mod organisations;
pub mod outbox;
pub mod previews;
pub mod public_list;
pub mod seed;
pub mod signatures;
pub mod translations;
pub mod updates;
pub mod versions;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::dsl::{Limit, Offset};
use diesel::query_dsl::methods::{LimitDsl, OffsetDsl};
use serde::Serialize;

use crate::error::AppError;

/// The current UTC time at microsecond precision (what PostgreSQL keeps), so values read back
/// equal values written on both backends.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new id as text: a UUID v7, random but ordered by time, so that new rows append to the
/// primary-key indexes instead of landing at random pages of them.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Which page of a list to read.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: i64 = 50;
    pub const MAX_PER_PAGE: i64 = 200;
    /// The last page anyone may ask for: its offset stays far from overflowing.
    pub const MAX_PAGE: i64 = 1_000_000;

    /// Page `page` (from a form's query: missing, below 1 or past [`Self::MAX_PAGE`] is brought
    /// into range) of the default size.
    pub fn clamped(page: Option<i64>) -> PageRequest {
        PageRequest {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// Reading one page of a diesel query: `.one_page(page)` is `.limit(per_page).offset(offset)`.
pub(crate) trait OnePage: Sized {
    fn one_page(self, page: PageRequest) -> Offset<Limit<Self>>
    where
        Self: LimitDsl,
        Limit<Self>: OffsetDsl,
    {
        self.limit(page.per_page).offset(page.offset())
    }
}

impl<Q> OnePage for Q {}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

/// One page of a list, with the total count of the whole list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: i64) -> Page<T> {
        Page {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

/// The slug of a new letter or campaign: the one asked for (`409 slug_taken` when `taken` says
/// so), or one derived from `title`, with `-2`, `-3`… until `taken` says it is free.
pub(crate) fn new_slug(
    conn: &mut crate::db::DbConnection,
    asked: Option<crate::domain::Slug>,
    title: &str,
    what: &str,
    taken: impl Fn(&mut crate::db::DbConnection, &crate::domain::Slug) -> Result<bool, AppError>,
) -> Result<crate::domain::Slug, AppError> {
    if let Some(slug) = asked {
        if taken(conn, &slug)? {
            return Err(slug_taken(what, &slug));
        }
        return Ok(slug);
    }
    let base = crate::domain::Slug::derive(title).ok_or_else(|| {
        AppError::field(
            "slug",
            "is required when the title has no letters or digits",
        )
    })?;
    let mut candidate = base.clone();
    let mut n = 2;
    while taken(conn, &candidate)? {
        candidate = base.with_suffix(n);
        n += 1;
    }
    Ok(candidate)
}

/// The 409 for a slug that another `what` (letter, campaign) has.
pub(crate) fn slug_taken(what: &str, slug: &crate::domain::Slug) -> AppError {
    AppError::conflict(
        "slug_taken",
        format!("a {what} with slug {:?} already exists", slug.as_str()),
    )
}
