//! The error policy at every write endpoint: each kind of bad input gets its documented status
//! and the one JSON error shape, and stores nothing.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, TestApp};

/// A valid body for each write endpoint (POST unless PATCH is named).
async fn write_endpoints(app: &TestApp) -> Vec<(&'static str, String, Value)> {
    app.coalition("net").await;
    app.letter("net", "existing").await;
    let r = app
        .post(
            "/api/v1/organisations",
            &json!({"name": "Existing", "country": "FR"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    vec![
        (
            "POST",
            "/api/v1/coalitions".into(),
            json!({"name": "New coalition"}),
        ),
        (
            "POST",
            "/api/v1/countries".into(),
            json!({"code": "XK", "alpha3": "XKX", "name": "Kosovo"}),
        ),
        (
            "POST",
            "/api/v1/organisations".into(),
            json!({"name": "New org", "country": "DE"}),
        ),
        (
            "PATCH",
            "/api/v1/organisations/existing".into(),
            json!({"description": "changed"}),
        ),
        (
            "POST",
            "/api/v1/letters".into(),
            json!({"coalition": "net", "title": "New letter", "body": "Text", "recipient_name": "X"}),
        ),
        (
            "PATCH",
            "/api/v1/letters/existing".into(),
            json!({"title": "Changed"}),
        ),
        (
            "POST",
            "/api/v1/letters/existing/transition".into(),
            json!({"to": "open"}),
        ),
    ]
}

/// Everything a failed request could have changed, read back with the admin token.
async fn snapshot(app: &TestApp) -> Value {
    let mut all = Vec::new();
    for path in [
        "/api/v1/coalitions",
        "/api/v1/countries",
        "/api/v1/organisations",
        "/api/v1/letters",
    ] {
        all.push(status_json(app.get_authed(path).await).await.1);
    }
    Value::Array(all)
}

fn request(app: &TestApp, method: &str, path: &str) -> reqwest::RequestBuilder {
    let url = app.url(path);
    match method {
        "PATCH" => app.client.patch(url),
        _ => app.client.post(url),
    }
}

fn assert_error_shape(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}

db_test!(
    async fn every_write_needs_the_admin_token_and_stores_nothing_without_it(app) {
        let endpoints = write_endpoints(&app).await;
        let before = snapshot(&app).await;
        for (method, path, body) in &endpoints {
            for auth in [None, Some("Bearer wrong-token"), Some("Basic YWRtaW46YWRtaW4=")] {
                let mut req = request(&app, method, path).json(body);
                if let Some(value) = auth {
                    req = req.header("authorization", value);
                }
                let response = req.send().await.unwrap();
                assert_eq!(response.status(), 401, "{method} {path} with {auth:?}");
                assert_eq!(
                    response.headers().get("www-authenticate").unwrap(),
                    "Bearer"
                );
                assert_error_shape(&response.json().await.unwrap(), "unauthorized");
            }
        }
        assert_eq!(snapshot(&app).await, before);
    }
);

db_test!(
    async fn malformed_json_oversize_bodies_and_wrong_content_types_are_refused(app) {
        let endpoints = write_endpoints(&app).await;
        let before = snapshot(&app).await;
        let huge = json!({"name": "x".repeat(300 * 1024)});
        for (method, path, _) in &endpoints {
            let authed = || request(&app, method, path).bearer_auth(&app.token);

            let r = authed()
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{method} {path}");
            assert_error_shape(&r.json().await.unwrap(), "bad_request");

            let r = authed().json(&huge).send().await.unwrap();
            assert_eq!(r.status(), 413, "{method} {path}");
            assert_error_shape(&r.json().await.unwrap(), "payload_too_large");

            let r = authed()
                .header("content-type", "text/plain")
                .body("name=x")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 415, "{method} {path}");
            assert_error_shape(&r.json().await.unwrap(), "unsupported_media_type");

            let r = authed()
                .json(&json!({"no_such_field": 1}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{method} {path}");
            assert_error_shape(&r.json().await.unwrap(), "validation_failed");
        }
        assert_eq!(snapshot(&app).await, before);
    }
);

db_test!(
    async fn unknown_routes_and_records_answer_404_in_the_error_shape(app) {
        for path in [
            "/nowhere",
            "/api/v1/letters/no-such-letter",
            "/api/v1/coalitions/no-such-coalition",
        ] {
            let (status, body) = status_json(app.get_authed(path).await).await;
            assert_eq!(status, 404, "{path}");
            assert_error_shape(&body, "not_found");
        }
        let (status, body) = status_json(
            app.post("/api/v1/letters/no-such-letter/transition", &json!({"to": "open"}))
                .await,
        )
        .await;
        assert_eq!(status, 404);
        assert_error_shape(&body, "not_found");
    }
);

db_test!(
    async fn a_wrong_value_type_names_its_field(app) {
        app.coalition("net").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({"coalition": "net", "title": 5, "body": "b", "recipient_name": "r"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        let message = body["error"]["fields"]["title"][0].as_str().unwrap();
        assert!(message.contains("expected a string"), "{message}");
        // The same in a query string, on every endpoint that takes one.
        let letter = app.open_letter("q", "auto").await;
        for (path, field) in [
            ("/api/v1/letters?page=x".to_string(), "page"),
            ("/api/v1/coalitions?per_page=1.5".to_string(), "per_page"),
            (format!("/api/v1/letters/{letter}/signatories?limit=ten"), "limit"),
            (format!("/api/v1/letters/{letter}/signatories.csv?all=maybe"), "all"),
            (format!("/api/v1/letters/{letter}/changes?after=x"), "after"),
            (format!("/api/v1/letters/{letter}/ledger?after=first"), "after"),
        ] {
            let (status, body) = status_json(app.get(&path).await).await;
            assert_eq!(status, 422, "{path}: {body}");
            assert!(body["error"]["fields"][field][0].is_string(), "{path}: {body}");
        }
    }
);

db_test!(
    async fn a_browser_lost_outside_the_api_gets_a_page_not_json(app) {
        let client = reqwest::Client::new();
        let accept = "text/html,application/xhtml+xml,*/*;q=0.8";
        for path in ["/dashboard/no-such-page", "/letters/x/no-such-page"] {
            let r = client.get(app.url(path)).header("accept", accept).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
            assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
            let html = r.text().await.unwrap();
            assert!(html.contains("<html") && html.contains("not found"), "{html}");
        }
        // The API answers JSON whatever the client asks for; so does a client not asking for HTML.
        let r = client.get(app.url("/api/v1/no-such-route")).header("accept", accept).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let home = reqwest::get(app.url("/")).await.unwrap().text().await.unwrap();
        assert!(home.contains("<a href=\"/login\">Sign in to the dashboard</a>"), "{home}");
    }
);
