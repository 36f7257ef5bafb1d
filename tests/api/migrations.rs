use undersigned::db::{migrations, DatabaseUrl, Db};

use crate::helpers::{backends, TestDatabase};

#[test]
fn every_migration_runs_up_down_and_up_again_on_each_backend() {
    for backend in backends() {
        eprintln!("--- running on {backend}");
        let db = TestDatabase::new(backend);
        let url = DatabaseUrl::parse(&db.url.clone().into()).unwrap();
        let pool = Db::connect(url, 1, Default::default()).unwrap();
        let mut conn = pool.get().unwrap();

        let up = migrations::run_pending(&mut conn).unwrap();
        assert!(!up.is_empty(), "{backend}: no migrations applied");
        assert_eq!(migrations::applied(&mut conn).unwrap().len(), up.len());

        let down = migrations::revert_all(&mut conn).unwrap();
        assert_eq!(
            down.len(),
            up.len(),
            "{backend}: not every migration reverted"
        );
        assert!(migrations::applied(&mut conn).unwrap().is_empty());

        let again = migrations::run_pending(&mut conn).unwrap();
        assert_eq!(again, up, "{backend}: second run differs");
        assert!(migrations::run_pending(&mut conn).unwrap().is_empty());
    }
}

#[test]
// Issue 18, finding 3: the old organisation-wide `coordinator` value becomes a check of every
// coalition that had the organisation then (so every public list shows what it showed), the
// organisation itself is unverified, and going down restores the old value.
fn the_organisation_wide_check_becomes_a_check_of_each_coalition_that_had_it() {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel_migrations::MigrationHarness;
    use undersigned::db::schema::{organisation_checks, organisations};
    use undersigned::db::DbConnection;

    /// Revert migrations, the latest first, through the one that made the per-coalition checks;
    /// how many were reverted.
    fn revert_through_coalition_checks(conn: &mut DbConnection) -> usize {
        for reverted in 1.. {
            let version = match conn {
                DbConnection::Sqlite(c) => c
                    .revert_last_migration(migrations::SQLITE)
                    .map(|v| v.to_string()),
                DbConnection::Postgresql(c) => c
                    .revert_last_migration(migrations::POSTGRES)
                    .map(|v| v.to_string()),
            }
            .unwrap();
            if version == "20261203000011" {
                return reverted;
            }
        }
        unreachable!()
    }
    fn verification(conn: &mut DbConnection, id: &str) -> String {
        organisations::table
            .find(id)
            .select(organisations::verification)
            .first(conn)
            .unwrap()
    }

    for backend in backends() {
        eprintln!("--- running on {backend}");
        let db = TestDatabase::new(backend);
        let url = DatabaseUrl::parse(&db.url.clone().into()).unwrap();
        let pool = Db::connect(url, 1, Default::default()).unwrap();
        let mut conn = pool.get().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        let reverted = revert_through_coalition_checks(&mut conn);
        let at = "'2026-12-01 00:00:00'";
        conn.batch_execute(&format!(
            "INSERT INTO countries (code, alpha3, name, is_iso, created_at) VALUES ('FR', 'FRA', 'France', 1, {at});
             INSERT INTO coalitions (id, slug, name, created_at, updated_at) VALUES
                 ('c1', 'a', 'A', {at}, {at}), ('c2', 'b', 'B', {at}, {at}), ('c3', 'c', 'C', {at}, {at});
             INSERT INTO organisations (id, slug, name, normalized_name, country_code, verification, created_at, updated_at) VALUES
                 ('o1', 'checked', 'Checked', 'checked', 'FR', 'coordinator', {at}, {at}),
                 ('o2', 'proved', 'Proved', 'proved', 'FR', 'domain', {at}, {at});
             INSERT INTO coalition_organisations (coalition_id, organisation_id, created_at) VALUES
                 ('c1', 'o1', {at}), ('c2', 'o1', {at}), ('c3', 'o2', {at});"
        ))
        .unwrap();

        assert_eq!(migrations::run_pending(&mut conn).unwrap().len(), reverted);
        let checks: Vec<(String, String)> = organisation_checks::table
            .select((
                organisation_checks::organisation_id,
                organisation_checks::coalition_id,
            ))
            .order((
                organisation_checks::organisation_id,
                organisation_checks::coalition_id,
            ))
            .load(&mut conn)
            .unwrap();
        assert_eq!(
            checks,
            [
                ("o1".to_string(), "c1".to_string()),
                ("o1".to_string(), "c2".to_string())
            ]
        );
        assert_eq!(verification(&mut conn, "o1"), "unverified");
        assert_eq!(verification(&mut conn, "o2"), "domain");

        revert_through_coalition_checks(&mut conn);
        assert_eq!(verification(&mut conn, "o1"), "coordinator");
        assert_eq!(verification(&mut conn, "o2"), "domain");
    }
}
