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
