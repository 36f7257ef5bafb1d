//! The coordinators' dashboard, as a browser uses it: drafting with a preview, the life cycle,
//! the moderation queue, the outbox with its retry, and a coalition's coordinators.

use serde_json::json;

use crate::db_test;
use crate::helpers::{location, signer, status_json, Browser, TestApp, HOME, OWNER_EMAIL};

fn letter_fields<'a>(title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("coalition", HOME),
        ("slug", ""),
        ("title", title),
        ("body", body),
        ("language", "en"),
        ("recipient_name", "The Chief Executive"),
        ("recipient_email", ""),
        ("place_and_date", "Brussels, 1 December 2026"),
        ("deadline", ""),
        ("moderation", "manual"),
        ("visibility", "public"),
    ]
}

db_test!(
    async fn a_coordinator_drafts_previews_opens_and_moderates_in_the_browser(app) {
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let new = format!("/dashboard/letters/new?coalition={HOME}");

        // Preview renders the Markdown safely and saves nothing.
        let mut fields = letter_fields("Stop spyware", "We ask you to **stop**. <script>alert(1)</script>");
        fields.push(("action", "preview"));
        let r = browser.submit(&new, "/dashboard/letters", &fields).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("<strong>stop</strong>") && !html.contains("<script>alert"), "{html}");
        // As it will read, above the form: with its recipient and its place and date line.
        let preview = &html[html.find("id=\"preview-section\"").expect("a preview")..html.find("id=\"letter-form\"").expect("the form after it")];
        assert!(preview.contains("To: The Chief Executive") && preview.contains("Brussels, 1 December 2026"), "{preview}");
        assert_eq!(app.total("/api/v1/letters?state=draft").await, 0);

        // Bad input: per-field messages, nothing stored.
        let mut fields = letter_fields("", "Body");
        fields[8] = ("deadline", "2020-01-01T10:00");
        fields.push(("action", "save"));
        let r = browser.submit(&new, "/dashboard/letters", &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"title-error\"") && html.contains("id=\"deadline-error\""), "{html}");
        assert_eq!(app.total("/api/v1/letters?state=draft").await, 0);

        let mut fields = letter_fields("Stop spyware", "We ask you to **stop**.");
        fields.push(("action", "save"));
        let r = browser.submit(&new, "/dashboard/letters", &fields).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard/letters/stop-spyware");
        let (_, page) = browser.page("/dashboard/letters/stop-spyware").await;
        assert!(page.contains("<strong id=\"state\">draft</strong>") && page.contains("Move to open"), "{page}");

        // Open it with the button, confirmed; its text is then frozen in the edit form.
        let confirm = "/dashboard/letters/stop-spyware/transition/open";
        let r = browser.submit(confirm, confirm, &[("confirm", "1")]).await;
        assert_eq!(r.status(), 303);
        let (_, letter) = status_json(app.get("/api/v1/letters/stop-spyware").await).await;
        assert_eq!(letter["state"], "open");
        assert_eq!(letter["moderation"], "manual");
        let (_, edit) = browser.page("/dashboard/letters/stop-spyware/edit").await;
        assert!(edit.contains("its text is frozen") && !edit.contains("name=\"title\""), "{edit}");
        let r = browser
            .submit("/dashboard/letters/stop-spyware/edit", "/dashboard/letters/stop-spyware/edit",
                &[("recipient_name", "The Board"), ("recipient_email", ""), ("place_and_date", ""), ("deadline", ""), ("moderation", "manual"), ("visibility", "public"), ("action", "save")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, letter) = status_json(app.get("/api/v1/letters/stop-spyware").await).await;
        assert_eq!(letter["recipient"]["name"], "The Board");
        assert_eq!(letter["title"], "Stop spyware");

        // Two organisations sign and confirm; the queue shows them with their contacts.
        app.publish("stop-spyware", &[("Alpha Rights", "FR"), ("Beta Watch", "DE")]).await;
        let (_, queue) = browser.page("/dashboard/letters/stop-spyware/signatures?state=confirmed").await;
        assert!(queue.contains("Alpha Rights") && queue.contains("Beta Watch") && queue.contains("@example.org"));
        let (_, list) = status_json(app.get_authed("/api/v1/letters/stop-spyware/signatures?state=confirmed").await).await;
        let id_of = |name: &str| {
            list["items"].as_array().unwrap().iter().find(|s| s["organisation"]["name"] == name).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (alpha, beta) = (id_of("Alpha Rights"), id_of("Beta Watch"));
        let queue_path = "/dashboard/letters/stop-spyware/signatures?state=confirmed";
        let r = browser
            .submit(queue_path, "/dashboard/letters/stop-spyware/moderate", &[("ids[]", &alpha), ("action", "approve")])
            .await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Approved 1 of 1 selected."));
        let r = browser
            .submit(queue_path, "/dashboard/letters/stop-spyware/moderate", &[("ids[]", &beta), ("reason", ""), ("action", "reject")])
            .await;
        assert_eq!(r.status(), 422, "a rejection needs a reason");
        let r = browser
            .submit(queue_path, "/dashboard/letters/stop-spyware/moderate", &[("ids[]", &beta), ("reason", "Not a member"), ("action", "reject"), ("confirm", "1")])
            .await;
        assert_eq!(r.status(), 200);
        let public = app.signatories("stop-spyware").await;
        assert_eq!(public["total"], 1);
        assert_eq!(public["items"][0]["name"], "Alpha Rights");

        // The dashboard counts and the audit log page agree.
        let (_, home) = browser.page("/dashboard").await;
        assert!(home.contains("<td data-label=\"State\">open</td><td data-label=\"Pending\">0</td><td data-label=\"Awaiting moderation\">0</td><td data-label=\"Published\">1</td><td data-label=\"Countries\">1</td>"), "{home}");
        let (_, letter_page) = browser.page("/dashboard/letters/stop-spyware").await;
        assert!(letter_page.contains(r#"<tr><td data-label="Country">France</td><td data-label="Published">1</td></tr>"#), "{letter_page}");
        let (_, audit) = browser.page("/dashboard/letters/stop-spyware/audit").await;
        for action in ["letter.created", "letter.state_changed", "signature.approved", "signature.rejected"] {
            assert!(audit.contains(action), "{action}");
        }
        // Forms need their CSRF token.
        let r = browser
            .client
            .post(app.url("/dashboard/letters/stop-spyware/transition/closed"))
            .form(&[("csrf_token", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
);

db_test!(
    async fn viewers_read_but_cannot_act_and_owners_manage_coordinators(app) {
        app.letter(HOME, "draft-one").await;
        app.account("viewer@example.org", "Vera Viewer").await;
        let owner = Browser::signed_in(&app, OWNER_EMAIL).await;
        let members = format!("/dashboard/coalitions/{HOME}/members");
        let r = owner.submit(&members, &members, &[("email", "not an email"), ("role", "viewer")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("id=\"email-error\""));
        // Issue 18, finding 13: an existing account is invited, not added; the owner sees the
        // address they typed, pending, the same as for an address without an account.
        for email in ["nobody@example.org", "viewer@example.org"] {
            let r = owner.submit(&members, &members, &[("email", email), ("role", "viewer")]).await;
            assert_eq!(r.status(), 200);
            let html = r.text().await.unwrap();
            assert!(html.contains(&format!("Invitation pending for {email}")), "{html}");
            assert!(!html.contains("Vera Viewer"), "not a member before accepting: {html}");
        }
        let viewer = Browser::signed_in(&app, "viewer@example.org").await;
        let (_, account) = viewer.page("/account").await;
        assert!(account.contains("Home coalition") && account.contains("Decline"), "{account}");
        let start = account.find("/account/invitations/").expect("an accept button");
        let accept = account[start..].split('"').next().unwrap().to_string();
        assert!(accept.ends_with("/accept"), "{accept}");
        let r = viewer.submit("/account", &accept, &[]).await;
        assert_eq!(r.status(), 303);
        let (_, page) = owner.page(&members).await;
        assert!(page.contains("Vera Viewer"), "a member once accepted: {page}");
        assert!(page.contains("nobody@example.org") && !page.contains("Invitation pending for viewer@"), "{page}");

        let (status, page) = viewer.page("/dashboard/letters/draft-one").await;
        assert_eq!(status, 200, "a viewer reads drafts");
        assert!(!page.contains("Move to open"));
        let r = viewer.submit("/dashboard/letters/draft-one", "/dashboard/letters/draft-one/transition/open", &[]).await;
        assert_eq!(r.status(), 403);
        let (status, _) = viewer.page(&format!("/dashboard/letters/new?coalition={HOME}")).await;
        assert_eq!(status, 403);
        let (_, letter) = status_json(app.get_authed("/api/v1/letters/draft-one").await).await;
        assert_eq!(letter["state"], "draft");
        let (_, members_page) = viewer.page(&members).await;
        assert!(!members_page.contains("Remove"), "only owners manage coordinators");
        let r = viewer.submit(&members, &members, &[("email", "viewer@example.org"), ("role", "owner")]).await;
        assert_eq!(r.status(), 403);
    }
);

#[actix_web::test]
async fn dead_mail_is_retried_from_the_dashboard_and_the_api() {
    for backend in crate::helpers::backends() {
        let app = TestApp::spawn(backend).await;
        let letter = app.open_letter("mailing", "auto").await;
        // The sink refuses this address for good (550): one attempt, then dead.
        app.sign(&letter, &signer("Org", "FR", "reject-me@example.org"))
            .await;
        let dead = app.wait_for_dead(1).await;
        let id = dead[0]["id"].as_str().unwrap().to_string();
        assert_eq!(dead[0]["attempts"], 1);

        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (_, outbox) = browser.page("/dashboard/outbox?state=dead").await;
        assert!(
            outbox.contains("550") && outbox.contains("Retry"),
            "{outbox}"
        );
        let r = browser
            .submit(
                "/dashboard/outbox?state=dead",
                &format!("/dashboard/outbox/{id}/retry"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 303);
        // It was queued again with a fresh round, and died again on the same refusal.
        let dead = app.wait_for_dead(1).await;
        assert_eq!(dead[0]["attempts"], 1);
        let (_, log) = status_json(
            app.get_authed(&format!("/api/v1/letters/{letter}/audit"))
                .await,
        )
        .await;
        assert!(log.to_string().contains("mail.retried"));

        // The API: a mail that is not dead is a conflict; another coalition cannot see it.
        let (status, body) = status_json(
            app.post(&format!("/api/v1/outbox/{id}/retry"), &json!({}))
                .await,
        )
        .await;
        assert!(
            status == 200 || (status == 409 && body["error"]["code"] == "mail_not_dead"),
            "{status} {body}"
        );
        let stranger = app.account("stranger@example.org", "Stranger").await;
        app.post_as(
            &stranger,
            "/api/v1/coalitions",
            &json!({"slug": "elsewhere", "name": "Elsewhere"}),
        )
        .await;
        let r = app
            .post_as(&stranger, &format!("/api/v1/outbox/{id}/retry"), &json!({}))
            .await;
        assert_eq!(r.status(), 404);
    }
}
