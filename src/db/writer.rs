//! The SQLite writer: one thread, one connection, and group commit.
//!
//! SQLite has one writer at a time. Handlers queue their writes here; the writer thread takes
//! what has queued (up to [`GROUP_MAX`] writes), runs them in one `BEGIN IMMEDIATE` transaction,
//! each in a savepoint of its own (so a write that fails takes back only its own changes), and
//! commits once. Each caller hears back only after the commit, so nothing is acknowledged that
//! is not in the database. Under load this saves a commit (a WAL append) and a hand-over of the
//! connection per write; with one write queued it is a plain transaction.
//!
//! Before, writers took turns on a pooled connection: each took a hop to the blocking pool, a
//! wait on the pool's lock and a wake-up, and the writer sat idle between them (the profile in
//! docs/PERFORMANCE.md).

use std::panic::{catch_unwind, AssertUnwindSafe};

use diesel::Connection;
use tokio::sync::{mpsc, oneshot};

use super::pool::{DbConnection, Pool};
use crate::error::AppError;

/// Writes committed together at most.
const GROUP_MAX: usize = 64;
/// Writes that may wait for the writer before callers wait to queue.
const QUEUE: usize = 1024;

/// What to do once the group a write ran in is committed (`Ok`) or not (`Err` with the reason).
type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A queued write: runs inside the group's transaction and returns its reply.
type Job = Box<dyn FnOnce(&mut DbConnection) -> Reply + Send>;

/// The queue to the writer thread; cheap to clone. The thread ends when the last clone is gone.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Start the writer thread on the connection of `pool` (a pool of one).
    pub fn start(pool: Pool) -> std::io::Result<Writer> {
        let (queue, mut jobs) = mpsc::channel::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                while let Some(first) = jobs.blocking_recv() {
                    let mut group = vec![first];
                    while group.len() < GROUP_MAX {
                        match jobs.try_recv() {
                            Ok(job) => group.push(job),
                            Err(_) => break,
                        }
                    }
                    run_group(&pool, group);
                }
            })?;
        Ok(Writer { queue })
    }

    /// Run `work` in the next group and wait for the group's commit.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (done, outcome) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // A savepoint: on error, diesel rolls back this write's changes only.
            let result = conn.transaction(work);
            Box::new(move |committed| {
                let _ = done.send(match committed {
                    Ok(()) => result,
                    Err(reason) => Err(AppError::Unavailable(anyhow::anyhow!(
                        "the write was not committed: {reason}"
                    ))),
                });
            })
        });
        let stopped =
            || AppError::Unavailable(anyhow::anyhow!("the database writer is not running"));
        self.queue.send(job).await.map_err(|_| stopped())?;
        // A dropped job (no connection, or a panic in the group) reads as unavailable.
        outcome.await.map_err(|_| stopped())?
    }
}

/// Run one group in one transaction, then tell every caller how it ended.
fn run_group(pool: &Pool, group: Vec<Job>) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, writes = group.len(), "no database connection for writing");
            return;
        }
    };
    let writes = group.len();
    let mut replies = Vec::with_capacity(writes);
    let mut panicked = false;
    // `BEGIN IMMEDIATE`, commit, and rollback on error or failed commit, as every write does.
    let committed = super::write_transaction(&mut conn, |conn| {
        for job in group {
            match catch_unwind(AssertUnwindSafe(|| job(conn))) {
                Ok(reply) => replies.push(reply),
                Err(_) => {
                    // Give up the whole group (its callers see the service as unavailable)
                    // rather than commit half of a write. A savepoint the panic left open marks
                    // the connection broken, and the pool replaces it.
                    panicked = true;
                    return Err(AppError::Unexpected(anyhow::anyhow!("a write panicked")));
                }
            }
        }
        Ok(())
    });
    match committed {
        Ok(()) => replies.into_iter().for_each(|reply| reply(Ok(()))),
        Err(e) if panicked => tracing::error!(error = %e, writes, "its group is rolled back"),
        Err(e) if replies.is_empty() => {
            tracing::warn!(error = %e, writes, "could not begin a write transaction")
        }
        Err(e) => {
            let reason = e.to_string();
            replies
                .into_iter()
                .for_each(|reply| reply(Err(reason.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use crate::db::{DatabaseUrl, Db, DbConnection};
    use crate::error::AppError;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn rows(db: &Db) -> i64 {
        let conn: &mut DbConnection = &mut db.get().unwrap();
        diesel::sql_query("SELECT count(*) AS n FROM t")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    }

    fn insert(value: i64) -> impl FnOnce(&mut DbConnection) -> Result<(), AppError> {
        move |conn| Ok(conn.batch_execute(&format!("INSERT INTO t (x) VALUES ({value})"))?)
    }

    async fn setup() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/w.db", dir.path().display());
        let db = Db::connect(
            DatabaseUrl::parse(&url.into()).unwrap(),
            2,
            Default::default(),
        )
        .unwrap();
        db.write(|conn| Ok(conn.batch_execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")?))
            .await
            .unwrap();
        (dir, db)
    }

    /// Keep the writer busy for a moment, and return once it is: writes queued now wait, and
    /// the writer takes them as one group.
    async fn occupy(db: &Db) -> tokio::task::JoinHandle<Result<(), AppError>> {
        let (started, running) = tokio::sync::oneshot::channel();
        let db = db.clone();
        let held = tokio::spawn(async move {
            db.write(move |_| {
                let _ = started.send(());
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            })
            .await
        });
        running.await.unwrap();
        held
    }

    #[tokio::test]
    async fn a_failed_write_takes_back_only_its_own_changes() {
        let (_dir, db) = setup().await;
        let held = occupy(&db).await;
        let (ok1, failed, duplicate, ok2) = tokio::join!(
            db.write(insert(1)),
            db.write(|conn| {
                insert(2)(conn)?;
                Err::<(), _>(AppError::BadRequest("changed my mind".into()))
            }),
            db.write(insert(1)),
            db.write(insert(3)),
        );
        held.await.unwrap().unwrap();
        ok1.unwrap();
        assert!(matches!(failed, Err(AppError::BadRequest(_))));
        assert!(
            duplicate.is_err(),
            "a unique violation is that write's error"
        );
        ok2.unwrap();
        assert_eq!(
            rows(&db),
            2,
            "1 and 3 are in; 2 was taken back, the duplicate refused"
        );
    }

    #[tokio::test]
    async fn a_panicking_write_fails_its_whole_group_and_commits_nothing() {
        let (_dir, db) = setup().await;
        let held = occupy(&db).await;
        let (before, panicked, after) = tokio::join!(
            db.write(insert(1)),
            db.write(|_| -> Result<(), AppError> { panic!("a bug in a write") }),
            db.write(insert(2)),
        );
        held.await.unwrap().unwrap();
        for outcome in [before, panicked, after] {
            assert!(
                matches!(outcome, Err(AppError::Unavailable(_))),
                "{outcome:?}"
            );
        }
        assert_eq!(rows(&db), 0);
        // The writer goes on.
        db.write(insert(4)).await.unwrap();
        assert_eq!(rows(&db), 1);
    }
}
