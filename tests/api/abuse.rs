//! Abuse controls: the honeypot, one address per letter (as its mailbox sees it), the per-letter
//! rate limit, the cap on unconfirmed signatures per email domain, finding and rejecting in bulk
//! by domain, network or time (API and dashboard), and the surge alert.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{location, signer, status_json, Backend, Browser, TestApp, OWNER_EMAIL};

async fn signatures(app: &TestApp, letter: &str) -> Vec<Value> {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/signatures?per_page=200"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn form<'a>(org: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisation_name", org),
        ("country", "FR"),
        ("website", ""),
        ("representative_name", "Ada Lovelace"),
        ("representative_role", "Director"),
        ("email", email),
        ("comment", ""),
        ("consent", "yes"),
    ]
}

db_test!(
    async fn a_filled_honeypot_looks_like_success_but_stores_and_sends_nothing(app) {
        let letter = app.open_letter("l", "auto").await;
        let (_, page) = Browser::new(&app).page("/letters/l").await;
        assert!(page.contains(r#"name="fax" value="" tabindex="-1" autocomplete="off""#), "{page}");
        assert!(page.contains(r#"<div class="hp"><label for="fax">Leave this field empty</label>"#));

        let browser = Browser::new(&app);
        let mut fields = form("Bot Org", "bot@example.org");
        fields.push(("fax", "+1 555 0100"));
        let r = browser.submit("/letters/l", "/letters/l/sign", &fields).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/letters/l/signed?lang=en", "as for a person (in the form's language)");
        assert!(signatures(&app, &letter).await.is_empty());
        assert_eq!(app.outbox().await["total"], 0);
        assert_eq!(app.total("/api/v1/organisations?q=bot").await, 0);

        // Invalid input still answers as for a person: the form again, with its errors.
        let mut fields = form("", "bot@example.org");
        fields.push(("fax", "x"));
        let r = browser.submit("/letters/l", "/letters/l/sign", &fields).await;
        assert_eq!(r.status(), 422);

        // The same form left empty signs.
        let r = browser.submit("/letters/l", "/letters/l/sign", &form("Real Org", "real@example.org")).await;
        assert_eq!(r.status(), 303);
        assert_eq!(signatures(&app, &letter).await.len(), 1);
        app.mail.wait_for(1).await;
    }
);

db_test!(
    async fn one_mailbox_signs_a_letter_for_one_organisation(app) {
        let letter = app.open_letter("l", "auto").await;
        for (org, email) in [
            ("Org A", "Jane.Doe+letters@gmail.com"),
            ("Org B", "janedoe@googlemail.com"),
            ("Org C", "j.a.n.e.d.o.e+x@GMAIL.com"),
        ] {
            assert_eq!(app.sign(&letter, &signer(org, "FR", email)).await.status(), 202);
        }
        let list = signatures(&app, &letter).await;
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0]["organisation"]["name"], "Org A");
        // The address as typed is what mail goes to.
        assert_eq!(list[0]["email"], "Jane.Doe+letters@gmail.com");
        let mails = app.mail.wait_for(1).await;
        assert_eq!(mails[0].to, vec!["Jane.Doe+letters@gmail.com".to_string()]);

        // Sub-addressing at a provider that ignores tags, and case, elsewhere.
        assert_eq!(app.sign(&letter, &signer("Org D", "FR", "sam+1@outlook.com")).await.status(), 202);
        assert_eq!(app.sign(&letter, &signer("Org E", "FR", "SAM+2@Outlook.com")).await.status(), 202);
        assert_eq!(app.sign(&letter, &signer("Org F", "FR", "Pat@Example.org")).await.status(), 202);
        assert_eq!(app.sign(&letter, &signer("Org G", "FR", "pat@example.org")).await.status(), 202);
        // At a domain that does not drop tags, a tag is another mailbox.
        assert_eq!(app.sign(&letter, &signer("Org H", "FR", "pat+h@example.org")).await.status(), 202);
        let names: Vec<String> = signatures(&app, &letter)
            .await
            .iter()
            .map(|s| s["organisation"]["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        for gone in ["Org B", "Org C", "Org E", "Org G"] {
            assert!(!names.contains(&gone.to_string()), "{names:?}");
        }

        // Another letter is another question; the same organisation again re-sends.
        let other = app.open_letter("other", "auto").await;
        assert_eq!(app.sign(&other, &signer("Org B", "FR", "janedoe@gmail.com")).await.status(), 202);
        assert_eq!(signatures(&app, &other).await.len(), 1);
        assert_eq!(app.sign(&letter, &signer("Org A", "FR", "janedoe@gmail.com")).await.status(), 202);
        let a = &signatures(&app, &letter).await;
        let a = a.iter().find(|s| s["organisation"]["name"] == "Org A").unwrap();
        assert_eq!(a["state"], "pending");

        // Once withdrawn (or expired), the address is free again.
        let mails = app.mail.wait_for(5).await;
        let first = mails.iter().find(|m| m.to[0] == "Jane.Doe+letters@gmail.com").unwrap();
        let r = app
            .client
            .post(app.url("/api/v1/signatures/withdraw"))
            .json(&json!({"token": first.token("withdraw")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(app.sign(&letter, &signer("Org B", "FR", "jane.doe@gmail.com")).await.status(), 202);
        let list = signatures(&app, &letter).await;
        assert!(list.iter().any(|s| s["organisation"]["name"] == "Org B" && s["state"] == "pending"), "{list:?}");
    }
);

db_test!(
    async fn signing_is_rate_limited_per_letter(app, |s| {
        s.sign_rate_per_letter_per_minute = 1;
        s.sign_rate_per_letter_burst = 2;
    }) {
        let busy = app.open_letter("busy", "auto").await;
        let calm = app.open_letter("calm", "auto").await;
        for i in 0..2 {
            let r = app.sign(&busy, &signer(&format!("Org {i}"), "FR", &format!("o{i}@example.org"))).await;
            assert_eq!(r.status(), 202);
        }
        let r = app.sign(&busy, &signer("Org 3", "FR", "o3@example.org")).await;
        assert_eq!(r.status(), 429);
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(wait >= 1);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "too_many_requests");
        assert!(body["error"]["message"].as_str().unwrap().contains("this letter"), "{body}");
        // The form is limited with the API: same letter, same budget.
        let r = Browser::new(&app)
            .submit("/letters/busy", "/letters/busy/sign", &form("Org 4", "o4@example.org"))
            .await;
        assert_eq!(r.status(), 429);
        // Another letter, from the same address, is not.
        let r = app.sign(&calm, &signer("Org 5", "FR", "o5@example.org")).await;
        assert_eq!(r.status(), 202);
        assert_eq!(signatures(&app, &busy).await.len(), 2);
        // Reading is not limited.
        assert_eq!(app.get("/api/v1/letters/busy/signatories").await.status(), 200);
    }
);

db_test!(
    async fn unconfirmed_signatures_are_capped_per_email_domain(app, |s| {
        s.unconfirmed_per_domain_per_hour = 2;
    }) {
        let letter = app.open_letter("l", "auto").await;
        let other = app.open_letter("other", "auto").await;
        assert_eq!(app.sign(&letter, &signer("Flood 1", "FR", "a@flood.example")).await.status(), 202);
        assert_eq!(app.sign(&other, &signer("Flood 2", "FR", "b@Flood.example")).await.status(), 202);
        let r = app.sign(&letter, &signer("Flood 3", "FR", "c@flood.example")).await;
        assert_eq!(r.status(), 429);
        let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=3600).contains(&wait), "{wait}");
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("flood.example"), "{body}");
        assert!(!body.to_string().contains("Flood 1"));
        assert_eq!(signatures(&app, &letter).await.len(), 1);
        assert_eq!(app.total("/api/v1/organisations?q=flood").await, 2, "no organisation made");
        // Other domains, and free-mail providers, are not held up.
        assert_eq!(app.sign(&letter, &signer("Calm", "FR", "x@calm.example")).await.status(), 202);
        for i in 0..3 {
            let email = format!("person{i}@gmail.com");
            assert_eq!(app.sign(&letter, &signer(&format!("Free {i}"), "FR", &email)).await.status(), 202);
        }
        // Confirmed signatures do not count: confirming one frees a place.
        let mails = app.mail.wait_for(6).await;
        let first = mails.iter().find(|m| m.to[0] == "a@flood.example").unwrap();
        let r = app
            .client
            .post(app.url("/api/v1/signatures/confirm"))
            .json(&json!({"token": first.token("confirm")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(app.sign(&letter, &signer("Flood 3", "FR", "c@flood.example")).await.status(), 202);
        assert_eq!(app.sign(&letter, &signer("Flood 4", "FR", "d@flood.example")).await.status(), 429);
        // The form answers 429 too.
        let r = Browser::new(&app)
            .submit("/letters/l", "/letters/l/sign", &form("Flood 5", "e@flood.example"))
            .await;
        assert_eq!(r.status(), 429);
    }
);

db_test!(
    async fn coordinators_preview_then_reject_by_domain(app) {
        let letter = app.open_letter("l", "auto").await;
        app.sign_and_confirm(&letter, &signer("Fake One", "FR", "one@bad.example")).await;
        app.sign_and_confirm(&letter, &signer("Fake Two", "FR", "two@bad.example")).await;
        app.sign_and_confirm(&letter, &signer("Real Org", "FR", "real@good.example")).await;
        assert_eq!(app.sign(&letter, &signer("Fake Three", "FR", "three@bad.example")).await.status(), 202);
        assert_eq!(app.signatories(&letter).await["total"], 3);

        // A filter is required; fields are checked.
        let (status, body) = status_json(app.get_authed("/api/v1/letters/l/signatures/find").await).await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = status_json(app.get_authed("/api/v1/letters/l/signatures/find?network=1.2.3.4&since=yesterday").await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["network"].is_array() && body["error"]["fields"]["since"].is_array(), "{body}");

        let (status, preview) = status_json(app.get_authed("/api/v1/letters/l/signatures/find?email_domain=BAD.example").await).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["total"], 3);
        assert_eq!(preview["by_state"], json!({"pending": 1, "confirmed": 0, "published": 2}));
        assert_eq!(preview["signatures"]["items"].as_array().unwrap().len(), 3);
        assert_eq!(preview["signatures"]["total"], 3);

        // A count that is not the preview's changes nothing.
        let reject = |expected: i64| json!({"email_domain": "bad.example", "reason": "one person, invented organisations", "expected": expected});
        let (status, body) = status_json(app.post("/api/v1/letters/l/signatures/reject-matching", &reject(2)).await).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "preview_changed");
        assert_eq!(app.signatories(&letter).await["total"], 3);
        let (status, body) = status_json(app.post("/api/v1/letters/l/signatures/reject-matching", &json!({"email_domain": "bad.example", "expected": 3})).await).await;
        assert_eq!(status, 422, "{body}");

        let (status, body) = status_json(app.post("/api/v1/letters/l/signatures/reject-matching", &reject(3)).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, json!({"rejected": 3, "removed_from_list": 2}));
        let listed = app.signatories(&letter).await;
        assert_eq!(listed["total"], 1, "{listed}");
        let states: Vec<(String, String)> = signatures(&app, &letter)
            .await
            .iter()
            .map(|s| (s["organisation"]["name"].as_str().unwrap().into(), s["state"].as_str().unwrap().into()))
            .collect();
        for (name, state) in &states {
            let want = if name == "Real Org" { "published" } else { "rejected" };
            assert_eq!(state, want, "{states:?}");
        }
        // The ledger says they were removed, and still verifies.
        let (_, ledger) = status_json(app.get("/api/v1/letters/l/ledger?all=true").await).await;
        let removed = ledger["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "removed").count();
        assert_eq!(removed, 2, "{ledger}");
        assert!(app.verify(&letter, None).await.ok());
        // One audit event, with the filter and the count and no address.
        let (_, audit) = status_json(app.get_authed("/api/v1/letters/l/audit?per_page=200").await).await;
        let events: Vec<&Value> = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "signatures.rejected_matching").collect();
        assert_eq!(events.len(), 1, "{audit}");
        let text = events[0].to_string();
        assert!(text.contains("bad.example") && text.contains("\"rejected\":3"), "{text}");
        assert!(!text.contains("one@bad.example"), "{text}");
        // Nothing matches any more.
        let (_, preview) = status_json(app.get_authed("/api/v1/letters/l/signatures/find?email_domain=bad.example").await).await;
        assert_eq!(preview["total"], 0);
    }
);

db_test!(
    async fn coordinators_find_by_network_and_time_but_never_see_an_address(app) {
        let letter = app.open_letter("l", "manual").await;
        assert_eq!(app.sign(&letter, &signer("Org A", "FR", "a@a.example")).await.status(), 202);
        assert_eq!(app.sign(&letter, &signer("Org B", "FR", "b@b.example")).await.status(), 202);
        // Both confirmation mails out before the rejection: the worker does not send a rejected
        // signature's mail, so waiting for them afterwards raced the worker.
        let mails = app.mail.wait_for(2).await;
        let list = signatures(&app, &letter).await;
        let network = list[0]["network"].as_str().unwrap().to_string();
        assert_eq!(network.len(), 16);
        assert!(network.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(list[1]["network"], network.as_str(), "one machine, one network");
        let all = serde_json::to_string(&list).unwrap();
        assert!(!all.contains("127.0.0"), "{all}");

        let since = list[1]["created_at"].as_str().unwrap().to_string();
        let path = format!("/api/v1/letters/l/signatures/find?network={network}&since={}", since.replace('+', "%2B"));
        let (status, preview) = status_json(app.get_authed(&path).await).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["total"], 2);
        let (_, none) = status_json(app.get_authed("/api/v1/letters/l/signatures/find?network=0000000000000000").await).await;
        assert_eq!(none["total"], 0);
        let (_, later) = status_json(app.get_authed("/api/v1/letters/l/signatures/find?since=2999-01-01T00:00:00Z").await).await;
        assert_eq!(later["total"], 0);

        let (status, body) = status_json(app.post("/api/v1/letters/l/signatures/reject-matching",
            &json!({"network": network, "state": "pending", "reason": "flood", "expected": 2})).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["rejected"], 2);
        assert_eq!(body["removed_from_list"], 0);
        // Their confirmation links no longer work.
        let r = app.client.post(app.url("/api/v1/signatures/confirm"))
            .json(&json!({"token": mails[0].token("confirm")})).send().await.unwrap();
        assert_eq!(r.status(), 409);

        // Anyone else: no.
        let r = app.client.get(app.url(&format!("/api/v1/letters/l/signatures/find?network={network}"))).send().await.unwrap();
        assert_eq!(r.status(), 401);
    }
);

db_test!(
    async fn the_dashboard_finds_previews_and_rejects(app) {
        let letter = app.open_letter("l", "auto").await;
        app.sign_and_confirm(&letter, &signer("Fake One", "FR", "one@bad.example")).await;
        app.sign_and_confirm(&letter, &signer("Real Org", "FR", "real@good.example")).await;
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (status, html) = browser.page("/dashboard/letters/l/signatures").await;
        assert_eq!(status, 200);
        assert!(html.contains("/dashboard/letters/l/find"), "{html}");

        let (status, html) = browser.page("/dashboard/letters/l/find").await;
        assert_eq!(status, 200);
        assert!(!html.contains("id=\"preview\""));
        let (status, html) = browser.page("/dashboard/letters/l/find?email_domain=no+domain").await;
        assert_eq!(status, 422, "{html}");
        let (status, html) = browser.page("/dashboard/letters/l/find?email_domain=bad.example").await;
        assert_eq!(status, 200);
        assert!(html.contains("1 signature(s) match"), "{html}");
        assert!(html.contains("Fake One") && !html.contains("Real Org"), "{html}");

        // The preview's count goes with the form; a changed count changes nothing.
        let fields = [("email_domain", "bad.example"), ("network", ""), ("since", ""), ("until", ""), ("state", ""), ("reason", "fake")];
        let mut stale = fields.to_vec();
        stale.push(("expected", "5"));
        let r = browser.submit("/dashboard/letters/l/find?email_domain=bad.example", "/dashboard/letters/l/reject-matching", &stale).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.unwrap();
        assert!(html.contains("preview again") && html.contains("1 signature(s) match"), "{html}");
        assert_eq!(app.signatories(&letter).await["total"], 2);

        let mut fresh = fields.to_vec();
        fresh.push(("expected", "1"));
        let r = browser.submit("/dashboard/letters/l/find?email_domain=bad.example", "/dashboard/letters/l/reject-matching", &fresh).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard/letters/l/find?rejected=1");
        assert_eq!(app.signatories(&letter).await["total"], 1);
        // Without the CSRF token: refused.
        let r = browser.client.post(app.url("/dashboard/letters/l/reject-matching")).form(&fresh).send().await.unwrap();
        assert_eq!(r.status(), 403);
    }
);

db_test!(
    async fn the_letter_page_warns_when_one_domain_surges(app, |s| {
        s.surge_min_signatures = 2;
        s.surge_min_share_percent = 50;
    }) {
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        // Free mail never counts as one sender: three of three from gmail.com is no surge.
        let free = app.open_letter("free", "manual").await;
        for i in 0..3 {
            let email = format!("p{i}@gmail.com");
            assert_eq!(app.sign(&free, &signer(&format!("Free {i}"), "FR", &email)).await.status(), 202);
        }
        let (_, html) = browser.page("/dashboard/letters/free").await;
        assert!(!html.contains("addresses at"), "{html}");
        // …but one network making them all is (3 > 2, 100% > 50%).
        assert!(html.contains("Surge: 3 of the 3 signatures") && html.contains("from one network"), "{html}");

        let letter = app.open_letter("l", "manual").await;
        for (i, domain) in ["surge.example", "surge.example"].iter().enumerate() {
            let email = format!("p{i}@{domain}");
            assert_eq!(app.sign(&letter, &signer(&format!("Org {i}"), "FR", &email)).await.status(), 202);
        }
        // Two of two: all of them, but not more than two.
        let (_, html) = browser.page("/dashboard/letters/l").await;
        assert!(!html.contains("addresses at"), "{html}");
        for i in 2..4 {
            let email = format!("p{i}@gmail.com");
            assert_eq!(app.sign(&letter, &signer(&format!("Org {i}"), "FR", &email)).await.status(), 202);
        }
        assert_eq!(app.sign(&letter, &signer("Org 9", "FR", "p9@surge.example")).await.status(), 202);
        let (_, html) = browser.page("/dashboard/letters/l").await;
        assert!(html.contains("Surge: 3 of the 5 signatures"), "{html}");
        assert!(html.contains("addresses at surge.example"), "{html}");
        assert!(html.contains("/dashboard/letters/l/find?email_domain=surge.example&amp;since="), "{html}");
        assert!(html.contains("from one network"), "{html}");
        // Diluted below half (3 of 7), the domain no longer surges, though it made more than two.
        for (i, email) in ["x@a.example", "y@b.example"].iter().enumerate() {
            assert_eq!(app.sign(&letter, &signer(&format!("Other {i}"), "FR", email)).await.status(), 202);
        }
        let (_, html) = browser.page("/dashboard/letters/l").await;
        assert!(!html.contains("addresses at surge.example"), "{html}");
        assert!(html.contains("Surge: 7 of the 7 signatures"), "{html}");
    }
);

/// Run SQL against the app's database, as an older release would have left it.
fn execute(app: &TestApp, sql: &str) -> usize {
    use diesel::{Connection, RunQueryDsl};
    match app.backend {
        Backend::Sqlite => {
            let path = app.db.url.trim_start_matches("sqlite://");
            let mut c = diesel::SqliteConnection::establish(path).unwrap();
            diesel::sql_query("PRAGMA busy_timeout = 10000")
                .execute(&mut c)
                .unwrap();
            diesel::sql_query(sql).execute(&mut c).unwrap()
        }
        Backend::Postgres => {
            let mut c = diesel::PgConnection::establish(&app.db.url).unwrap();
            diesel::sql_query(sql).execute(&mut c).unwrap()
        }
    }
}

db_test!(
    async fn older_rows_get_their_address_keys_and_erasure_forgets_them(app) {
        let letter = app.open_letter("l", "auto").await;
        assert_eq!(app.sign(&letter, &signer("Org A", "FR", "J.Ane+x@gmail.com")).await.status(), 202);
        // A row from before the keys existed: the start-up backfill gives it one.
        assert_eq!(execute(&app, "UPDATE signatures SET email_key = '', email_domain = ''"), 1);
        let settings = crate::helpers::settings_for(&app.db);
        tokio::task::spawn_blocking(move || undersigned::startup::prepare_database(&settings).map(|_| ()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(app.sign(&letter, &signer("Org B", "FR", "jane@gmail.com")).await.status(), 202);
        let list = signatures(&app, &letter).await;
        assert_eq!(list.len(), 1, "{list:?}");

        // Erasing the signer's address erases its key too: nothing of it is left to match.
        let id = list[0]["id"].as_str().unwrap();
        let (status, body) = status_json(app.post(&format!("/api/v1/signatures/{id}/erase"), &json!({})).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.sign(&letter, &signer("Org B", "FR", "jane@gmail.com")).await.status(), 202);
        assert_eq!(signatures(&app, &letter).await.len(), 2);
    }
);
