use crate::db_test;
use crate::helpers::{postgres_url, status_json, Backend, TestApp, TestDatabase};

db_test!(
    async fn health_answers_ok_and_names_the_backend(app) {
        let (status, body) = status_json(app.get("/health").await).await;
        assert_eq!(status, 200);
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], app.backend.to_string());
        // The response cache's holding, against its cap (64 MiB by default).
        let cache = &body["response_cache"];
        assert_eq!(cache["max_bytes"], 64 * 1024 * 1024, "{body}");
        let letter = app.open_letter("l", "auto").await;
        assert_eq!(app.get(&format!("/letters/{letter}")).await.status(), 200);
        let (_, body) = status_json(app.get("/health").await).await;
        let held = body["response_cache"]["bytes"].as_u64().unwrap();
        assert!(held > 1_000 && held <= 64 * 1024 * 1024, "the page is held: {body}");
        assert!(body["response_cache"]["entries"].as_u64().unwrap() >= 1, "{body}");
    }
);

/// Only PostgreSQL can be taken away from under a running server; this runs when
/// `TEST_DATABASE_URL` is set (as it is in CI).
#[actix_web::test]
async fn health_answers_503_with_retry_after_when_the_database_is_gone() {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: nothing to take away");
        return;
    }
    let app = TestApp::spawn_with(TestDatabase::new(Backend::Postgres), |_| {}).await;
    assert_eq!(app.get("/health").await.status(), 200);
    let mut app = app;
    app.db.drop_now();
    let response = app.get("/health").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        Some("5")
    );
    let (_, body) = status_json(response).await;
    assert_eq!(body["error"]["code"], "unavailable");
    let text = body.to_string();
    assert!(!text.contains("ut_") && !text.contains("FATAL"), "{text}");
}
