//! The connection pool and the bridge from async handlers to blocking diesel calls.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use secrecy::ExposeSecret;

use super::writer::Writer;
use super::DatabaseUrl;
use crate::error::AppError;

/// A connection to either backend; queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// What every SQLite connection is set to, besides WAL, `synchronous=NORMAL` and foreign keys.
#[derive(Debug, Clone, Copy)]
pub struct SqliteTuning {
    /// How long to wait for the write lock, in milliseconds.
    pub busy_timeout_ms: u32,
    /// How much of the file reads may map (`PRAGMA mmap_size`), in MiB; 0 reads by copying.
    pub mmap_mb: u32,
}

impl Default for SqliteTuning {
    fn default() -> Self {
        SqliteTuning {
            busy_timeout_ms: 5_000,
            mmap_mb: 2_047,
        }
    }
}

/// Opens connections of the backend the URL names, with SQLite's per-connection pragmas.
pub struct ConnectionManager {
    url: DatabaseUrl,
    sqlite: SqliteTuning,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url.expose_secret())
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: switching to WAL may itself wait for a lock. Reads map the
                // file (by default up to 2 GB) instead of copying each page out of the OS cache:
                // streaming a million signatories spent a quarter of its time in those copies.
                // The mapped pages are the OS's file cache, shared and reclaimable, though `ps`
                // counts them in the process's resident size.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA mmap_size = {};",
                    self.sqlite.busy_timeout_ms,
                    u64::from(self.sqlite.mmap_mb) * 1024 * 1024
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub(super) type Pool = r2d2::Pool<ConnectionManager>;

/// The database handle kept in the app state: cheap to clone.
///
/// On SQLite, writes go to one writer thread with one connection ([`Db::write`], see
/// [`super::writer`]): SQLite has one writer at a time, and writers competing for the lock would
/// sleep and retry in the busy handler (which costs throughput and makes the latency tail long).
/// Reads use the main pool and run beside the writer (WAL). On PostgreSQL both go to the main
/// pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    writer: Option<Writer>,
    url: DatabaseUrl,
    /// Writes this instance has committed through [`Db::write`] (see [`Db::writes`]).
    writes: Arc<AtomicU64>,
}

impl Db {
    /// Build the pool. For SQLite the file's folder is created if missing.
    pub fn connect(url: DatabaseUrl, pool_size: u32, sqlite: SqliteTuning) -> anyhow::Result<Db> {
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating database folder {}", dir.display()))?;
                }
            }
        }
        let manager = ConnectionManager {
            url: url.clone(),
            sqlite,
        };
        let writer = match &url {
            DatabaseUrl::Sqlite(_) => Some(Writer::start(
                r2d2::Pool::builder()
                    .max_size(1)
                    .connection_timeout(Duration::from_secs(5))
                    .build(ConnectionManager {
                        url: url.clone(),
                        sqlite,
                    })
                    .with_context(|| format!("connecting to {}", url.redacted()))?,
            )?),
            DatabaseUrl::Postgres(_) => None,
        };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)
            .with_context(|| format!("connecting to {}", url.redacted()))?;
        Ok(Db {
            pool,
            writer,
            url,
            writes: Arc::default(),
        })
    }

    /// How many connections the main pool may hold.
    pub fn max_connections(&self) -> u32 {
        self.pool.max_size()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The main pool's connections now: (in use, idle).
    pub fn connections(&self) -> (u32, u32) {
        let state = self.pool.state();
        (
            state.connections - state.idle_connections,
            state.idle_connections,
        )
    }

    /// A connection for blocking code (the CLI, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }

    /// Run blocking database work that only reads, off the async executor, on a pooled
    /// connection.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        Self::on(self.pool.clone(), work).await
    }

    /// Run blocking database work that writes: on SQLite in the writer thread's next group
    /// commit (a savepoint of its own; the answer comes after the commit), on PostgreSQL on a
    /// pooled connection.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let written = match &self.writer {
            Some(writer) => writer.write(work).await,
            None => Self::on(self.pool.clone(), work).await,
        };
        self.writes.fetch_add(1, Ordering::Release);
        written
    }

    /// How many writes this instance has made (committed or not): a generation number that a
    /// cache key can carry, so that what this instance changed is read fresh at once (another
    /// instance's changes show when the key's second turns, `cache::ResponseCache`).
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    async fn on<T, F>(pool: Pool, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        Self::off_executor(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
    }

    /// Run CPU-bound work that needs no connection (rendering a text) on the blocking pool, never
    /// on the async executor's threads, where it would hold up every request on that thread.
    pub async fn off_executor<T, F>(work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        actix_web::web::block(work)
            .await
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Like [`Db::run`], but gives up on the pool after `timeout` (for `/health`).
    pub async fn ping(&self, timeout: Duration) -> Result<(), AppError> {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get_timeout(timeout)?;
            conn.ping().map_err(AppError::from)
        })
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}")))?
    }
}

/// Run `work` in a write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write
/// lock first (waiting up to the busy timeout): a deferred transaction that reads and then writes
/// fails at once with `SQLITE_BUSY` when another writer committed in between, which concurrent
/// signing would hit. PostgreSQL uses a plain transaction. Nested calls become savepoints.
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(lite) = conn else {
        return conn.transaction(work);
    };
    if AnsiTransactionManager::transaction_manager_status_mut(lite)
        .transaction_depth()?
        .is_some()
    {
        // Already inside a transaction: a savepoint, as diesel nests.
        return conn.transaction(work);
    }
    AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")?;
    let result = work(conn);
    let DbConnection::Sqlite(lite) = conn else {
        unreachable!("the variant does not change");
    };
    match result {
        Ok(value) => {
            if let Err(e) = AnsiTransactionManager::commit_transaction(lite) {
                let _ = AnsiTransactionManager::rollback_transaction(lite);
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(lite)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(QueryableByName)]
    struct MmapSize {
        #[diesel(sql_type = BigInt)]
        mmap_size: i64,
    }

    fn mapped(dir: &std::path::Path, mmap_mb: u32) -> i64 {
        let url = format!("sqlite://{}/m{mmap_mb}.db", dir.display());
        let tuning = SqliteTuning {
            mmap_mb,
            ..SqliteTuning::default()
        };
        let db = Db::connect(DatabaseUrl::parse(&url.into()).unwrap(), 1, tuning).unwrap();
        let conn: &mut DbConnection = &mut db.get().unwrap();
        diesel::sql_query("PRAGMA mmap_size")
            .get_result::<MmapSize>(conn)
            .unwrap()
            .mmap_size
    }

    #[test]
    fn sqlite_connections_map_as_much_of_the_file_as_configured() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(mapped(dir.path(), 16), 16 * 1024 * 1024);
        assert_eq!(mapped(dir.path(), 0), 0);
        assert_eq!(
            mapped(dir.path(), SqliteTuning::default().mmap_mb),
            2_047 * 1024 * 1024
        );
    }
}
