//! `undersigned seed`: fill a letter with many published signatories quickly, for benchmarks and
//! demos. It writes everything the normal flow would — organisations, published signatures, the
//! public list, the change log and the counts by country — but lets the database generate the
//! rows: one `INSERT … SELECT` per table over a range of numbers, 100,000 rows a transaction.
//! (Sending a million rows through bind parameters spent most of its time binding and building
//! statements; see docs/PERFORMANCE.md.)
//!
//! Seeded signatures were never mailed, so they have no working links: their token-hash columns
//! hold `seed:` markers, which no SHA-256 of a presented token can equal.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::access::Actor;
use super::coalitions::{self, NewCoalitionInput};
use super::letters::{self, Audience, NewLetterInput};
use super::{new_id, now, public_list};
use crate::db::schema::countries;
use crate::db::{Db, DbConnection};
use crate::domain::ledger::LedgerKey;
use crate::domain::{LanguageTag, LetterState, Moderation, Slug, Visibility};
use crate::error::AppError;

/// Rows generated per statement (and per transaction).
const BATCH: usize = 100_000;

#[derive(Debug)]
pub struct SeedReport {
    pub letter: String,
    pub added: usize,
    pub elapsed: Duration,
}

/// The letter to fill: the one with this slug, or a new open letter of a "bench" coalition.
fn letter_for(
    conn: &mut DbConnection,
    key: &LedgerKey,
    slug: &Slug,
) -> Result<crate::db::models::Letter, AppError> {
    if let Ok(view) = letters::find(conn, slug.as_str(), Audience::Admin) {
        return Ok(view.letter);
    }
    let bench = Slug::parse("bench").expect("a valid slug");
    if coalitions::find(conn, bench.as_str()).is_err() {
        coalitions::create(
            conn,
            &Actor::System,
            NewCoalitionInput {
                slug: bench.clone(),
                name: "Benchmark coalition".into(),
                website: None,
            },
            None,
        )?;
    }
    letters::create(
        conn,
        &Actor::System,
        NewLetterInput {
            slug: Some(slug.clone()),
            coalition: bench,
            title: format!("Seeded letter {}", slug.as_str()),
            body: "A letter filled by `undersigned seed`.".into(),
            recipient_name: "The recipient".into(),
            recipient_email: None,
            place_and_date: None,
            language: LanguageTag::parse("en").expect("a valid tag"),
            moderation: Moderation::Auto,
            visibility: Visibility::Public,
            deadline: None,
            opens_at: None,
            campaign: None,
            text_licence: None,
        },
    )?;
    Ok(letters::transition(conn, key, &Actor::System, slug.as_str(), LetterState::Open)?.letter)
}

/// The SQL that differs between the two backends.
#[derive(Clone, Copy)]
enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The integers `first..=last` as a row source with the column `k.i`.
    fn numbers(self, first: usize, last: usize) -> String {
        match self {
            Dialect::Sqlite => format!(
                "(WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {last}) SELECT i FROM n) AS k"
            ),
            Dialect::Postgres => format!("generate_series({first}, {last}) AS k(i)"),
        }
    }

    /// `k.i` as decimal text, zero-padded to `width` digits (so that the generated keys sort
    /// in the order they are made).
    fn padded(self, width: usize) -> String {
        match self {
            Dialect::Sqlite => format!("printf('%0{width}d', k.i)"),
            Dialect::Postgres => format!("lpad(k.i::text, {width}, '0')"),
        }
    }
}

/// The first 24 characters of a UUID v7 for now, with fresh random bits: followed by 12 digits,
/// they make ids that are ordered by time like every other id and unique to this run.
fn id_prefix() -> String {
    let now = new_id();
    let random: u32 = rand::random();
    format!(
        "{}7{:03x}-{:x}{:03x}-",
        &now[..14],
        random & 0xfff,
        8 | (random >> 12) & 0x3,
        (random >> 14) & 0xfff
    )
}

/// What every batch of one seed run shares.
struct Plan {
    dialect: Dialect,
    skip_row_triggers: bool,
    letter: crate::db::models::Letter,
    codes: Vec<String>,
    run: String,
    organisation_prefix: String,
    signature_prefix: String,
}

impl Plan {
    /// Ready a connection for batches: its own table of numbered countries (temporary tables
    /// belong to one session), and on SQLite a cache large enough for a million keys' index pages.
    fn prepare(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        let values: Vec<String> = (self.codes.iter().enumerate())
            .map(|(n, code)| format!("({n}, '{code}')"))
            .collect();
        let cache = match self.dialect {
            Dialect::Sqlite => "PRAGMA cache_size = -262144;",
            Dialect::Postgres => "",
        };
        conn.batch_execute(&format!(
            "{cache} DROP TABLE IF EXISTS seed_countries; \
             CREATE TEMPORARY TABLE seed_countries (n BIGINT PRIMARY KEY, code TEXT NOT NULL); \
             INSERT INTO seed_countries (n, code) VALUES {};",
            values.join(", ")
        ))?;
        Ok(())
    }

    /// The statements that write signatories `first..=last`. Every value in them is ours: hex
    /// ids and hashes, a timestamp and a slug (letters, digits and hyphens), so they are written
    /// out in full rather than bound.
    fn batch(&self, first: usize, last: usize) -> String {
        let (dialect, run, letter) = (self.dialect, &self.run, &self.letter);
        let at = format!("'{}'", now().format("%F %T%.f"));
        // Rows are made in the order of `k.i`, so every index takes them at its end (a join to
        // the countries would let PostgreSQL sort them by country first).
        let from = format!("FROM {}", dialect.numbers(first, last));
        let country = format!(
            "(SELECT code FROM seed_countries c WHERE c.n = k.i % {})",
            self.codes.len()
        );
        let number = dialect.padded(7);
        let name = format!("'{} signatory {run} ' || {number}", letter.slug);
        let org_slug = format!("'{}-signatory-{run}-' || {number}", letter.slug);
        let org_id = format!("'{}' || {}", self.organisation_prefix, dialect.padded(12));
        let sig_id = format!("'{}' || {}", self.signature_prefix, dialect.padded(12));
        let (letter_id, text_hash) = (
            format!("'{}'", letter.id),
            format!("'{}'", letter.text_hash),
        );
        // PostgreSQL checks each foreign key of each row with a query of its own (and a row lock
        // on the one letter every row points to): over half of a plain seed's time. A superuser
        // skips those per-row triggers for the seed's own transactions, the way pg_restore loads
        // data; the rows reference what they must by construction (the seed's test checks it).
        let triggers = if self.skip_row_triggers {
            "SET LOCAL session_replication_role = replica;"
        } else {
            ""
        };
        format!(
            "{triggers} \
             INSERT INTO organisations (id, slug, name, normalized_name, country_code, verification, created_at, updated_at) \
             SELECT {org_id}, {org_slug}, {name}, {name}, {country}, 'unverified', {at}, {at} {from}; \
             INSERT INTO signatures (id, letter_id, organisation_id, state, representative_name, representative_role, \
                 email, text_hash, confirm_token_hash, withdraw_token_hash, confirm_expires_at, confirmations_sent, \
                 created_at, updated_at, confirmed_at, published_at) \
             SELECT {sig_id}, {letter_id}, {org_id}, 'published', 'Seed person ' || {number}, 'Director', \
                 'signer-{run}-' || {number} || '@seed.invalid', {text_hash}, 'seed:confirm:' || {sig_id}, \
                 'seed:withdraw:' || {sig_id}, {at}, 1, {at}, {at}, {at}, {at} {from}; \
             INSERT INTO public_signatories (signature_id, letter_id, organisation_id, organisation_name, \
                 organisation_slug, sort_name, country_code, verification, text_hash, signed_at) \
             SELECT {sig_id}, {letter_id}, {org_id}, {name}, {org_slug}, {name}, {country}, 'unverified', \
                 {text_hash}, {at} {from}; \
             INSERT INTO signature_events (letter_id, signature_id, action, organisation_name, organisation_slug, \
                 country_code, occurred_at) \
             SELECT {letter_id}, {sig_id}, 'added', {name}, {org_slug}, {country}, {at} {from};"
        )
    }
}

/// Add `count` published signatories to the letter `slug`, from every country in turn, or from
/// the first `countries` (by code) when given — a coalition's list spans a few dozen.
///
/// On PostgreSQL, batches run on two connections at once (the server does the work, and this
/// machine has two cores); SQLite has one writer.
pub fn seed(
    db: &Db,
    key: &LedgerKey,
    slug: &Slug,
    count: usize,
    countries: Option<usize>,
) -> Result<SeedReport, AppError> {
    seed_in_batches(db, key, slug, count, countries, BATCH)
}

/// [`seed`] with `batch` rows a transaction (tests use small batches to run several).
pub fn seed_in_batches(
    db: &Db,
    key: &LedgerKey,
    slug: &Slug,
    count: usize,
    countries: Option<usize>,
    batch: usize,
) -> Result<SeedReport, AppError> {
    let batch = batch.max(1);
    let started = Instant::now();
    let mut conn = db.get()?;
    let dialect = match *conn {
        DbConnection::Sqlite(_) => Dialect::Sqlite,
        DbConnection::Postgresql(_) => Dialect::Postgres,
    };
    let skip_row_triggers = matches!(dialect, Dialect::Postgres)
        && diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
            "current_setting('is_superuser')",
        ))
        .get_result::<String>(&mut *conn)?
            == "on";
    let mut codes: Vec<String> = countries::table
        .filter(countries::is_iso.eq(1))
        .select(countries::code)
        .order(countries::code.asc())
        .load(&mut *conn)?;
    codes.truncate(countries.unwrap_or(codes.len()).max(1));
    let plan = Plan {
        dialect,
        skip_row_triggers,
        letter: letter_for(&mut conn, key, slug)?,
        codes,
        run: format!("{:08x}", rand::random::<u32>()),
        organisation_prefix: id_prefix(),
        signature_prefix: id_prefix(),
    };
    drop(conn);
    let workers = match dialect {
        Dialect::Sqlite => 1,
        Dialect::Postgres => db.max_connections().min(2),
    };
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<(), AppError> {
                    let mut conn = db.get()?;
                    plan.prepare(&mut conn)?;
                    loop {
                        let first = next.fetch_add(batch, Ordering::Relaxed);
                        if first >= count {
                            break;
                        }
                        let sql = plan.batch(first, (first + batch).min(count) - 1);
                        crate::db::write_transaction(&mut conn, |conn| {
                            Ok(conn.batch_execute(&sql)?)
                        })?;
                    }
                    Ok(conn.batch_execute("DROP TABLE seed_countries")?)
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a seed worker panicked"))
    })?;
    let mut conn = db.get()?;
    // Fresh statistics, or the planner takes the freshly filled letter for a small one and sorts
    // the whole list for every page instead of walking the index (reading the rows back for the
    // ledger included).
    conn.batch_execute(match dialect {
        Dialect::Sqlite => "PRAGMA optimize",
        Dialect::Postgres => "ANALYZE",
    })?;
    log_in_ledger(&mut conn, key, &plan)?;
    let codes = &plan.codes;
    crate::db::write_transaction(&mut conn, |conn| {
        // Signatory i is from country i mod the number of countries.
        for (n, code) in codes.iter().enumerate().take(count) {
            public_list::bump(
                conn,
                &plan.letter.id,
                code,
                (count - n).div_ceil(codes.len()) as i64,
            )?;
        }
        Ok(())
    })?;
    conn.batch_execute(match dialect {
        Dialect::Sqlite => "PRAGMA optimize",
        Dialect::Postgres => "ANALYZE ledger_entries",
    })?;
    Ok(SeedReport {
        letter: plan.letter.slug,
        added: count,
        elapsed: started.elapsed(),
    })
}

/// Entries logged per transaction.
const LEDGER_CHUNK: i64 = 10_000;

/// Log the run's signatories in the letter's ledger, in the order they were made (their ids):
/// hashes cannot be made in SQL on both backends, so this reads the rows back.
fn log_in_ledger(conn: &mut DbConnection, key: &LedgerKey, plan: &Plan) -> Result<(), AppError> {
    use crate::db::models::PublicSignatory;
    use crate::db::schema::public_signatories as p;
    use crate::domain::ledger::Action;
    let letter_id = &plan.letter.id;
    // Every id of the run is the prefix and 12 digits, which sort before the prefix and `a`.
    let (mut after, end) = (
        plan.signature_prefix.clone(),
        format!("{}a", plan.signature_prefix),
    );
    loop {
        let rows: Vec<PublicSignatory> = p::table
            .filter(p::signature_id.gt(&after))
            .filter(p::signature_id.lt(&end))
            .order(p::signature_id.asc())
            .limit(LEDGER_CHUNK)
            .select(PublicSignatory::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.signature_id.clone();
        let changes = rows
            .iter()
            .map(|row| super::ledger::Change::of_row(Action::Published, row, row.signed_at));
        crate::db::write_transaction(conn, |conn| {
            if plan.skip_row_triggers {
                // As for the batches: the entries reference the letter by construction.
                conn.batch_execute("SET LOCAL session_replication_role = replica")?;
            }
            super::ledger::append(conn, key, letter_id, changes)
        })?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_uuid_v7_and_differ_between_runs() {
        let (a, b) = (id_prefix(), id_prefix());
        assert_ne!(a, b);
        for prefix in [a, b] {
            let id = uuid::Uuid::parse_str(&format!("{prefix}000000000042")).unwrap();
            assert_eq!(id.get_version_num(), 7);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            let (seconds, _) = id.get_timestamp().unwrap().to_unix();
            let now = chrono::Utc::now().timestamp() as u64;
            assert!(seconds <= now && now - seconds < 60, "{id} is not from now");
        }
    }
}
