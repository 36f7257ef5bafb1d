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
    // signed gets its link again (up to the cap); the answer stays the same neutral one.
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
        settle().await;
        assert_eq!(app.mail.mails().len(), 1, "the squatter's link was re-sent");

        // The squatter asking again still gets its own link, up to the cap.
        for _ in 0..3 {
            let (status, _) = status_json(app.sign(&letter, &squatter).await).await;
            assert_eq!(status, 202);
        }
        let mails = app.mail.wait_for(2).await;
        settle().await;
        assert_eq!(app.mail.mails().len(), 2, "the cap");
        assert!(mails.iter().all(|m| m.to == ["press@tellmama.attacker.example"]));
        assert_eq!(app.signatories(&letter).await["total"], 0);
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
        assert!(csv.lines().next().unwrap().ends_with(",verified_domain"), "{csv}");
        let row = csv.lines().find(|l| l.starts_with("Tell MAMA,")).unwrap();
        assert!(row.ends_with(",attacker.example"), "{row}");

        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains(">verified: attacker.example</span>"), "{page}");
        assert!(page.contains(">verified: article19.org</span>"));
    }
);
