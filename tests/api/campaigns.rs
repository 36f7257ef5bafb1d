//! Campaigns (goal, progress, timeline as JSON and Atom, public page) and delivery (the mail to
//! the recipient with the list grouped by country, the printable copy, the frozen list).

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{signer, status_json, Browser, TestApp, OWNER_EMAIL};

/// A viewer of coalition `coalition`; returns their API token.
async fn viewer(app: &TestApp, coalition: &str) -> String {
    let email = format!("viewer-{coalition}@example.org");
    let token = app.account(&email, "Vera Viewer").await;
    app.add_member(coalition, &email, "viewer").await;
    token
}

async fn campaign(app: &TestApp, slug: &str) -> (u16, Value) {
    status_json(app.get(&format!("/api/v1/campaigns/{slug}")).await).await
}

async fn move_to(app: &TestApp, letter: &str, to: &str) {
    let r = app
        .post(
            &format!("/api/v1/letters/{letter}/transition"),
            &json!({ "to": to }),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
}

db_test!(
    async fn a_campaign_shows_progress_toward_its_goal_and_a_timeline(app) {
        app.coalition("pan").await;
        let viewer = viewer(&app, "pan").await;

        // Bad input: per-field messages, nothing created.
        let (status, body) = status_json(
            app.post(
                "/api/v1/campaigns",
                &json!({"coalition": "pan", "title": " ", "goal": {"organisations": 0, "countries": "x", "date": "31/03/2027"}}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let fields = &body["error"]["fields"];
        for field in ["title", "goal.organisations", "goal.countries", "goal.date"] {
            assert!(fields[field].is_array(), "{field} in {body}");
        }
        // A viewer may not start one; the public needs credentials.
        let new = json!({"coalition": "pan", "slug": "stop-spyware", "title": "Stop spyware",
            "description": "Two letters, **one** goal.", "goal": {"organisations": 4, "countries": 3, "date": "2027-03-31"}});
        let r = app.post_as(&viewer, "/api/v1/campaigns", &new).await;
        assert_eq!(r.status(), 403);
        let r = app
            .client
            .post(app.url("/api/v1/campaigns"))
            .json(&new)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(app.total("/api/v1/campaigns").await, 0);

        let (status, created) = status_json(app.post("/api/v1/campaigns", &new).await).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["goal"], json!({"organisations": 4, "countries": 3, "date": "2027-03-31"}));
        assert_eq!(created["progress"]["organisations"], 0);
        // Hidden from the public while it has no open letter.
        assert_eq!(campaign(&app, "stop-spyware").await.0, 404);
        assert_eq!(app.get("/campaigns/stop-spyware").await.status(), 404);

        // Two letters join it; a letter of another coalition may not.
        app.letter("pan", "to-the-ceo").await;
        app.letter("pan", "to-the-board").await;
        for letter in ["to-the-ceo", "to-the-board"] {
            let (status, body) = status_json(
                app.patch(
                    &format!("/api/v1/letters/{letter}"),
                    &json!({"campaign": "stop-spyware"}),
                )
                .await,
            )
            .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["campaign"], "stop-spyware");
        }
        app.coalition("other").await;
        app.letter("other", "elsewhere").await;
        let (status, body) = status_json(
            app.patch("/api/v1/letters/elsewhere", &json!({"campaign": "stop-spyware"}))
                .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["campaign"].is_array(), "{body}");

        // Opening the first makes the campaign public, with an `opened` event.
        move_to(&app, "to-the-ceo", "open").await;
        let (status, public) = campaign(&app, "stop-spyware").await;
        assert_eq!(status, 200, "{public}");
        let letters: Vec<&str> = public["letters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["slug"].as_str().unwrap())
            .collect();
        assert_eq!(letters, ["to-the-ceo"], "the draft stays hidden");
        assert_eq!(public["timeline"][0]["kind"], "opened");
        assert_eq!(public["timeline"][0]["letter"], "to-the-ceo");

        // Signatures on both letters: the same organisation on both counts once.
        app.publish(
            "to-the-ceo",
            &[("Access Lab", "FR"), ("Privacy Kenya", "KE"), ("Net Rights", "FR")],
        )
        .await;
        move_to(&app, "to-the-board", "open").await;
        app.publish("to-the-board", &[("Access Lab", "FR"), ("Datos Libres", "AR")])
            .await;
        let (_, public) = campaign(&app, "stop-spyware").await;
        assert_eq!(public["progress"]["organisations"], 4, "{public}");
        assert_eq!(public["progress"]["countries"], 3);
        assert_eq!(public["progress"]["organisations_percent"], 100);
        assert_eq!(public["progress"]["reached"], true);

        // Coordinators post; the service's own kinds are refused; the timeline is newest first.
        let (status, body) = status_json(
            app.post(
                "/api/v1/campaigns/stop-spyware/events",
                &json!({"kind": "opened", "title": "Opened again"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["kind"].is_array());
        let r = app
            .post_as(
                &viewer,
                "/api/v1/campaigns/stop-spyware/events",
                &json!({"kind": "note", "title": "No"}),
            )
            .await;
        assert_eq!(r.status(), 403);
        let (status, response) = status_json(
            app.post(
                "/api/v1/campaigns/stop-spyware/events",
                &json!({"kind": "response", "title": "The CEO answered <script>", "body": "They will **review** it.",
                        "occurred_at": "2030-01-15", "letter": "to-the-ceo"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{response}");
        let (_, page) = status_json(app.get("/api/v1/campaigns/stop-spyware/timeline").await).await;
        assert_eq!(page["total"], 3, "{page}");
        assert_eq!(page["items"][0]["title"], "The CEO answered <script>");
        assert_eq!(page["items"][0]["occurred_at"], "2030-01-15T00:00:00Z");

        // Atom and the page show it, escaped.
        let atom = app
            .get("/api/v1/campaigns/stop-spyware/timeline.atom")
            .await;
        assert_eq!(atom.status(), 200);
        assert!(atom.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml"));
        let xml = atom.text().await.unwrap();
        assert!(xml.contains("The CEO answered &lt;script&gt;"), "{xml}");
        assert!(xml.contains("<category term=\"response\""), "{xml}");
        let html = app
            .get("/campaigns/stop-spyware")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("4 of 4 organisations"), "{html}");
        assert!(html.contains("3 of 3 countries"));
        assert!(
            html.contains("The CEO answered &#60;script&#62;")
                || html.contains("The CEO answered &lt;script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("<strong>review</strong>"));
        assert!(!html.contains("@example.org"), "no signer address");

        // A post can be removed; a recorded event cannot.
        let id = response["id"].as_str().unwrap();
        let r = app
            .post(
                &format!("/api/v1/campaigns/stop-spyware/events/{id}/delete"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), 204);
        let (_, page) = status_json(app.get("/api/v1/campaigns/stop-spyware/timeline").await).await;
        assert_eq!(page["total"], 2);
        let opened = page["items"][0]["id"].as_str().unwrap();
        let r = app
            .post(
                &format!("/api/v1/campaigns/stop-spyware/events/{opened}/delete"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), 409);

        // Editing the goal: clearing a part, 422 on a bad one.
        let (status, body) = status_json(
            app.patch(
                "/api/v1/campaigns/stop-spyware",
                &json!({"goal": {"organisations": 50, "countries": null}}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["goal"]["organisations"], 50);
        assert_eq!(body["goal"]["countries"], Value::Null);
        assert_eq!(body["progress"]["organisations_percent"], 8);
        assert_eq!(body["progress"]["reached"], false);
        let r = app
            .patch(
                "/api/v1/campaigns/stop-spyware",
                &json!({"goal": {"organisations": -1}}),
            )
            .await;
        assert_eq!(r.status(), 422);
        let (_, unchanged) = campaign(&app, "stop-spyware").await;
        assert_eq!(unchanged["goal"]["organisations"], 50);
    }
);

db_test!(
    async fn delivering_mails_the_letter_with_its_list_and_freezes_it(app) {
        let letter = app.open_letter("deliver-me", "auto").await;
        let r = app
            .patch(
                "/api/v1/letters/deliver-me",
                &json!({"place_and_date": "Brussels, 1 December 2026"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        app.publish(
            &letter,
            &[("Access Lab", "FR"), ("Privacy Kenya", "KE"), ("Net Rights", "FR")],
        )
        .await;
        // A signer whose withdrawal link we keep, to try it after delivery.
        let withdraw = app
            .sign_and_confirm(&letter, &signer("Datos Libres", "AR", "datos@libres.example"))
            .await
            .token("withdraw");

        // Only a closed letter is delivered.
        let r = app
            .post("/api/v1/letters/deliver-me/deliver", &json!({}))
            .await;
        assert_eq!(r.status(), 409);
        move_to(&app, &letter, "closed").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters/deliver-me/deliver",
                &json!({"note": "Handed over at the headquarters too."}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["signatories"], 4);
        assert_eq!(body["countries"], 3);
        assert_eq!(body["by_email"], true);
        assert!(body.get("recipient_email").is_none());
        let ledger_length = body["ledger_length"].as_i64().unwrap();

        // The recipient's mailbox gets the letter and the list grouped by country.
        let delivered = app.mail.wait_for_to(0, "ceo@platform.example").await;
        assert!(delivered.subject.contains("Letter deliver-me"), "{}", delivered.subject);
        assert!(delivered.subject.contains("4 organisations from 3 countries"));
        let text = &delivered.text;
        assert!(text.contains("We ask you to **stop**."), "{text}");
        assert!(text.contains("Brussels, 1 December 2026"));
        assert!(text.contains("Handed over at the headquarters too."));
        let france = text.find("France (2)").expect("France heading");
        let kenya = text.find("Kenya (1)").expect("Kenya heading");
        let argentina = text.find("Argentina (1)").expect("Argentina heading");
        assert!(argentina < france && france < kenya, "countries by name: {text}");
        let access = text.find("- Access Lab").unwrap();
        let net = text.find("- Net Rights").unwrap();
        assert!(france < access && access < net && net < kenya, "{text}");
        assert!(text.contains(&format!("held {ledger_length} entries")));
        assert!(!text.contains("@example.org") && !text.contains("datos@libres"), "no signer address: {text}");
        assert!(delivered.html.contains("<strong>stop</strong>"));
        assert!(text.contains("/letters/deliver-me/print"));

        // The delivery is public (without the address), on the letter's page and timeline.
        let (status, public) = status_json(app.get("/api/v1/letters/deliver-me/delivery").await).await;
        assert_eq!(status, 200);
        assert_eq!(public["signatories"], 4);
        assert!(!public.to_string().contains("ceo@platform.example"));
        let (_, json) = status_json(app.get("/api/v1/letters/deliver-me").await).await;
        assert_eq!(json["state"], "delivered");
        let page = app.get("/letters/deliver-me").await.text().await.unwrap();
        assert!(page.contains("id=\"delivered\""), "{page}");

        // The printable copy names everyone, grouped by country.
        let r = app.get("/letters/deliver-me/print").await;
        assert_eq!(r.status(), 200);
        let print = r.text().await.unwrap();
        for name in ["Access Lab", "Privacy Kenya", "Net Rights", "Datos Libres", "France (2)"] {
            assert!(print.contains(name), "{name} in the printable copy");
        }
        assert!(!print.contains("@example.org"));

        // The list is frozen: no withdrawal, and a directory edit leaves it alone.
        let r = app
            .client
            .post(app.url("/api/v1/signatures/withdraw"))
            .json(&json!({ "token": withdraw }))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "list_frozen");
        let list = app.signatories(&letter).await;
        let slug = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Datos Libres")
            .map(|s| s["slug"].as_str().unwrap().to_string())
            .expect("listed");
        let r = app
            .patch(
                &format!("/api/v1/organisations/{slug}"),
                &json!({"name": "Datos Libres Renamed"}),
            )
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
        let after = app.signatories(&letter).await;
        assert_eq!(after["items"], list["items"], "the delivered list did not change");
        let report = app.verify(&letter, None).await;
        assert!(report.ok(), "{:?}", report.failure());
        assert_eq!(report.length, ledger_length, "no entry after delivery");

        // Delivered once only; the audit log has it.
        let r = app
            .post("/api/v1/letters/deliver-me/deliver", &json!({}))
            .await;
        assert_eq!(r.status(), 409);
        let (_, audit) = status_json(app.get_authed("/api/v1/letters/deliver-me/audit?per_page=200").await).await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "letter.delivered"),
            "{audit}"
        );
    }
);

db_test!(
    async fn a_letter_without_an_address_or_mail_is_delivered_by_hand(app) {
        let letter = app.open_letter("by-hand", "auto").await;
        app.publish(&letter, &[("Access Lab", "FR")]).await;
        move_to(&app, &letter, "closed").await;
        let sent = app.mail.mails().len();
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters/by-hand/deliver",
                &json!({"by_email": false, "note": "Handed to the CEO's office in Dublin."}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["by_email"], false);
        // The worker has nothing to send: no mail arrives.
        actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
        assert_eq!(app.mail.mails().len(), sent);
        let outbox = app.outbox().await;
        assert!(
            !outbox["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["kind"] == "letter_delivery"),
            "{outbox}"
        );
        // Bad input changes nothing.
        let other = app.open_letter("by-hand-2", "auto").await;
        move_to(&app, &other, "closed").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters/by-hand-2/deliver",
                &json!({"note": "x".repeat(2001)}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let (_, json) = status_json(app.get("/api/v1/letters/by-hand-2").await).await;
        assert_eq!(json["state"], "closed");
    }
);

db_test!(
    async fn the_dashboard_forms_check_each_field_and_need_their_csrf_token(app) {
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let home = crate::helpers::HOME;
        // A bad goal: 422 with the messages beside the fields, nothing created.
        let r = browser
            .submit(
                "/dashboard/campaigns",
                "/dashboard/campaigns",
                &[
                    ("coalition", home),
                    ("title", ""),
                    ("slug", ""),
                    ("description", ""),
                    ("goal.organisations", "many"),
                    ("goal.countries", ""),
                    ("goal.date", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"title-error\""), "{html}");
        assert!(html.contains("id=\"goal.organisations-error\""), "{html}");
        assert_eq!(app.total("/api/v1/campaigns").await, 0);
        // Without the CSRF token: refused, nothing created.
        let r = browser
            .client
            .post(app.url("/dashboard/campaigns"))
            .form(&[("coalition", home), ("title", "Sneaky")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(app.total("/api/v1/campaigns").await, 0);
        // Created, then redirected to its page (a reload sends nothing again).
        let r = browser
            .submit(
                "/dashboard/campaigns",
                "/dashboard/campaigns",
                &[
                    ("coalition", home),
                    ("title", "Stop spyware"),
                    ("slug", "spyware"),
                    ("description", ""),
                    ("goal.organisations", "10"),
                    ("goal.countries", ""),
                    ("goal.date", "2027-03-31"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(crate::helpers::location(&r), "/dashboard/campaigns/spyware");
        let (_, body) = status_json(app.get_authed("/api/v1/campaigns/spyware").await).await;
        assert_eq!(body["goal"], json!({"organisations": 10, "countries": null, "date": "2027-03-31"}));

        // An event with a bad date is refused beside its field; a good one is posted.
        let page = "/dashboard/campaigns/spyware";
        let events = "/dashboard/campaigns/spyware/events";
        let r = browser
            .submit(page, events, &[("kind", "response"), ("title", "Answer"), ("body", ""),
                                    ("occurred_at", "yesterday"), ("letter", "")])
            .await;
        assert_eq!(r.status(), 422);
        // The event form's ids are prefixed: the goal form on the same page has a title too.
        assert!(r.text().await.unwrap().contains("id=\"event-occurred_at-error\""));
        let r = browser
            .submit(page, events, &[("kind", "response"), ("title", "Answer"), ("body", "It came."),
                                    ("occurred_at", "2027-01-02"), ("letter", "")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, timeline) =
            status_json(app.get_authed("/api/v1/campaigns/spyware/timeline").await).await;
        assert_eq!(timeline["total"], 1);
        assert_eq!(timeline["items"][0]["title"], "Answer");

        // The Deliver form: only for a closed letter, and it needs its token too.
        let letter = app.open_letter("form-delivered", "auto").await;
        app.publish(&letter, &[("Access Lab", "FR")]).await;
        let r = app
            .post(&format!("/api/v1/letters/{letter}/transition"), &json!({"to": "closed"}))
            .await;
        assert_eq!(r.status(), 200);
        let letter_page = format!("/dashboard/letters/{letter}");
        let deliver = format!("/dashboard/letters/{letter}/deliver");
        let r = browser
            .client
            .post(app.url(&deliver))
            .form(&[("by_email", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (_, json) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(json["state"], "closed");
        let r = browser
            .submit(&letter_page, &deliver, &[("note", "By hand in Dublin."), ("confirm", "1")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, delivery) =
            status_json(app.get(&format!("/api/v1/letters/{letter}/delivery")).await).await;
        assert_eq!(delivery["by_email"], false, "the box was not ticked");
        assert_eq!(delivery["note"], "By hand in Dublin.");
        let (_, page) = browser.page(&format!("{letter_page}?delivered=1")).await;
        assert!(page.contains("the list is frozen"), "{page}");
        assert!(!page.contains("id=\"deliver\""), "no Deliver form once delivered");
    }
);
