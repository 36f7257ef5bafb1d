//! The launch plan in headless Chromium (issue 24, item 5): a coordinator makes a preview link on
//! the letter's page, a signed-out browser reads the draft through it, the link stops once
//! revoked; an opening time set in the letter form shows as scheduled, and the letter opens by
//! itself. axe-core checks each page. The browser and axe-core are found, or skipped, as
//! `browser.rs` says.

use std::time::{Duration, Instant};

use crate::browser::Browser;
use crate::db_test;
use crate::helpers::{OWNER_EMAIL, PASSWORD};

const LETTER: &str = "launch-plan";

async fn sign_in(browser: &Browser, app: &crate::helpers::TestApp) {
    browser.goto(&app.url("/login")).await;
    browser.fill("email", OWNER_EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.click_text("button", "Sign in").await;
    browser.wait_for_path("/dashboard").await;
}

db_test!(
    async fn a_coordinator_shares_a_preview_link_revokes_it_and_schedules_the_opening(app, |s| {
        s.deadline_poll_ms = 100;
    }) {
        let coalition = app.coalition("launch-coalition").await;
        app.letter(&coalition, LETTER).await;
        let Some(coordinator) = Browser::start().await else { return };
        sign_in(&coordinator, &app).await;
        let letter_page = format!("/dashboard/letters/{LETTER}");

        // The letter's page has a section for preview links.
        coordinator.goto(&app.url(&letter_page)).await;
        assert_eq!(coordinator.text_of("#previews").await, "Preview links");
        assert!(coordinator.text_of("#preview-links").await.contains("No preview link yet."));
        coordinator.axe("dashboard letter page with its preview links").await;
        coordinator.fill("label", "for EDRi").await;
        coordinator.click_text("button", "Make a preview link").await;
        coordinator.wait_for_path(&format!("{letter_page}/previews")).await;
        assert!(coordinator.text().await.contains("Copy it now: it is shown only once."));
        let url = coordinator.script("return document.getElementById('preview-url').value").await;
        let url = url.as_str().expect("the link").to_string();
        assert!(url.starts_with(&app.address) && url.contains("/preview/"), "{url}");
        coordinator.axe("a new preview link").await;

        // A partner, signed out in a browser of their own, reads the draft.
        let Some(partner) = Browser::start().await else { return };
        partner.goto(&url).await;
        assert_eq!(partner.text_of("h1").await, format!("Letter {LETTER}"));
        let text = partner.text().await;
        assert!(text.contains("We ask you to stop."), "{text}");
        assert!(text.contains("To: The Chief Executive"), "{text}");
        assert!(text.contains("Preview of a draft"), "{text}");
        assert!(partner.find_all("form").await.is_empty(), "read-only");
        partner.axe("preview page").await;

        // The coordinator sees the link listed, and revokes it.
        coordinator.goto(&app.url(&letter_page)).await;
        assert!(coordinator.text_of("#preview-list").await.contains("for EDRi"));
        coordinator.click_text("#preview-list button", "Revoke").await;
        coordinator
            .wait_for_text_of("p.notice", "The preview link is revoked: it no longer works.")
            .await;
        assert!(coordinator.text_of("#preview-list").await.contains("revoked"));
        coordinator.axe("dashboard letter page with a revoked preview link").await;

        // The link stops working.
        partner.goto(&url).await;
        let text = partner.text().await;
        assert!(text.contains("withdrawn by the letter"), "{text}");
        assert!(!text.contains("We ask you to stop."), "{text}");

        // The opening time is set through the letter form (UTC, as the deadline is).
        coordinator.goto(&app.url(&format!("{letter_page}/edit"))).await;
        let later = (chrono::Utc::now() + chrono::Duration::hours(2)).format("%Y-%m-%dT%H:%M").to_string();
        coordinator
            .script(&format!("document.querySelector('[name=opens_at]').value = '{later}'; return true"))
            .await;
        coordinator.click_text("button", "Save").await;
        coordinator.wait_for_path(&letter_page).await;
        let scheduled = coordinator.text_of("#scheduled").await;
        assert!(scheduled.starts_with(&format!("Scheduled to open at {} UTC", later.replace('T', " "))), "{scheduled}");
        assert_eq!(coordinator.text_of("#state").await, "draft");
        coordinator.axe("dashboard letter page of a scheduled draft").await;

        // Time passes (the opening time is moved close behind the app's back), and the letter
        // opens by itself.
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).format("%Y-%m-%d %H:%M:%S");
        app.execute(&format!("UPDATE letters SET opens_at = '{soon}' WHERE slug = '{LETTER}'"));
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            coordinator.goto(&app.url(&letter_page)).await;
            if coordinator.text_of("#state").await == "open" {
                break;
            }
            assert!(Instant::now() < until, "the letter did not open at its time");
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(coordinator.find_all("#scheduled").await.is_empty());
        assert!(coordinator.find_all("#preview-links").await.is_empty(), "previews are for drafts");
        partner.goto(&app.url(&format!("/letters/{LETTER}"))).await;
        assert_eq!(partner.text_of("h1").await, format!("Letter {LETTER}"));
        partner.close().await;
        coordinator.close().await;
    }
);
