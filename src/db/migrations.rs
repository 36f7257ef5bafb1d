//! Embedded migrations, one folder per backend (`migrations/sqlite`, `migrations/postgres`).

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;

pub const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Apply every pending migration; returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied: Vec<String> = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES),
    }
    .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?
    .iter()
    .map(ToString::to_string)
    .collect();
    fill_name_skeletons(conn)?;
    Ok(applied)
}

/// Give every organisation written before `name_skeleton` existed (or by the bulk seed) its
/// look-alike key (`OrgName::skeleton`), which SQL cannot compute. Runs after the migrations, at
/// every start; a no-op once all rows have one.
pub fn fill_name_skeletons(conn: &mut DbConnection) -> anyhow::Result<usize> {
    use super::schema::organisations;
    use diesel::prelude::*;
    let missing: Vec<(String, String)> = organisations::table
        .filter(organisations::name_skeleton.eq(""))
        .select((organisations::id, organisations::name))
        .load(conn)?;
    for (id, name) in &missing {
        // A stored name that no longer parses keeps no key; it still matches by spelling.
        if let Ok(name) = crate::domain::OrgName::parse(name) {
            diesel::update(organisations::table.find(id))
                .set(organisations::name_skeleton.eq(name.skeleton()))
                .execute(conn)?;
        }
    }
    Ok(missing.len())
}

/// Revert every applied migration, newest first; returns the versions reverted.
pub fn revert_all(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE),
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES),
    }
    .map_err(|e| anyhow::anyhow!("reverting migrations: {e}"))?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// The versions applied so far.
pub fn applied(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let versions = match conn {
        DbConnection::Sqlite(c) => c.applied_migrations(),
        DbConnection::Postgresql(c) => c.applied_migrations(),
    }
    .map_err(|e| anyhow::anyhow!("reading applied migrations: {e}"))?;
    Ok(versions.iter().map(ToString::to_string).collect())
}
