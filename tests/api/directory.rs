//! The directory and the life cycle without anyone asking: deadlines that close letters by
//! themselves, the member organisations of a coalition, and merging two duplicate organisations.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{json, Value};
use undersigned::db::schema::{organisations, signatures};
use undersigned::db::{DatabaseUrl, Db};
use undersigned::verify::Report;

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp, HOME};

/// Create a letter in a new coalition with a deadline `secs` from now, and open it.
pub async fn letter_due_in(app: &TestApp, slug: &str, secs: i64) -> chrono::DateTime<chrono::Utc> {
    let coalition = app.coalition(&format!("c-{slug}")).await;
    let deadline = chrono::Utc::now() + chrono::Duration::seconds(secs);
    let (status, body) = status_json(
        app.post(
            "/api/v1/letters",
            &json!({
                "slug": slug, "coalition": coalition, "title": format!("Letter {slug}"),
                "body": "Dear CEO,", "recipient_name": "The CEO",
                "deadline": deadline.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = status_json(
        app.post(
            &format!("/api/v1/letters/{slug}/transition"),
            &json!({"to": "open"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "open");
    deadline
}

/// The letter's audit log, read with the owner's token.
pub async fn audit(app: &TestApp, letter: &str) -> Vec<Value> {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

pub fn closed_by_the_service(entry: &Value) -> bool {
    entry["action"] == "letter.state_changed" && entry["actor_kind"] == "system"
}

db_test!(
    async fn a_letter_closes_by_itself_when_its_deadline_passes(app, |s| s.deadline_poll_ms = 100) {
        letter_due_in(&app, "due-soon", 2).await;
        let started = Instant::now();
        // Read the letter after the log shows the closing: read before, it could still be open.
        let log = loop {
            let log = audit(&app, "due-soon").await;
            if log.iter().any(closed_by_the_service) {
                break log;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "never closed: {log:?}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        };
        let (_, letter) = status_json(app.get("/api/v1/letters/due-soon").await).await;
        assert_eq!(letter["state"], "closed", "{letter}");
        assert!(letter["closed_at"].is_string(), "{letter}");
        let closing: Vec<&Value> = log.iter().filter(|e| closed_by_the_service(e)).collect();
        assert_eq!(closing.len(), 1, "closed once: {log:?}");
        assert_eq!(closing[0]["details"], json!({"from": "open", "to": "closed", "reason": "deadline"}));
        assert_eq!(closing[0]["actor_name"], "the service");

        // Signing is refused, and the worker's next rounds change nothing.
        let (status, body) =
            status_json(app.sign("due-soon", &signer("Late Org", "FR", "late@example.org")).await).await;
        assert_eq!(status, 409, "{body}");
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(audit(&app, "due-soon").await.len(), log.len());
    }
);

db_test!(
    async fn an_overdue_letter_reads_as_closed_before_the_worker_closes_it(app, |s| s.deadline_poll_ms = 3_600_000) {
        let deadline = letter_due_in(&app, "overdue", 1).await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({
                    "slug": "late-draft", "coalition": "c-overdue", "title": "Too late",
                    "body": "Dear CEO,", "recipient_name": "The CEO",
                    "deadline": deadline.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let r = app.get("/api/v1/letters/overdue").await;
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let wait = (deadline - chrono::Utc::now()).to_std().unwrap_or_default();
        actix_web::rt::time::sleep(wait + Duration::from_millis(50)).await;

        // The worker sleeps for an hour, so the database still says open; no read does.
        let r = app
            .client
            .get(app.url("/api/v1/letters/overdue"))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "a new state is a new tag");
        let letter: Value = r.json().await.unwrap();
        assert_eq!(letter["state"], "closed", "{letter}");
        assert!(letter["closed_at"].is_string(), "{letter}");
        let slugs = |body: Value| -> Vec<String> {
            body["items"].as_array().unwrap().iter().map(|l| l["slug"].as_str().unwrap().to_string()).collect()
        };
        assert!(!slugs(status_json(app.get("/api/v1/letters?state=open").await).await.1).contains(&"overdue".to_string()));
        assert!(slugs(status_json(app.get("/api/v1/letters?state=closed").await).await.1).contains(&"overdue".to_string()));
        let page = app.get("/letters/overdue").await.text().await.unwrap();
        assert!(!page.contains("name=\"representative_name\""), "no sign form on a closed letter");
        let (status, _) =
            status_json(app.sign("overdue", &signer("Late Org", "FR", "late@example.org")).await).await;
        assert_eq!(status, 409);
        assert!(!audit(&app, "overdue").await.iter().any(closed_by_the_service));
        // A draft whose deadline has passed does not open.
        let (status, body) = status_json(
            app.post("/api/v1/letters/late-draft/transition", &json!({"to": "open"})).await,
        )
        .await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "deadline_passed");

        // A coordinator's move starts from what they see: the service closes it first.
        let (status, body) = status_json(
            app.post("/api/v1/letters/overdue/transition", &json!({"to": "closed"})).await,
        )
        .await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = status_json(
            app.post("/api/v1/letters/overdue/transition", &json!({"to": "delivered"})).await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "delivered");
        let log = audit(&app, "overdue").await;
        let moves: Vec<(&str, &str)> = log
            .iter()
            .filter(|e| e["action"] == "letter.state_changed")
            .map(|e| (e["actor_kind"].as_str().unwrap(), e["details"]["to"].as_str().unwrap()))
            .collect();
        assert_eq!(moves, [("user", "open"), ("system", "closed"), ("user", "delivered")]);
    }
);

/// The names of a coalition's member organisations.
async fn members(app: &TestApp, coalition: &str) -> Vec<String> {
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
        .map(|m| m["organisation"]["name"].as_str().unwrap().to_string())
        .collect()
}

async fn coalition_actions(app: &TestApp, coalition: &str) -> Vec<String> {
    let (_, body) = status_json(
        app.get_authed(&format!(
            "/api/v1/coalitions/{coalition}/audit?per_page=200"
        ))
        .await,
    )
    .await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

db_test!(
    async fn coordinators_link_and_unlink_member_organisations(app) {
        for (name, country) in [("Bits of Freedom", "NL"), ("Access Now", "US"), ("Article 19", "GB")] {
            let r = app.post("/api/v1/organisations", &json!({"name": name, "country": country})).await;
            assert_eq!(r.status(), 201);
        }
        let path = format!("/api/v1/coalitions/{HOME}/organisations");
        let (status, body) = status_json(app.post(&path, &json!({"organisation": "bits-of-freedom"})).await).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["organisation"]["slug"], "bits-of-freedom");
        assert!(body["linked_at"].is_string());
        let id = status_json(app.get_authed("/api/v1/organisations/access-now").await).await.1["id"].clone();
        let (status, _) = status_json(app.post(&path, &json!({"organisation": id})).await).await;
        assert_eq!(status, 201, "by id");
        // Linking twice is harmless: same answer, no second audit row.
        let (status, again) = status_json(app.post(&path, &json!({"organisation": "bits-of-freedom"})).await).await;
        assert_eq!(status, 200);
        assert_eq!(again["linked_at"], body["linked_at"]);
        assert_eq!(members(&app, HOME).await, ["Access Now", "Bits of Freedom"]);
        let (_, page) = status_json(app.get_authed(&format!("{path}?per_page=1&page=2")).await).await;
        assert_eq!((page["total"].as_i64(), page["items"][0]["organisation"]["name"].as_str()), (Some(2), Some("Bits of Freedom")));
        let linked = coalition_actions(&app, HOME).await.iter().filter(|a| *a == "organisation.linked").count();
        assert_eq!(linked, 2);

        // Unlinking: the organisation stays in the directory; twice is harmless.
        let r = app.post(&format!("{path}/access-now/unlink"), &json!({})).await;
        assert_eq!(r.status(), 204);
        let r = app.post(&format!("{path}/access-now/unlink"), &json!({})).await;
        assert_eq!(r.status(), 204);
        assert_eq!(members(&app, HOME).await, ["Bits of Freedom"]);
        assert_eq!(app.total("/api/v1/organisations").await, 3);
        let actions = coalition_actions(&app, HOME).await;
        assert_eq!(actions.iter().filter(|a| *a == "organisation.unlinked").count(), 1);
        let (_, log) = status_json(app.get_authed(&format!("/api/v1/coalitions/{HOME}/audit?per_page=200")).await).await;
        let unlinked = log["items"].as_array().unwrap().iter().find(|e| e["action"] == "organisation.unlinked").unwrap().clone();
        assert_eq!(unlinked["details"]["organisation"], "Access Now");

        // Bad input names the field and changes nothing.
        for (body, field) in [
            (json!({}), "organisation"),
            (json!({"organisation": "  "}), "organisation"),
            (json!({"organisation": "no-such-org"}), "organisation"),
            (json!({"organisation": 7}), "organisation"),
            (json!({"organisation": "article-19", "role": "x"}), "role"),
        ] {
            let (status, error) = status_json(app.post(&path, &body).await).await;
            assert_eq!(status, 422, "{body}: {error}");
            assert!(error["error"]["fields"][field].is_array(), "{body}: {error}");
        }
        let (status, _) = status_json(app.post("/api/v1/coalitions/no-such/organisations", &json!({"organisation": "article-19"})).await).await;
        assert_eq!(status, 404);
        let r = app.post(&format!("{path}/no-such-org/unlink"), &json!({})).await;
        assert_eq!(r.status(), 404);
        assert_eq!(members(&app, HOME).await, ["Bits of Freedom"]);

        // A viewer reads; only coordinators link; the public is refused.
        let viewer = app.account("viewer@undersigned.test", "Vera Viewer").await;
        app.add_member(HOME, "viewer@undersigned.test", "viewer").await;
        let (status, _) = status_json(app.get_as(&viewer, &path).await).await;
        assert_eq!(status, 200);
        let (status, body) = status_json(app.post_as(&viewer, &path, &json!({"organisation": "article-19"})).await).await;
        assert_eq!(status, 403, "{body}");
        let r = app.post_as(&viewer, &format!("{path}/bits-of-freedom/unlink"), &json!({})).await;
        assert_eq!(r.status(), 403);
        assert_eq!(app.get(&path).await.status(), 401);
        let stranger = app.account("stranger@undersigned.test", "Stan Stranger").await;
        assert_eq!(app.get_as(&stranger, &path).await.status(), 403);
        assert_eq!(members(&app, HOME).await, ["Bits of Freedom"]);
    }
);

async fn check(app: &TestApp, letter: &str) -> Report {
    app.verify(letter, None).await
}

/// (name, country code) of a letter's public list, and its counts by country.
async fn listed(app: &TestApp, letter: &str) -> (Vec<(String, String)>, Value) {
    let list = app.signatories(letter).await;
    let names = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["country"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (_, letter) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
    (names, letter["signatories"]["countries"].clone())
}

/// (organisation slug, state) of every signature of a letter, read from the database.
fn signature_states(app: &TestApp, letter: &str) -> Vec<(String, String)> {
    let db = Db::connect(
        DatabaseUrl::parse(&app.db.url.clone().into()).unwrap(),
        1,
        Default::default(),
    )
    .unwrap();
    let mut conn = db.get().unwrap();
    let mut rows: Vec<(String, String)> = signatures::table
        .inner_join(organisations::table)
        .inner_join(undersigned::db::schema::letters::table)
        .filter(undersigned::db::schema::letters::slug.eq(letter))
        .select((organisations::slug, signatures::state))
        .load(&mut conn)
        .unwrap();
    rows.sort();
    rows
}

db_test!(
    async fn merging_a_duplicate_moves_its_signatures_and_keeps_every_ledger_true(app) {
        for letter in ["both", "dup-only", "dup-ahead"] {
            app.open_letter(letter, "auto").await;
        }
        // "EDRi" was typed with the wrong country: the same organisation as "European Digital Rights".
        app.join("both", "European Digital Rights", "BE").await;
        app.join("both", "EDRi", "DE").await;
        app.join("both", "Access Now", "US").await;
        app.join("dup-only", "EDRi", "DE").await;
        app.join("dup-ahead", "EDRi", "DE").await;
        let before = app.mail.mails().len();
        let r = app.sign("dup-ahead", &signer("European Digital Rights", "BE", "pending@example.org")).await;
        assert_eq!(r.status(), 202);
        app.mail.wait_for(before + 1).await;
        let path = format!("/api/v1/coalitions/{HOME}/organisations");
        assert_eq!(app.post(&path, &json!({"organisation": "edri"})).await.status(), 201);
        assert_eq!(app.post("/api/v1/coalitions/c-both/organisations", &json!({"organisation": "edri"})).await.status(), 201);
        assert_eq!(app.post("/api/v1/coalitions/c-both/organisations", &json!({"organisation": "european-digital-rights"})).await.status(), 201);
        let (_, feed_before) = status_json(app.get("/api/v1/letters/dup-only/changes").await).await;

        let (status, merged) = status_json(
            app.post("/api/v1/organisations/edri/merge", &json!({"into": "european-digital-rights"})).await,
        )
        .await;
        assert_eq!(status, 200, "{merged}");
        assert_eq!(merged["kept"]["slug"], "european-digital-rights");
        assert_eq!(merged["merged"]["name"], "EDRi");
        assert_eq!(merged["signatures_moved"], 3);
        assert_eq!(merged["signatures_superseded"], 2);
        let mut letters: Vec<String> = serde_json::from_value(merged["letters"].clone()).unwrap();
        letters.sort();
        assert_eq!(letters, ["both", "dup-ahead", "dup-only"]);

        // Where both signed and published, the kept organisation's signature stays.
        let (names, counts) = listed(&app, "both").await;
        assert_eq!(names, [("European Digital Rights".to_string(), "BE".to_string()), ("Access Now".to_string(), "US".to_string())]);
        assert_eq!(counts, json!([{"code": "BE", "name": "Belgium", "count": 1}, {"code": "US", "name": "United States of America", "count": 1}]));
        assert_eq!(
            signature_states(&app, "both"),
            [("access-now".into(), "published".into()), ("european-digital-rights".into(), "published".into()), ("european-digital-rights".into(), "withdrawn".into())]
        );
        // Where only the duplicate signed, its signature is listed under the kept name and country.
        let (names, counts) = listed(&app, "dup-only").await;
        assert_eq!(names, [("European Digital Rights".to_string(), "BE".to_string())]);
        assert_eq!(counts, json!([{"code": "BE", "name": "Belgium", "count": 1}]));
        // Where the duplicate's signature was further along, it is kept and the pending one gives way.
        let (names, _) = listed(&app, "dup-ahead").await;
        assert_eq!(names, [("European Digital Rights".to_string(), "BE".to_string())]);
        assert_eq!(
            signature_states(&app, "dup-ahead"),
            [("european-digital-rights".into(), "published".into()), ("european-digital-rights".into(), "withdrawn".into())]
        );

        // The change feed and the ledger say what happened, and every letter still verifies.
        let (_, feed) = status_json(app.get("/api/v1/letters/dup-only/changes").await).await;
        let new: Vec<(&str, &str)> = feed["items"].as_array().unwrap()[feed_before["items"].as_array().unwrap().len()..]
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["organisation"].as_str().unwrap()))
            .collect();
        assert_eq!(new, [("withdrawn", "EDRi"), ("added", "European Digital Rights")], "{feed}");
        let (_, ledger) = status_json(app.get("/api/v1/letters/dup-only/ledger?all=true").await).await;
        let tail: Vec<(&str, &str)> = ledger["entries"].as_array().unwrap().iter().rev().take(2).rev()
            .map(|e| (e["action"].as_str().unwrap(), e["organisation"].as_str().unwrap()))
            .collect();
        assert_eq!(tail, [("removed", "edri"), ("published", "european-digital-rights")]);
        for letter in ["both", "dup-only", "dup-ahead"] {
            let report = check(&app, letter).await;
            assert!(report.ok(), "{letter}: {report}");
        }
        assert_eq!(check(&app, "both").await.listed, 2);

        // The duplicate is gone; its coalition links moved over.
        assert_eq!(app.get_authed("/api/v1/organisations/edri").await.status(), 404);
        assert_eq!(members(&app, HOME).await, ["European Digital Rights"]);
        assert_eq!(members(&app, "c-both").await, ["European Digital Rights"]);

        // The audit log names both, for the directory, each letter and each coalition.
        for letter in ["both", "dup-only", "dup-ahead"] {
            let log = audit(&app, letter).await;
            let entry = log.iter().find(|e| e["action"] == "organisation.merged").unwrap_or_else(|| panic!("{letter}: {log:?}"));
            assert_eq!(entry["details"]["merged"]["name"], "EDRi");
            assert_eq!(entry["details"]["into"]["name"], "European Digital Rights");
            assert_eq!(entry["actor_kind"], "user");
        }
        assert!(coalition_actions(&app, HOME).await.contains(&"organisation.merged".to_string()));
    }
);

db_test!(
    async fn a_merge_that_cannot_be_done_says_why_and_changes_nothing(app) {
        app.open_letter("stays", "auto").await;
        app.join("stays", "Privacy First", "NL").await;
        app.join("stays", "Privacy 1st", "NL").await;
        let (_, before) = status_json(app.get("/api/v1/letters/stays").await).await;
        let viewer = app.account("viewer@undersigned.test", "Vera Viewer").await;
        app.add_member(HOME, "viewer@undersigned.test", "viewer").await;

        for (path, body, status, field) in [
            ("privacy-1st", json!({"into": "privacy-1st"}), 422, Some("into")),
            ("privacy-1st", json!({"into": "no-such-org"}), 422, Some("into")),
            ("privacy-1st", json!({}), 422, Some("into")),
            ("privacy-1st", json!({"into": " "}), 422, Some("into")),
            ("privacy-1st", json!({"into": "privacy-first", "keep": true}), 422, Some("keep")),
            ("no-such-org", json!({"into": "privacy-first"}), 404, None),
        ] {
            let (got, error) = status_json(app.post(&format!("/api/v1/organisations/{path}/merge"), &body).await).await;
            assert_eq!(got, status, "{path} {body}: {error}");
            if let Some(field) = field {
                assert!(error["error"]["fields"][field].is_array(), "{path} {body}: {error}");
            }
        }
        let (status, _) = status_json(
            app.post_as(&viewer, "/api/v1/organisations/privacy-1st/merge", &json!({"into": "privacy-first"})).await,
        )
        .await;
        assert_eq!(status, 403);
        let r = app
            .client
            .post(app.url("/api/v1/organisations/privacy-1st/merge"))
            .json(&json!({"into": "privacy-first"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);

        let (_, after) = status_json(app.get("/api/v1/letters/stays").await).await;
        assert_eq!(after["ledger"], before["ledger"]);
        assert_eq!(after["signatories"], before["signatories"]);
        assert_eq!(app.total("/api/v1/organisations").await, 2);
        assert!(!audit(&app, "stays").await.iter().any(|e| e["action"] == "organisation.merged"));
    }
);

/// A second coalition, `coalition-b`, owned by a new account, with an open `auto` letter
/// `list-b`; returns the account's API token.
async fn coalition_b(app: &TestApp) -> String {
    let bea = app.account("bea@coalition-b.example", "Bea B").await;
    let r = app
        .post_as(
            &bea,
            "/api/v1/coalitions",
            &json!({"slug": "coalition-b", "name": "Coalition B"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post_as(
            &bea,
            "/api/v1/letters",
            &json!({"slug": "list-b", "coalition": "coalition-b", "title": "Letter B",
            "body": "Dear CEO,", "recipient_name": "The CEO"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .client
        .patch(app.url("/api/v1/letters/list-b"))
        .bearer_auth(&bea)
        .json(&json!({"moderation": "auto"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .post_as(
            &bea,
            "/api/v1/letters/list-b/transition",
            &json!({"to": "open"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    bea
}

async fn patch_as(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    status_json(
        app.client
            .patch(app.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// (name, website, verification) of an organisation on a letter's public list.
async fn row_on(app: &TestApp, letter: &str, slug: &str) -> (String, Value, String) {
    let list = app.signatories(letter).await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} not on {letter}: {list}"));
    (
        row["name"].as_str().unwrap().to_string(),
        row["website"].clone(),
        row["verification"].as_str().unwrap().to_string(),
    )
}

db_test!(
    // Issue 18, finding 3: coalition B renamed an organisation on A's list, changed its website,
    // set `verification: coordinator` for everyone, and merged it away, with nothing in A's log.
    async fn another_coalition_cannot_rewrite_an_organisation_on_our_list_and_its_check_stays_its_own(app) {
        let list_a = app.open_letter("list-a", "auto").await;
        app.publish(&list_a, &[("Access Now", "US")]).await;
        let bea = coalition_b(&app).await;
        let before = row_on(&app, &list_a, "access-now").await;
        assert_eq!(before.2, "unverified");

        // B may not rename it, move it, change its website or its own verification, or merge it.
        for change in [json!({"name": "Access Now (fake)"}), json!({"website": "https://evil.example"}),
                       json!({"country": "FR"}), json!({"verification": "domain"}), json!({"description": "x"})] {
            let (status, body) = patch_as(&app, &bea, "/api/v1/organisations/access-now", &change).await;
            assert_eq!((status, body["error"]["code"].as_str()), (409, Some("organisation_shared")), "{change}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("operator") && !message.contains("list-a") && !message.contains('@'), "{message}");
        }
        let r = app.post_as(&bea, "/api/v1/organisations", &json!({"name": "Access Now Intl", "country": "US"})).await;
        assert_eq!(r.status(), 201);
        for (duplicate, into) in [("access-now", "access-now-intl"), ("access-now-intl", "access-now")] {
            let (status, body) = status_json(
                app.post_as(&bea, &format!("/api/v1/organisations/{duplicate}/merge"), &json!({"into": into})).await,
            )
            .await;
            assert_eq!((status, body["error"]["code"].as_str()), (409, Some("organisation_shared")), "{duplicate}: {body}");
        }
        // Its own organisation, on nobody else's letters, B may still edit.
        let (status, body) = patch_as(&app, &bea, "/api/v1/organisations/access-now-intl", &json!({"website": "intl.example"})).await;
        assert_eq!(status, 200, "{body}");

        // B's check is B's: it shows on B's letters and to B, not on A's list nor to A.
        let (status, body) = patch_as(&app, &bea, "/api/v1/organisations/access-now", &json!({"verification": "coordinator"})).await;
        assert_eq!((status, body["verification"].as_str()), (200, Some("coordinator")), "{body}");
        let r = app.sign("list-b", &signer("Access Now", "US", "b-signer@example.org")).await;
        assert_eq!(r.status(), 202);
        let mail = app.mail.wait_for_to(0, "b-signer@example.org").await;
        app.confirm(&mail).await;
        assert_eq!(row_on(&app, "list-b", "access-now").await.2, "coordinator");
        assert_eq!(row_on(&app, &list_a, "access-now").await, before);
        let (_, seen_by_a) = status_json(app.get_authed("/api/v1/organisations/access-now").await).await;
        assert_eq!(seen_by_a["verification"], "unverified");

        // The operator may change what it is called, and every coalition that has it is told.
        let (status, body) = patch_as(&app, crate::helpers::ADMIN_TOKEN, "/api/v1/organisations/access-now", &json!({"website": "accessnow.example"})).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = patch_as(&app, crate::helpers::ADMIN_TOKEN, "/api/v1/organisations/access-now", &json!({"verification": "coordinator"})).await;
        assert_eq!(status, 422, "a check is a coalition's: {body}");
        assert!(body["error"]["fields"]["verification"].is_array(), "{body}");
        let a_log = coalition_actions(&app, "c-list-a").await;
        assert!(a_log.contains(&"organisation.updated".to_string()), "{a_log:?}");
        assert!(!a_log.contains(&"organisation.verification_changed".to_string()), "B's check is not A's: {a_log:?}");
        let (_, b_log) = status_json(app.get_as(&bea, "/api/v1/coalitions/coalition-b/audit?per_page=200").await).await;
        let b_actions: Vec<&str> = b_log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(b_actions.contains(&"organisation.updated") && b_actions.contains(&"organisation.verification_changed"), "{b_actions:?}");
        assert_eq!(row_on(&app, &list_a, "access-now").await.1, "https://accessnow.example/");

        // Shared both ways: A's coordinators may not rename it either now.
        let (status, _) = status_json(app.patch("/api/v1/organisations/access-now", &json!({"name": "Access Now Global"})).await).await;
        assert_eq!(status, 409);
        for letter in [list_a.as_str(), "list-b"] {
            let report = check(&app, letter).await;
            assert!(report.ok(), "{letter}: {:?}", report.failure());
        }
    }
);
