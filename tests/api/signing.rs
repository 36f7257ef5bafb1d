//! Signing end to end: real HTTP, a real database, real SMTP to a sink in this process.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp, TestDatabase};
use crate::mail::SmtpSink;

/// GET a page with a form; returns the page and the CSRF token its cookie carries.
/// A public page with a form, as any reader gets it: the signer's forms are checked by origin
/// (issue 19), so the page carries no per-visitor token and sets no cookie.
async fn form_page(app: &TestApp, path: &str) -> (String, String) {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert!(
        r.headers().get("set-cookie").is_none(),
        "{path} sets a cookie"
    );
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("csrf_token"),
        "{path} has a per-visitor token"
    );
    (html, String::new())
}

/// POST a public form as a browser on this site would: with its `Origin` (and the CSRF field
/// when one is given, which the signer's forms ignore).
async fn post_form(
    app: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    if !csrf.is_empty() {
        form.push(("csrf_token", csrf));
    }
    app.client
        .post(app.url(path))
        .header("origin", app.address.as_str())
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn settle() {
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
}

db_test!(
    async fn an_organisation_signs_with_the_form_confirms_from_the_mail_and_is_listed(app) {
        let letter = app.open_letter("stop-spyware", "auto").await;
        let (page, csrf) = form_page(&app, "/letters/stop-spyware").await;
        for label in ["for=\"organisation_name\"", "for=\"country\"", "for=\"email\"", "for=\"consent\""] {
            assert!(page.contains(label), "{label}");
        }
        let r = post_form(
            &app,
            "/letters/stop-spyware/sign",
            &csrf,
            &[
                ("organisation_name", "Digital Courage"),
                ("country", "DE"),
                ("website", "digitalcourage.example.de"),
                ("representative_name", "Rena Tangens"),
                ("representative_role", "Co-founder"),
                ("email", "rena@digitalcourage.example.de"),
                ("comment", ""),
                ("consent", "yes"),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
        assert!(r.url().path().ends_with("/letters/stop-spyware/signed"));
        assert!(r.text().await.unwrap().contains("Check your email"));

        let mail = app.mail.wait_for(1).await.remove(0);
        assert_eq!(mail.to, ["rena@digitalcourage.example.de"]);
        assert!(mail.subject.contains("Letter stop-spyware"), "{}", mail.subject);
        assert!(mail.html.contains("Digital Courage"));
        let token = mail.token("confirm");
        assert_ne!(token, mail.token("withdraw"));
        assert_eq!(app.signatories(&letter).await["total"], 0, "pending is not listed");

        // Opening the link, as a mail scanner would, changes nothing.
        for _ in 0..2 {
            let (page, _) = form_page(&app, &format!("/signatures/confirm/{token}")).await;
            assert!(page.contains("Confirm the signature") && page.contains("Digital Courage"));
        }
        assert_eq!(app.signatories(&letter).await["total"], 0);

        let (_, csrf) = form_page(&app, &format!("/signatures/confirm/{token}")).await;
        let r = post_form(&app, &format!("/signatures/confirm/{token}"), &csrf, &[]).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("now listed"));

        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["name"], "Digital Courage");
        assert_eq!(list["items"][0]["country"], json!({"code": "DE", "name": "Germany"}));
        assert_eq!(list["items"][0]["website"], "https://digitalcourage.example.de/");
        let letter_json = status_json(app.get("/api/v1/letters/stop-spyware").await).await.1;
        assert_eq!(
            letter_json["signatories"]["countries"],
            json!([{"code": "DE", "name": "Germany", "count": 1}])
        );
        assert_eq!(list["items"][0]["text_hash"], letter_json["text_hash"]);
        let page = app.get("/letters/stop-spyware").await.text().await.unwrap();
        let germany = page.find("<h3>Germany").expect("a Germany group");
        assert!(page[germany..].contains("Digital Courage"));
        for public in [list.to_string(), page] {
            assert!(!public.contains("rena@") && !public.contains("Rena Tangens"));
        }
    }
);

db_test!(
    async fn signing_again_never_duplicates_and_resends_only_up_to_the_cap(app, |s| {
        s.max_confirmation_sends = 3;
    }) {
        let letter = app.open_letter("l", "auto").await;
        let mut answers = HashSet::new();
        // Issue 18, finding 5: only the address that signed gets its link again; a colleague's
        // (or a squatter's) request never re-sends it. Issue 22: the colleague's mailbox is told
        // the truth instead, naming no one.
        for i in [0, 1, 0, 2, 0, 0, 0] {
            let email = format!("person{i}@amnesty.example.org");
            let (status, body) =
                status_json(app.sign(&letter, &signer("Amnesty International", "FR", &email)).await).await;
            assert_eq!(status, 202);
            answers.insert(body.to_string());
        }
        assert_eq!(answers.len(), 1, "the answers differ: {answers:?}");
        let mails = app.mail.wait_for(5).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 5, "more than the cap");
        let to = |who: &str| -> Vec<crate::mail::ReceivedMail> {
            let address = format!("{who}@amnesty.example.org");
            app.mail.mails().into_iter().filter(|m| m.to == [address.clone()]).collect()
        };
        // Confirmation links go to the address that signed first, up to the cap of 3.
        let confirmations = to("person0");
        assert_eq!(confirmations.len(), 3);
        let tokens: HashSet<String> = confirmations.iter().map(|m| m.token("confirm")).collect();
        assert_eq!(tokens.len(), 1, "one signature, one link");
        // Each colleague got one mail that says the organisation signed already, with no link
        // of the signature and no one's name or address.
        for colleague in ["person1", "person2"] {
            let told = to(colleague);
            assert_eq!(told.len(), 1, "{colleague}: {mails:?}");
            let m = &told[0];
            assert!(m.subject.starts_with("Amnesty International signed already"), "{}", m.subject);
            assert!(m.text.contains("awaits confirmation"), "{}", m.text);
            assert!(!m.text.contains("/signatures/"), "a link of the signature: {}", m.text);
            assert!(!m.text.contains("person0") && !m.html.contains("person0"));
        }

        let token = tokens.into_iter().next().unwrap();
        let (status, body) = status_json(
            app.client
                .post(app.url("/api/v1/signatures/confirm"))
                .json(&json!({"token": token}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["state"], "published");
        let (status, again) = status_json(
            app.sign(&letter, &signer("AMNESTY  international", "France", "late@amnesty.example.org")).await,
        )
        .await;
        assert_eq!(status, 202);
        assert!(answers.contains(&again.to_string()));
        let told = app.mail.wait_for(6).await;
        let late = told.iter().find(|m| m.to == ["late@amnesty.example.org"]).expect("a mail to late@");
        assert!(late.text.contains("it is on the list since"), "{}", late.text);
        // The address that signed has had its 3 mails: asking again sends nothing more.
        app.sign(&letter, &signer("Amnesty International", "FR", "person0@amnesty.example.org")).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 6, "past the cap");
        assert_eq!(app.signatories(&letter).await["total"], 1);
        assert_eq!(app.total("/api/v1/organisations").await, 1);
    }
);

db_test!(
    async fn an_address_that_signed_already_is_told_what_it_signed_with_its_withdraw_link(app) {
        let letter = app.open_letter("l", "auto").await;
        let ana = "ana@privacy.example.org";
        let (status, first) = status_json(app.sign(&letter, &signer("Privacy First", "NL", ana)).await).await;
        assert_eq!(status, 202);
        let confirm = app.mail.wait_for(1).await[0].token("confirm");
        // The same address for another organisation: the same answer, and a true mail.
        let (status, second) = status_json(app.sign(&letter, &signer("Other Org", "BE", ana)).await).await;
        assert_eq!(status, 202);
        assert_eq!(first, second, "the answer tells nothing");
        let mails = app.mail.wait_for(2).await;
        let told = &mails[1];
        assert_eq!(told.to, [ana]);
        assert!(told.subject.starts_with("You signed already"), "{}", told.subject);
        assert!(told.text.contains("on behalf of Privacy First"), "{}", told.text);
        assert!(told.text.contains("awaits your confirmation"), "{}", told.text);
        assert!(!told.text.contains("Other Org"), "{}", told.text);
        // Its withdraw link is the signature's own.
        let withdraw = told.token("withdraw");
        assert_eq!(withdraw, mails[0].token("withdraw"));
        assert_eq!(app.total("/api/v1/organisations").await, 1, "Other Org was not created");

        // Once listed, the mail says since when.
        let (status, _) = status_json(
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": confirm})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        app.sign(&letter, &signer("Privacy First", "NL", ana)).await;
        let mails = app.mail.wait_for(3).await;
        assert!(mails[2].text.contains("it is on the list since"), "{}", mails[2].text);

        // The link in that mail withdraws it.
        let (status, _) = status_json(
            app.client.post(app.url("/api/v1/signatures/withdraw")).json(&json!({"token": withdraw})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(app.signatories(&letter).await["total"], 0);
    }
);

db_test!(
    async fn expired_and_unknown_links_change_nothing(app, |s| {
        s.confirmation_ttl_secs = 0;
    }) {
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer("Privacy International", "GB", "pi@example.org")).await;
        let token = app.mail.wait_for(1).await[0].token("confirm");
        let path = format!("/signatures/confirm/{token}");
        assert_eq!(app.get(&path).await.status(), 410);
        let r = app
            .client
            .post(app.url(&path))
            .header("origin", app.address.as_str())
            .form(&[("csrf_token", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 410);
        let (status, body) = status_json(
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": token})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 410);
        assert_eq!(body["error"]["code"], "gone");
        assert_eq!(app.signatories(&letter).await["total"], 0);

        let unknown = "0".repeat(64);
        assert_eq!(app.get(&format!("/signatures/confirm/{unknown}")).await.status(), 404);
        assert_eq!(app.get(&format!("/signatures/withdraw/{unknown}")).await.status(), 404);
        assert_eq!(app.get("/signatures/confirm/not-a-token").await.status(), 404);
        let (status, _) = status_json(
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": unknown})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 404);
        let (status, body) = status_json(
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": "short"})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["token"].is_array());

        // An expired signature does not block signing again: a new one with a new link.
        app.sign(&letter, &signer("Privacy International", "GB", "pi@example.org")).await;
        let mails = app.mail.wait_for(2).await;
        assert_ne!(mails[1].token("confirm"), token);
    }
);

db_test!(
    async fn a_withdrawn_signature_leaves_the_list_and_keeps_its_time(app) {
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer("La Quadrature du Net", "FR", "lqdn@example.fr")).await;
        let mail = app.mail.wait_for(1).await.remove(0);
        let confirm = |token: String| {
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": token})).send()
        };
        assert_eq!(confirm(mail.token("confirm")).await.unwrap().status(), 200);
        assert_eq!(app.signatories(&letter).await["total"], 1);

        let withdraw_path = format!("/signatures/withdraw/{}", mail.token("withdraw"));
        let (page, csrf) = form_page(&app, &withdraw_path).await;
        assert!(page.contains("Withdraw the signature"));
        assert_eq!(app.signatories(&letter).await["total"], 1, "GET changed nothing");
        let r = post_form(&app, &withdraw_path, &csrf, &[]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.signatories(&letter).await["total"], 0);
        let page = app.get("/letters/l").await.text().await.unwrap();
        assert!(!page.contains("La Quadrature du Net"));

        let (status, body) = status_json(
            app.client
                .post(app.url("/api/v1/signatures/withdraw"))
                .json(&json!({"token": mail.token("withdraw")}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["state"], "withdrawn");
        assert!(body["withdrawn_at"].is_string(), "{body}");
        let (status, body) = status_json(confirm(mail.token("confirm")).await.unwrap()).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "signature_withdrawn");
    }
);

db_test!(
    async fn a_manual_letter_keeps_confirmed_signatures_for_its_coordinators(app) {
        let letter = app.open_letter("l", "manual").await;
        app.sign(&letter, &signer("EFF", "US", "eff@example.org")).await;
        let token = app.mail.wait_for(1).await[0].token("confirm");
        let (status, body) = status_json(
            app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": token})).send().await.unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["state"], "confirmed");
        assert_eq!(app.signatories(&letter).await["total"], 0);
    }
);

db_test!(
    async fn invalid_sign_requests_name_every_field_and_store_nothing(app) {
        let letter = app.open_letter("l", "auto").await;
        let (status, body) = status_json(
            app.sign(
                &letter,
                &json!({
                    "organisation_name": " ",
                    "country": "Congo",
                    "website": "javascript:alert(1)",
                    "representative_name": "",
                    "representative_role": "",
                    "email": "not-an-email",
                    "comment": "x".repeat(1001),
                    "consent": false,
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        let fields = body["error"]["fields"].as_object().unwrap();
        for field in [
            "organisation_name",
            "country",
            "website",
            "representative_name",
            "representative_role",
            "email",
            "comment",
            "consent",
        ] {
            assert!(fields.contains_key(field), "{field} missing in {body}");
        }
        let (status, body) = status_json(app.sign(&letter, &json!({"organisation": "typo"})).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"].is_object());

        // An address that cannot receive mail is refused on its field, whatever else is right.
        for unreachable in ["name@host", "name@intranet.local", "name@example.con"] {
            let (status, body) = status_json(
                app.sign(
                    &letter,
                    &json!({
                        "organisation_name": "Reachable Org",
                        "country": "FR",
                        "representative_name": "Ana",
                        "representative_role": "Director",
                        "email": unreachable,
                        "consent": true,
                    }),
                )
                .await,
            )
            .await;
            assert_eq!(status, 422, "{unreachable}: {body}");
            let fields = body["error"]["fields"].as_object().unwrap();
            assert_eq!(fields.keys().collect::<Vec<_>>(), ["email"], "{body}");
            assert!(fields["email"][0].as_str().unwrap().contains("cannot receive mail"), "{body}");
        }

        // The form shows each error next to its field and keeps what was typed.
        let (_, csrf) = form_page(&app, "/letters/l").await;
        let r = post_form(
            &app,
            "/letters/l/sign",
            &csrf,
            &[
                ("organisation_name", "Kept Organisation"),
                ("country", "FR"),
                ("representative_name", "Kept Person"),
                ("representative_role", ""),
                ("email", "nope"),
            ],
        )
        .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("value=\"Kept Organisation\""));
        assert!(html.contains("value=\"Kept Person\""));
        assert!(html.contains("<option value=\"FR\" selected>"));
        for id in ["email-error", "representative_role-error", "consent-error"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(!html.contains("id=\"organisation_name-error\""));

        settle().await;
        assert_eq!(app.mail.mails().len(), 0);
        assert_eq!(app.outbox().await["total"], 0);
        assert_eq!(app.total("/api/v1/organisations").await, 0);
    }
);

db_test!(
    async fn only_open_letters_accept_signatures(app) {
        let letter = app.open_letter("l", "auto").await;
        app.post("/api/v1/letters/l/transition", &json!({"to": "closed"})).await;
        let (status, body) = status_json(app.sign(&letter, &signer("Org", "FR", "o@example.org")).await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "letter_not_open");
        let page = app.get("/letters/l").await.text().await.unwrap();
        assert!(page.contains("no longer accepts signatures"));
        assert!(!page.contains("action=\"/letters/l/sign\""));

        app.coalition("d").await;
        app.letter("d", "draft").await;
        let (status, _) = status_json(app.sign("draft", &signer("Org", "FR", "o@example.org")).await).await;
        assert_eq!(status, 404);
        assert_eq!(app.get("/letters/draft").await.status(), 404);
        assert_eq!(app.outbox().await["total"], 0);
    }
);

db_test!(
    async fn a_hostile_organisation_name_is_escaped_on_the_page_and_in_the_mail(app) {
        let hostile = "<script>alert(1)</script>";
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer(hostile, "FR", "x@example.org")).await;
        let mail = app.mail.wait_for(1).await.remove(0);
        assert!(!mail.html.contains(hostile), "{}", mail.html);
        assert!(mail.html.contains("&#60;script&#62;") || mail.html.contains("&lt;script&gt;"));
        let (_, csrf) = form_page(&app, &format!("/signatures/confirm/{}", mail.token("confirm"))).await;
        post_form(&app, &format!("/signatures/confirm/{}", mail.token("confirm")), &csrf, &[]).await;
        let page = app.get("/letters/l").await.text().await.unwrap();
        assert!(!page.contains(hostile));
        assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
        assert_eq!(app.signatories(&letter).await["items"][0]["name"], hostile);
    }
);

db_test!(
    // Issue 19: the sign form carries no token; a post another site's page makes is refused by
    // the headers every browser sends with it, and changes nothing.
    async fn a_sign_form_post_from_another_site_is_refused(app) {
        app.open_letter("l", "auto").await;
        let fields = [
            ("organisation_name", "Org"),
            ("country", "FR"),
            ("representative_name", "A"),
            ("representative_role", "B"),
            ("email", "a@example.org"),
            ("consent", "yes"),
        ];
        let forged: [&[(&str, &str)]; 4] = [
            &[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
            &[("sec-fetch-site", "same-site"), ("origin", "https://letters.evil.example")],
            &[("origin", "https://evil.example")],
            &[("referer", "https://evil.example/page")],
        ];
        for headers in forged {
            let mut request = app.client.post(app.url("/letters/l/sign")).form(&fields);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), 403, "{headers:?}");
            assert!(r.text().await.unwrap().contains("another site"));
        }
        assert_eq!(app.outbox().await["total"], 0);
        assert_eq!(app.total("/api/v1/organisations").await, 0);
        // The same post from this site's page is taken.
        let r = app
            .client
            .post(app.url("/letters/l/sign"))
            .header("sec-fetch-site", "same-origin")
            .header("origin", app.address.as_str())
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(app.total("/api/v1/organisations").await, 1);
    }
);

db_test!(
    async fn signing_is_rate_limited_per_client_address(app, |s| {
        s.sign_rate_per_minute = 1;
        s.sign_rate_burst = 2;
    }) {
        let letter = app.open_letter("l", "auto").await;
        for i in 0..2 {
            // One address signs a letter for one organisation (tests/api/abuse.rs).
            let email = format!("o{i}@example.org");
            let r = app.sign(&letter, &signer(&format!("Org {i}"), "FR", &email)).await;
            assert_eq!(r.status(), 202);
        }
        let r = app.sign(&letter, &signer("Org 3", "FR", "o3@example.org")).await;
        assert_eq!(r.status(), 429);
        let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry >= 1);
        let (_, body) = status_json(r).await;
        assert_eq!(body["error"]["code"], "too_many_requests");
        assert_eq!(app.outbox().await["total"], 2);
        // Reads are not limited.
        assert_eq!(app.get("/letters/l").await.status(), 200);
    }
);

/// Wait until every outbox row has failed at least once.
async fn wait_until_attempted(app: &TestApp, n: usize) {
    for _ in 0..200 {
        let outbox = app.outbox().await;
        let items = outbox["items"].as_array().unwrap();
        if items.len() == n && items.iter().all(|m| m["attempts"].as_i64().unwrap() >= 1) {
            assert!(items
                .iter()
                .all(|m| m["state"] == "queued" && m["last_error"].is_string()));
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("mail was not attempted");
}

fn assert_each_once(mails: &[crate::mail::ReceivedMail], n: usize) {
    assert_eq!(mails.len(), n);
    let ids: HashSet<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), n, "a mail arrived twice");
}

#[actix_web::test]
async fn with_smtp_down_signing_works_and_every_mail_goes_out_once_it_is_back() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let port = SmtpSink::reserve_port();
        let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into())
        })
        .await;
        let letter = app.open_letter("l", "auto").await;
        for i in 0..3 {
            let r = app
                .sign(
                    &letter,
                    &signer(&format!("Org {i}"), "FR", &format!("o{i}@example.org")),
                )
                .await;
            assert_eq!(r.status(), 202);
        }
        wait_until_attempted(&app, 3).await;
        let sink = SmtpSink::start_on_port(port);
        sink.wait_for(3).await;
        settle().await;
        assert_each_once(&sink.mails(), 3);
        let outbox = app.outbox().await;
        assert!(outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "sent"));
    }
}

/// Two server instances on one database, each with its own outbox worker: every mail is sent
/// exactly once.
#[actix_web::test]
async fn two_workers_on_one_database_never_send_a_mail_twice() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let port = SmtpSink::reserve_port();
        let smtp = format!("smtp://127.0.0.1:{port}");
        let db = TestDatabase::new(backend);
        let shared = db.share();
        let a = TestApp::spawn_with(db, |s| s.smtp_url = Some(smtp.clone().into())).await;
        let b = TestApp::spawn_with(shared, |s| s.smtp_url = Some(smtp.clone().into())).await;
        let letter = a.open_letter("l", "auto").await;
        let n = 24;
        for i in 0..n {
            let app = if i % 2 == 0 { &a } else { &b };
            let r = app
                .sign(
                    &letter,
                    &signer(&format!("Org {i}"), "FR", &format!("o{i}@example.org")),
                )
                .await;
            assert_eq!(r.status(), 202);
        }
        wait_until_attempted(&a, n).await;
        let sink = SmtpSink::start_on_port(port);
        sink.wait_for(n).await;
        actix_web::rt::time::sleep(Duration::from_millis(800)).await;
        assert_each_once(&sink.mails(), n);
    }
}

#[actix_web::test]
async fn mail_that_keeps_failing_or_is_refused_is_parked_as_dead_with_its_error() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        // Nothing listens: every attempt fails, and the second is the last.
        let port = SmtpSink::reserve_port();
        let app = TestApp::spawn_with(TestDatabase::new(backend), |s| {
            s.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
            s.outbox_max_attempts = 2;
        })
        .await;
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer("Org", "FR", "o@example.org"))
            .await;
        let dead = app.wait_for_dead(1).await;
        assert_eq!(dead[0]["attempts"], 2);
        assert!(
            dead[0]["last_error"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("connect"),
            "{dead:?}"
        );

        // A permanent refusal (550) is not retried.
        let app = TestApp::spawn(backend).await;
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer("Org", "FR", "reject-me@example.org"))
            .await;
        let dead = app.wait_for_dead(1).await;
        assert_eq!(dead[0]["attempts"], 1);
        assert!(
            dead[0]["last_error"].as_str().unwrap().contains("550"),
            "{dead:?}"
        );
        assert!(app.mail.mails().is_empty());
    }
}

db_test!(
    async fn without_smtp_mail_is_written_as_files_with_the_link(app, |s| {
        s.smtp_url = None;
    }) {
        let letter = app.open_letter("l", "auto").await;
        app.sign(&letter, &signer("Org", "FR", "o@example.org")).await;
        let dir = app.db.data_dir().join("mail");
        let mut found = None;
        for _ in 0..200 {
            let files: Vec<_> = std::fs::read_dir(&dir)
                .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default();
            if let Some(path) = files.iter().find(|p| p.extension().is_some_and(|e| e == "eml")) {
                found = Some(std::fs::read_to_string(path).unwrap());
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        let raw = found.expect("an .eml file in the data folder");
        let parsed = mailparse::parse_mail(raw.as_bytes()).unwrap();
        let text = parsed.subparts[0].get_body().unwrap();
        let start = text.find("/signatures/confirm/").expect("the confirmation link") + 20;
        let token = &text[start..start + 64];
        let r = app
            .client
            .post(app.url("/api/v1/signatures/confirm"))
            .json(&json!({"token": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(app.signatories(&letter).await["total"], 1);
    }
);

db_test!(
    async fn an_oversized_form_is_refused(app) {
        app.open_letter("l", "auto").await;
        let (_, csrf) = form_page(&app, "/letters/l").await;
        let big = "x".repeat(300 * 1024);
        let r = post_form(&app, "/letters/l/sign", &csrf, &[("comment", &big)]).await;
        assert_eq!(r.status(), 413);
        assert_eq!(app.outbox().await["total"], 0);
    }
);
