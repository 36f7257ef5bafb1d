//! Nothing irreversible on one click, in headless Chromium (issue 24): a coordinator opens a
//! letter through its confirm page (cancelling first changes nothing), moderates with the
//! signers' comments in view, selects every signature from one country and approves them, rejects
//! the rest with a reason after a confirm page that counts them, closes the letter and reopens
//! it; axe-core checks each of these pages ([`Browser::axe`], failing on any violation).

use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{signer, status_json, TestApp, HOME, OWNER_EMAIL, PASSWORD};

const LETTER: &str = "no-spyware";

async fn state(app: &TestApp) -> String {
    let (_, letter) = status_json(app.get_authed(&format!("/api/v1/letters/{LETTER}")).await).await;
    letter["state"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn a_coordinator_confirms_each_move_moderates_by_country_and_reopens_in_the_browser() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let app = TestApp::spawn(backend).await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        path(&app, &browser).await;
        browser.close().await;
    }
}

async fn path(app: &TestApp, browser: &Browser) {
    app.letter(HOME, LETTER).await;
    let r = app
        .patch(
            &format!("/api/v1/letters/{LETTER}"),
            &json!({"moderation": "manual"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = app.url(&format!("/dashboard/letters/{LETTER}"));

    browser.goto(&app.url("/login")).await;
    browser.fill("email", OWNER_EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.click_text("button", "Sign in").await;
    browser.wait_for_path("/dashboard").await;

    // Opening asks first; cancelling changes nothing.
    browser.goto(&page).await;
    browser.click_text("button", "Move to open").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}/transition/open"))
        .await;
    assert_eq!(
        browser.text_of("h1").await,
        format!("Open “Letter {LETTER}” for signatures?")
    );
    let said = browser.texts_of("#consequences li").await;
    assert!(
        said.iter().any(|l| l.starts_with("The text is frozen")),
        "{said:?}"
    );
    assert!(
        said.contains(&"No invitation is waiting to be mailed.".to_string()),
        "{said:?}"
    );
    browser.axe("the confirm page of opening").await;
    browser.click("#cancel").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}"))
        .await;
    assert_eq!(browser.text_of("#state").await, "draft");
    assert_eq!(state(app).await, "draft");
    browser.click_text("button", "Move to open").await;
    browser.click_text("button", "Open for signatures").await;
    browser.wait_for_text_of("#state", "open").await;
    assert_eq!(
        browser.text_of("p.notice").await,
        "Done: the letter is open now."
    );
    browser.axe("the letter page, open").await;

    // Four organisations sign, two with comments.
    let comments = [
        ("Alpha Rights", "FR", "Count us in"),
        ("Gamma Lab", "FR", ""),
        ("Beta Watch", "DE", "Our members agree"),
        ("Delta Net", "AT", ""),
    ];
    for (i, (name, country, comment)) in comments.iter().enumerate() {
        let mut body = signer(name, country, &format!("b{i}@example.org"));
        body["comment"] = json!(comment);
        app.sign_and_confirm(LETTER, &body).await;
    }

    // The queue shows the comments; all from France are selected and approved in one go.
    browser.click_text("a", "Moderation queue").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}/signatures"))
        .await;
    let comments_shown = browser.texts_of("td.comment").await;
    assert!(
        comments_shown.contains(&"Count us in".to_string())
            && comments_shown.contains(&"Our members agree".to_string()),
        "{comments_shown:?}"
    );
    browser.axe("the moderation queue").await;
    browser.select("country", "FR").await;
    browser.click_text("button", "Filter").await;
    browser.wait_for_text_of("h1", "Signatures (2)").await;
    assert!(browser
        .text_of("label[for=scope-all]")
        .await
        .contains("Select all 2 awaiting moderation from France"));
    browser.check("scope").await;
    browser.click("#approve").await;
    browser
        .wait_for_text_of("p.notice", "Approved 2 of 2 selected.")
        .await;
    assert_eq!(app.signatories(LETTER).await["total"], 2);

    // Reject stands apart, needs a reason, and asks with the count before anything changes.
    browser.select("country", "").await;
    browser.click_text("button", "Filter").await;
    browser.wait_for_text_of("h1", "Signatures (2)").await;
    let colour = browser
        .script("return getComputedStyle(document.getElementById('reject')).color;")
        .await;
    let approve = browser
        .script("return getComputedStyle(document.getElementById('approve')).color;")
        .await;
    assert_ne!(colour, approve, "Reject does not look like Approve");
    for b in browser.find_all("input[name='ids[]']").await {
        b.click().await.expect("tick a signature");
    }
    browser.click("#reject").await;
    browser.find("#reason-error").await;
    for b in browser.find_all("input[name='ids[]']").await {
        b.click().await.expect("tick a signature");
    }
    browser.fill("reason", "Not members").await;
    browser.click("#reject").await;
    browser.wait_for_text_of("h1", "Reject 2 signatures?").await;
    let said = browser.texts_of("#consequences li").await;
    assert!(
        said[0].contains("rejected, with the reason “Not members”"),
        "{said:?}"
    );
    browser.axe("the confirm page of a rejection").await;
    assert_eq!(
        app.total(&format!(
            "/api/v1/letters/{LETTER}/signatures?state=confirmed"
        ))
        .await,
        2,
        "nothing rejected yet"
    );
    browser.click_text("button", "Reject 2 signatures").await;
    browser
        .wait_for_text_of("p.notice", "Rejected 2 of 2 selected.")
        .await;
    assert_eq!(
        app.total(&format!(
            "/api/v1/letters/{LETTER}/signatures?state=rejected"
        ))
        .await,
        2
    );

    // Closed, then reopened, each through its confirm page.
    browser.goto(&page).await;
    browser.click_text("button", "Move to closed").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}/transition/closed"))
        .await;
    assert!(browser
        .texts_of("#consequences li")
        .await
        .contains(&"2 organisations from 1 country stay listed.".to_string()));
    browser.axe("the confirm page of closing").await;
    browser.click_text("button", "Close signing").await;
    browser.wait_for_text_of("#state", "closed").await;
    browser.axe("the letter page, closed").await;
    browser.click_text("button", "Reopen for signatures").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}/transition/open"))
        .await;
    assert!(browser.texts_of("#consequences li").await[0].starts_with("Signing starts again"));
    browser.axe("the confirm page of reopening").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "open").await;
    assert_eq!(state(app).await, "open");
}
