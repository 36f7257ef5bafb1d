//! Open data that every client accepts (issue 23): the licences of a letter's list and text, in
//! the JSON, the CSV's `Link` and the page, and the list's data dictionary, a Frictionless Data
//! Package that describes the CSV as it is served.
//!
//! With `FRICTIONLESS` naming the `frictionless` command (`.ci/run` installs it in a venv of its
//! own and sets it), the test also runs `frictionless validate` on the served package and the CSV
//! it points to. Without it the test says so and passes that step, unless
//! `REQUIRE_FRICTIONLESS_TESTS=1` (set by `.ci/run`) makes a missing command fail it.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, TestApp};

const CC0: &str = "https://creativecommons.org/publicdomain/zero/1.0/";
const CC_BY: &str = "https://creativecommons.org/licenses/by/4.0/";

/// An open letter `l` with signatories of every kind the CSV must carry: a formula-like name, a
/// website, Namibia (`NA`), and two imported by the coalition (verification `imported`).
async fn letter_with_signatories(app: &TestApp) -> String {
    let letter = app.open_letter("l", "auto").await;
    app.publish(
        &letter,
        &[
            ("=HYPERLINK(\"http://evil\")", "FR"),
            ("Digitalcourage", "DE"),
        ],
    )
    .await;
    let with_site = json!({
        "organisation_name": "Namibia Media Trust", "country": "NA", "website": "https://nmt.example.org/",
        "representative_name": "Ada", "representative_role": "Director", "email": "ada@nmt.example.org",
        "comment": "", "consent": true,
    });
    app.sign_and_confirm(&letter, &with_site).await;
    let content =
        "name,country,website\n+Plus Collective,BE,\nAccess Now,US,https://www.accessnow.org/\n";
    let (status, import) = status_json(
        app.post(
            "/api/v1/imports",
            &json!({"format": "csv", "content": content, "letter": letter}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{import}");
    assert_eq!(app.signatories(&letter).await["total"], 5);
    letter
}

fn link_of(r: &reqwest::Response) -> String {
    r.headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

db_test!(
    async fn the_data_package_describes_the_served_csv_with_the_list_licence(app) {
        let letter = letter_with_signatories(&app).await;
        let path = format!("/api/v1/letters/{letter}/datapackage.json");
        let r = app.get(&path).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let package: Value = r.json().await.unwrap();
        assert_eq!(package["profile"], "tabular-data-package");
        assert_eq!(package["name"], "l");
        assert_eq!(package["title"], "Letter l");
        assert_eq!(package["homepage"], format!("{}/letters/l", app.address));
        assert_eq!(package["sources"][0]["path"], format!("{}/letters/l", app.address));
        assert!(package["created"].as_str().unwrap().ends_with('Z'), "{package}");
        let cc0 = json!([{"name": "CC0-1.0", "path": CC0, "title": "CC0 1.0"}]);
        assert_eq!(package["licenses"], cc0);
        let description = package["description"].as_str().unwrap();
        assert!(description.contains("all rights reserved by its coalition"), "{description}");
        assert!(description.contains("not the licence of the software"), "{description}");

        let resources = package["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 1);
        let csv_resource = &resources[0];
        assert_eq!(csv_resource["profile"], "tabular-data-resource");
        assert_eq!(csv_resource["name"], "signatories");
        assert_eq!(csv_resource["format"], "csv");
        assert_eq!(csv_resource["mediatype"], "text/csv");
        assert_eq!(csv_resource["encoding"], "utf-8");
        assert_eq!(csv_resource["licenses"], cc0);
        assert_eq!(csv_resource["dialect"]["delimiter"], ",");
        assert_eq!(csv_resource["dialect"]["header"], true);
        let csv_url = csv_resource["path"].as_str().unwrap();
        assert_eq!(csv_url, format!("{}/api/v1/letters/l/signatories.csv", app.address));
        let schema = &csv_resource["schema"];
        assert_eq!(schema["missingValues"], json!([""]), "NA (Namibia) stays a value");
        assert_eq!(schema["primaryKey"], json!(["slug"]));
        let fields = schema["fields"].as_array().unwrap();
        let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap();
        let verification_values = json!(["unverified", "domain", "coordinator", "invitation", "imported"]);
        assert_eq!(field("verification")["constraints"]["enum"], verification_values);
        assert_eq!(field("signed_at")["type"], "datetime");
        assert_eq!(field("slug")["constraints"]["unique"], true);
        assert!(field("country_code")["description"].as_str().unwrap().contains("NA is Namibia"));
        let name_description = field("name")["description"].as_str().unwrap();
        assert!(name_description.contains("=, +, -, @, a tab or a carriage return"), "{name_description}");
        assert!(fields.iter().all(|f| f["type"].is_string() && !f["description"].as_str().unwrap().is_empty()));

        // The CSV at that path has exactly these columns, in this order, and its cells keep the
        // schema's promises.
        let r = app.client.get(csv_url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let link = link_of(&r);
        assert!(link.contains(&format!("<{}{path}>; rel=\"describedby\"", app.address)), "{link}");
        assert!(link.contains(&format!("<{CC0}>; rel=\"license\"")), "{link}");
        let csv = r.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let described: Vec<String> = fields.iter().map(|f| f["name"].as_str().unwrap().to_string()).collect();
        assert_eq!(header, described);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5);
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let allowed: Vec<&str> = verification_values.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let mut slugs: Vec<&str> = rows.iter().map(|r| &r[column("slug")]).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), rows.len(), "the primary key is unique");
        assert!(rows.iter().all(|r| allowed.contains(&&r[column("verification")])));
        assert!(rows.iter().any(|r| &r[column("verification")] == "imported"));
        assert!(rows.iter().any(|r| &r[column("country_code")] == "NA" && &r[column("country_name")] == "Namibia"));
        assert!(rows.iter().any(|r| r[column("name")].starts_with("'=HYPERLINK")));
        assert!(rows.iter().any(|r| &r[column("name")] == "'+Plus Collective"));

        // Cached like the other public reads: a revalidation is a 304 until the list changes.
        let r = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(r.status(), 304);
        app.publish(&letter, &[("Bits of Freedom", "NL")]).await;
        let r = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(r.status(), 200, "a new signatory is a new list version");
        let etag = r.headers()["etag"].to_str().unwrap().to_string();

        // The coalition licenses its text: the package says so, under a new tag.
        let r = app.patch(&format!("/api/v1/letters/{letter}"), &json!({"text_licence": "CC-BY-4.0"})).await;
        assert_eq!(r.status(), 200);
        let r = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(r.status(), 200, "the letter changed");
        let package: Value = r.json().await.unwrap();
        let description = package["description"].as_str().unwrap();
        assert!(description.contains(&format!("under CC BY 4.0 ({CC_BY})")), "{description}");
        assert_eq!(package["licenses"], cc0, "the list's licence is the instance's");

        let (status, _) = status_json(app.get("/api/v1/letters/nothing/datapackage.json").await).await;
        assert_eq!(status, 404);

        frictionless_validates(&app, &path, 6).await;
    }
);

db_test!(
    async fn the_licences_are_in_the_letter_json_the_lists_and_the_page(app) {
        let letter = app.open_letter("l", "auto").await;
        app.publish(&letter, &[("EFF", "US"), ("Access Now", "US"), ("Digitalcourage", "DE")]).await;
        let cc0 = json!({"id": "CC0-1.0", "title": "CC0 1.0", "url": CC0});
        let describedby = format!("<{}/api/v1/letters/l/datapackage.json>; rel=\"describedby\"", app.address);
        let license = format!("<{CC0}>; rel=\"license\"");

        // Nothing chosen: the text is the coalition's, all rights reserved.
        let (_, json) = status_json(app.get("/api/v1/letters/l").await).await;
        assert_eq!(json["data_licence"], cc0);
        assert_eq!(json["text_licence"], Value::Null);
        let (_, page) = crate::helpers::Browser::new(&app).page("/letters/l").await;
        assert!(page.contains(&format!("<a href=\"{CC0}\">CC0 1.0</a>")), "{page}");
        assert!(page.contains("all rights reserved by Coalition c-l"), "{page}");
        assert!(page.contains("not of the software"), "{page}");
        assert!(page.contains("href=\"/api/v1/letters/l/datapackage.json\""), "{page}");
        assert!(!page.contains("rel=\"license\""), "the page's text has no licence yet: {page}");

        // A JSON page: the licence in the body, the package and licence in `Link`, before the
        // next page's link.
        let r = app.get("/api/v1/letters/l/signatories?limit=2").await;
        let link = link_of(&r);
        assert_eq!(link.split(", ").collect::<Vec<_>>()[..2], [describedby.as_str(), license.as_str()], "{link}");
        assert!(link.ends_with("rel=\"next\""), "{link}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["licence"], cc0);
        assert_eq!(body["items"].as_array().unwrap().len(), 2);
        let r = app.get("/api/v1/letters/l/signatories").await;
        // Then how to cite this list for good (`api::signatories::snapshots`), and no next page.
        let cite = |version: &Value| {
            format!("<{}/api/v1/letters/l/signatories?version={version}>; rel=\"cite-as\"", app.address)
        };
        let last = link_of(&r);
        let body: Value = r.json().await.unwrap();
        assert_eq!(last, format!("{describedby}, {license}, {}", cite(&body["version"])), "the last page has no next");
        // The whole list, in one answer.
        let r = app.get("/api/v1/letters/l/signatories?all=true").await;
        assert_eq!(link_of(&r), format!("{describedby}, {license}, {}", cite(&body["version"])));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["licence"], cc0);
        assert_eq!(body["total"], 3);
        // The CSV, by its path and by Accept.
        let r = app.client.get(app.url("/api/v1/letters/l/signatories")).header("accept", "text/csv").send().await.unwrap();
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert_eq!(link_of(&r), format!("{describedby}, {license}, {}", cite(&body["version"])));

        // The coalition chooses CC BY 4.0 for the text: the JSON and the page say so.
        let r = app.patch("/api/v1/letters/l", &json!({"text_licence": "cc-by-4.0"})).await;
        let (status, json) = status_json(r).await;
        assert_eq!(status, 200, "{json}");
        let cc_by = json!({"id": "CC-BY-4.0", "title": "CC BY 4.0", "url": CC_BY});
        assert_eq!(json["text_licence"], cc_by);
        let (_, json) = status_json(app.get("/api/v1/letters/l").await).await;
        assert_eq!(json["text_licence"], cc_by);
        assert_eq!(json["data_licence"], cc0);
        let (_, page) = crate::helpers::Browser::new(&app).page("/letters/l").await;
        assert!(page.contains(&format!("<a rel=\"license\" href=\"{CC_BY}\">CC BY 4.0</a>")), "{page}");
        assert!(!page.contains("all rights reserved"), "{page}");
        let (_, page) = crate::helpers::Browser::new(&app).page("/letters/l?lang=fr").await;
        assert!(page.contains("La liste est publiée sous"), "{page}");

        // `null` takes it back.
        let (status, json) = status_json(app.patch("/api/v1/letters/l", &json!({"text_licence": null})).await).await;
        assert_eq!(status, 200);
        assert_eq!(json["text_licence"], Value::Null);
        let (_, audit) = status_json(app.get_authed("/api/v1/letters/l/audit").await).await;
        let changed = audit["items"].as_array().unwrap().iter().filter(|e| e["details"]["fields"] == json!(["text_licence"])).count();
        assert_eq!(changed, 2, "{audit}");
    }
);

db_test!(
    async fn an_unknown_text_licence_is_refused_by_name_and_changes_nothing(app) {
        app.coalition("c").await;
        let letter = json!({"coalition": "c", "slug": "x", "title": "T", "body": "B", "recipient_name": "R", "text_licence": "MIT"});
        let (status, body) = status_json(app.post("/api/v1/letters", &letter).await).await;
        assert_eq!(status, 422, "{body}");
        let message = body["error"]["fields"]["text_licence"][0].as_str().unwrap();
        assert!(message.contains("CC-BY-4.0"), "{message}");
        assert_eq!(body["error"]["fields"].as_object().unwrap().len(), 1, "{body}");
        let (status, _) = status_json(app.get_authed("/api/v1/letters/x").await).await;
        assert_eq!(status, 404, "nothing was created");

        let mut letter = letter;
        letter["text_licence"] = json!("CC-BY-SA-4.0");
        let (status, body) = status_json(app.post("/api/v1/letters", &letter).await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["text_licence"]["id"], "CC-BY-SA-4.0");

        for refused in ["ODbL-1.0", "CC-BY-3.0", "GPL-3.0-or-later"] {
            let change = json!({"title": "Another title", "text_licence": refused});
            let (status, body) = status_json(app.patch("/api/v1/letters/x", &change).await).await;
            assert_eq!(status, 422, "{refused}: {body}");
            assert!(body["error"]["fields"]["text_licence"].is_array(), "{body}");
        }
        let (_, json) = status_json(app.get_authed("/api/v1/letters/x").await).await;
        assert_eq!(json["title"], "T", "no field of a refused change is saved");
        assert_eq!(json["text_licence"]["id"], "CC-BY-SA-4.0");
        let (status, body) = status_json(app.patch("/api/v1/letters/x", &json!({"text_licence": 4})).await).await;
        assert_eq!(status, 422, "{body}");
    }
);

db_test!(
    async fn the_coalition_chooses_the_text_licence_in_the_dashboard(app) {
        app.open_letter("l", "auto").await;
        let browser = crate::helpers::Browser::signed_in(&app, crate::helpers::OWNER_EMAIL).await;
        let (_, form) = browser.page("/dashboard/letters/l/edit").await;
        assert!(form.contains("<option value=\"CC-BY-NC-ND-4.0\">CC BY-NC-ND 4.0 (CC-BY-NC-ND-4.0)</option>"), "{form}");
        assert!(form.contains("<option value=\"\" selected>None: all rights reserved by the coalition</option>"), "{form}");
        let fields = |licence| {
            vec![("recipient_name", "The Chief Executive"), ("recipient_email", ""), ("place_and_date", ""), ("deadline", ""),
                 ("moderation", "auto"), ("visibility", "public"), ("campaign", ""), ("text_licence", licence), ("action", "save")]
        };
        let r = browser.submit("/dashboard/letters/l/edit", "/dashboard/letters/l/edit", &fields("Beerware")).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("id=\"text_licence-error\""));
        let r = browser.submit("/dashboard/letters/l/edit", "/dashboard/letters/l/edit", &fields("CC-BY-NC-4.0")).await;
        assert_eq!(r.status(), 303);
        let (_, json) = status_json(app.get("/api/v1/letters/l").await).await;
        assert_eq!(json["text_licence"]["id"], "CC-BY-NC-4.0");
        let (_, form) = browser.page("/dashboard/letters/l/edit").await;
        assert!(form.contains("<option value=\"CC-BY-NC-4.0\" selected>"), "{form}");
        // Blank is none again.
        let r = browser.submit("/dashboard/letters/l/edit", "/dashboard/letters/l/edit", &fields("")).await;
        assert_eq!(r.status(), 303);
        let (_, json) = status_json(app.get("/api/v1/letters/l").await).await;
        assert_eq!(json["text_licence"], Value::Null);
    }
);

db_test!(
    async fn the_operator_chooses_the_list_licence(app, |s| s.data_licence = "ODbL-1.0".into()) {
        let letter = app.open_letter("l", "auto").await;
        app.publish(&letter, &[("EFF", "US")]).await;
        let odbl = "https://opendatacommons.org/licenses/odbl/1-0/";
        let (_, json) = status_json(app.get("/api/v1/letters/l").await).await;
        assert_eq!(json["data_licence"], json!({"id": "ODbL-1.0", "title": "ODbL 1.0", "url": odbl}));
        let r = app.get("/api/v1/letters/l/signatories.csv").await;
        assert!(link_of(&r).contains(&format!(", <{odbl}>; rel=\"license\", ")), "{}", link_of(&r));
        let (_, package) = status_json(app.get("/api/v1/letters/l/datapackage.json").await).await;
        assert_eq!(package["licenses"][0]["name"], "ODbL-1.0");
        let (_, page) = crate::helpers::Browser::new(&app).page("/letters/l").await;
        assert!(page.contains(&format!("<a href=\"{odbl}\">ODbL 1.0</a>")), "{page}");
    }
);

/// `frictionless validate` on the package served at `path`: the descriptor, and the CSV it names
/// (types, constraints, primary key), with `rows` rows.
async fn frictionless_validates(app: &TestApp, path: &str, rows: u64) {
    let command = std::env::var("FRICTIONLESS").ok().filter(|v| !v.is_empty());
    let required =
        std::env::var("REQUIRE_FRICTIONLESS_TESTS").is_ok_and(|v| !v.is_empty() && v != "0");
    let Some(command) = command else {
        assert!(
            !required,
            "REQUIRE_FRICTIONLESS_TESTS is set but FRICTIONLESS names no command"
        );
        eprintln!("FRICTIONLESS not set: the package is not validated by frictionless here");
        return;
    };
    let url = app.url(path);
    // On the blocking pool: the server answering frictionless runs on this test's thread.
    let output = actix_web::web::block(move || {
        std::process::Command::new(&command)
            .args(["validate", "--json", &url])
            .output()
    })
    .await
    .unwrap()
    .unwrap_or_else(|e| panic!("running frictionless: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "frictionless's report ({e}): {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(report["valid"], true, "{report:#}");
    assert!(output.status.success(), "{report:#}");
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{report:#}");
    assert_eq!(tasks[0]["name"], "signatories");
    assert_eq!(tasks[0]["stats"]["rows"], rows, "{report:#}");
}
