//! Issue 23: citable snapshots. A list's `version` names it for good: `?version=N` (JSON or CSV)
//! answers the list as it was then, rebuilt from the letter's ledger, whatever changed since.

use serde_json::Value;

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp};

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect()
}

db_test!(
    async fn a_cited_version_answers_the_list_as_it_was_whatever_changed_since(app) {
        let letter = app.open_letter("cited", "auto").await;
        let first = app.sign_and_confirm(&letter, &signer("Amis de la Terre", "FR", "a@amis.example.org")).await;
        app.publish(&letter, &[("Digitalcourage", "DE"), ("Access Now", "US")]).await;

        // The list now, and the address to cite it by.
        let path = format!("/api/v1/letters/{letter}/signatories");
        let r = get(&app, &path, &[]).await;
        let links: Vec<String> = r.headers().get_all("link").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        let then: Value = r.json().await.unwrap();
        let version = then["version"].as_i64().unwrap();
        let cite = format!("{}{path}?version={version}", app.address);
        assert!(links.iter().any(|l| l.contains(&format!("<{cite}>; rel=\"cite-as\""))), "{links:?}");
        let csv_then = get(&app, &format!("{path}.csv"), &[]).await.text().await.unwrap();

        // It changes: one withdraws, one more signs.
        app.withdraw(&first).await;
        app.publish(&letter, &[("Bits of Freedom", "NL")]).await;
        let now: Value = get(&app, &path, &[]).await.json().await.unwrap();
        assert_eq!(names(&now), ["Digitalcourage", "Bits of Freedom", "Access Now"]);

        // The cited version is the list as it was, item for item, and its CSV byte for byte.
        let r = get(&app, &format!("{path}?version={version}"), &[]).await;
        assert_eq!(r.status(), 200);
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let snapshot: Value = r.json().await.unwrap();
        assert_eq!(snapshot["version"], version);
        assert_eq!(snapshot["items"], then["items"], "{snapshot}");
        assert_eq!(snapshot["total"], 3);
        let ledger_length = snapshot["ledger_length"].as_i64().unwrap();
        assert!(ledger_length >= 4, "the text and three listings: {snapshot}");
        let csv = get(&app, &format!("{path}.csv?version={version}"), &[]).await.text().await.unwrap();
        assert_eq!(csv, csv_then);
        let by_accept = get(&app, &format!("{path}?version={version}"), &[("accept", "text/csv")]).await;
        assert_eq!(by_accept.text().await.unwrap(), csv_then);

        // One country of it; the current version is today's list; before anything, nothing.
        let fr: Value = get(&app, &format!("{path}?version={version}&country=FR"), &[]).await.json().await.unwrap();
        assert_eq!(names(&fr), ["Amis de la Terre"]);
        let current = now["version"].as_i64().unwrap();
        let today: Value = get(&app, &format!("{path}?version={current}"), &[]).await.json().await.unwrap();
        assert_eq!(today["items"], now["items"]);
        let empty: Value = get(&app, &format!("{path}?version=0"), &[]).await.json().await.unwrap();
        assert_eq!((empty["total"].as_i64(), empty["version"].as_i64()), (Some(0), Some(0)));

        // The page says how to cite it, with that address.
        let page = get(&app, &format!("/letters/{letter}"), &[]).await.text().await.unwrap();
        let cite_url = format!("{}/api/v1/letters/{letter}/signatories?version={current}", app.address);
        assert!(page.contains("Cite this list: <q>") && page.contains(&format!("(list version {current}, ")), "{page}");
        assert!(page.contains(&format!("{cite_url}</q>")), "{page}");

        // Cached like every public read; a version not reached yet, or a paged snapshot, is a 422.
        let again = get(&app, &format!("{path}?version={version}"), &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304);
        let (status, body) = status_json(get(&app, &format!("{path}?version={}", current + 1), &[]).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["version"][0].as_str().unwrap().contains(&current.to_string()), "{body}");
        let (status, body) = status_json(get(&app, &format!("{path}?version={version}&limit=5&since=2026-01-01T00:00:00Z"), &[]).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["limit"].is_array() && body["error"]["fields"]["since"].is_array(), "{body}");
    }
);
