//! The organisation directory in the dashboard, driven as a browser would: list and search,
//! create, edit and verify, merge a duplicate, link member organisations, see the territories; and
//! what a viewer, bad input and a form without its CSRF token get. Each result is checked
//! through the JSON API, which reads the same services.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{location, status_json, Browser, TestApp, ADMIN_TOKEN, HOME, OWNER_EMAIL};

/// An organisation through the API, with the owner's token.
async fn organisation(app: &TestApp, slug: &str) -> (u16, Value) {
    status_json(
        app.get_authed(&format!("/api/v1/organisations/{slug}"))
            .await,
    )
    .await
}

/// Slugs of a coalition's member organisations, through the API.
async fn member_slugs(app: &TestApp, coalition: &str) -> Vec<String> {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/coalitions/{coalition}/organisations"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organisation"]["slug"].as_str().unwrap().to_string())
        .collect()
}

/// The text of the per-field message the page shows under `field`, if any.
fn field_error(html: &str, field: &str) -> Option<String> {
    let marker = format!("id=\"{field}-error\">");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('<').next()?.to_string())
}

/// A form of the organisation fields.
fn org_form<'a>(
    name: &'a str,
    country: &'a str,
    website: &'a str,
    verification: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("country", country),
        ("website", website),
        ("email_domain", ""),
        ("description", ""),
        ("verification", verification),
    ]
}

db_test!(
    async fn a_coordinator_adds_searches_edits_and_verifies_organisations(app) {
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (status, html) = browser.page("/dashboard").await;
        assert_eq!(status, 200);
        assert!(html.contains("href=\"/dashboard/organisations\">Directory</a>"), "{html}");

        let mut form = org_form("  Bits of   Freedom ", "the Netherlands", "bof.nl", "unverified");
        form[4] = ("description", "Digital rights in the Netherlands.");
        let r = browser.submit("/dashboard/organisations/new", "/dashboard/organisations", &form).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard/organisations/bits-of-freedom?done=created");
        for (name, country) in [("Access Now", "US"), ("Article 19", "GB"), ("Freedom House", "US")] {
            let r = browser
                .submit("/dashboard/organisations/new", "/dashboard/organisations", &org_form(name, country, "", "unverified"))
                .await;
            assert_eq!(r.status(), 303, "{name}");
        }
        let (status, bof) = organisation(&app, "bits-of-freedom").await;
        assert_eq!(status, 200, "{bof}");
        assert_eq!(bof["name"], "Bits of Freedom");
        assert_eq!(bof["country"]["code"], "NL");
        assert_eq!(bof["website"], "https://bof.nl/");
        assert_eq!(bof["email_domain"], "bof.nl");
        assert_eq!(bof["description"], "Digital rights in the Netherlands.");
        assert_eq!(bof["verification"], "unverified");
        let (status, html) = browser.page("/dashboard/organisations/bits-of-freedom?done=created").await;
        assert_eq!(status, 200);
        assert!(html.contains("is in the directory") && html.contains("Bits of Freedom"), "{html}");

        // Search by words, by country, by both.
        let names = |html: &str| -> Vec<String> {
            ["Access Now", "Article 19", "Bits of Freedom", "Freedom House"]
                .iter()
                .filter(|n| html.contains(&format!(">{n}</a>")))
                .map(|n| n.to_string())
                .collect()
        };
        let (status, html) = browser.page("/dashboard/organisations").await;
        assert_eq!(status, 200);
        assert_eq!(names(&html), ["Access Now", "Article 19", "Bits of Freedom", "Freedom House"]);
        assert!(html.contains("(4)"), "{html}");
        let (_, html) = browser.page("/dashboard/organisations?q=freedom").await;
        assert_eq!(names(&html), ["Bits of Freedom", "Freedom House"]);
        let (_, html) = browser.page("/dashboard/organisations?q=freedom&country=US").await;
        assert_eq!(names(&html), ["Freedom House"]);
        assert!(html.contains("<option value=\"US\" selected>"), "the filter stays chosen");
        let (_, html) = browser.page("/dashboard/organisations?q=nothing+like+it").await;
        assert!(names(&html).is_empty() && html.contains("No organisation matches"), "{html}");
        let (status, html) = browser.page("/dashboard/organisations?country=Netherlands").await;
        assert_eq!(status, 422);
        assert!(field_error(&html, "country").unwrap().contains("two-letter"), "{html}");

        // Edit, and verify as a coordinator; a blank optional field clears it.
        let page = "/dashboard/organisations/bits-of-freedom";
        let mut form = org_form("Bits of Freedom", "NL", "https://www.bof.nl", "coordinator");
        form[3] = ("email_domain", "bof.nl");
        let r = browser.submit(page, page, &form).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?done=saved"));
        let (_, bof) = organisation(&app, "bits-of-freedom").await;
        assert_eq!(bof["verification"], "coordinator");
        assert_eq!(bof["website"], "https://www.bof.nl/");
        assert_eq!(bof["description"], Value::Null);
        let (_, html) = browser.page("/dashboard/organisations?q=bits").await;
        assert!(html.contains("verified: coordinator"), "{html}");
        let (_, html) = browser.page(page).await;
        assert!(html.contains("<option value=\"coordinator\" selected>"), "{html}");

        // Bad input: every field says what is wrong, the typed values stay, nothing changes.
        let r = browser
            .submit("/dashboard/organisations/new", "/dashboard/organisations", &org_form(" ", "Congo", "ftp://x.example", "maybe"))
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert_eq!(field_error(&html, "name").as_deref(), Some("must not be empty"), "{html}");
        assert!(field_error(&html, "country").unwrap().contains("could mean CG (Congo) or CD"), "{html}");
        assert!(field_error(&html, "website").is_some(), "{html}");
        assert!(field_error(&html, "verification").is_some(), "{html}");
        assert!(html.contains("value=\"ftp://x.example\""), "{html}");
        let r = browser
            .submit("/dashboard/organisations/new", "/dashboard/organisations", &org_form("Access  now", "us", "", "unverified"))
            .await;
        assert_eq!(r.status(), 409, "a duplicate");
        let html = r.text().await.unwrap();
        assert!(field_error(&html, "name").unwrap().contains("already exists"), "{html}");
        let r = browser.submit(page, page, &org_form("", "", "", "coordinator")).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(field_error(&html, "name").is_some() && field_error(&html, "country").is_some(), "{html}");
        let r = browser.submit(page, page, &org_form("Freedom House", "US", "", "coordinator")).await;
        assert_eq!(r.status(), 409, "renaming onto another organisation");
        assert_eq!(app.total("/api/v1/organisations").await, 4);
        assert_eq!(organisation(&app, "bits-of-freedom").await.1, bof);
        assert_eq!(browser.page("/dashboard/organisations/no-such-org").await.0, 404);
    }
);

db_test!(
    async fn merging_a_duplicate_from_its_page_moves_its_signatures(app) {
        app.open_letter("both", "auto").await;
        app.open_letter("dup-only", "auto").await;
        app.publish("both", &[("European Digital Rights", "BE"), ("EDRi", "DE"), ("Access Now", "US")]).await;
        app.publish("dup-only", &[("EDRi", "DE")]).await;
        let path = format!("/api/v1/coalitions/{HOME}/organisations");
        assert_eq!(app.post(&path, &json!({"organisation": "edri"})).await.status(), 201);
        assert_eq!(app.total("/api/v1/organisations").await, 3);

        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let page = "/dashboard/organisations/edri";
        let (status, html) = browser.page(page).await;
        assert_eq!(status, 200);
        assert!(html.contains("action=\"/dashboard/organisations/edri/merge\""), "{html}");
        assert!(html.contains("It cannot be undone"), "{html}");

        // A merge that cannot be done says why, under the field, and changes nothing.
        for (into, message) in [("", "must not be blank"), ("edri", "name the one to keep"), ("no-such-org", "no organisation")] {
            let r = browser.submit(page, "/dashboard/organisations/edri/merge", &[("into", into)]).await;
            assert_eq!(r.status(), 422, "{into:?}");
            let html = r.text().await.unwrap();
            assert!(field_error(&html, "into").unwrap().contains(message), "{into:?}: {html}");
            assert!(html.contains(&format!("name=\"into\" value=\"{into}\"")), "the typed value stays");
        }
        assert_eq!(app.total("/api/v1/organisations").await, 3);
        assert_eq!(organisation(&app, "edri").await.0, 200);

        let r = browser
            .submit(page, "/dashboard/organisations/edri/merge", &[("into", "european-digital-rights")])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard/organisations/european-digital-rights?done=merged");
        let (status, html) = browser.page(&location(&r)).await;
        assert_eq!(status, 200);
        assert!(html.contains("Merged:"), "{html}");

        // The API shows one organisation where there were two, with the signatures.
        assert_eq!(organisation(&app, "edri").await.0, 404);
        assert_eq!(app.total("/api/v1/organisations?q=european").await, 1);
        assert_eq!(app.total("/api/v1/organisations?q=edri").await, 0);
        assert_eq!(app.total("/api/v1/organisations").await, 2);
        let listed = |list: Value| -> Vec<(String, String)> {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["name"].as_str().unwrap().to_string(), r["country"]["code"].as_str().unwrap().to_string()))
                .collect()
        };
        let mut both = listed(app.signatories("both").await);
        both.sort();
        assert_eq!(both, [("Access Now".into(), "US".into()), ("European Digital Rights".into(), "BE".into())], "one signature per organisation");
        assert_eq!(listed(app.signatories("dup-only").await), [("European Digital Rights".to_string(), "BE".to_string())]);
        assert_eq!(member_slugs(&app, HOME).await, ["european-digital-rights"]);
        assert_eq!(browser.page(page).await.0, 404);
    }
);

db_test!(
    async fn a_coordinator_links_and_unlinks_member_organisations(app) {
        for (name, country) in [("Bits of Freedom", "NL"), ("Access Now", "US")] {
            let r = app.post("/api/v1/organisations", &json!({"name": name, "country": country})).await;
            assert_eq!(r.status(), 201);
        }
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (_, html) = browser.page("/dashboard/organisations").await;
        assert!(html.contains(&format!("href=\"/dashboard/coalitions/{HOME}/organisations\"")), "{html}");
        let page = format!("/dashboard/coalitions/{HOME}/organisations");
        let (status, html) = browser.page(&page).await;
        assert_eq!(status, 200);
        assert!(html.contains("No member organisations yet"), "{html}");

        let r = browser.submit(&page, &page, &[("organisation", "bits-of-freedom")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?done=linked"));
        let r = browser.submit(&page, &page, &[("organisation", "access-now")]).await;
        assert_eq!(r.status(), 303);
        let r = browser.submit(&page, &page, &[("organisation", "access-now")]).await;
        assert_eq!(r.status(), 303, "linking twice is harmless");
        assert_eq!(member_slugs(&app, HOME).await, ["access-now", "bits-of-freedom"]);
        let (_, html) = browser.page(&page).await;
        assert!(html.contains(">Bits of Freedom</a>") && html.contains(">Access Now</a>"), "{html}");
        assert!(html.contains("(2)"), "{html}");

        for (typed, message) in [("no-such-org", "no organisation"), ("  ", "must not be blank")] {
            let r = browser.submit(&page, &page, &[("organisation", typed)]).await;
            assert_eq!(r.status(), 422, "{typed:?}");
            let html = r.text().await.unwrap();
            assert!(field_error(&html, "organisation").unwrap().contains(message), "{typed:?}: {html}");
        }
        assert_eq!(browser.page("/dashboard/coalitions/no-such/organisations").await.0, 404);

        let unlink = format!("{page}/access-now/unlink");
        let (_, html) = browser.page(&page).await;
        assert!(html.contains(&format!("action=\"{unlink}\"")), "{html}");
        let r = browser.submit(&page, &unlink, &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?done=unlinked"));
        assert_eq!(member_slugs(&app, HOME).await, ["bits-of-freedom"]);
        assert_eq!(app.total("/api/v1/organisations").await, 2, "it stays in the directory");
    }
);

db_test!(
    // Issue 18, finding 7: the dashboard offered coordinators a form to add territories; now it
    // lists them, and adding one is the operator's.
    async fn coordinators_see_the_territories_the_operator_added_and_use_them(app) {
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let page = "/dashboard/countries";
        let (status, html) = browser.page(page).await;
        assert_eq!(status, 200);
        assert!(html.contains("None yet") && html.contains("ask the operator"), "{html}");
        assert!(!html.contains("name=\"alpha3\""), "no form to add one: {html}");

        let r = browser
            .submit(page, page, &[("code", "xk"), ("alpha3", "xkx"), ("name", "Kosovo")])
            .await;
        assert!([404, 405].contains(&r.status().as_u16()), "{}", r.status());
        assert_eq!(app.get("/api/v1/countries/XK").await.status(), 404);

        let r = app
            .post_as(ADMIN_TOKEN, "/api/v1/countries", &json!({"code": "XK", "alpha3": "XKX", "name": "Kosovo"}))
            .await;
        assert_eq!(r.status(), 201);
        let (_, html) = browser.page(page).await;
        assert!(html.contains("<td data-label=\"Name\">Kosovo</td>"), "{html}");

        // The new territory is a country at once.
        let r = browser
            .submit("/dashboard/organisations/new", "/dashboard/organisations", &org_form("Kosovo 2.0", "Kosovo", "", "unverified"))
            .await;
        assert_eq!(r.status(), 303);
        let (_, org) = organisation(&app, &location(&r).trim_start_matches("/dashboard/organisations/").replace("?done=created", "")).await;
        assert_eq!(org["country"]["code"], "XK", "{org}");
    }
);

db_test!(
    async fn viewers_may_read_but_every_change_is_refused_and_forms_need_their_csrf_token(app) {
        for (name, country) in [("Access Now", "US"), ("Access Now Europe", "BE")] {
            let r = app.post("/api/v1/organisations", &json!({"name": name, "country": country})).await;
            assert_eq!(r.status(), 201);
        }
        let members = format!("/api/v1/coalitions/{HOME}/organisations");
        assert_eq!(app.post(&members, &json!({"organisation": "access-now"})).await.status(), 201);
        app.account("viewer@undersigned.test", "Vera Viewer").await;
        app.add_member(HOME, "viewer@undersigned.test", "viewer").await;
        let before = status_json(app.get_authed("/api/v1/organisations").await).await.1;

        let viewer = Browser::signed_in(&app, "viewer@undersigned.test").await;
        let (status, html) = viewer.page("/dashboard/organisations").await;
        assert_eq!(status, 200);
        assert!(html.contains(">Access Now</a>") && !html.contains("Add an organisation"), "{html}");
        let (status, html) = viewer.page("/dashboard/organisations/access-now").await;
        assert_eq!(status, 200);
        assert!(!html.contains("name=\"verification\"") && !html.contains("/merge"), "no forms: {html}");
        let page = format!("/dashboard/coalitions/{HOME}/organisations");
        let (status, html) = viewer.page(&page).await;
        assert_eq!(status, 200);
        assert!(html.contains(">Access Now</a>") && !html.contains("/unlink") && !html.contains("name=\"organisation\""), "{html}");
        assert_eq!(viewer.page("/dashboard/organisations/new").await.0, 403);
        assert_eq!(viewer.page("/dashboard/countries").await.0, 200);

        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            ("/dashboard/organisations".into(), org_form("New Org", "FR", "", "unverified")),
            ("/dashboard/organisations/access-now".into(), org_form("Access Now", "US", "", "coordinator")),
            ("/dashboard/organisations/access-now-europe/merge".into(), vec![("into", "access-now")]),
            (page.clone(), vec![("organisation", "access-now-europe")]),
            (format!("{page}/access-now/unlink"), vec![]),
        ];
        for (action, fields) in &posts {
            let r = viewer.submit("/dashboard/organisations", action, fields).await;
            assert_eq!(r.status(), 403, "viewer: {action}");
            let html = r.text().await.unwrap();
            assert!(html.contains("coordinator role"), "{action}: {html}");
        }

        // The owner, signed in, without the token or with another one: refused, nothing done.
        let owner = Browser::signed_in(&app, OWNER_EMAIL).await;
        for (action, fields) in &posts {
            for token in [None, Some("0".repeat(64))] {
                let mut form: Vec<(&str, &str)> = fields.clone();
                if let Some(t) = &token {
                    form.push(("csrf_token", t));
                }
                let r = owner.client.post(app.url(action)).form(&form).send().await.unwrap();
                assert_eq!(r.status(), 403, "{action} with {token:?}");
            }
        }
        // Nobody signed in is sent to the sign-in page.
        let stranger = Browser::new(&app);
        let r = stranger.client.post(app.url("/dashboard/organisations")).form(&org_form("X", "FR", "", "unverified")).send().await.unwrap();
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/login".to_string()));

        assert_eq!(status_json(app.get_authed("/api/v1/organisations").await).await.1, before);
        assert_eq!(member_slugs(&app, HOME).await, ["access-now"]);
        assert_eq!(app.get("/api/v1/countries/XK").await.status(), 404);
    }
);

db_test!(
    // Issue 18, finding 3: the dashboard's directory follows the API's rule — another
    // coalition's coordinator may not rename an organisation one of ours has, only check it.
    async fn the_dashboard_refuses_another_coalition_s_rewrite_of_a_shared_organisation(app) {
        let r = app.post("/api/v1/organisations", &json!({"name": "Access Now", "country": "US"})).await;
        assert_eq!(r.status(), 201);
        let r = app.post(&format!("/api/v1/coalitions/{HOME}/organisations"), &json!({"organisation": "access-now"})).await;
        assert_eq!(r.status(), 201);
        let bea = app.account("bea@coalition-b.example", "Bea B").await;
        let r = app.post_as(&bea, "/api/v1/coalitions", &json!({"slug": "coalition-b", "name": "Coalition B"})).await;
        assert_eq!(r.status(), 201);

        let browser = Browser::signed_in(&app, "bea@coalition-b.example").await;
        let page = "/dashboard/organisations/access-now";
        let r = browser.submit(page, page, &org_form("Access Now (fake)", "US", "https://evil.example", "unverified")).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.unwrap();
        assert!(field_error(&html, "name").unwrap().contains("operator"), "{html}");
        let (_, org) = organisation(&app, "access-now").await;
        assert_eq!((org["name"].as_str(), org["website"].as_str()), (Some("Access Now"), None));

        // The same form with nothing but B's own check changed is B's to send.
        let r = browser.submit(page, page, &org_form("Access Now", "US", "", "coordinator")).await;
        assert_eq!(r.status(), 303);
        let (_, html) = browser.page(page).await;
        assert!(html.contains("<strong id=\"verification-state\">coordinator</strong>"), "B sees its check: {html}");
        assert_eq!(organisation(&app, "access-now").await.1["verification"], "unverified", "not for us");
    }
);
