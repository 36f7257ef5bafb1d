//! What journalists and scripts read: signatory lists (pages, streams, CSV), counts, the change
//! feed, caching, CORS, pictures and the OpenAPI document, with no personal data anywhere.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp};

const ORGS: [(&str, &str); 7] = [
    ("La Quadrature du Net", "FR"),
    ("Amis de la Terre", "FR"),
    ("Digitalcourage", "DE"),
    ("Access Now", "US"),
    ("EFF", "US"),
    ("Bits of Freedom", "NL"),
    ("=HYPERLINK(\"http://evil\")", "FR"),
];

/// Names in the API's default order: by country code, then normalised name.
fn by_country() -> Vec<&'static str> {
    let mut list: Vec<(&str, String, &str)> = ORGS
        .iter()
        .map(|(n, c)| {
            (
                *c,
                n.to_lowercase()
                    .replace(['=', '(', ')', '"', ':', '/'], " "),
                *n,
            )
        })
        .collect();
    list.sort_by(|a, b| {
        (a.0, a.1.split_whitespace().collect::<Vec<_>>())
            .cmp(&(b.0, b.1.split_whitespace().collect::<Vec<_>>()))
    });
    list.into_iter().map(|(_, _, n)| n).collect()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

async fn letter_with_signatories(app: &TestApp) -> String {
    let letter = app.open_letter("l", "auto").await;
    app.publish(&letter, &ORGS).await;
    letter
}

db_test!(
    async fn signatories_come_in_pages_with_a_cursor_in_a_stable_order(app) {
        let letter = letter_with_signatories(&app).await;
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/letters/{letter}/signatories?limit=3");
        let mut pages = 0;
        loop {
            let r = app.get(&path).await;
            assert_eq!(r.status(), 200);
            let link = r.headers().get("link").map(|v| v.to_str().unwrap().to_string());
            let page: Value = r.json().await.unwrap();
            assert_eq!(page["total"], 7);
            assert!(page["items"].as_array().unwrap().len() <= 3);
            seen.extend(names(&page));
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    let link = link.expect("a Link header on every page but the last");
                    assert!(link.contains(cursor) && link.ends_with("rel=\"next\""), "{link}");
                    // Absolute, so that clients that follow it need no base.
                    assert!(link.starts_with(&format!("<{}/api/v1/", app.address)), "{link}");
                    path = format!("/api/v1/letters/{letter}/signatories?limit=3&cursor={cursor}");
                }
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, by_country());

        let (_, by_time) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?order=signed_at")).await).await;
        let times: Vec<&str> = by_time["items"].as_array().unwrap().iter().map(|i| i["signed_at"].as_str().unwrap()).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
        assert_eq!(times.len(), 7);

        let (_, france) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?country=fr")).await).await;
        assert_eq!(france["total"], 3);
        assert!(france["items"].as_array().unwrap().iter().all(|i| i["country"]["code"] == "FR"));
        let item = &france["items"][0];
        for field in ["name", "slug", "country", "website", "verification", "signed_at", "text_hash"] {
            assert!(item.get(field).is_some(), "{field}");
        }

        let cut = by_time["items"][4]["signed_at"].as_str().unwrap().to_string();
        let (_, since) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?since={}", cut.replace('+', "%2B"))).await).await;
        assert_eq!(since["items"].as_array().unwrap().len(), 3);
        // `total` counts what the filters select, `since` included (issue 23, item 6).
        assert_eq!(since["total"], 3, "{since}");
        let since_fr = format!("/api/v1/letters/{letter}/signatories?country=FR&since={}", cut.replace('+', "%2B"));
        let (_, since_fr) = status_json(app.get(&since_fr).await).await;
        assert_eq!(since_fr["total"].as_i64(), Some(since_fr["items"].as_array().unwrap().len() as i64));

        // A misspelt or unknown parameter, or one that contradicts another, is named, never
        // silently ignored.
        for (bad, field) in [
            ("order=bogus", "order"),
            ("limit=0", "limit"),
            ("limit=5000", "limit"),
            ("cursor=nonsense", "cursor"),
            ("country=France", "country"),
            ("since=yesterday", "since"),
            ("all=true&limit=5", "limit"),
            ("bom=true", "bom"),
        ] {
            let (status, body) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?{bad}")).await).await;
            assert_eq!(status, 422, "{bad}");
            assert_eq!(body["error"]["code"], "validation_failed");
            assert!(body["error"]["fields"].get(field).is_some(), "{bad}: {body}");
        }
        for unknown in ["page=3", "contry=FR"] {
            let (status, body) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?{unknown}")).await).await;
            assert_eq!(status, 422, "{unknown}: {body}");
            assert!(body["error"]["message"].as_str().unwrap_or_default().contains("unknown field")
                || body["error"]["fields"].to_string().contains("unknown field"), "{unknown}: {body}");
        }
        let (status, _) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes?version=3")).await).await;
        assert_eq!(status, 422, "the change feed names unknown parameters too");

        // CSV for spreadsheets: a byte order mark when asked, none by default.
        let plain = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.bytes().await.unwrap();
        assert!(plain.starts_with(b"name,slug,"));
        let marked = app.get(&format!("/api/v1/letters/{letter}/signatories.csv?bom=true")).await.bytes().await.unwrap();
        assert!(marked.starts_with("\u{feff}name,slug,".as_bytes()));
        assert_eq!(&marked[3..], &plain[..]);
        let time_cursor = by_time["next_cursor"].clone();
        assert!(time_cursor.is_null());
        assert_eq!(app.get("/api/v1/letters/nope/signatories").await.status(), 404);
    }
);

db_test!(
    async fn the_whole_list_streams_as_json_and_csv(app) {
        let letter = letter_with_signatories(&app).await;
        let (status, all) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?all=true")).await).await;
        assert_eq!(status, 200);
        assert_eq!(all["total"], 7);
        assert_eq!(names(&all), by_country());

        let by_accept = app
            .client
            .get(app.url(&format!("/api/v1/letters/{letter}/signatories")))
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap();
        assert_eq!(by_accept.status(), 200);
        assert!(by_accept.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv_a = by_accept.text().await.unwrap();
        let csv_b = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert_eq!(csv_a, csv_b);
        let mut reader = csv::Reader::from_reader(csv_a.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(headers, ["name", "slug", "country_code", "country_name", "website", "verification", "signed_at", "text_hash", "verified_domain", "country_alpha3"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 7);
        let csv_names: Vec<String> = rows.iter().map(|r| r[0].trim_start_matches('\'').to_string()).collect();
        assert_eq!(csv_names, by_country());
        let formula = rows.iter().find(|r| r[0].contains("HYPERLINK")).unwrap();
        assert!(formula[0].starts_with("'="), "a formula cell is defused: {:?}", &formula[0]);
        let germany = rows.iter().find(|r| &r[2] == "DE").unwrap();
        assert_eq!(&germany[3], "Germany");
        assert_eq!(&germany[9], "DEU", "the alpha-3 code, last");

        let (_, only_us) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories?all=true&country=US")).await).await;
        assert_eq!(names(&only_us), ["Access Now", "EFF"]);
    }
);

db_test!(
    async fn counts_by_country_and_the_version_follow_each_change(app) {
        let letter = letter_with_signatories(&app).await;
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        let summary = &json["signatories"];
        assert_eq!(summary["total"], 7);
        assert_eq!(
            summary["countries"],
            json!([
                {"code": "FR", "name": "France", "count": 3},
                {"code": "US", "name": "United States of America", "count": 2},
                {"code": "DE", "name": "Germany", "count": 1},
                {"code": "NL", "name": "Netherlands (Kingdom of the)", "count": 1},
            ])
        );
        let version = summary["version"].as_i64().unwrap();
        assert!(version >= 7);

        let mail = app.mail.mails().into_iter().find(|m| m.html.contains("Digitalcourage")).unwrap();
        let r = app.client.post(app.url("/api/v1/signatures/withdraw")).json(&json!({"token": mail.token("withdraw")})).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(json["signatories"]["total"], 6);
        assert!(json["signatories"]["countries"].as_array().unwrap().iter().all(|c| c["code"] != "DE"));
        assert!(json["signatories"]["version"].as_i64().unwrap() > version);
        let (_, listed) = status_json(app.get("/api/v1/letters").await).await;
        assert_eq!(listed["items"][0]["signatories"]["total"], 6);
    }
);

db_test!(
    async fn the_change_feed_lists_additions_and_withdrawals_in_order(app) {
        let letter = app.open_letter("l", "auto").await;
        app.publish(&letter, &ORGS[..3]).await;
        let withdraw = app.mail.mails()[1].token("withdraw");
        app.client.post(app.url("/api/v1/signatures/withdraw")).json(&json!({"token": withdraw})).send().await.unwrap();

        let (status, feed) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes")).await).await;
        assert_eq!(status, 200);
        let items = feed["items"].as_array().unwrap();
        let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["added", "added", "added", "withdrawn"]);
        let ids: Vec<i64> = items.iter().map(|i| i["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(items[3]["organisation"], items[1]["organisation"]);
        assert_eq!(feed["cursor"], ids[3]);
        assert_eq!(feed["more"], false);

        let (_, first) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes?limit=2")).await).await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        assert_eq!(first["more"], true);
        let (_, rest) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes?after={}", first["cursor"])).await).await;
        assert_eq!(rest["items"].as_array().unwrap().len(), 2);
        let (_, none) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes?after={}", feed["cursor"])).await).await;
        assert!(none["items"].as_array().unwrap().is_empty());
        assert_eq!(none["cursor"], feed["cursor"]);
        let (status, _) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes?after=-1")).await).await;
        assert_eq!(status, 422);

        let atom = app.get(&format!("/api/v1/letters/{letter}/changes.atom")).await;
        assert_eq!(atom.status(), 200);
        assert!(atom.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let xml = atom.text().await.unwrap();
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert_eq!(xml.matches("<entry>").count(), 4);
        assert!(xml.contains("Withdrew: "));
        let newest = xml.find("Withdrew: ").unwrap();
        assert!(newest < xml.find("Signed: ").unwrap(), "newest first");

        // Feed readers find the feed from the letter's page (autodiscovery), in its head.
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        let head = &page[..page.find("</head>").expect("a head")];
        let link = format!(r#"<link rel="alternate" type="application/atom+xml" title="Letter {letter}: changes (Atom)" href="/api/v1/letters/{letter}/changes.atom">"#);
        assert!(head.contains(&link), "{head}");
    }
);

/// Every public GET of a letter with signatories.
fn public_paths(letter: &str) -> Vec<String> {
    [
        "/api/v1/letters".to_string(),
        format!("/api/v1/letters/{letter}"),
        format!("/api/v1/letters/{letter}/signatories"),
        format!("/api/v1/letters/{letter}/signatories?all=true"),
        format!("/api/v1/letters/{letter}/signatories?order=signed_at&limit=2"),
        format!("/api/v1/letters/{letter}/signatories.csv"),
        format!("/api/v1/letters/{letter}/changes"),
        format!("/api/v1/letters/{letter}/changes.atom"),
        format!("/api/v1/letters/{letter}/ledger"),
        format!("/api/v1/letters/{letter}/ledger?all=true"),
        "/.well-known/undersigned-ledger-key".to_string(),
        format!("/letters/{letter}/badge.svg"),
        format!("/letters/{letter}/chart.svg"),
        "/api/v1/countries".to_string(),
        "/api/v1/countries/FR".to_string(),
        "/api/v1/coalitions".to_string(),
        format!("/api/v1/coalitions/c-{letter}"),
    ]
    .into()
}

db_test!(
    async fn every_public_get_is_cached_and_answers_304_when_unchanged(app) {
        let letter = letter_with_signatories(&app).await;
        for path in public_paths(&letter) {
            let r = app.get(&path).await;
            assert_eq!(r.status(), 200, "{path}");
            let h = r.headers().clone();
            let etag = h.get("etag").unwrap_or_else(|| panic!("no ETag on {path}")).to_str().unwrap().to_string();
            assert!(etag.starts_with('"'), "{path}: a strong tag, got {etag}");
            let last_modified = h["last-modified"].to_str().unwrap().to_string();
            let cache = h["cache-control"].to_str().unwrap();
            assert!(cache.contains("max-age=") && cache.contains("stale-while-revalidate="), "{path}: {cache}");

            let again = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.unwrap();
            assert_eq!(again.status(), 304, "{path}");
            assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
            assert!(again.bytes().await.unwrap().is_empty());
            let by_date = app.client.get(app.url(&path)).header("if-modified-since", &last_modified).send().await.unwrap();
            assert_eq!(by_date.status(), 304, "{path}");
            let stale = app.client.get(app.url(&path)).header("if-none-match", "\"stale\"").send().await.unwrap();
            assert_eq!(stale.status(), 200, "{path}");
        }
        // A new signatory changes every representation of the list.
        let list_path = format!("/api/v1/letters/{letter}/signatories");
        let etag = app.get(&list_path).await.headers()["etag"].to_str().unwrap().to_string();
        app.publish(&letter, &[("Statewatch", "GB")]).await;
        let after = app.client.get(app.url(&list_path)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(after.status(), 200);
        assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    }
);

db_test!(
    async fn public_reads_are_open_to_other_sites(app) {
        let letter = letter_with_signatories(&app).await;
        for path in [format!("/api/v1/letters/{letter}/ledger"), "/.well-known/undersigned-ledger-key".into()] {
            let r = app.client.get(app.url(&path)).header("origin", "https://newsroom.example").send().await.unwrap();
            assert_eq!(r.headers()["access-control-allow-origin"], "*", "{path}");
        }
        let r = app
            .client
            .get(app.url(&format!("/api/v1/letters/{letter}/signatories")))
            .header("origin", "https://newsroom.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let exposed = r.headers()["access-control-expose-headers"].to_str().unwrap().to_lowercase();
        assert!(exposed.contains("etag"));
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/letters"))
            .header("origin", "https://newsroom.example")
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert!(preflight.headers().get("access-control-allow-origin").is_none() || !preflight.status().is_success());

        // A newsroom's script revalidates: its preflight names request headers, and is allowed.
        let path = format!("/api/v1/letters/{letter}/signatories");
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(&path))
            .header("origin", "https://newsroom.example")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "if-none-match, accept")
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success(), "{}", preflight.status());
        let allowed = preflight.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
        assert!(allowed.contains("if-none-match") && allowed.contains("accept"), "{allowed}");

        // The document and the pictures are open to other sites too.
        for path in ["/api/v1/openapi.json".to_string(), format!("/letters/{letter}/badge.svg"), format!("/letters/{letter}/chart.svg")] {
            let r = app.client.get(app.url(&path)).header("origin", "https://newsroom.example").send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["access-control-allow-origin"], "*", "{path}");
        }
    }
);

db_test!(
    async fn no_public_output_shows_a_signer_email_name_or_comment(app) {
        let letter = app.open_letter("l", "auto").await;
        let secrets = ["ziggy.secret@private-mail.example", "Ziggy Privatename", "Chief Secret Officer", "a private remark"];
        let body = json!({
            "organisation_name": "Open Rights Group",
            "country": "GB",
            "website": "openrightsgroup.example.org",
            "representative_name": secrets[1],
            "representative_role": secrets[2],
            "email": secrets[0],
            "comment": secrets[3],
            "consent": true,
        });
        app.sign(&letter, &body).await;
        let token = app.mail.wait_for(1).await[0].token("confirm");
        app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": token})).send().await.unwrap();
        // And one that stays pending.
        app.sign(&letter, &signer("Pending Org", "FR", "pending.person@private-mail.example")).await;
        app.mail.wait_for(2).await;

        let mut paths = public_paths(&letter);
        paths.extend([
            "/".to_string(),
            format!("/letters/{letter}"),
            format!("/letters/{letter}/signed"),
            "/api/v1/openapi.json".to_string(),
        ]);
        let mut crawled = 0;
        for path in paths {
            let r = app.get(&path).await;
            assert_eq!(r.status(), 200, "{path}");
            let text = r.text().await.unwrap();
            for secret in secrets.iter().chain(&["pending.person@private-mail.example", "Pending Org"]) {
                assert!(!text.contains(secret), "{path} shows {secret:?}");
            }
            crawled += 1;
        }
        assert!(crawled >= 18);
        let (_, list) = status_json(app.get(&format!("/api/v1/letters/{letter}/signatories")).await).await;
        assert_eq!(names(&list), ["Open Rights Group"], "the crawl saw the signatory itself");
    }
);

db_test!(
    async fn the_badge_and_the_chart_show_the_counts(app) {
        let letter = letter_with_signatories(&app).await;
        let badge = app.get(&format!("/letters/{letter}/badge.svg")).await;
        assert_eq!(badge.headers()["content-type"].to_str().unwrap(), "image/svg+xml; charset=utf-8");
        let svg = badge.text().await.unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("7 organisations"), "{svg}");
        let chart = app.get(&format!("/letters/{letter}/chart.svg")).await.text().await.unwrap();
        assert!(chart.contains(">France<") && chart.contains(">3<") && chart.contains(">Germany<"), "{chart}");
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains(&format!("src=\"/letters/{letter}/chart.svg?lang=en\"")));
        // The chart has a text alternative: a table of the same numbers (issue 23, item 8).
        assert!(page.contains("alt=\"Bar chart of the signatories by country; the numbers are in the table below it\""));
        assert!(page.contains("<tr><td>France</td><td>3</td></tr>"), "{page}");
        assert!(chart.contains("viewBox=\"0 0 640 ") && chart.contains("<desc>France: 3;"), "{chart}");
        // A shared link previews the letter (Open Graph), with the page's absolute address.
        let url = app.url(&format!("/letters/{letter}"));
        assert!(page.contains(&format!("<meta property=\"og:url\" content=\"{url}\">")), "{page}");
        assert!(page.contains("<meta property=\"og:type\" content=\"article\">"));
        assert!(page.contains("content=\"To: The Chief Executive. 7 organisations from "), "{page}");
        assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
        assert_eq!(app.get("/letters/nope/badge.svg").await.status(), 404);
    }
);

db_test!(
    async fn the_openapi_document_describes_every_route_with_named_schemas(app) {
        let (status, doc) = status_json(app.get("/api/v1/openapi.json").await).await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/health",
            "/api/v1/countries",
            "/api/v1/countries/{query}",
            "/api/v1/coalitions",
            "/api/v1/organisations",
            "/api/v1/organisations/{slug}",
            "/api/v1/letters",
            "/api/v1/letters/{slug}",
            "/api/v1/letters/{slug}/transition",
            "/api/v1/letters/{slug}/signatures",
            "/api/v1/signatures/confirm",
            "/api/v1/signatures/withdraw",
            "/api/v1/letters/{slug}/signatories",
            "/api/v1/letters/{slug}/signatories.csv",
            "/api/v1/letters/{slug}/changes",
            "/api/v1/letters/{slug}/changes.atom",
            "/api/v1/outbox",
            "/letters/{slug}/badge.svg",
            "/letters/{slug}/chart.svg",
        ] {
            assert!(paths.contains_key(path), "{path} is not documented");
        }
        // What openapi-spec-validator (run by .ci/run) checks first: operationIds are unique, and
        // a path parameter is one the path names (a query parameter says `in: query`).
        let mut ids = std::collections::HashSet::new();
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap_or_default();
                assert!(ids.insert(id.to_string()), "{method} {path}: operationId {id} is not unique");
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap();
                    let in_path = path.contains(&format!("{{{name}}}"));
                    assert_eq!(parameter["in"] == "path", in_path, "{method} {path}: {parameter}");
                }
            }
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in ["LetterJson", "SignatoryJson", "SignatoryPage", "ChangePage", "ErrorBody", "CountryCount", "SignFields"] {
            assert!(schemas.contains_key(name), "{name} is not a named schema");
        }
        // Every value `verification` takes is in the schema, `imported` included (issue 23).
        let values = &schemas["ListedVerification"]["enum"];
        assert_eq!(values, &json!(["unverified", "domain", "coordinator", "invitation", "imported"]), "{values}");
        let field = &schemas["SignatoryJson"]["properties"]["verification"];
        assert_eq!(field["$ref"], "#/components/schemas/ListedVerification", "{field}");
        // Refusals are described once, with words (issue 21).
        let update = &paths["/api/v1/campaigns/{slug}"]["patch"]["responses"];
        assert!(update["401"]["description"].as_str().unwrap().contains("token"), "{update}");
        assert!(update["403"]["description"].as_str().unwrap().contains("role"), "{update}");
        let ok = &paths["/api/v1/letters/{slug}/signatories"]["get"]["responses"]["200"];
        assert_eq!(ok["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/SignatoryPage");
        assert!(doc["components"]["securitySchemes"]["admin_token"].is_object());

        let docs = app.get("/api/docs/").await;
        assert_eq!(docs.status(), 200);
        let html = docs.text().await.unwrap();
        assert!(html.contains("swagger"), "{html}");
        assert!(!html.contains("https://"), "assets come from the app, not a CDN");
        let redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = redirect.get(app.url("/api/docs")).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/api/docs/");
        // Swagger UI reads the API's own document and sends it to no outside validator.
        let init = app.get("/api/docs/swagger-initializer.js").await.text().await.unwrap();
        assert!(init.contains(r#""url": "/api/v1/openapi.json""#), "{init}");
        assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
    }
);

db_test!(
    async fn renaming_a_listed_organisation_changes_the_list_and_its_version(app) {
        let letter = app.open_letter("l", "auto").await;
        app.publish(&letter, &[("Old Name", "FR")]).await;
        let path = format!("/api/v1/letters/{letter}/signatories");
        let first = app.get(&path).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        let (_, before) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;

        let r = app
            .patch("/api/v1/organisations/old-name", &json!({"name": "New Name", "country": "DE"}))
            .await;
        assert_eq!(r.status(), 200);

        let again = app.client.get(app.url(&path)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), 200, "the rename shows at once");
        let list: Value = again.json().await.unwrap();
        assert_eq!(names(&list), ["New Name"]);
        assert_eq!(list["items"][0]["country"]["code"], "DE");
        let (_, after) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert!(after["signatories"]["version"].as_i64() > before["signatories"]["version"].as_i64());
        assert_eq!(after["signatories"]["countries"], json!([{"code": "DE", "name": "Germany", "count": 1}]));
        let (_, feed) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes")).await).await;
        let last = feed["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "updated");
        assert_eq!(last["organisation"], "New Name");
    }
);

db_test!(
    async fn the_seed_command_fills_a_letter_that_reads_like_a_signed_one(app) {
        let url = app.db.url.clone();
        let report = actix_web::rt::task::spawn_blocking(move || {
            use undersigned::db::{DatabaseUrl, Db};
            use diesel::prelude::*;
            // Two connections: on PostgreSQL the seed's batches then run side by side.
            let db = Db::connect(DatabaseUrl::parse(&url.into()).unwrap(), 2, Default::default()).unwrap();
            use undersigned::db::schema::{organisations, public_signatories, signature_events, signatures};
            let slug = undersigned::domain::Slug::parse("seeded").unwrap();
            let first = undersigned::service::seed::seed_in_batches(&db, &crate::helpers::ledger_key(), &slug, 5_000, None, 1_000).unwrap();
            assert_eq!(first.added, 5_000);
            let report = undersigned::service::seed::seed(&db, &crate::helpers::ledger_key(), &slug, 2_500, None).unwrap();
            // Every row points at what it must (PostgreSQL's seed skips per-row key checks).
            let conn = &mut db.get().unwrap();
            let orphans: i64 = signatures::table
                .left_join(organisations::table)
                .filter(organisations::id.nullable().is_null())
                .count()
                .get_result(conn)
                .unwrap();
            assert_eq!(orphans, 0);
            let published = signatures::table.filter(signatures::state.eq("published"));
            let listed: i64 = public_signatories::table
                .filter(public_signatories::signature_id.eq_any(published.select(signatures::id)))
                .filter(public_signatories::organisation_id.eq_any(published.select(signatures::organisation_id)))
                .count()
                .get_result(conn)
                .unwrap();
            assert_eq!(listed, 7_500);
            let logged: i64 = signature_events::table
                .filter(signature_events::signature_id.eq_any(published.select(signatures::id)))
                .count()
                .get_result(conn)
                .unwrap();
            assert_eq!(logged, 7_500);
            report
        })
        .await
        .unwrap();
        assert_eq!(report.added, 2_500);
        let (status, letter) = status_json(app.get("/api/v1/letters/seeded").await).await;
        assert_eq!(status, 200);
        assert_eq!(letter["state"], "open");
        assert_eq!(letter["signatories"]["total"], 7_500);
        let by_country: i64 = letter["signatories"]["countries"].as_array().unwrap().iter().map(|c| c["count"].as_i64().unwrap()).sum();
        assert_eq!(by_country, 7_500);
        let csv = app.get("/api/v1/letters/seeded/signatories.csv").await.text().await.unwrap();
        assert_eq!(csv.lines().count(), 7_501);
        let (_, feed) = status_json(app.get("/api/v1/letters/seeded/changes?limit=1000").await).await;
        assert_eq!(feed["items"].as_array().unwrap().len(), 1000);
        assert_eq!(feed["more"], true);
        // The ledger logs every seeded signatory after the text, and checks against the list.
        assert_eq!(letter["ledger"]["length"], 7_501);
        let options = undersigned::verify::Options {
            source: app.url("/letters/seeded"),
            since: None,
            list: None,
            key: Some(crate::helpers::ledger_key().public_hex()),
            ..Default::default()
        };
        let report = undersigned::verify::verify(&options).await.unwrap();
        assert!(report.ok(), "{report}");
        assert_eq!(report.listed, 7_500);
    }
);

db_test!(
    async fn head_requests_get_the_headers_of_a_get_without_its_body(app) {
        let letter = letter_with_signatories(&app).await;
        for path in [
            format!("/api/v1/letters/{letter}"),
            format!("/api/v1/letters/{letter}/signatories.csv"),
            format!("/api/v1/letters/{letter}/signatories?all=true"),
            format!("/letters/{letter}"),
        ] {
            let get = app.get(&path).await;
            let head = app.client.head(app.url(&path)).send().await.unwrap();
            assert_eq!(head.status(), 200, "{path}");
            assert_eq!(head.headers().get("content-type"), get.headers().get("content-type"), "{path}");
            assert_eq!(head.headers().get("etag"), get.headers().get("etag"), "{path}");
            assert!(head.bytes().await.unwrap().is_empty(), "{path}");
            assert!(!get.bytes().await.unwrap().is_empty(), "{path}");
        }
        let missing = app.client.head(app.url("/api/v1/letters/no-such-letter")).send().await.unwrap();
        assert_eq!(missing.status(), 404);
    }
);

/// Every type named in the OpenAPI document (`derive(… ToSchema …)`) in `src/`, with the file
/// that defines it.
fn schema_types() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let mut derives_schema = false;
            for line in source.lines().map(str::trim) {
                if line.starts_with("#[derive(") {
                    derives_schema = line.contains("ToSchema");
                }
                for kind in ["pub struct ", "struct ", "pub enum ", "enum "] {
                    if let Some(rest) = line.strip_prefix(kind).filter(|_| derives_schema) {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.push((name, path.display().to_string()));
                        derives_schema = false;
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

#[test]
// Two `InvitationJson`s (a letter's invitations and a coalition's membership invitations) were
// one schema in the OpenAPI document, so it described one of them wrongly (found by
// schemathesis). A schema's name is its type's: each must be unique.
fn every_schema_type_has_a_name_of_its_own() {
    let types = schema_types();
    assert!(types.len() > 50, "{types:?}");
    let mut seen = std::collections::BTreeMap::new();
    for (name, file) in &types {
        if let Some(other) = seen.insert(name.clone(), file.clone()) {
            panic!("{name} is defined in {other} and in {file}: one schema for two types");
        }
    }
}

db_test!(
    async fn the_atom_feed_pages_back_to_the_first_change(app) {
        // 105 changes, made at once by an import of organisations the coalition collected.
        let letter = app.open_letter("paged", "auto").await;
        let content: Vec<String> = (1..=105).map(|i| format!("Organisation {i} (FR)")).collect();
        let (status, report) =
            status_json(app.post("/api/v1/imports", &json!({"content": content.join("\n"), "letter": letter})).await).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(app.signatories(&letter).await["total"], 105);

        let feed_url = format!("{}/api/v1/letters/{letter}/changes.atom", app.address);
        let read = |url: String| async move {
            let r = reqwest::get(&url).await.unwrap();
            assert_eq!(r.status(), 200, "{url}");
            r.text().await.unwrap().parse::<atom_syndication::Feed>().unwrap()
        };
        let link = |feed: &atom_syndication::Feed, rel: &str| {
            feed.links().iter().find(|l| l.rel() == rel).map(|l| l.href().to_string())
        };
        let newest = read(feed_url.clone()).await;
        assert_eq!(newest.entries().len(), 100);
        assert_eq!(link(&newest, "first").as_deref(), Some(feed_url.as_str()));
        let next = link(&newest, "next").expect("a link to the older changes");
        assert!(next.starts_with(&format!("{feed_url}?before=")), "{next}");
        let older = read(next.clone()).await;
        assert_eq!(older.entries().len(), 5);
        assert_eq!(link(&older, "self").as_deref(), Some(next.as_str()));
        assert_eq!(link(&older, "next"), None, "the last page links no further");
        assert_eq!(link(&older, "first").as_deref(), Some(feed_url.as_str()));
        let mut ids: Vec<&str> = newest.entries().iter().chain(older.entries()).map(|e| e.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 105, "every change once, across the pages");
        assert!(older.entries().iter().any(|e| e.title().as_str().contains("Organisation 1 ")), "the first change is on the last page");

        let (status, body) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes.atom?before=0")).await).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes.atom?page=2")).await).await;
        assert_eq!(status, 422, "an unknown parameter is named, not ignored");
    }
);
