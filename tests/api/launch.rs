//! A launch plan (issue 24, item 5): a draft's secret preview links, shared with partners before
//! it opens, and an opening time at which the letter opens by itself and mails the invitations
//! added meanwhile.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, Browser, TestApp};

/// A UTC moment `secs` seconds from now, as the API takes it.
pub fn in_secs(secs: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn make_preview(app: &TestApp, letter: &str, label: &str) -> Value {
    let (status, body) = status_json(
        app.post(
            &format!("/api/v1/letters/{letter}/previews"),
            &json!({ "label": label }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body
}

/// The path of a preview link (`/preview/{token}`) from its URL.
fn path_of(url: &str) -> String {
    let start = url.find("/preview/").expect("a preview link");
    url[start..].to_string()
}

async fn audit_actions(app: &TestApp, letter: &str) -> Vec<Value> {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/audit"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

db_test!(
    async fn a_preview_link_shows_the_draft_signed_out_until_it_is_revoked(app) {
        let coalition = app.coalition("launchers").await;
        app.letter(&coalition, "preview-me").await;
        let r = app
            .patch("/api/v1/letters/preview-me", &json!({"place_and_date": "Brussels, 4 December 2026"}))
            .await;
        assert_eq!(r.status(), 200);

        let made = make_preview(&app, "preview-me", "for EDRi").await;
        assert_eq!(made["label"], "for EDRi");
        let url = made["url"].as_str().expect("the link, once").to_string();
        assert!(url.starts_with(&app.address), "{url}");
        let token = url.rsplit('/').next().unwrap().to_string();
        assert_eq!(token.len(), 64, "256 random bits");

        // Anyone with the link reads the draft as it will read, and nothing keeps or indexes it.
        let r = app.get(&path_of(&url)).await;
        assert_eq!(r.status(), 200);
        let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(header("x-robots-tag").as_deref(), Some("noindex"));
        assert_eq!(header("cache-control").as_deref(), Some("private, no-store"));
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"<meta name="robots" content="noindex">"#), "{html}");
        assert!(html.contains("Letter preview-me"), "the title");
        assert!(html.contains("<strong>stop</strong>"), "the body, rendered: {html}");
        assert!(html.contains("The Chief Executive"), "the recipient");
        assert!(html.contains("Brussels, 4 December 2026"), "the place and date line");
        assert!(!html.contains("/sign\""), "no sign form");
        assert!(!html.contains("ceo@platform.example"), "no private address");
        // The draft stays hidden everywhere else.
        assert_eq!(app.get("/letters/preview-me").await.status(), 404);
        assert_eq!(app.get("/api/v1/letters/preview-me").await.status(), 404);
        let listed: Value = app.get("/api/v1/letters").await.json().await.unwrap();
        assert!(!listed.to_string().contains("preview-me"));

        // The list names the links, never their tokens.
        let second = make_preview(&app, "preview-me", "").await;
        assert_eq!(second["label"], Value::Null);
        let (status, list) =
            status_json(app.get_authed("/api/v1/letters/preview-me/previews").await).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert!(!list.to_string().contains(&token), "{list}");
        assert!(list.as_array().unwrap().iter().all(|p| p.get("url").is_none()));

        // Revoked, the link answers 410 with a page (still private), and the other one works.
        let id = made["id"].as_str().unwrap();
        let (status, revoked) = status_json(
            app.post(&format!("/api/v1/letters/preview-me/previews/{id}/revoke"), &json!({})).await,
        )
        .await;
        assert_eq!(status, 200, "{revoked}");
        assert!(revoked["revoked_at"].is_string());
        let r = app.get(&path_of(&url)).await;
        assert_eq!(r.status(), 410);
        assert_eq!(r.headers()["x-robots-tag"], "noindex");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let other = path_of(second["url"].as_str().unwrap());
        assert_eq!(app.get(&other).await.status(), 200);
        // A token no link has is 404.
        assert_eq!(app.get(&format!("/preview/{}", "ab".repeat(32))).await.status(), 404);

        // Both changes are in the audit log.
        let actions: Vec<String> = audit_actions(&app, "preview-me").await.iter()
            .map(|e| e["action"].as_str().unwrap().to_string()).collect();
        assert_eq!(actions.iter().filter(|a| *a == "letter.preview_created").count(), 2, "{actions:?}");
        assert!(actions.contains(&"letter.preview_revoked".to_string()), "{actions:?}");

        // Once the letter is open, a live link leads to its public page; none can be made.
        let r = app.post("/api/v1/letters/preview-me/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        let browser = Browser::new(&app);
        let r = browser.client.get(app.url(&other)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/letters/preview-me");
        let r = app.post("/api/v1/letters/preview-me/previews", &json!({})).await;
        assert_eq!(r.status(), 409);
    }
);

db_test!(
    async fn preview_links_are_for_the_letters_coordinators_and_labels_are_checked(app) {
        let coalition = app.coalition("guarded").await;
        app.letter(&coalition, "guarded-draft").await;
        let made = make_preview(&app, "guarded-draft", "for partners").await;
        let id = made["id"].as_str().unwrap();

        // Another coalition's coordinator does not even see the draft.
        let other = app.account("other@elsewhere.example", "Otto Other").await;
        let r = app
            .post_as(&other, "/api/v1/coalitions", &json!({"slug": "elsewhere", "name": "Elsewhere"}))
            .await;
        assert_eq!(r.status(), 201);
        let r = app.post_as(&other, "/api/v1/letters/guarded-draft/previews", &json!({})).await;
        assert_eq!(r.status(), 404);
        let r = app
            .post_as(&other, &format!("/api/v1/letters/guarded-draft/previews/{id}/revoke"), &json!({}))
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.get_as(&other, "/api/v1/letters/guarded-draft/previews").await.status(), 404);
        // A viewer of the coalition reads the list but makes nothing.
        app.account("viewer@guarded.example", "Vera Viewer").await;
        app.add_member("guarded", "viewer@guarded.example", "viewer").await;
        let viewer = app.sign_in("viewer@guarded.example").await;
        assert_eq!(app.get_as(&viewer, "/api/v1/letters/guarded-draft/previews").await.status(), 200);
        let r = app.post_as(&viewer, "/api/v1/letters/guarded-draft/previews", &json!({})).await;
        assert_eq!(r.status(), 403);
        let (status, list) =
            status_json(app.get_authed("/api/v1/letters/guarded-draft/previews").await).await;
        assert_eq!(status, 200);
        assert_eq!(list[0]["revoked_at"], Value::Null, "still live: {list}");

        // A label too long is refused by name, and nothing is made.
        let (status, body) = status_json(
            app.post("/api/v1/letters/guarded-draft/previews", &json!({"label": "x".repeat(101)})).await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["label"][0].as_str().unwrap().contains("100"), "{body}");
        let list: Value = app.get_authed("/api/v1/letters/guarded-draft/previews").await.json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        // An unknown link id is 404.
        let r = app.post("/api/v1/letters/guarded-draft/previews/nope/revoke", &json!({})).await;
        assert_eq!(r.status(), 404);
    }
);

db_test!(
    async fn a_scheduled_draft_opens_by_itself_and_mails_its_invitations_then(app, |s| {
        s.deadline_poll_ms = 100;
    }) {
        let coalition = app.coalition("scheduled").await;
        app.letter(&coalition, "launch-day").await;
        let org = crate::helpers::add_to_directory(&app, &[("Bits of Freedom", "NL")]).await.remove(0);
        let org = org["slug"].as_str().unwrap().to_string();
        let invite = json!({"invitations": [{"organisation": org, "email": "office@bof.example"}]});

        // A draft without an opening time takes no invitations.
        let r = app.post("/api/v1/letters/launch-day/invitations", &invite).await;
        assert_eq!(r.status(), 409);

        let opens_at = in_secs(3);
        let (status, letter) =
            status_json(app.patch("/api/v1/letters/launch-day", &json!({"opens_at": opens_at})).await).await;
        assert_eq!(status, 200, "{letter}");
        assert_eq!(letter["opens_at"], json!(opens_at));
        assert_eq!(letter["state"], "draft");

        // Invited while a draft: stored, not mailed.
        let (status, invited) =
            status_json(app.post("/api/v1/letters/launch-day/invitations", &invite).await).await;
        assert_eq!(status, 200, "{invited}");
        assert_eq!(invited["invitations"][0]["outcome"], "invited");
        actix_web::rt::time::sleep(Duration::from_millis(600)).await;
        assert!(app.mail.mails().iter().all(|m| !m.to.iter().any(|t| t.contains("bof.example"))));
        assert_eq!(app.get("/letters/launch-day").await.status(), 404);

        // At its time the letter opens, as a manual open would: public, audited, ledger started.
        let mail = app.mail.wait_for_to(0, "office@bof.example").await;
        let (status, letter) = status_json(app.get("/api/v1/letters/launch-day").await).await;
        assert_eq!(status, 200, "{letter}");
        assert_eq!(letter["state"], "open");
        assert_eq!(letter["opens_at"], Value::Null);
        let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        assert!(at(&letter["opened_at"]) >= at(&json!(opens_at)), "not before its time: {letter}");
        assert_eq!(letter["ledger"]["length"], 1, "the text entry: {letter}");
        assert_eq!(app.get("/letters/launch-day").await.status(), 200);
        let opened: Vec<Value> = audit_actions(&app, "launch-day").await.into_iter()
            .filter(|e| e["action"] == "letter.state_changed").collect();
        assert_eq!(opened.len(), 1, "{opened:?}");
        assert_eq!(opened[0]["actor_kind"], "system");
        let actions = audit_actions(&app, "launch-day").await;
        assert!(actions.iter().any(|e| e["action"] == "invitation.scheduled"), "{actions:?}");

        // The invitation's link works: the organisation signs through it.
        let token = mail.invitation_token();
        let r = app.get(&format!("/invitations/{token}")).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Bits of Freedom"));
        assert!(html.contains("representative_name"), "the form to sign");
        // Exactly one invitation mail.
        actix_web::rt::time::sleep(Duration::from_millis(400)).await;
        let to_bof = app.mail.mails().iter().filter(|m| m.to.iter().any(|t| t.contains("bof.example"))).count();
        assert_eq!(to_bof, 1);
    }
);

db_test!(
    async fn an_opening_time_in_the_past_or_after_the_deadline_is_refused(app) {
        let coalition = app.coalition("timing").await;
        app.letter(&coalition, "timed").await;
        let (status, body) =
            status_json(app.patch("/api/v1/letters/timed", &json!({"opens_at": in_secs(-60)})).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["opens_at"][0].as_str().unwrap().contains("future"), "{body}");

        let (status, body) = status_json(
            app.patch("/api/v1/letters/timed", &json!({"deadline": in_secs(3600), "opens_at": in_secs(7200)})).await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["opens_at"][0].as_str().unwrap().contains("deadline"), "{body}");
        // Nothing changed.
        let letter: Value = app.get_authed("/api/v1/letters/timed").await.json().await.unwrap();
        assert_eq!(letter["deadline"], Value::Null);
        assert_eq!(letter["opens_at"], Value::Null);

        // At creation too.
        let (status, body) = status_json(
            app.post("/api/v1/letters", &json!({
                "coalition": coalition, "title": "Too late", "body": "Text", "recipient_name": "R",
                "deadline": in_secs(60), "opens_at": in_secs(120),
            }))
            .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"].get("opens_at").is_some(), "{body}");

        // Before the deadline it is taken; an open letter cannot get one.
        let (status, body) = status_json(
            app.patch("/api/v1/letters/timed", &json!({"deadline": in_secs(7200), "opens_at": in_secs(3600)})).await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let r = app.post("/api/v1/letters/timed/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        let (status, body) =
            status_json(app.patch("/api/v1/letters/timed", &json!({"opens_at": in_secs(600)})).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["opens_at"][0].as_str().unwrap().contains("draft"), "{body}");
    }
);

db_test!(
    async fn a_manual_open_mails_the_invitations_a_scheduled_draft_kept(app) {
        let coalition = app.coalition("early").await;
        app.letter(&coalition, "opened-early").await;
        let org = crate::helpers::add_to_directory(&app, &[("Article 19", "GB")]).await.remove(0);
        let r = app.patch("/api/v1/letters/opened-early", &json!({"opens_at": in_secs(3600)})).await;
        assert_eq!(r.status(), 200);
        let invite = json!({"invitations": [{"organisation": org["slug"], "email": "info@article19.example"}]});
        let r = app.post("/api/v1/letters/opened-early/invitations", &invite).await;
        assert_eq!(r.status(), 200);
        actix_web::rt::time::sleep(Duration::from_millis(400)).await;
        assert!(app.mail.mails().iter().all(|m| !m.to.iter().any(|t| t.contains("article19"))));
        // Reminders wait for the opening too.
        let r = app.post("/api/v1/letters/opened-early/invitations/remind", &json!({})).await;
        assert_eq!(r.status(), 409);

        let r = app.post("/api/v1/letters/opened-early/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        let mail = app.mail.wait_for_to(0, "info@article19.example").await;
        assert_eq!(mail.invitation_token().len(), 64);
    }
);

db_test!(
    async fn the_dashboard_schedules_a_draft_keeps_its_invitations_and_guards_its_preview_links(app) {
        let coalition = app.coalition("pages").await;
        app.letter(&coalition, "page-plan").await;
        let browser = Browser::signed_in(&app, crate::helpers::OWNER_EMAIL).await;
        let edit = "/dashboard/letters/page-plan/edit";
        let base = [
            ("title", "Letter page-plan"), ("body", "Dear Sir or Madam"), ("language", "en"),
            ("recipient_name", "The Chief Executive"), ("moderation", "auto"), ("visibility", "public"),
            ("action", "save"),
        ];

        // An opening time in the past comes back under its field, and nothing is saved.
        let past = (Utc::now() - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M").to_string();
        let mut fields = base.to_vec();
        fields.push(("opens_at", &past));
        let r = browser.submit(edit, edit, &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(r#"<p class="error" id="opens_at-error">must be in the future</p>"#), "{html}");
        let letter: Value = app.get_authed("/api/v1/letters/page-plan").await.json().await.unwrap();
        assert_eq!(letter["opens_at"], Value::Null);

        // In the future, before no deadline: saved, and the page says when it opens.
        let later = (Utc::now() + chrono::Duration::hours(5)).format("%Y-%m-%dT%H:%M").to_string();
        let mut fields = base.to_vec();
        fields.push(("opens_at", &later));
        let r = browser.submit(edit, edit, &fields).await;
        assert_eq!(r.status(), 303);
        let (_, page) = browser.page("/dashboard/letters/page-plan").await;
        assert!(page.contains(&format!("Scheduled to open at {} UTC", later.replace('T', " "))), "{page}");

        // The invitations page takes invitations now and says when they are mailed.
        let (_, html) = browser.page("/dashboard/letters/page-plan/invitations").await;
        assert!(html.contains("mailed when the letter opens at"), "{html}");
        assert!(html.contains(r#"action="/dashboard/letters/page-plan/invitations""#), "the invite form");
        assert!(!html.contains("invitations/remind"), "no reminders before the opening");

        // A preview link needs the page's CSRF token; with it, the link is shown once.
        let r = browser
            .client
            .post(app.url("/dashboard/letters/page-plan/previews"))
            .header("origin", app.address.as_str())
            .form(&[("csrf_token", "forged"), ("label", "for EDRi")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let list: Value = app.get_authed("/api/v1/letters/page-plan/previews").await.json().await.unwrap();
        assert_eq!(list, json!([]));
        let too_long = "x".repeat(101);
        let r = browser
            .submit("/dashboard/letters/page-plan", "/dashboard/letters/page-plan/previews", &[("label", &too_long)])
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(r#"id="label-error""#));
        let r = browser
            .submit("/dashboard/letters/page-plan", "/dashboard/letters/page-plan/previews", &[("label", "for EDRi")])
            .await;
        assert_eq!(r.status(), 201);
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!(r#"value="{}/preview/"#, app.address)), "{html}");
        let (_, page) = browser.page("/dashboard/letters/page-plan").await;
        assert!(page.contains("for EDRi") && !page.contains("/preview/"), "listed, never the link again");
    }
);
