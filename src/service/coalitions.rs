//! Coalitions: the networks that run letters.

use diesel::prelude::*;

use super::{new_id, now, Page, PageRequest};
use crate::db::models::{Coalition, NewCoalition};
use crate::db::schema::coalitions;
use crate::db::DbConnection;
use crate::domain::{Slug, Website};
use crate::error::AppError;

pub struct NewCoalitionInput {
    pub slug: Slug,
    pub name: String,
    pub website: Option<Website>,
}

pub fn create(conn: &mut DbConnection, input: NewCoalitionInput) -> Result<Coalition, AppError> {
    crate::db::write_transaction(conn, |conn| {
        if find(conn, input.slug.as_str()).is_ok() {
            return Err(AppError::conflict(
                "slug_taken",
                format!(
                    "a coalition with slug {:?} already exists",
                    input.slug.as_str()
                ),
            ));
        }
        let now = now();
        let row = NewCoalition {
            id: new_id(),
            slug: input.slug.as_str().to_string(),
            name: input.name,
            website: input.website.map(|w| w.as_str().to_string()),
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(coalitions::table)
            .values(&row)
            .execute(conn)?;
        find(conn, &row.slug)
    })
}

/// A coalition by slug (or id).
pub fn find(conn: &mut DbConnection, slug_or_id: &str) -> Result<Coalition, AppError> {
    coalitions::table
        .filter(
            coalitions::slug
                .eq(slug_or_id)
                .or(coalitions::id.eq(slug_or_id)),
        )
        .select(Coalition::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("coalition {slug_or_id:?}")))
}

pub fn list(conn: &mut DbConnection, page: PageRequest) -> Result<Page<Coalition>, AppError> {
    let total = coalitions::table.count().get_result(conn)?;
    let items = coalitions::table
        .select(Coalition::as_select())
        .order((coalitions::name.asc(), coalitions::id.asc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load(conn)?;
    Ok(Page::new(items, page, total))
}
