//! Letters' ledgers (see `domain::ledger`): appended by the same transactions that change a public
//! list or open a letter, and read by the API.
//!
//! Appends to one letter are serialised: on PostgreSQL by an advisory lock keyed by the letter,
//! on SQLite by its single writer. Each append signs the head it makes with the service's key and
//! keeps the signature on its last entry, so the head served later was signed when it was
//! written, not when it is read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{LedgerRow, PublicSignatory};
use crate::db::schema::{ledger_entries, letters};
use crate::db::DbConnection;
use crate::domain::ledger::{format_time, Action, Entry, Head, LedgerKey, FORMAT, GENESIS};
use crate::error::AppError;

/// Rows per insert statement (SQLite binds at most 32,766 values; a row has 14).
const INSERT_CHUNK: usize = 1_000;

/// A change to record.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: Action,
    pub organisation: String,
    pub name: String,
    pub country: String,
    pub verification: String,
    /// The organisation's published website (empty when it has none, and for `text`).
    pub website: String,
    pub text_hash: String,
    pub at: NaiveDateTime,
}

impl Change {
    /// A text version of the letter.
    pub fn text(text_hash: &str, at: NaiveDateTime) -> Change {
        Change {
            action: Action::Text,
            organisation: String::new(),
            name: String::new(),
            country: String::new(),
            verification: String::new(),
            website: String::new(),
            text_hash: text_hash.to_string(),
            at,
        }
    }

    /// A change to a public row (published, withdrawn, removed or updated), as the row now is
    /// (or was, when it left the list).
    pub fn of_row(action: Action, row: &PublicSignatory, at: NaiveDateTime) -> Change {
        Change {
            action,
            organisation: row.organisation_slug.clone(),
            name: row.organisation_name.clone(),
            country: row.country_code.clone(),
            verification: row.verification.clone(),
            website: row.website.clone().unwrap_or_default(),
            text_hash: row.text_hash.clone(),
            at,
        }
    }
}

impl LedgerRow {
    pub fn entry(&self) -> Result<Entry, AppError> {
        Ok(Entry {
            seq: self.seq,
            format: u32::try_from(self.format).map_err(|_| {
                anyhow::anyhow!("ledger entry {}: format {}", self.seq, self.format)
            })?,
            time: format_time(self.occurred_at),
            action: self
                .action
                .parse()
                .map_err(|e| anyhow::anyhow!("ledger entry {}: action {e}", self.seq))?,
            organisation: self.organisation_slug.clone(),
            name: self.organisation_name.clone(),
            country: self.country_code.clone(),
            verification: self.verification.clone(),
            website: self.website.clone(),
            text_hash: self.text_hash.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// Hold the letter's ledger until the transaction ends. On PostgreSQL, a transaction-scoped
/// advisory lock keyed by the letter: it lives in shared memory, so unlike a row lock on the letter
/// it does not turn the letter row's lock word into a multixact shared with every signature that
/// references it.
fn lock(conn: &mut DbConnection, letter_id: &str) -> Result<(), AppError> {
    crate::db::query::lock_for_transaction(conn, "undersigned-ledger", letter_id)
}

/// The last entry's number, hash and head signature (none before the first).
/// How many entries a letter's ledger has (its head's length), without signing a head.
pub fn length(conn: &mut DbConnection, letter_id: &str) -> Result<i64, AppError> {
    Ok(last(conn, letter_id)?.map_or(0, |(seq, _, _)| seq))
}

fn last(
    conn: &mut DbConnection,
    letter_id: &str,
) -> Result<Option<(i64, String, String)>, AppError> {
    Ok(ledger_entries::table
        .filter(ledger_entries::letter_id.eq(letter_id))
        .order(ledger_entries::seq.desc())
        .select((
            ledger_entries::seq,
            ledger_entries::hash,
            ledger_entries::head_signature,
        ))
        .first(conn)
        .optional()?)
}

/// Append changes to a letter's ledger, in order, in the current entry format ([`FORMAT`]: with
/// the website), and sign the head they make. Call inside the transaction that makes the changes.
pub fn append(
    conn: &mut DbConnection,
    key: &LedgerKey,
    letter_id: &str,
    changes: impl IntoIterator<Item = Change>,
) -> Result<(), AppError> {
    lock(conn, letter_id)?;
    let (mut seq, mut prev) =
        last(conn, letter_id)?.map_or((0, GENESIS.to_string()), |(seq, hash, _)| (seq, hash));
    let mut rows: Vec<LedgerRow> = Vec::new();
    for change in changes {
        seq += 1;
        let entry = Entry {
            seq,
            format: FORMAT,
            time: format_time(change.at),
            action: change.action,
            organisation: change.organisation,
            name: change.name,
            country: change.country,
            verification: change.verification,
            website: Some(change.website),
            text_hash: change.text_hash,
            prev_hash: prev,
            hash: String::new(),
        }
        .sealed(letter_id);
        prev = entry.hash.clone();
        rows.push(LedgerRow {
            letter_id: letter_id.to_string(),
            seq,
            format: FORMAT as i32,
            occurred_at: change.at,
            action: entry.action.as_str().to_string(),
            organisation_slug: entry.organisation,
            organisation_name: entry.name,
            country_code: entry.country,
            verification: entry.verification,
            website: entry.website,
            text_hash: entry.text_hash,
            prev_hash: entry.prev_hash,
            hash: entry.hash,
            head_signature: String::new(),
        });
    }
    let Some(last_row) = rows.last_mut() else {
        return Ok(());
    };
    last_row.head_signature = key.sign_head(letter_id, seq, &prev).signature;
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::on_backend!(conn, c => diesel::insert_into(ledger_entries::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The signed head of a letter's ledger. An empty ledger's head is signed as it is read.
pub fn head(conn: &mut DbConnection, key: &LedgerKey, letter_id: &str) -> Result<Head, AppError> {
    Ok(match last(conn, letter_id)? {
        Some((length, hash, signature)) => Head {
            letter: letter_id.to_string(),
            length,
            hash,
            signature,
        },
        None => key.sign_head(letter_id, 0, GENESIS),
    })
}

/// Up to `limit` entries after entry `after`, in order.
pub fn entries(
    conn: &mut DbConnection,
    letter_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    ledger_entries::table
        .filter(ledger_entries::letter_id.eq(letter_id))
        .filter(ledger_entries::seq.gt(after))
        .order(ledger_entries::seq.asc())
        .limit(limit)
        .select(LedgerRow::as_select())
        .load(conn)?
        .iter()
        .map(LedgerRow::entry)
        .collect()
}

/// Public rows logged per statement when starting a ledger.
const BACKFILL_CHUNK: i64 = 10_000;

/// Start the ledger of every letter past draft that has none (letters opened before ledgers
/// existed): its text when it opened, then its listed organisations in the order they were
/// published. Returns how many ledgers it started.
pub fn backfill(conn: &mut DbConnection, key: &LedgerKey) -> Result<usize, AppError> {
    use super::public_list::{self, Cursor, ListQuery, Order};
    use diesel::dsl::{exists, not};
    let missing: Vec<(String, String, Option<NaiveDateTime>, NaiveDateTime)> = letters::table
        .filter(letters::state.ne(crate::domain::LetterState::Draft.as_str()))
        .filter(not(exists(
            ledger_entries::table.filter(ledger_entries::letter_id.eq(letters::id)),
        )))
        .select((
            letters::id,
            letters::text_hash,
            letters::opened_at,
            letters::created_at,
        ))
        .load(conn)?;
    for (letter_id, text_hash, opened_at, created_at) in &missing {
        crate::db::write_transaction(conn, |conn| {
            let opened = opened_at.unwrap_or(*created_at);
            append(conn, key, letter_id, [Change::text(text_hash, opened)])?;
            let mut query = ListQuery {
                order: Order::SignedAt,
                ..ListQuery::default()
            };
            loop {
                let rows = public_list::page(conn, letter_id, &query, BACKFILL_CHUNK)?;
                let Some(last) = rows.last() else {
                    return Ok(());
                };
                query.after = Some(Cursor::after(last, Order::SignedAt));
                let changes =
                    (rows.iter()).map(|row| Change::of_row(Action::Published, row, row.signed_at));
                append(conn, key, letter_id, changes)?;
            }
        })?;
        tracing::info!(letter = %letter_id, "started the ledger of a letter opened before ledgers");
    }
    Ok(missing.len())
}
