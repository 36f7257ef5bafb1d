//! Small query helpers every use case shares: the one row or a 404, whether a query finds any
//! row, and the transaction-scoped lock that serialises writers of one letter on PostgreSQL.

use diesel::dsl::{CountStar, Limit, Select};
use diesel::prelude::*;
use diesel::query_dsl::methods::{LimitDsl, SelectDsl};
use diesel::query_dsl::LoadQuery;

use super::DbConnection;
use crate::error::AppError;

/// Reading the one row a query is about, where no row is the caller's 404.
pub trait FirstOrNotFound: RunQueryDsl<DbConnection> + Sized {
    /// The first row, or `404` naming `what` ("campaign \"x\"", "this link") when there is none.
    fn first_or_not_found<'query, U>(
        self,
        conn: &mut DbConnection,
        what: impl Into<String>,
    ) -> Result<U, AppError>
    where
        Self: LimitDsl,
        Limit<Self>: LoadQuery<'query, DbConnection, U>,
    {
        self.first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found(what))
    }
}

impl<Q: RunQueryDsl<DbConnection>> FirstOrNotFound for Q {}

/// Whether `query` finds any row (a slug taken, a link already there).
pub fn any_row<'query, Q>(conn: &mut DbConnection, query: Q) -> Result<bool, AppError>
where
    Q: SelectDsl<CountStar>,
    Select<Q, CountStar>: LoadQuery<'query, DbConnection, i64>,
{
    let n: i64 = SelectDsl::select(query, diesel::dsl::count_star()).get_result(conn)?;
    Ok(n > 0)
}

/// Take PostgreSQL's transaction-scoped advisory lock named by `scope` and `id` (say
/// `undersigned-ledger` and a letter's id), so that concurrent writers of the same thing queue
/// up; released at commit. SQLite needs none: its write transactions already run one at a time.
pub fn lock_for_transaction(
    conn: &mut DbConnection,
    scope: &str,
    id: &str,
) -> Result<(), AppError> {
    use sha2::{Digest, Sha256};
    if let DbConnection::Postgresql(pg) = conn {
        let digest = Sha256::digest(format!("{scope}:{id}"));
        let key = i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Insert `row` into `table`, where a unique key already taken (a slug, an address, a name in a
/// country) is the caller's own 409, `taken()`; any other error stays as it is.
pub fn insert_unique<T, U>(
    conn: &mut DbConnection,
    table: T,
    row: U,
    taken: impl FnOnce() -> AppError,
) -> Result<(), AppError>
where
    T: diesel::Table,
    U: diesel::Insertable<T>,
    diesel::query_builder::InsertStatement<T, U::Values>:
        diesel::query_dsl::methods::ExecuteDsl<DbConnection>,
{
    match diesel::insert_into(table).values(row).execute(conn) {
        Ok(_) => Ok(()),
        Err(e) => match AppError::from(e) {
            AppError::Conflict { .. } => Err(taken()),
            other => Err(other),
        },
    }
}
