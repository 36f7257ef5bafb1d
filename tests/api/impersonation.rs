//! Issue 18 (outside security test), findings 5, 10 and 17: passing for another organisation.
//! A look-alike name signs for the real organisation rather than beside it; a second signer for
//! an organisation is held for the coalition instead of vanishing; names and titles meant as one
//! line carry no line breaks, controls, invisible or text-direction characters.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{signer, status_json, TestApp};

/// Wait until the outbox worker is idle (no mail is expected; a missing one would be a bug).
async fn settle() {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_object()
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default()
}

async fn letter_titles(app: &TestApp) -> Vec<String> {
    let (_, body) = status_json(app.get_authed("/api/v1/letters?per_page=200").await).await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap().to_string())
        .collect()
}

db_test!(
    // Issue 18, finding 17: titles, recipients, places, roles and names meant as one line refused
    // line breaks and control characters nowhere; now each is a per-field 422 and changes nothing.
    async fn text_meant_as_one_line_refuses_line_breaks_controls_and_direction_marks(app) {
        app.coalition("c").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({
                    "slug": "injected",
                    "coalition": "c",
                    "title": "Stop spyware\r\nBcc: everyone@example.org",
                    "body": "A body may have\n\nparagraphs.",
                    "recipient_name": "The Chief\u{202e}evitucexE",
                    "place_and_date": "Berlin,\t1 May",
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(fields(&body), ["place_and_date", "recipient_name", "title"], "{body}");
        assert!(letter_titles(&app).await.is_empty());

        let letter = app.open_letter("l", "auto").await;
        let (status, body) = status_json(
            app.patch(&format!("/api/v1/letters/{letter}"), &json!({"title": "New\ntitle"})).await,
        )
        .await;
        assert_eq!((status, fields(&body)), (422, vec!["title".to_string()]), "{body}");
        assert_eq!(letter_titles(&app).await, ["Letter l"]);

        let (status, body) = status_json(
            app.post(
                "/api/v1/campaigns",
                &json!({"coalition": "c", "title": "Two\u{0}lines",
                        "goal": {"organisations": 4, "countries": 3, "date": "2027-03-31"}}),
            )
            .await,
        )
        .await;
        assert_eq!((status, fields(&body)), (422, vec!["title".to_string()]), "{body}");
        assert_eq!(app.total("/api/v1/campaigns").await, 0);

        let mut request = signer("Tell MAMA", "GB", "info@tellmama.org");
        request["representative_name"] = json!("Ada\u{200b}Lovelace");
        request["representative_role"] = json!("Director\r\nReply-To: x@attacker.example");
        let (status, body) = status_json(app.sign(&letter, &request).await).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(fields(&body), ["representative_name", "representative_role"], "{body}");
        settle().await;
        assert_eq!(app.outbox().await["total"], 0);
        assert_eq!(app.total("/api/v1/organisations").await, 0);
    }
);

db_test!(
    // Issue 18, finding 10: `TeIl MAMA`, a Cyrillic `Тell MAMA` and zero-width or right-to-left
    // override characters were listed side by side with the real `Tell MAMA`. Look-alikes now
    // name the real organisation (UTS #39 skeleton), invisible characters are refused.
    async fn look_alike_names_never_list_a_second_organisation_beside_the_real_one(app) {
        let letter = app.open_letter("l", "auto").await;
        app.sign_and_confirm(&letter, &signer("Tell MAMA", "GB", "info@tellmama.org")).await;
        for (i, look_alike) in ["TeIl MAMA", "\u{422}ell MAMA", "Te11 MAMA"].iter().enumerate() {
            let r = app
                .sign(&letter, &signer(look_alike, "GB", &format!("x{i}@attacker.example")))
                .await;
            assert_eq!(r.status(), 202, "{look_alike}");
        }
        for invisible in ["Tell\u{200b}MAMA", "\u{202e}AMAM lleT", "Tell MAMA\u{2067}"] {
            let (status, body) =
                status_json(app.sign(&letter, &signer(invisible, "GB", "y@attacker.example")).await).await;
            assert_eq!((status, fields(&body)), (422, vec!["organisation_name".to_string()]), "{invisible:?}");
        }
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(app.total("/api/v1/organisations").await, 1);

        // The directory refuses a look-alike of an organisation it has, in the same country.
        let (status, body) =
            status_json(app.post("/api/v1/organisations", &json!({"name": "TeIl MAMA", "country": "GB"})).await).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "organisation_exists");
        let (status, body) = status_json(
            app.post("/api/v1/organisations", &json!({"name": "Tell\u{202e}MAMA", "country": "GB"})).await,
        )
        .await;
        assert_eq!((status, fields(&body)), (422, vec!["name".to_string()]), "{body}");
        let r = app.post("/api/v1/organisations", &json!({"name": "TeIl MAMA", "country": "FR"})).await;
        assert_eq!(r.status(), 201, "another country is another organisation");
    }
);

db_test!(
    // Issue 18, finding 5: while a squatter's signature for "Tell MAMA" was pending, the real
    // organisation's sign request re-sent the squatter's confirmation link. Only the address that
    // signed gets its link again (up to the cap); the real organisation gets its own link, which
    // says its signature is held; the answer stays the same neutral one.
    async fn a_sign_request_never_resends_another_address_confirmation_link(app, |s| {
        s.max_confirmation_sends = 2;
    }) {
        let letter = app.open_letter("l", "auto").await;
        let mut squatter = signer("Tell MAMA", "GB", "press@tellmama.attacker.example");
        squatter["website"] = json!("https://tellmama.attacker.example");
        let (status, first) = status_json(app.sign(&letter, &squatter).await).await;
        assert_eq!(status, 202);
        app.mail.wait_for(1).await;

        let mut real = signer("Tell MAMA", "GB", "info@tellmama.org");
        real["website"] = json!("https://tellmama.org");
        let (status, answer) = status_json(app.sign(&letter, &real).await).await;
        assert_eq!((status, &answer), (202, &first), "the same neutral answer");
        let mails = app.mail.wait_for(2).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 2);
        assert_eq!(mails[1].to, ["info@tellmama.org"], "the squatter's link was re-sent");
        assert_ne!(mails[1].token("confirm"), mails[0].token("confirm"));
        assert!(mails[1].text.contains("already has a signature for Tell MAMA"), "{}", mails[1].text);
        assert!(!mails[0].text.contains("already has a signature"), "{}", mails[0].text);

        // The squatter asking again still gets its own link, up to the cap.
        for _ in 0..3 {
            let (status, _) = status_json(app.sign(&letter, &squatter).await).await;
            assert_eq!(status, 202);
        }
        let mails = app.mail.wait_for(3).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 3, "the cap");
        assert_eq!(mails[2].to, ["press@tellmama.attacker.example"]);
        assert_eq!(mails[2].token("confirm"), mails[0].token("confirm"));
        assert_eq!(app.signatories(&letter).await["total"], 0);
    }
);

/// The coordinators' view of a letter's signatures: (organisation, state, contests, id) each.
async fn signatures_of(app: &TestApp, letter: &str) -> Vec<(String, String, Value, String)> {
    let (status, body) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/signatures"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["organisation"]["name"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
                s["contests"].clone(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

db_test!(
    // Issue 18, finding 5: once a squatter's signature for "Tell MAMA" was confirmed, the real
    // organisation could never sign (the same neutral 202, nothing else). A second signer from
    // another domain is now held: confirmed but never listed by itself, both mailboxes are told,
    // and the coalition decides; approving the held one replaces the squatter's on the list.
    async fn a_second_signer_from_another_domain_is_held_for_the_coalition_to_decide(app) {
        let letter = app.open_letter("l", "auto").await;
        let mut squatter = signer("Tell MAMA", "GB", "press@tellmama.attacker.example");
        squatter["website"] = json!("https://tellmama.org");
        app.sign_and_confirm(&letter, &squatter).await;
        assert_eq!(app.signatories(&letter).await["total"], 1);

        let mut real = signer("Tell MAMA", "GB", "info@tellmama.org");
        real["representative_name"] = json!("Iman Atta");
        let held_mail = app.sign_and_confirm(&letter, &real).await;
        assert!(held_mail.text.contains("already has a signature for Tell MAMA"), "{}", held_mail.text);
        // Confirmed, but not listed: the squatter's row is still the one on the list.
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["items"][0]["verification"], "unverified", "the held address verified the squatter's row");

        // The squatter's mailbox is told, with the other address's domain only.
        let told = app.mail.wait_for_to(2, "press@tellmama.attacker.example").await;
        assert!(told.subject.contains("Another signature for Tell MAMA"), "{}", told.subject);
        let words = told.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("from an address at tellmama.org,"), "{words}");
        assert!(!told.text.contains("info@") && !told.text.contains("Iman Atta"), "{}", told.text);
        assert!(told.text.contains("/signatures/withdraw/"));

        let rows = signatures_of(&app, &letter).await;
        let (_, state, contests, held_id) = rows.iter().find(|r| r.1 != "published").unwrap().clone();
        let squatter_id = rows.iter().find(|r| r.1 == "published").unwrap().3.clone();
        assert_eq!((state.as_str(), contests), ("confirmed", json!(squatter_id)));

        // The coalition approves the held signature: it replaces the squatter's on the list, and
        // its address now proves the organisation's domain.
        let r = app
            .post(&format!("/api/v1/letters/{letter}/signatures/approve"), &json!({"ids": [held_id]}))
            .await;
        assert_eq!(r.status(), 200);
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["items"][0]["verification"], "domain", "{list}");
        assert_eq!(list["items"][0]["verified_domain"], "tellmama.org");
        let rows = signatures_of(&app, &letter).await;
        let state_of = |id: &str| rows.iter().find(|r| r.3 == id).unwrap().clone();
        assert_eq!((state_of(&held_id).1.as_str(), state_of(&held_id).2), ("published", Value::Null));
        assert_eq!(state_of(&squatter_id).1, "rejected");
        let (_, audit) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200")).await).await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        for action in ["signature.created_held", "signature.confirmed_held", "signature.rejected", "signature.approved"] {
            assert!(actions.contains(&action), "{action} missing from {actions:?}");
        }
    }
);

db_test!(
    // Issue 18, finding 5: a held signature the coalition rejects leaves the organisation's
    // signature as it was; a colleague at the same domain is no contest (the organisation signs
    // already), while two free-mail addresses are (their domain proves nothing).
    async fn rejecting_a_held_signature_keeps_the_listed_one_and_free_mail_always_contests(app) {
        let letter = app.open_letter("l", "auto").await;
        let mut real = signer("Tell MAMA", "GB", "info@tellmama.org");
        real["website"] = json!("https://tellmama.org");
        app.sign_and_confirm(&letter, &real).await;
        let r = app.sign(&letter, &signer("Tell MAMA", "GB", "press@tellmama.org")).await;
        assert_eq!(r.status(), 202);
        // A colleague's request is no contest: no held signature, and the colleague's mailbox
        // is told the organisation signed already (issue 22), naming no one.
        let mails = app.mail.wait_for(2).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 2);
        assert_eq!(mails[1].to, ["press@tellmama.org"]);
        assert!(mails[1].subject.starts_with("Tell MAMA signed already"), "{}", mails[1].subject);
        assert!(!mails[1].text.contains("info@"), "{}", mails[1].text);
        assert_eq!(signatures_of(&app, &letter).await.len(), 1, "nothing held");

        app.sign_and_confirm(&letter, &signer("Tell MAMA", "GB", "tellmama.uk@gmail.com")).await;
        let rows = signatures_of(&app, &letter).await;
        assert_eq!(rows.len(), 2, "{rows:?}");
        let held = rows.iter().find(|r| r.1 == "confirmed").expect("held").3.clone();
        let r = app
            .post(
                &format!("/api/v1/letters/{letter}/signatures/reject"),
                &json!({"ids": [held], "reason": "not the organisation"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["verified_domain"], "tellmama.org", "{list}");

        let first = signer("Gmail Group", "GB", "first.gmail.group@gmail.com");
        app.sign_and_confirm(&letter, &first).await;
        let before = app.mail.mails().len();
        let second = signer("Gmail Group", "GB", "other.gmail.group@gmail.com");
        let r = app.sign(&letter, &second).await;
        assert_eq!(r.status(), 202);
        let mail = app.mail.wait_for_to(before, "other.gmail.group@gmail.com").await;
        assert!(mail.text.contains("already has a signature for Gmail Group"), "{}", mail.text);
    }
);

db_test!(
    // Issue 18, finding 5 (verified vs unverified): an organisation verified by its domain on one
    // letter lent its badge to anyone who signed another letter in its name. A signature whose
    // address does not prove that domain now waits for the coordinators, even on an `auto`
    // letter; one from the domain is listed at once.
    async fn an_address_that_does_not_prove_the_verified_domain_waits_for_the_coordinators(app) {
        let first = app.open_letter("first", "auto").await;
        let mut real = signer("Tell MAMA", "GB", "info@tellmama.org");
        real["website"] = json!("https://tellmama.org");
        app.sign_and_confirm(&first, &real).await;
        assert_eq!(app.signatories(&first).await["items"][0]["verification"], "domain");

        let second = app.open_letter("second", "auto").await;
        app.sign_and_confirm(&second, &signer("Tell MAMA", "GB", "tell.mama@gmail.com")).await;
        assert_eq!(app.signatories(&second).await["total"], 0, "listed under the domain badge");
        let rows = signatures_of(&app, &second).await;
        assert_eq!((rows[0].1.as_str(), &rows[0].2), ("confirmed", &Value::Null), "{rows:?}");

        let third = app.open_letter("third", "auto").await;
        app.sign_and_confirm(&third, &signer("Tell MAMA", "GB", "press@tellmama.org")).await;
        assert_eq!(app.signatories(&third).await["total"], 1);
    }
);

db_test!(
    // Issue 18, finding 5: signing as "Tell MAMA" with website and address at
    // `tellmama.attacker.example` earned the same "verified domain" badge as the real one would.
    // The badge now names the domain that was proved, in the JSON, the CSV and on the page.
    async fn the_verified_badge_names_the_domain_that_was_proved(app) {
        let letter = app.open_letter("l", "auto").await;
        let mut squatter = signer("Tell MAMA", "GB", "press@tellmama.attacker.example");
        squatter["website"] = json!("https://tellmama.attacker.example");
        app.sign_and_confirm(&letter, &squatter).await;
        let mut real = signer("Article 19", "GB", "info@article19.org");
        real["website"] = json!("https://www.article19.org");
        app.sign_and_confirm(&letter, &real).await;
        app.join(&letter, "Open Rights Group", "GB").await;

        let list = app.signatories(&letter).await;
        let domain_of = |name: &str| {
            list["items"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["verified_domain"].clone()
        };
        assert_eq!(domain_of("Tell MAMA"), "attacker.example", "{list}");
        assert_eq!(domain_of("Article 19"), "article19.org");
        assert_eq!(domain_of("Open Rights Group"), Value::Null);

        let csv = app.get(&format!("/api/v1/letters/{letter}/signatories.csv")).await.text().await.unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",verified_domain,country_alpha3"), "{csv}");
        let row = csv.lines().find(|l| l.starts_with("Tell MAMA,")).unwrap();
        assert!(row.ends_with(",attacker.example,GBR"), "{row}");

        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains(">verified: attacker.example</span>"), "{page}");
        assert!(page.contains(">verified: article19.org</span>"));
    }
);
