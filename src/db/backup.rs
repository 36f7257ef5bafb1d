//! `undersigned backup PATH`: a consistent copy of the live database, taken while the server runs.
//!
//! - **SQLite**: SQLite's online backup API (`sqlite3_backup_init/step/finish`) copies the pages
//!   of the database file as one consistent snapshot, whatever writers do meanwhile. It copies
//!   [`Options::pages_per_step`] pages per step; each step holds a read lock only while it runs
//!   (in WAL mode a reader never blocks the writer anyway), and on `SQLITE_BUSY`/`SQLITE_LOCKED`
//!   it sleeps briefly and tries again. When a write lands between two steps, SQLite starts the
//!   copy over; after [`RESTARTS_BEFORE_ONE_STEP`] such restarts the rest is copied in one step,
//!   one read transaction, so a busy database is still copied in bounded time. The copy is
//!   written to a temporary file beside `PATH`, checked with `PRAGMA integrity_check`, flushed to
//!   disk and only then renamed to `PATH`: a failed backup never leaves a half-written file
//!   under the name asked for.
//! - **PostgreSQL**: `pg_dump -Fc` (PostgreSQL's own tool, which dumps one consistent snapshot
//!   while the server runs) writes a custom-format archive, then `pg_restore --list` reads it
//!   back as a check. The password travels in `PGPASSWORD`, never on the command line. Without
//!   `pg_dump` on `PATH` the command says what to install and what else to use.
//!
//! See `docs/BACKUPS.md` for restoring and for the key files that must be backed up too.

use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use libsqlite3_sys as ffi;
use secrecy::ExposeSecret;

use super::DatabaseUrl;

/// Default pages copied per step (4 MiB with SQLite's default 4 KiB pages).
pub const PAGES_PER_STEP: u32 = 1024;
/// Copy restarts (a write landed between steps) before the rest is copied in one step.
pub const RESTARTS_BEFORE_ONE_STEP: u32 = 3;
/// How long a step waits after `SQLITE_BUSY` or `SQLITE_LOCKED` before trying again.
const BUSY_SLEEP: Duration = Duration::from_millis(25);
/// Give up when the database stays locked this long.
const BUSY_LIMIT: Duration = Duration::from_secs(60);

/// What `backup` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the copy goes.
    pub path: PathBuf,
    /// Replace `path` when it exists.
    pub force: bool,
    /// SQLite pages per backup step (at least 1).
    pub pages_per_step: u32,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Report {
    pub path: PathBuf,
    pub bytes: u64,
    /// SQLite: pages in the copy. PostgreSQL: none.
    pub pages: Option<u64>,
    /// SQLite: how many times a write between steps restarted the copy.
    pub restarts: u32,
    /// How the copy was checked.
    pub check: String,
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wrote {}: {} bytes", self.path.display(), self.bytes)?;
        if let Some(pages) = self.pages {
            write!(f, ", {pages} pages")?;
        }
        write!(f, " in {:.2} s; {}", self.elapsed.as_secs_f64(), self.check)
    }
}

/// Back up the database `url` names to `options.path`.
pub fn backup(url: &DatabaseUrl, options: &Options) -> anyhow::Result<Report> {
    if options.path.exists() && !options.force {
        bail!(
            "{} exists already: choose another path, or pass --force to replace it",
            options.path.display()
        );
    }
    let started = Instant::now();
    let mut report = match url {
        DatabaseUrl::Sqlite(source) => sqlite(Path::new(source), options)?,
        DatabaseUrl::Postgres(url) => postgres(url.expose_secret(), options)?,
    };
    report.elapsed = started.elapsed();
    Ok(report)
}

/// A temporary file beside `path` (same folder, so the final rename is atomic), removed with its
/// SQLite side files on drop unless it was kept.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    fn beside(path: &Path) -> anyhow::Result<Partial> {
        let name = path
            .file_name()
            .with_context(|| format!("{} names no file", path.display()))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            bail!("the folder {} does not exist", dir.display());
        }
        let partial = dir.join(format!(
            ".{}.partial-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let partial = Partial {
            path: partial,
            kept: false,
        };
        partial.remove();
        Ok(partial)
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }

    /// Flush the file, rename it to `to` and flush the folder, so the copy survives a crash.
    fn keep_as(mut self, to: &Path) -> anyhow::Result<u64> {
        let file = std::fs::File::open(&self.path)?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        std::fs::rename(&self.path, to)
            .with_context(|| format!("renaming the copy to {}", to.display()))?;
        self.kept = true;
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Best effort: not every platform can open a folder to flush it.
            if let Ok(dir) = std::fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(bytes)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            self.remove();
        }
    }
}

/// An open SQLite handle, closed on drop.
struct Handle(*mut ffi::sqlite3);

impl Handle {
    fn open(path: &Path, flags: c_int) -> anyhow::Result<Handle> {
        let c_path = CString::new(path.to_string_lossy().as_bytes())
            .context("a database path cannot contain a NUL byte")?;
        let mut db: *mut ffi::sqlite3 = std::ptr::null_mut();
        // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call, `db` is a
        // valid out-pointer, and a null VFS name selects the default VFS.
        let rc = unsafe { ffi::sqlite3_open_v2(c_path.as_ptr(), &mut db, flags, std::ptr::null()) };
        // sqlite3_open_v2 may hand out a handle even on failure: own it, so drop closes it.
        let handle = Handle(db);
        if rc != ffi::SQLITE_OK {
            bail!("cannot open {}: {}", path.display(), handle.message(rc));
        }
        Ok(handle)
    }

    /// The connection's last error message, or the generic text for `rc`.
    fn message(&self, rc: c_int) -> String {
        // SAFETY: sqlite3_errmsg takes a handle from sqlite3_open_v2 (or null, for which it
        // returns a static "out of memory" text) and returns a NUL-terminated string owned by
        // SQLite, valid until the next call on this handle; we copy it out at once.
        // sqlite3_errstr returns a static string.
        unsafe {
            let text = if self.0.is_null() {
                ffi::sqlite3_errstr(rc)
            } else {
                ffi::sqlite3_errmsg(self.0)
            };
            if text.is_null() {
                format!("SQLite error {rc}")
            } else {
                CStr::from_ptr(text).to_string_lossy().into_owned()
            }
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from sqlite3_open_v2 and is closed exactly once, here; the
        // backup object using it (if any) was finished before (it borrows the handles in
        // `copy_pages`), so the close succeeds. sqlite3_close accepts null.
        unsafe {
            ffi::sqlite3_close(self.0);
        }
    }
}

/// Copy every page of `source` into `dest` with the online backup API. Returns (pages, restarts).
fn copy_pages(source: &Handle, dest: &Handle, pages_per_step: u32) -> anyhow::Result<(u64, u32)> {
    let main = c"main";
    // SAFETY: both handles are open connections; the names are NUL-terminated literals. The
    // backup object is finished below on every path before the handles can be closed.
    let backup =
        unsafe { ffi::sqlite3_backup_init(dest.0, main.as_ptr(), source.0, main.as_ptr()) };
    if backup.is_null() {
        // The error is left on the destination connection.
        bail!(
            "cannot start the backup: {}",
            dest.message(ffi::SQLITE_ERROR)
        );
    }
    let mut step = c_int::try_from(pages_per_step.max(1)).unwrap_or(c_int::MAX);
    let mut restarts = 0;
    let mut copied_before = 0;
    let mut busy_since: Option<Instant> = None;
    let outcome = loop {
        // SAFETY: `backup` is the live object from sqlite3_backup_init, not yet finished.
        let rc = unsafe { ffi::sqlite3_backup_step(backup, step) };
        match rc {
            ffi::SQLITE_DONE => break Ok(()),
            ffi::SQLITE_OK => {
                busy_since = None;
                // SAFETY: as above; these only read the object's counters.
                let (total, remaining) = unsafe {
                    (
                        ffi::sqlite3_backup_pagecount(backup),
                        ffi::sqlite3_backup_remaining(backup),
                    )
                };
                let copied = total - remaining;
                if copied < copied_before {
                    // Another connection wrote between two steps: SQLite started over.
                    restarts += 1;
                    if restarts >= RESTARTS_BEFORE_ONE_STEP {
                        step = -1;
                    }
                }
                copied_before = copied;
            }
            ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED => {
                let since = *busy_since.get_or_insert_with(Instant::now);
                if since.elapsed() > BUSY_LIMIT {
                    break Err(anyhow::anyhow!(
                        "the database stayed locked for {} s",
                        BUSY_LIMIT.as_secs()
                    ));
                }
                std::thread::sleep(BUSY_SLEEP);
            }
            other => break Err(anyhow::anyhow!("copying pages: {}", dest.message(other))),
        }
    };
    // SAFETY: `backup` is live; finishing releases it, and it is not used afterwards.
    let pages = unsafe { ffi::sqlite3_backup_pagecount(backup) };
    let finished = unsafe { ffi::sqlite3_backup_finish(backup) };
    outcome?;
    if finished != ffi::SQLITE_OK {
        bail!("finishing the backup: {}", dest.message(finished));
    }
    Ok((u64::try_from(pages).unwrap_or(0), restarts))
}

/// `PRAGMA integrity_check` on a database file: `Ok` when SQLite answers just `ok`.
pub fn integrity_check(path: &Path) -> anyhow::Result<()> {
    use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .with_context(|| format!("opening {}", path.display()))?;
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .context("running PRAGMA integrity_check")?;
    let lines: Vec<String> = lines.into_iter().map(|l| l.integrity_check).collect();
    if lines != ["ok"] {
        bail!("integrity_check failed: {}", lines.join("; "));
    }
    Ok(())
}

fn sqlite(source: &Path, options: &Options) -> anyhow::Result<Report> {
    if !source.is_file() {
        bail!("there is no SQLite database at {}", source.display());
    }
    let partial = Partial::beside(&options.path)?;
    // The source read-only and never created; the destination created new.
    let source = Handle::open(source, ffi::SQLITE_OPEN_READONLY)?;
    let dest = Handle::open(
        &partial.path,
        ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE,
    )?;
    let (pages, restarts) = copy_pages(&source, &dest, options.pages_per_step)?;
    drop(dest);
    drop(source);
    integrity_check(&partial.path)
        .with_context(|| "the copy is damaged; nothing was written".to_string())?;
    let bytes = partial.keep_as(&options.path)?;
    Ok(Report {
        path: options.path.clone(),
        bytes,
        pages: Some(pages),
        restarts,
        check: "PRAGMA integrity_check: ok".into(),
        elapsed: Duration::ZERO,
    })
}

/// What to say when `pg_dump` cannot be run.
pub const POSTGRES_HELP: &str = "PostgreSQL is backed up with its own tools: install them \
(`apt-get install postgresql-client`, of the server's major version or newer) and run \
`undersigned backup PATH` again, which runs `pg_dump -Fc`; or run `pg_dump -Fc -f PATH \"$DATABASE_URL\"` \
yourself, and for point-in-time recovery use `pg_basebackup` with WAL archiving. See docs/BACKUPS.md.";

/// The URL without its password, and the password (for `PGPASSWORD`).
fn split_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url).context("the PostgreSQL URL does not parse")?;
    let password = parsed.password().map(percent_decode);
    if password.is_some() {
        let _ = parsed.set_password(None);
    }
    Ok((parsed.to_string(), password))
}

/// Decode a URL's percent-encoded part (through the form decoder, with `+` kept as itself).
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn postgres(url: &str, options: &Options) -> anyhow::Result<Report> {
    let (url, password) = split_password(url)?;
    let partial = Partial::beside(&options.path)?;
    let run = |program: &str, args: &[&std::ffi::OsStr]| -> anyhow::Result<String> {
        let mut command = Command::new(program);
        command.args(args);
        if let Some(p) = &password {
            command.env("PGPASSWORD", p);
        }
        let output = match command.output() {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("{program} was not found on PATH. {POSTGRES_HELP}")
            }
            Err(e) => bail!("cannot run {program}: {e}"),
        };
        if !output.status.success() {
            bail!(
                "{program} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    run(
        "pg_dump",
        &[
            "--format=custom".as_ref(),
            "--file".as_ref(),
            partial.path.as_os_str(),
            "--dbname".as_ref(),
            url.as_ref(),
        ],
    )?;
    let listing = run("pg_restore", &["--list".as_ref(), partial.path.as_os_str()])?;
    let tables = listing
        .lines()
        .filter(|l| l.contains(" TABLE DATA "))
        .count();
    if tables == 0 {
        bail!("the archive pg_dump wrote lists no table data; nothing was written");
    }
    let bytes = partial.keep_as(&options.path)?;
    Ok(Report {
        path: options.path.clone(),
        bytes,
        pages: None,
        restarts: 0,
        check: format!("pg_restore --list: {tables} tables' data"),
        elapsed: Duration::ZERO,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn open(path: &Path) -> SqliteConnection {
        SqliteConnection::establish(&path.to_string_lossy()).unwrap()
    }

    /// A new SQLite file `name` in `dir`, made by `sql`, with a connection to it still open.
    fn database(dir: &Path, name: &str, sql: &str) -> (std::path::PathBuf, SqliteConnection) {
        let path = dir.join(name);
        let mut conn = open(&path);
        conn.batch_execute(sql).unwrap();
        (path, conn)
    }

    fn count(path: &Path) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = open(path);
        diesel::sql_query("SELECT count(*) AS n FROM t")
            .get_result::<N>(&mut conn)
            .unwrap()
            .n
    }

    #[test]
    fn a_copy_taken_while_a_writer_commits_is_whole_and_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let (source, mut conn) = database(
            dir.path(),
            "live.db",
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;
             CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
             CREATE TABLE total (n INTEGER NOT NULL); INSERT INTO total VALUES (0);",
        );
        // Enough rows for many pages, so a one-page step takes many steps.
        for _ in 0..20 {
            conn.batch_execute(
                "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100)
                 INSERT INTO t (body) SELECT hex(randomblob(100)) FROM k;
                 UPDATE total SET n = n + 100;",
            )
            .unwrap();
        }
        let before = count(&source);
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (stop, source) = (Arc::clone(&stop), source.clone());
            std::thread::spawn(move || {
                let mut conn = open(&source);
                // Unsynced commits: many of them land between the copy's steps.
                conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA synchronous = OFF;")
                    .unwrap();
                let mut commits = 0;
                while !stop.load(Ordering::Relaxed) {
                    // Each transaction keeps the two tables in step: a torn copy would not.
                    conn.batch_execute(
                        "BEGIN IMMEDIATE; INSERT INTO t (body) VALUES ('x');
                         UPDATE total SET n = n + 1; COMMIT;",
                    )
                    .unwrap();
                    commits += 1;
                }
                commits
            })
        };
        std::thread::sleep(Duration::from_millis(20));
        let copy = dir.path().join("copy.db");
        let options = Options {
            path: copy.clone(),
            force: false,
            pages_per_step: 1,
        };
        let report = backup(
            &DatabaseUrl::Sqlite(source.to_string_lossy().into()),
            &options,
        )
        .expect("the backup runs");
        stop.store(true, Ordering::Relaxed);
        let commits = writer.join().unwrap();
        assert!(commits > 0, "the writer committed during the test");
        assert!(report.pages.unwrap() > 20, "{report}");
        assert_eq!(report.bytes, std::fs::metadata(&copy).unwrap().len());
        integrity_check(&copy).unwrap();
        let rows = count(&copy);
        assert!(rows >= before, "{rows} < {before}");
        let mut c = open(&copy);
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let total = diesel::sql_query("SELECT n FROM total")
            .get_result::<N>(&mut c)
            .unwrap()
            .n;
        assert_eq!(total, rows, "the copy is one snapshot");
        // No temporary file is left beside the copy.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn an_existing_file_is_kept_unless_forced_and_a_missing_database_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let (source, conn) = database(
            dir.path(),
            "live.db",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
        );
        drop(conn);
        let url = DatabaseUrl::Sqlite(source.to_string_lossy().into());
        let copy = dir.path().join("copy.db");
        std::fs::write(&copy, b"precious").unwrap();
        let mut options = Options {
            path: copy.clone(),
            force: false,
            pages_per_step: PAGES_PER_STEP,
        };
        let refused = backup(&url, &options).unwrap_err().to_string();
        assert!(refused.contains("--force"), "{refused}");
        assert_eq!(std::fs::read(&copy).unwrap(), b"precious");
        options.force = true;
        backup(&url, &options).expect("forced");
        assert_eq!(count(&copy), 0);

        let missing = DatabaseUrl::Sqlite(dir.path().join("nope.db").to_string_lossy().into());
        options.path = dir.path().join("other.db");
        let error = backup(&missing, &options).unwrap_err().to_string();
        assert!(error.contains("no SQLite database"), "{error}");
        assert!(!dir.path().join("nope.db").exists());
        assert!(!options.path.exists());
    }

    #[test]
    fn a_damaged_file_fails_the_integrity_check() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = database(
            dir.path(),
            "x.db",
            "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
             CREATE INDEX t_body ON t (body);
             WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 2000)
             INSERT INTO t (body) SELECT hex(randomblob(50)) FROM k;",
        );
        drop(conn);
        integrity_check(&path).expect("a fresh file is whole");
        // Overwrite a page in the middle of the file with garbage.
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2 / 4096 * 4096;
        for b in &mut bytes[middle + 8..middle + 4000] {
            *b = 0x5a;
        }
        std::fs::write(&path, bytes).unwrap();
        assert!(integrity_check(&path).is_err());
    }

    #[test]
    fn the_postgres_password_goes_to_the_environment_not_the_command_line() {
        let (url, password) = split_password("postgres://u:p%40ss%2Bw@h:5432/db").unwrap();
        assert_eq!(url, "postgres://u@h:5432/db");
        assert_eq!(password.as_deref(), Some("p@ss+w"));
        let (url, password) = split_password("postgres://u@h/db").unwrap();
        assert_eq!(url, "postgres://u@h/db");
        assert!(password.is_none());
    }
}
