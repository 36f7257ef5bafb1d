use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, ADMIN_TOKEN};

db_test!(
    async fn every_iso_country_is_listed_once(app) {
        let (status, body) = status_json(app.get("/api/v1/countries").await).await;
        assert_eq!(status, 200);
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), rust_iso3166::ALL.len());
        assert_eq!(body["total"], items.len());
        let france: Vec<&Value> = items.iter().filter(|c| c["code"] == "FR").collect();
        assert_eq!(france.len(), 1);
        assert_eq!(france[0]["alpha3"], "FRA");
        assert_eq!(france[0]["iso"], true);
    }
);

db_test!(
    async fn countries_are_found_by_code_and_common_names(app) {
        for (query, code) in [
            ("fr", "FR"),
            ("DEU", "DE"),
            ("the%20Netherlands", "NL"),
            ("Czech%20Republic", "CZ"),
            ("north%20Macedonia", "MK"),
            ("the%20United%20States%20of%20America", "US"),
        ] {
            let (status, body) =
                status_json(app.get(&format!("/api/v1/countries/{query}")).await).await;
            assert_eq!(status, 200, "{query}");
            assert_eq!(body["code"], code, "{query}");
        }
    }
);

db_test!(
    async fn ambiguous_and_unknown_names_are_reported(app) {
        let (status, body) = status_json(app.get("/api/v1/countries/Congo").await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "ambiguous_country");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("CG") && message.contains("CD"), "{message}");

        let (status, body) = status_json(app.get("/api/v1/countries/Atlantis").await).await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "not_found");
    }
);

db_test!(
    async fn a_territory_iso_lacks_can_be_added_once(app) {
        let kosovo = json!({"code": "xk", "alpha3": "XKX", "name": "Kosovo"});
        let anonymous = app
            .client
            .post(app.url("/api/v1/countries"))
            .json(&kosovo)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        assert_eq!(app.get("/api/v1/countries/Kosovo").await.status(), 404);

        let (status, body) = status_json(app.post("/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["code"], "XK");
        assert_eq!(body["iso"], false);

        let (status, body) = status_json(app.get("/api/v1/countries/kosovo").await).await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], "XK");

        let (status, body) = status_json(app.post("/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "country_exists");

        let (status, body) = status_json(
            app.post("/api/v1/countries", &json!({"code": "X1", "alpha3": "TOOLONG"}))
                .await,
        )
        .await;
        assert_eq!(status, 422);
        let fields = &body["error"]["fields"];
        assert!(fields["code"].is_array() && fields["alpha3"].is_array() && fields["name"].is_array(), "{body}");
        let listed = status_json(app.get("/api/v1/countries").await).await.1;
        assert_eq!(listed["total"], rust_iso3166::ALL.len() + 1);
    }
);

/// The cell of column `column` in the rows of a CSV whose column `key_column` is `key`.
fn csv_cell(csv: &str, key_column: &str, key: &str, column: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
    };
    let (k, c) = (at(key_column), at(column));
    reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[k] == key)
        .map(|r| r[c].to_string())
        .unwrap_or_else(|| panic!("no row with {key_column} {key} in {csv}"))
}

db_test!(
    // Issue 18, finding 6: a territory's name reached both CSVs as a formula (`country_name` was
    // the one column written without defusing).
    async fn a_territory_named_like_a_formula_is_defused_in_every_csv(app) {
        let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
        let r = app
            .post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": "XH", "alpha3": "XHX", "name": formula}))
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
        let letter = app.open_letter("formula", "auto").await;
        app.publish(&letter, &[("Harmless Org", "XH")]).await;

        let public = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert_eq!(csv_cell(&public, "country_code", "XH", "country_name"), format!("'{formula}"));

        let private = app.get_authed(&format!("/api/v1/letters/{letter}/export.csv")).await;
        assert_eq!(private.status(), 200);
        let private = private.text().await.unwrap();
        assert_eq!(csv_cell(&private, "country", "XH", "country_name"), format!("'{formula}"));
    }
);
