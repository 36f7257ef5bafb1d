//! Issue 20: `/metrics`, scraped as Prometheus would and parsed with a strict OpenMetrics parser
//! (`openmetrics-parser`, which conforms to the OpenMetrics test suite): off without
//! `metrics_token`, refused without the token, and every counter it promises moves as the
//! service works.

use std::collections::HashMap;

use openmetrics_parser::{HistogramValue, OpenMetricsValue};

/// A sample's value: a number, or a histogram.
#[derive(Debug, Clone)]
pub enum Value {
    Number(f64),
    Histogram(HistogramValue),
}

use crate::helpers::{backends, signer, TestApp, TestDatabase};
use crate::mail::SmtpSink;

pub const TOKEN: &str = "metrics-token-0123456789";

/// A GET of `/metrics` with this `Authorization` header.
async fn get_metrics(app: &TestApp, authorization: &str) -> reqwest::Response {
    app.client
        .get(app.url("/metrics"))
        .header("authorization", authorization)
        .send()
        .await
        .unwrap()
}

/// One scrape: each sample by its name and labels (`name{a="x",b="y"}`, labels sorted).
pub async fn scrape(app: &TestApp) -> HashMap<String, Value> {
    let r = get_metrics(app, &format!("Bearer {TOKEN}")).await;
    assert_eq!(r.status(), 200);
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = r.text().await.unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    let exposition = openmetrics_parser::openmetrics::parse_openmetrics(&text)
        .unwrap_or_else(|e| panic!("not OpenMetrics: {e:?}\n{text}"));
    let mut samples = HashMap::new();
    for (name, family) in &exposition.families {
        let names = family.get_label_names().to_vec();
        for sample in family.iter_samples() {
            let set = sample.get_labelset().unwrap();
            let mut labels: Vec<String> = names
                .iter()
                .map(|n| format!("{n}=\"{}\"", set.get_label_value(n).unwrap()))
                .collect();
            labels.sort();
            let value = match &sample.value {
                OpenMetricsValue::Counter(c) => Value::Number(c.value.as_f64()),
                OpenMetricsValue::Gauge(n) | OpenMetricsValue::Unknown(n) => {
                    Value::Number(n.as_f64())
                }
                OpenMetricsValue::Histogram(h) => Value::Histogram(h.clone()),
                other => panic!("{name}: {other:?}"),
            };
            samples.insert(format!("{name}{{{}}}", labels.join(",")), value);
        }
    }
    samples
}

pub fn number(samples: &HashMap<String, Value>, key: &str) -> f64 {
    match samples.get(key) {
        Some(Value::Number(v)) => *v,
        Some(other) => panic!("{key} is {other:?}"),
        None => 0.0,
    }
}

#[actix_web::test]
async fn metrics_are_off_without_a_token_setting() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let r = get_metrics(&app, &format!("Bearer {TOKEN}")).await;
        assert_eq!(r.status(), 404);
    }
}

#[actix_web::test]
async fn a_scrape_shows_requests_signatures_the_cache_and_the_outbox_moving() {
    for backend in backends() {
        eprintln!("--- running on {backend}");
        // Mail goes to a port where nothing listens yet: it waits in the outbox.
        let port = SmtpSink::reserve_port();
        let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
            s.metrics_token = Some(TOKEN.to_string().into());
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
            s.outbox_max_attempts = 1000;
        })
        .await;

        // Without the token, or with another, or under another scheme: 401. The scheme's case
        // does not matter (RFC 9110).
        let r = app.get("/metrics").await;
        assert_eq!(r.status(), 401);
        for wrong in ["Bearer wrong", &format!("Basic {TOKEN}"), TOKEN] {
            assert_eq!(get_metrics(&app, wrong).await.status(), 401, "{wrong}");
        }
        let r = get_metrics(&app, &format!("bearer {TOKEN}")).await;
        assert_eq!(r.status(), 200);

        let letter = app.open_letter("l", "auto").await;
        let before = scrape(&app).await;
        let page = format!("/letters/{letter}");
        for _ in 0..3 {
            assert_eq!(app.get(&page).await.status(), 200);
        }
        let r = app
            .sign(&letter, &signer("Org", "FR", "someone@org.example"))
            .await;
        assert_eq!(r.status(), 202);
        // The mail cannot go out: the outbox holds it, due.
        let mut after = scrape(&app).await;
        for _ in 0..100 {
            if number(&after, "undersigned_outbox_due{}") >= 1.0 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
            after = scrape(&app).await;
        }

        let moved = |key: &str| number(&after, key) - number(&before, key);
        let pages =
            r#"undersigned_http_requests{method="GET",route="/letters/{slug}",status="200"}"#;
        assert_eq!(moved(pages), 3.0, "{after:#?}");
        let signs = r#"undersigned_http_requests{method="POST",route="/api/v1/letters/{slug}/signatures",status="202"}"#;
        assert_eq!(moved(signs), 1.0);
        assert_eq!(
            moved(r#"undersigned_sign_requests{outcome="created"}"#),
            1.0
        );
        // Three reads of one page: one render, three lookups.
        assert_eq!(moved("undersigned_response_cache_lookups{}"), 3.0);
        assert_eq!(moved("undersigned_response_cache_renders{}"), 1.0);
        assert!(number(&after, "undersigned_response_cache_bytes{}") > 0.0);
        assert_eq!(number(&after, "undersigned_outbox_queued{}"), 1.0);
        assert_eq!(number(&after, "undersigned_outbox_due{}"), 1.0);
        assert!(number(&after, "undersigned_outbox_oldest_due_age_seconds{}") >= 0.0);
        assert_eq!(number(&after, "undersigned_database_up{}"), 1.0);
        // The queued mail's age grows through its retries.
        actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
        let later = scrape(&app).await;
        let queued_age = "undersigned_outbox_oldest_queued_age_seconds{}";
        assert!(number(&later, queued_age) >= 1.0, "{later:#?}");
        assert_eq!(number(&after, "undersigned_outbox_dead{}"), 0.0);
        assert_eq!(number(&after, "undersigned_requests_shed{}"), 0.0);
        assert!(after.contains_key(r#"undersigned_db_connections{state="idle"}"#));
        // The latency histogram of the page's route counted its three answers.
        let key =
            r#"undersigned_http_request_duration_seconds{method="GET",route="/letters/{slug}"}"#;
        match after.get(key) {
            Some(Value::Histogram(h)) => {
                assert!(h.count >= Some(3), "{h:?}");
                let largest = h
                    .buckets
                    .iter()
                    .map(|b| b.count.as_f64())
                    .fold(0.0, f64::max);
                assert!(largest >= 3.0 && h.buckets.len() >= 14, "{h:?}");
            }
            other => panic!("{key}: {other:?} in {after:#?}"),
        }
        // No raw path, address or email in any label.
        assert!(after
            .keys()
            .all(|k| !k.contains("someone") && !k.contains("/letters/l\"")));

        // The mail server comes up: the mail goes, the signer confirms, then withdraws.
        let sink = SmtpSink::start_on_port(port);
        let mail = sink.wait_for_to(0, "someone@org.example").await;
        // Each link followed twice: each change counted once.
        app.confirm(&mail).await;
        app.confirm(&mail).await;
        app.withdraw(&mail).await;
        app.withdraw(&mail).await;
        let last = scrape(&app).await;
        assert_eq!(number(&last, "undersigned_signatures_confirmed{}"), 1.0);
        assert_eq!(number(&last, "undersigned_signatures_withdrawn{}"), 1.0);
        assert_eq!(number(&last, "undersigned_outbox_due{}"), 0.0);
        assert_eq!(number(&last, queued_age), 0.0);
    }
}
