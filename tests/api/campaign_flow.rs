//! A campaign from start to finish, as a coordinator would run it: import a 30-line list whose
//! countries are written in several forms, review the lines that could not be resolved, open a
//! campaign with a goal, collect a signature through the public form, deliver the letter to the
//! recipient's mailbox, post an update to the signers, export the data. Once through the JSON API,
//! once through the pages in a real browser.

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::helpers::{signer, status_json, TestApp, HOME, OWNER_EMAIL, PASSWORD};
use crate::imports::LIST;
use crate::mail::ReceivedMail;

/// The lines of [`LIST`] that no country settles: Congo (two countries), Atlantis (none), and
/// a name with no country.
const REVIEW: [u64; 3] = [11, 12, 13];
/// After review: Congo is the DRC, the nameless network is Belgian; Atlantis stays out. That
/// makes 29 organisations from 24 countries.
const IMPORTED: i64 = 29;
const IMPORTED_COUNTRIES: i64 = 24;
const RECIPIENT: &str = "ceo@platform.example";
const SIGNER: &str = "ana@direitos.example";

fn review_lines(report: &Value) -> Vec<u64> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "review")
        .map(|l| l["line"].as_u64().unwrap())
        .collect()
}

/// The mail to the recipient, checked: the letter, then its list grouped by country with the
/// imported organisations and the one that signed through the form, and no signer's address.
fn check_delivery_mail(mail: &ReceivedMail, organisations: i64, countries: i64) {
    assert!(
        mail.subject.contains(&format!(
            "{organisations} organisations from {countries} countries"
        )),
        "{}",
        mail.subject
    );
    let text = &mail.text;
    for expected in [
        "Dear Chief Executive",
        "Congo (Democratic Republic of the) (1)",
        "- Rights Watch Kinshasa",
        "Netherlands",
        "- Bits of Freedom",
        "- Vrijschrift",
        "Portugal (1)",
        "- Direitos Digitais",
    ] {
        assert!(
            text.contains(expected),
            "{expected} in the delivery mail:\n{text}"
        );
    }
    assert!(
        !text.contains("Atlantis"),
        "a line left out is not delivered"
    );
    assert!(
        !text.contains(SIGNER),
        "no signer's address in the delivery"
    );
}

/// The update mail to the one signer with an address, with its unsubscribe headers.
fn check_update_mail(mail: &ReceivedMail) {
    assert_eq!(mail.to, [SIGNER]);
    assert!(
        mail.text.contains("The recipient answered"),
        "{}",
        mail.text
    );
    let header = |name: &str| {
        mail.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert!(header("List-Unsubscribe").contains("/unsubscribe/"));
    assert_eq!(
        header("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
}

/// Sign through the public form's JSON twin and confirm from the mail; returns when confirmed.
async fn public_signature(app: &TestApp, letter: &str) {
    let mut body = signer("Direitos Digitais", "Portugal", SIGNER);
    body["representative_name"] = json!("Ana Silva");
    app.sign_and_confirm(letter, &body).await;
}

/// Wait for a mail to `to` whose subject contains `subject`.
async fn mail_to(app: &TestApp, to: &str, subject: &str) -> ReceivedMail {
    for _ in 0..400 {
        if let Some(m) = app
            .mail
            .mails()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == to) && m.subject.contains(subject))
        {
            return m;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no mail to {to} about {subject:?}: {:?}", app.mail.mails());
}

/// What every export must hold: the letter, the private fields, the imported rows, the audit.
fn check_export(export: &Value, csv: &str) {
    let signatures = export["signatures"].as_array().unwrap();
    assert_eq!(signatures.len() as i64, IMPORTED + 1, "{export}");
    let ana = signatures
        .iter()
        .find(|s| s["email"] == SIGNER)
        .expect("the public signer with her address");
    assert_eq!(ana["representative_name"], "Ana Silva");
    let imported = signatures
        .iter()
        .filter(|s| s["verification"] == "imported")
        .count() as i64;
    assert_eq!(imported, IMPORTED);
    assert_eq!(export["delivery"]["signatories"], IMPORTED + 1);
    let actions: Vec<&str> = export["audit_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in ["import.applied", "letter.delivered", "update.sent"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(csv.contains(SIGNER) && csv.contains("Ana Silva"), "{csv}");
    assert_eq!(
        csv.lines().count() as i64,
        IMPORTED + 2,
        "a header and a row each"
    );
}

#[actix_web::test]
async fn a_campaign_from_an_imported_list_to_delivery_through_the_api() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let app = TestApp::spawn(backend).await;
        // The campaign, with a goal, and its letter.
        let (status, body) = status_json(
            app.post(
                "/api/v1/campaigns",
                &json!({"coalition": HOME, "slug": "spyware", "title": "No spyware",
                        "goal": {"organisations": 30, "countries": 25, "date": "2027-06-30"}}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({"coalition": HOME, "slug": "stop-spyware", "title": "Stop spyware",
                        "body": "Dear Chief Executive,\n\nStop selling **spyware**.",
                        "recipient_name": "The Chief Executive", "recipient_email": RECIPIENT,
                        "campaign": "spyware"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let r = app
            .post(
                "/api/v1/letters/stop-spyware/transition",
                &json!({"to": "open"}),
            )
            .await;
        assert_eq!(r.status(), 200);

        // The list: a preview that stores nothing shows the three lines to review.
        let request = json!({"format": "text", "content": LIST, "letter": "stop-spyware"});
        let (status, preview) =
            status_json(app.post("/api/v1/imports/preview", &request).await).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(review_lines(&preview), REVIEW);
        assert_eq!(app.signatories("stop-spyware").await["total"], 0);
        // Two are settled in review; Atlantis stays out.
        let mut request = request;
        request["countries"] = json!({"11": "CD", "13": "BE"});
        let (status, report) = status_json(app.post("/api/v1/imports", &request).await).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(review_lines(&report), [12]);
        assert_eq!(report["totals"]["signatures_new"], IMPORTED);

        // A signature through the public form; the campaign's progress follows.
        public_signature(&app, "stop-spyware").await;
        let (_, campaign) = status_json(app.get("/api/v1/campaigns/spyware").await).await;
        assert_eq!(
            campaign["progress"]["organisations"],
            IMPORTED + 1,
            "{campaign}"
        );
        assert_eq!(campaign["progress"]["countries"], IMPORTED_COUNTRIES + 1);
        assert_eq!(campaign["progress"]["reached"], true);
        let r = app
            .post(
                "/api/v1/campaigns/spyware/events",
                &json!({"kind": "milestone", "title": "30 organisations from 25 countries"}),
            )
            .await;
        assert_eq!(r.status(), 201);

        // Closed and delivered: the recipient's mailbox has the letter and its list.
        let r = app
            .post(
                "/api/v1/letters/stop-spyware/transition",
                &json!({"to": "closed"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let (status, delivery) = status_json(
            app.post("/api/v1/letters/stop-spyware/deliver", &json!({}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{delivery}");
        let mail = mail_to(&app, RECIPIENT, "Stop spyware").await;
        check_delivery_mail(&mail, IMPORTED + 1, IMPORTED_COUNTRIES + 1);
        let (_, campaign) = status_json(app.get("/api/v1/campaigns/spyware").await).await;
        let kinds: Vec<&str> = campaign["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["delivered", "milestone", "opened"], "{campaign}");

        // An update reaches the signer who gave an address.
        let (status, update) = status_json(
            app.post(
                "/api/v1/letters/stop-spyware/updates",
                &json!({"subject": "The recipient answered", "body": "They will **meet** us."}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{update}");
        assert_eq!(update["recipients"], 1);
        check_update_mail(&mail_to(&app, SIGNER, "The recipient answered").await);

        // The export holds everything, private fields included.
        let (status, export) =
            status_json(app.get_authed("/api/v1/letters/stop-spyware/export").await).await;
        assert_eq!(status, 200);
        let csv = app
            .get_authed("/api/v1/letters/stop-spyware/export.csv")
            .await
            .text()
            .await
            .unwrap();
        check_export(&export, &csv);
        let report = app.verify("stop-spyware", None).await;
        assert!(report.ok(), "{:?}", report.failure());
    }
}

#[actix_web::test]
async fn a_campaign_from_an_imported_list_to_delivery_in_the_browser() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let app = TestApp::spawn(backend).await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        browser_flow(&app, &browser).await;
        browser.close().await;
    }
}

async fn browser_flow(app: &TestApp, browser: &Browser) {
    // Signed in, a campaign with a goal.
    browser.goto(&app.url("/login")).await;
    browser.fill("email", OWNER_EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.click_text("button", "Sign in").await;
    browser.wait_for_path("/dashboard").await;
    browser.click_text("a", "Campaigns").await;
    browser.wait_for_path("/dashboard/campaigns").await;
    browser.fill("title", "No spyware").await;
    browser.fill("slug", "spyware").await;
    browser.fill("goal.organisations", "30").await;
    browser.fill("goal.countries", "25").await;
    browser.click_text("button", "Create the campaign").await;
    browser.wait_for_path("/dashboard/campaigns/spyware").await;
    assert_eq!(browser.text_of("h1").await, "No spyware");

    // Its letter, opened.
    browser
        .goto(&app.url(&format!("/dashboard/letters/new?coalition={HOME}")))
        .await;
    browser.fill("title", "Stop spyware").await;
    browser
        .fill("body", "Dear Chief Executive,\n\nStop selling **spyware**.")
        .await;
    browser.fill("recipient_name", "The Chief Executive").await;
    browser.fill("recipient_email", RECIPIENT).await;
    browser.select("campaign", "spyware").await;
    browser.click_text("button", "Save").await;
    browser
        .wait_for_path("/dashboard/letters/stop-spyware")
        .await;
    assert!(browser.text().await.contains("Campaign: No spyware"));
    browser.click_text("button", "Move to open").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "open").await;

    // The list: preview, review, import.
    browser.click_text("a", "Import signatories").await;
    browser.wait_for_path("/dashboard/imports").await;
    browser.fill("content", LIST).await;
    browser.select("letter", "stop-spyware").await;
    browser.click_text("button", "Preview").await;
    browser.find("#lines").await;
    let review: Vec<String> = browser.texts_of("#lines tr.review td:first-child").await;
    assert_eq!(review, ["11", "12", "13"]);
    assert_eq!(
        app.signatories("stop-spyware").await["total"],
        0,
        "nothing saved yet"
    );
    browser.select("country.11", "CD").await;
    browser.select("country.13", "BE").await;
    browser.click_text("button", "Import").await;
    browser.find("#result").await;
    assert_eq!(
        app.signatories("stop-spyware").await["total"],
        IMPORTED,
        "{}",
        browser.text().await
    );

    // A signature through the public page and its mail.
    public_signature(app, "stop-spyware").await;
    browser.goto(&app.url("/campaigns/spyware")).await;
    assert_eq!(
        browser.text_of("#progress-organisations label").await,
        format!("{} of 30 organisations", IMPORTED + 1)
    );
    assert_eq!(
        browser.text_of("#progress-countries label").await,
        format!("{} of 25 countries", IMPORTED_COUNTRIES + 1)
    );
    assert_eq!(browser.text_of("#reached").await, "The goal is reached.");

    // A post on the timeline.
    browser.goto(&app.url("/dashboard/campaigns/spyware")).await;
    browser.select("kind", "milestone").await;
    browser
        .fill("title", "30 organisations from 25 countries")
        .await;
    browser.click_text("button", "Post").await;
    browser
        .wait_for_text_of("p.notice", "Posted on the timeline.")
        .await;

    // Closed, then delivered with the form: the recipient's mailbox has it.
    browser
        .goto(&app.url("/dashboard/letters/stop-spyware"))
        .await;
    browser.click_text("button", "Move to closed").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "closed").await;
    assert!(browser.is_checked("by_email").await);
    browser.fill("note", "Also handed over in Dublin.").await;
    browser.click_text("button", "Deliver…").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "delivered").await;
    let mail = mail_to(app, RECIPIENT, "Stop spyware").await;
    check_delivery_mail(&mail, IMPORTED + 1, IMPORTED_COUNTRIES + 1);
    assert!(mail.text.contains("Also handed over in Dublin."));
    browser.goto(&app.url("/campaigns/spyware")).await;
    let timeline = browser.text_of("section[aria-labelledby=timeline]").await;
    assert!(
        timeline.contains("delivered to The Chief Executive by email"),
        "{timeline}"
    );
    assert!(timeline.contains("30 organisations from 25 countries"));

    // An update to the signers.
    browser
        .goto(&app.url("/dashboard/letters/stop-spyware/updates"))
        .await;
    browser.fill("subject", "The recipient answered").await;
    browser.fill("body", "They will **meet** us.").await;
    browser.click_text("button", "Send the update").await;
    browser.find("article.update").await;
    check_update_mail(&mail_to(app, SIGNER, "The recipient answered").await);

    // The export links on the letter's page, downloaded with the browser's session.
    browser
        .goto(&app.url("/dashboard/letters/stop-spyware"))
        .await;
    browser.find("#export-json").await;
    let session = browser.cookie("undersigned_session").await;
    let download = |path: &str| {
        app.client
            .get(app.url(path))
            .header("Cookie", format!("undersigned_session={session}"))
            .send()
    };
    let r = download("/dashboard/letters/stop-spyware/export.json")
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let export: Value = r.json().await.unwrap();
    let csv = download("/dashboard/letters/stop-spyware/export.csv")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    check_export(&export, &csv);
}
