//! Invitations end to end: coordinators invite organisations of the directory, each gets a
//! personal link by mail (read from the SMTP sink), signs through it with no confirmation mail
//! and is listed as verified by invitation; reminders reach only those who have not signed.

use std::time::Duration;

use serde_json::{json, Value};
use undersigned::verify::{verify, Options};

use crate::db_test;
use crate::helpers::{ledger_key, location, status_json, Browser, TestApp, OWNER_EMAIL, PASSWORD};

/// Add organisations to the directory; returns their slugs.
async fn directory(app: &TestApp, organisations: &[(&str, &str)]) -> Vec<String> {
    let added = crate::helpers::add_to_directory(app, organisations).await;
    added
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_string())
        .collect()
}

fn items(pairs: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = pairs
        .iter()
        .map(|(org, email)| json!({"organisation": org, "email": email}))
        .collect();
    json!({ "invitations": list })
}

async fn invitations(app: &TestApp, letter: &str) -> Value {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/invitations"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn settle() {
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
}

/// Sign through an invitation page as a person would: open it, fill in the form, send it.
async fn sign_through(browser: &Browser, token: &str, name: &str) -> (u16, String) {
    let path = format!("/invitations/{token}");
    sign_from(browser, &path, token, name).await
}

/// Post the invitation form with the CSRF token of the page at `from` (a page with a form).
async fn sign_from(browser: &Browser, from: &str, token: &str, name: &str) -> (u16, String) {
    let path = format!("/invitations/{token}");
    let r = browser
        .submit(
            from,
            &path,
            &[
                ("representative_name", name),
                ("representative_role", "Director"),
                ("comment", ""),
                ("consent", "yes"),
            ],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

db_test!(
    async fn invited_organisations_sign_through_their_links_and_only_the_others_are_reminded(app, |s| {
        s.metrics_token = Some(crate::metrics::TOKEN.to_string().into());
    }) {
        let letter = app.open_letter("invited", "auto").await;
        let orgs = directory(
            &app,
            &[("Access Now", "US"), ("Article 19", "GB"), ("Bits of Freedom", "NL"), ("Digitale Gesellschaft", "DE")],
        )
        .await;
        let emails = ["a@access.example", "b@article19.example", "c@bof.example", "d@digiges.example"];
        let pairs: Vec<(&str, &str)> = orgs.iter().map(String::as_str).zip(emails).collect();
        let (status, answer) =
            status_json(app.post(&format!("/api/v1/letters/{letter}/invitations"), &items(&pairs)).await).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["counts"], json!({"invited": 4, "opened": 0, "signed": 0}));
        for (i, item) in answer["invitations"].as_array().unwrap().iter().enumerate() {
            assert_eq!(item["outcome"], "invited");
            assert_eq!(item["state"], "invited");
            assert_eq!(item["organisation"]["slug"], orgs[i].as_str());
            assert_eq!(item["email"], emails[i]);
        }

        // One mail each, with a personal link.
        let mails = app.mail.wait_for(4).await;
        let token_of = |email: &str| {
            let mail = mails.iter().find(|m| m.to == [email]).unwrap_or_else(|| panic!("no mail to {email}"));
            assert!(mail.subject.contains("is invited to sign") && mail.subject.contains("Letter invited"), "{}", mail.subject);
            assert!(mail.html.contains("/invitations/"));
            mail.invitation_token()
        };
        let tokens: Vec<String> = emails.iter().map(|e| token_of(e)).collect();
        let mut distinct = tokens.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 4);
        let outbox = app.outbox().await;
        let kinds: Vec<&str> = outbox["items"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "invitation").count(), 4, "{outbox}");

        // Opening a link records it and signs nothing.
        let browser = Browser::new(&app);
        for _ in 0..2 {
            let (status, page) = browser.page(&format!("/invitations/{}", tokens[0])).await;
            assert_eq!(status, 200);
            assert!(page.contains("Access Now") && page.contains("Sign the letter") && page.contains("We ask you to"), "{page}");
        }
        assert_eq!(invitations(&app, &letter).await["counts"], json!({"invited": 4, "opened": 1, "signed": 0}));
        assert_eq!(app.signatories(&letter).await["total"], 0);

        // Three sign, each through its own link, with no confirmation mail.
        for (token, name) in tokens.iter().zip(["Ann", "Bob", "Cem"]) {
            let (status, page) = sign_through(&browser, token, name).await;
            assert_eq!(status, 200, "{page}");
            assert!(page.contains("now listed"), "{page}");
            assert!(page.contains("/signatures/withdraw/"), "the signer can withdraw later");
        }
        settle().await;
        assert_eq!(app.mail.mails().len(), 4, "no confirmation mail");
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 3, "{list}");
        let mut listed: Vec<(String, String)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_string(), s["verification"].as_str().unwrap().to_string()))
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [("Access Now", "invitation"), ("Article 19", "invitation"), ("Bits of Freedom", "invitation")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains(">invited</span>"), "the letter page marks them");
        let csv = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert!(csv.contains(",invitation,"), "{csv}");
        for email in emails {
            assert!(!list.to_string().contains(email) && !page.contains(email) && !csv.contains(email));
        }

        // Signing twice through one link is harmless.
        let (status, page) = sign_from(&browser, "/login", &tokens[0], "Ann again").await;
        assert_eq!(status, 200);
        assert!(page.contains("already signed"), "{page}");
        assert_eq!(app.signatories(&letter).await["total"], 3);
        // The metrics count the three signatures, not the repeat.
        let scraped = crate::metrics::scrape(&app).await;
        let by_invitation = r#"undersigned_sign_requests{outcome="invitation"}"#;
        assert_eq!(crate::metrics::number(&scraped, by_invitation), 3.0);

        let list = invitations(&app, &letter).await;
        assert_eq!(list["counts"], json!({"invited": 4, "opened": 3, "signed": 3}));
        assert_eq!(list["total"], 4);
        let states: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
        assert_eq!(states, ["signed", "signed", "signed", "invited"]);

        // Reminders go only to the one that has not signed, and not twice in a day.
        let (status, outcome) =
            status_json(app.post(&format!("/api/v1/letters/{letter}/invitations/remind"), &json!({})).await).await;
        assert_eq!(status, 200, "{outcome}");
        assert_eq!(outcome, json!({"reminded": 1, "signed": 3, "too_soon": 0, "at_cap": 0}));
        let mails = app.mail.wait_for(5).await;
        assert_eq!(mails[4].to, [emails[3]]);
        assert!(mails[4].subject.starts_with("Reminder"), "{}", mails[4].subject);
        assert_eq!(mails[4].invitation_token(), tokens[3], "the same personal link");
        let (_, outcome) =
            status_json(app.post(&format!("/api/v1/letters/{letter}/invitations/remind"), &json!({})).await).await;
        assert_eq!(outcome, json!({"reminded": 0, "signed": 3, "too_soon": 1, "at_cap": 0}));

        // Inviting again: nothing for one that signed; the same link, to a new address, otherwise.
        let again = items(&[(orgs[0].as_str(), "new@access.example"), (orgs[3].as_str(), "new@digiges.example")]);
        let (status, answer) = status_json(app.post(&format!("/api/v1/letters/{letter}/invitations"), &again).await).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["invitations"][0]["outcome"], "already_signed");
        assert_eq!(answer["invitations"][1]["outcome"], "resent");
        assert_eq!(answer["counts"]["invited"], 4, "no duplicate");
        let mails = app.mail.wait_for(6).await;
        assert_eq!(mails[5].to, ["new@digiges.example"]);
        assert_eq!(mails[5].invitation_token(), tokens[3]);
        settle().await;
        assert_eq!(app.mail.mails().len(), 6);

        // The audit log tells the story, without addresses.
        let (_, log) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200")).await).await;
        let actions: Vec<(String, String)> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["subject_kind"] == "invitation")
            .map(|e| (e["actor_kind"].as_str().unwrap().to_string(), e["action"].as_str().unwrap().to_string()))
            .collect();
        let count = |kind: &str, action: &str| actions.iter().filter(|(k, a)| k == kind && a == action).count();
        assert_eq!(count("user", "invitation.sent"), 5, "{actions:?}");
        assert_eq!(count("public", "invitation.opened"), 3);
        assert_eq!(count("public", "invitation.signed"), 3);
        assert_eq!(count("user", "invitation.reminded"), 1);
        assert!(!log.to_string().contains("@access.example"), "{log}");

        // The ledger still checks from the outside.
        let report = verify(&Options {
            source: app.url(&format!("/letters/{letter}")),
            since: None,
            list: None,
            key: Some(ledger_key().public_hex()),
            ..Default::default()
        })
        .await
        .expect("the check runs");
        assert!(report.ok(), "{report}");
        assert_eq!(report.listed, 3);
        let (_, ledger) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger?all=true")).await).await;
        let published: Vec<&Value> = ledger["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "published").collect();
        assert_eq!(published.len(), 3);
        assert!(published.iter().all(|e| e["verification"] == "invitation"), "{ledger}");
    }
);

db_test!(
    async fn only_the_letters_coordinators_invite_and_its_members_read(app) {
        app.coalition("x").await;
        let viewer = app.account("viewer@example.org", "Vera Viewer").await;
        let coordinator = app.account("coordinator@example.org", "Cory Coordinator").await;
        for (email, role) in [("viewer@example.org", "viewer"), ("coordinator@example.org", "coordinator")] {
            app.add_member("x", email, role).await;
        }
        let outsider = app.account("outsider@example.org", "Otto Outsider").await;
        let r = app.post_as(&outsider, "/api/v1/coalitions", &json!({"slug": "y", "name": "Why"})).await;
        assert_eq!(r.status(), 201);
        app.letter("x", "x-open").await;
        let r = app.post("/api/v1/letters/x-open/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        app.letter("x", "x-draft").await;
        let orgs = directory(&app, &[("Privacy First", "NL")]).await;
        let body = items(&[(orgs[0].as_str(), "office@privacy.example")]);

        let post = |token: Option<String>, path: &'static str| {
            let request = app.client.post(app.url(path)).json(&body);
            async move {
                let request = match token {
                    Some(t) => request.bearer_auth(t),
                    None => request,
                };
                status_json(request.send().await.unwrap()).await
            }
        };
        let invite = "/api/v1/letters/x-open/invitations";
        assert_eq!(post(Some(viewer.clone()), invite).await.0, 403);
        assert_eq!(post(Some(outsider.clone()), invite).await.0, 403);
        assert_eq!(post(None, invite).await.0, 401);
        assert_eq!(post(Some(outsider.clone()), "/api/v1/letters/x-draft/invitations").await.0, 404);
        assert_eq!(post(Some(viewer.clone()), "/api/v1/letters/x-open/invitations/remind").await.0, 403);
        assert_eq!(invitations(&app, "x-open").await["total"], 0, "refusals stored nothing");
        assert_eq!(app.outbox().await["total"], 0);

        let (status, answer) = post(Some(coordinator.clone()), invite).await;
        assert_eq!(status, 200, "{answer}");
        for (token, expected) in [(&viewer, 200), (&coordinator, 200), (&outsider, 403)] {
            let r = app.get_as(token, "/api/v1/letters/x-open/invitations").await;
            assert_eq!(r.status(), expected);
        }
        assert_eq!(app.get("/api/v1/letters/x-open/invitations").await.status(), 401);
        let (_, mail) = status_json(app.get_as(&viewer, "/api/v1/outbox").await).await;
        assert_eq!(mail["total"], 1, "the letter's coalition sees its invitation mail: {mail}");
        assert_eq!(mail["items"][0]["kind"], "invitation");
        let (_, mail) = status_json(app.get_as(&outsider, "/api/v1/outbox").await).await;
        assert_eq!(mail["total"], 0, "{mail}");
    }
);

db_test!(
    async fn bad_input_changes_nothing_and_bad_links_find_nothing(app) {
        let letter = app.open_letter("careful", "auto").await;
        let orgs = directory(&app, &[("Open Rights Group", "GB"), ("La Quadrature du Net", "FR")]).await;
        let path = format!("/api/v1/letters/{letter}/invitations");
        let bad = json!({"invitations": [
            {"organisation": orgs[0], "email": "org@openrights.example"},
            {"organisation": "no-such-organisation", "email": "x@example.org"},
            {"organisation": orgs[1], "email": "not an address"},
            {"organisation": orgs[0], "email": "again@openrights.example"},
            {"email": "y@example.org"},
        ]});
        let (status, body) = status_json(app.post(&path, &bad).await).await;
        assert_eq!(status, 422, "{body}");
        let fields = body["error"]["fields"].as_object().unwrap();
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            ["invitations[1].organisation", "invitations[2].email", "invitations[3].organisation", "invitations[4].organisation"]
        );
        for body in [json!({"invitations": []}), json!({"invitations": [{"organisation": orgs[0], "email": "a@b.example", "extra": 1}]})] {
            let (status, answer) = status_json(app.post(&path, &body).await).await;
            assert_eq!(status, 422, "{answer}");
        }
        settle().await;
        assert_eq!(invitations(&app, &letter).await["total"], 0);
        assert_eq!(app.outbox().await["total"], 0);
        assert!(app.mail.mails().is_empty());

        // Drafts cannot be invited to.
        app.letter(&format!("c-{letter}"), "still-draft").await;
        let (status, _) = status_json(app.post("/api/v1/letters/still-draft/invitations", &items(&[(orgs[0].as_str(), "a@b.example")])).await).await;
        assert_eq!(status, 409);

        let (status, _) = status_json(app.post(&path, &items(&[(orgs[0].as_str(), "org@openrights.example")])).await).await;
        assert_eq!(status, 200);
        let token = app.mail.wait_for(1).await[0].invitation_token();

        // A tampered or malformed token finds nothing, and signs nothing.
        let browser = Browser::new(&app);
        let mut tampered = token.clone().into_bytes();
        tampered[10] = if tampered[10] == b'a' { b'b' } else { b'a' };
        let tampered = String::from_utf8(tampered).unwrap();
        for bad in [tampered.as_str(), "not-a-token"] {
            assert_eq!(browser.page(&format!("/invitations/{bad}")).await.0, 404);
            let r = browser
                .submit("/login", &format!("/invitations/{bad}"),
                    &[("representative_name", "Eve"), ("representative_role", "X"), ("consent", "yes")])
                .await;
            assert_eq!(r.status(), 404);
        }
        // A form posted from another site, or with missing fields, signs nothing.
        let page = format!("/invitations/{token}");
        let r = browser
            .client
            .post(app.url(&page))
            .header("origin", "https://evil.example")
            .form(&[("representative_name", "Eve")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = browser.submit(&page, &page, &[("representative_name", ""), ("representative_role", "Director")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("representative_name-error") && html.contains("consent-error"), "{html}");
        assert_eq!(app.signatories(&letter).await["total"], 0);
        assert_eq!(invitations(&app, &letter).await["counts"]["signed"], 0);

        // Once the letter is closed, the link says so and signing is refused.
        let r = app.post(&format!("/api/v1/letters/{letter}/transition"), &json!({"to": "closed"})).await;
        assert_eq!(r.status(), 200);
        let (status, html) = browser.page(&page).await;
        assert_eq!(status, 200);
        assert!(html.contains("closed and no longer accepts signatures") && !html.contains("Sign the letter</button>"), "{html}");
        let r = browser
            .submit("/login", &page, &[("representative_name", "Ann"), ("representative_role", "Director"), ("consent", "yes")])
            .await;
        assert_eq!(r.status(), 409);
        assert_eq!(app.signatories(&letter).await["total"], 0);
        let (status, _) = status_json(app.post(&format!("{path}/remind"), &json!({})).await).await;
        assert_eq!(status, 409);
    }
);

db_test!(
    async fn coordinators_invite_and_remind_from_the_dashboard_and_manual_letters_wait(app) {
        let letter = app.open_letter("moderated", "manual").await;
        let orgs = directory(&app, &[("Homo Digitalis", "GR"), ("Iuridicum Remedium", "CZ")]).await;
        let browser = Browser::new(&app);
        let r = browser.submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)]).await;
        assert_eq!(location(&r), "/dashboard");
        let page = format!("/dashboard/letters/{letter}/invitations");
        let (status, html) = browser.page(&page).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("0</strong> invited") && html.contains("Send the invitations"), "{html}");

        // A bad line sends nothing and names its line.
        let lines = format!("{} one@homo.example\nno-such-org two@example.org\n", orgs[0]);
        let r = browser.submit(&page, &page, &[("lines", &lines)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("Line 2: the organisation is not in the directory"), "{html}");
        assert_eq!(invitations(&app, &letter).await["total"], 0);

        let lines = format!("{} one@homo.example\n\n{}, two@iure.example\n", orgs[0], orgs[1]);
        let r = browser.submit(&page, &page, &[("lines", &lines)]).await;
        assert_eq!(r.status(), 303, "a reload of the answer sends nothing again");
        let (_, html) = browser.page(&location(&r)).await;
        assert!(html.contains("Invited 2,") && html.contains("2</strong> invited"), "{html}");
        assert!(html.contains("Homo Digitalis") && html.contains("two@iure.example"));
        let mails = app.mail.wait_for(2).await;

        // On a manual letter, a signature through an invitation waits for the coordinators.
        let token = mails.iter().find(|m| m.to == ["one@homo.example"]).unwrap().invitation_token();
        let (status, html) = sign_through(&Browser::new(&app), &token, "Eleftherios").await;
        assert_eq!(status, 200);
        assert!(html.contains("review the signature"), "{html}");
        assert_eq!(app.signatories(&letter).await["total"], 0);
        assert_eq!(invitations(&app, &letter).await["counts"], json!({"invited": 2, "opened": 1, "signed": 1}));

        let r = browser.submit(&page, &format!("{page}/remind"), &[]).await;
        assert_eq!(r.status(), 303);
        assert!(browser.page(&location(&r)).await.1.contains("Reminders sent: 1."));
        let mails = app.mail.wait_for(3).await;
        assert_eq!(mails[2].to, ["two@iure.example"]);

        // Viewers see the page without the forms.
        app.account("v@example.org", "Viv").await;
        app.add_member(&format!("c-{letter}"), "v@example.org", "viewer").await;
        let viewer = Browser::new(&app);
        viewer.submit("/login", "/login", &[("email", "v@example.org"), ("password", PASSWORD)]).await;
        let (status, html) = viewer.page(&page).await;
        assert_eq!(status, 200);
        assert!(html.contains("2</strong> invited") && !html.contains("Send the invitations"), "{html}");
        let r = viewer.submit(&page, &format!("{page}/remind"), &[]).await;
        assert_eq!(r.status(), 403);

        // The API documents the endpoints.
        let (_, doc) = status_json(app.get("/api/v1/openapi.json").await).await;
        for path in ["/api/v1/letters/{slug}/invitations", "/api/v1/letters/{slug}/invitations/remind"] {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }
    }
);

db_test!(
    async fn an_invitation_to_a_french_letter_is_mailed_shown_and_answered_in_french(app) {
        app.coalition("c-fr").await;
        let r = app
            .post(
                "/api/v1/letters",
                &json!({"slug": "lettre", "coalition": "c-fr", "title": "Arrêtez", "language": "fr",
                        "body": "Madame, Monsieur,\n\nArrêtez.", "recipient_name": "La direction"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let r = app.post("/api/v1/letters/lettre/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        let orgs = directory(&app, &[("La Quadrature du Net", "FR")]).await;
        let r = app.post("/api/v1/letters/lettre/invitations", &items(&[(&orgs[0], "contact@lqdn.example")])).await;
        assert_eq!(r.status(), 200);

        // The mail is in the letter's language (the organisation has chosen none yet).
        let mail = app.mail.wait_for(1).await.remove(0);
        assert_eq!(mail.subject, "La Quadrature du Net est invitée à signer « Arrêtez »");
        assert!(mail.text.starts_with("Bonjour,") && mail.text.contains("c-fr invite La Quadrature du Net"), "{}", mail.text);
        assert!(mail.html.contains("<html lang=\"fr\">") && mail.html.contains(">Lire et signer la lettre</a>"), "{}", mail.html);

        // The page speaks French too; a mistake is answered in French, at its field.
        let token = mail.invitation_token();
        let browser = Browser::new(&app);
        let (status, page) = browser.page(&format!("/invitations/{token}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"fr\">") && page.contains("Signer au nom de La Quadrature du Net"), "{page}");
        assert!(page.contains("c-fr invite La Quadrature du Net (France) à signer cette lettre."), "{page}");
        let path = format!("/invitations/{token}");
        let r = browser
            .submit(&path, &format!("{path}?lang=fr"), &[("representative_name", ""), ("representative_role", "Juriste")])
            .await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("Veuillez corriger les champs signalés ci-dessous."), "{page}");
        assert!(page.contains("id=\"representative_name-error\">ne doit pas être vide</span>"), "{page}");
        assert!(page.contains("id=\"consent-error\">vous devez accepter la notice de confidentialité pour signer</span>"), "{page}");
        assert!(page.contains("value=\"Juriste\""), "what was typed is kept");

        // Asked for in another language, the page follows (the letter's text keeps its own).
        let (_, page) = browser.page(&format!("{path}?lang=de")).await;
        assert!(page.contains("<html lang=\"de\">") && page.contains("<article lang=\"fr\">"), "{page}");
        assert!(page.contains("<dd>Frankreich</dd>"), "the country by its everyday name: {page}");
        let (status, page) = sign_from(&browser, &path, &format!("{token}?lang=es"), "Ana").await;
        assert_eq!(status, 200);
        assert!(page.contains("Gracias: La Quadrature du Net ha firmado y ya figura entre los firmantes."), "{page}");
        assert_eq!(app.signatories("lettre").await["total"], 1);
    }
);
