use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, TestApp, ADMIN_TOKEN};

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

/// DELETE with a token (`None`: without one).
async fn delete(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut request = app.client.delete(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    status_json(request.send().await.unwrap()).await
}

db_test!(
    // Issue 18, finding 7: territories are the operator's to add (a coordinator could add one).
    async fn only_the_operator_adds_a_territory_iso_lacks_and_only_once(app) {
        let kosovo = json!({"code": "xk", "alpha3": "XKX", "name": "Kosovo"});
        let anonymous = app
            .client
            .post(app.url("/api/v1/countries"))
            .json(&kosovo)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        // The owner of a coalition is a coordinator, not the operator.
        let (status, body) = status_json(app.post("/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 403, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("ask the operator"), "{body}");
        assert_eq!(app.get("/api/v1/countries/Kosovo").await.status(), 404);

        let (status, body) = status_json(app.post_as(ADMIN_TOKEN, "/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["code"], "XK");
        assert_eq!(body["iso"], false);

        let (status, body) = status_json(app.get("/api/v1/countries/kosovo").await).await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], "XK");

        let (status, body) = status_json(app.post_as(ADMIN_TOKEN, "/api/v1/countries", &kosovo).await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "country_exists");

        let (status, body) = status_json(
            app.post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": "X1", "alpha3": "TOOLONG"}))
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

db_test!(
    // Issue 18, finding 7: a territory named `Germany` (code XG) made "Germany" ambiguous for
    // every coalition; a name, a variant of one, or a code that reads as a country is refused.
    async fn a_territory_may_not_take_a_country_s_name_a_variant_or_a_code_that_reads_as_one(app) {
        for name in ["Germany", " germany ", "Deutschland", "Germany (the other one)", "Holland", "Congo", "Czech Republic"] {
            let (status, body) = status_json(
                app.post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": "XG", "alpha3": "XGX", "name": name})).await,
            )
            .await;
            assert_eq!(status, 422, "{name}: {body}");
            let message = body["error"]["fields"]["name"][0].as_str().unwrap_or_default();
            assert!(message.contains("already reads as"), "{name}: {body}");
        }
        // "UK" is read as GB: as a new code it would take the input "UK" over.
        let (status, body) = status_json(
            app.post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": "UK", "alpha3": "UKX", "name": "Ukland"})).await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["code"][0].as_str().unwrap().contains("GB"), "{body}");

        // Nothing changed: Germany is one country, and no XG exists.
        let (status, body) = status_json(app.get("/api/v1/countries/Germany").await).await;
        assert_eq!((status, body["code"].as_str()), (200, Some("DE")));
        assert_eq!(app.get("/api/v1/countries/XG").await.status(), 404);
        let listed = status_json(app.get("/api/v1/countries").await).await.1;
        assert_eq!(listed["total"], rust_iso3166::ALL.len());
    }
);

db_test!(
    // Issue 18, finding 7: there was no way to remove a territory; now the operator removes an
    // unused one, and one in use (or an ISO country) is refused with a 409 that changes nothing.
    async fn the_operator_removes_unused_territories_and_keeps_those_in_use(app) {
        for (code, alpha3, name) in [("XK", "XKX", "Kosovo"), ("XS", "XSX", "Somaliland")] {
            let r = app.post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": code, "alpha3": alpha3, "name": name})).await;
            assert_eq!(r.status(), 201);
        }
        let r = app.post("/api/v1/organisations", &json!({"name": "Kosovo Org", "country": "XK"})).await;
        assert_eq!(r.status(), 201);
        // An organisation listed under XS on an open letter, then moved: XS keeps empty counts.
        let letter = app.open_letter("territories", "auto").await;
        app.publish(&letter, &[("Moving Org", "XS")]).await;
        let r = app.patch("/api/v1/organisations/moving-org", &json!({"country": "FR"})).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());

        assert_eq!(delete(&app, None, "/api/v1/countries/XS").await.0, 401);
        let (status, body) = delete(&app, Some(&app.token), "/api/v1/countries/XS").await;
        assert_eq!(status, 403, "a coordinator may not: {body}");
        let (status, body) = delete(&app, Some(ADMIN_TOKEN), "/api/v1/countries/XK").await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("territory_in_use")), "{body}");
        let (status, body) = delete(&app, Some(ADMIN_TOKEN), "/api/v1/countries/FR").await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("iso_country")), "{body}");
        assert_eq!(app.get("/api/v1/countries/XK").await.status(), 200);
        assert_eq!(app.get("/api/v1/countries/FR").await.status(), 200);

        let (status, body) = delete(&app, Some(ADMIN_TOKEN), "/api/v1/countries/xs").await;
        assert_eq!(status, 204, "{body}");
        assert_eq!(app.get("/api/v1/countries/XS").await.status(), 404);
        assert_eq!(app.get("/api/v1/countries/Somaliland").await.status(), 404);
        assert_eq!(delete(&app, Some(ADMIN_TOKEN), "/api/v1/countries/XS").await.0, 404);
        let (_, list) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories")).await).await;
        assert_eq!(list["items"][0]["country"]["code"], "FR", "{list}");
    }
);

db_test!(
    // Issue 18, finding 7: the operator's command line adds and removes territories with the
    // same rules as the API.
    async fn the_command_line_adds_and_removes_territories_by_the_same_rules(app) {
        use undersigned::cli::{territory, TerritoryCommand};
        let settings = crate::helpers::settings_for(&app.db);
        let db = tokio::task::spawn_blocking(move || undersigned::startup::prepare_database(&settings))
            .await
            .unwrap()
            .unwrap();
        let run = |action: TerritoryCommand| {
            let db = db.clone();
            tokio::task::spawn_blocking(move || territory(&db, action))
        };
        let add = |name: &str| TerritoryCommand::Add { code: "XK".into(), alpha3: "XKX".into(), name: name.into() };
        let refused = run(add("Deutschland")).await.unwrap().unwrap_err().to_string();
        assert!(refused.contains("--name") && refused.contains("DE"), "{refused}");
        let out = run(add("Kosovo")).await.unwrap().unwrap();
        assert!(out.contains("added the territory XK"), "{out}");
        assert_eq!(app.get("/api/v1/countries/XKX").await.status(), 200);
        let out = run(TerritoryCommand::Remove { code: "XK".into() }).await.unwrap().unwrap();
        assert!(out.contains("removed the territory XK"), "{out}");
        let refused = run(TerritoryCommand::Remove { code: "FR".into() }).await.unwrap().unwrap_err().to_string();
        assert!(refused.contains("ISO 3166-1"), "{refused}");
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
