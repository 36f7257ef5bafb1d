//! Nothing irreversible on one click (issue 24): a closed letter reopens until it is delivered
//! (through the API, with its ledger and change feed as they were), every move of the dashboard
//! asks first with its numbers, and a rejection needs a reason, confirmed with its count. The
//! same pages in Chromium, with axe-core: `confirm_browser.rs`.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{location, signer, status_json, Browser, TestApp, HOME, OWNER_EMAIL};

/// The state of a letter, as the API gives it to its coordinators.
async fn letter_json(app: &TestApp, slug: &str) -> Value {
    let (status, letter) =
        status_json(app.get_authed(&format!("/api/v1/letters/{slug}")).await).await;
    assert_eq!(status, 200, "{letter}");
    letter
}

async fn transition(app: &TestApp, slug: &str, to: &str) -> (u16, Value) {
    status_json(
        app.post(
            &format!("/api/v1/letters/{slug}/transition"),
            &json!({"to": to}),
        )
        .await,
    )
    .await
}

/// A letter's audit entries, as the API lists them.
async fn audit(app: &TestApp, slug: &str) -> Vec<Value> {
    let (_, log) = status_json(
        app.get_authed(&format!("/api/v1/letters/{slug}/audit?per_page=200"))
            .await,
    )
    .await;
    log["items"].as_array().expect("audit items").clone()
}

/// A manual letter of the owner's coalition, open, with a confirmed signature of each
/// (organisation, country, comment) waiting for moderation; returns their ids by name.
async fn queue(app: &TestApp, slug: &str, signers: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    app.letter(HOME, slug).await;
    let r = app
        .patch(
            &format!("/api/v1/letters/{slug}"),
            &json!({"moderation": "manual"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(transition(app, slug, "open").await.0, 200);
    for (i, (name, country, comment)) in signers.iter().enumerate() {
        let mut body = signer(name, country, &format!("queue{i}@example.org"));
        body["comment"] = json!(comment);
        app.sign_and_confirm(slug, &body).await;
    }
    let (_, list) = status_json(
        app.get_authed(&format!(
            "/api/v1/letters/{slug}/signatures?state=confirmed&per_page=200"
        ))
        .await,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), signers.len(), "{list}");
    items
        .iter()
        .map(|s| {
            (
                s["organisation"]["name"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

db_test!(
    async fn a_closed_letter_reopens_until_delivered_with_its_ledger_and_feed_unchanged(app) {
        let letter = app.open_letter("reopen-me", "auto").await;
        app.publish(&letter, &[("Alpha Rights", "FR"), ("Beta Watch", "DE")]).await;
        let opened = letter_json(&app, &letter).await;
        let (status, closed) = transition(&app, &letter, "closed").await;
        assert_eq!(status, 200, "{closed}");
        assert!(closed["closed_at"].is_string());
        let ledger_path = format!("/api/v1/letters/{letter}/ledger?all=true");
        let (_, ledger) = status_json(app.get(&ledger_path).await).await;
        let length = ledger["head"]["length"].as_i64().unwrap();
        assert_eq!(length, 3, "the text and two signatures: {ledger}");
        let atom = app.get(&format!("/api/v1/letters/{letter}/changes.atom")).await.text().await.unwrap();
        let (_, changes) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes")).await).await;

        // Reopened: open again, the first opening kept, no longer closed.
        let (status, reopened) = transition(&app, &letter, "open").await;
        assert_eq!(status, 200, "{reopened}");
        assert_eq!(reopened["state"], "open");
        assert!(reopened["closed_at"].is_null(), "{reopened}");
        assert_eq!(reopened["opened_at"], opened["opened_at"], "the first opening is kept");
        let entries = audit(&app, &letter).await;
        let moves: Vec<(&Value, &Value)> = entries
            .iter()
            .filter(|e| e["action"] == "letter.state_changed")
            .map(|e| (&e["details"]["from"], &e["details"]["to"]))
            .collect();
        assert!(moves.contains(&(&json!("closed"), &json!("open"))), "{moves:?}");
        assert_eq!(moves.len(), 3, "opened, closed, reopened: {moves:?}");

        // Its record goes on as it was: no new ledger entry, the same change feed.
        let (_, after) = status_json(app.get(&ledger_path).await).await;
        assert_eq!(after["head"], ledger["head"], "the ledger is not restarted");
        // The feed's entries (its own <updated> is the letter's last change).
        let entries_of = |feed: &str| feed[feed.find("<entry>").expect("entries")..].to_string();
        let atom_after = app.get(&format!("/api/v1/letters/{letter}/changes.atom")).await.text().await.unwrap();
        assert_eq!(entries_of(&atom_after), entries_of(&atom));
        let (_, changes_after) = status_json(app.get(&format!("/api/v1/letters/{letter}/changes")).await).await;
        assert_eq!(changes_after, changes);
        assert_eq!(app.signatories(&letter).await["total"], 2, "the list is kept");

        // Signing works again, and the ledger grows from where it was.
        app.publish(&letter, &[("Gamma Lab", "IT")]).await;
        let (_, grown) = status_json(app.get(&ledger_path).await).await;
        assert_eq!(grown["head"]["length"], length + 1);

        // Once delivered, there is no way back.
        assert_eq!(transition(&app, &letter, "closed").await.0, 200);
        assert_eq!(transition(&app, &letter, "delivered").await.0, 200);
        let (status, body) = transition(&app, &letter, "open").await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "invalid_transition");
        assert_eq!(letter_json(&app, &letter).await["state"], "delivered");
    }
);

db_test!(
    async fn a_letter_past_its_deadline_is_not_reopened_until_the_deadline_moves(app) {
        let letter = app.open_letter("overdue", "auto").await;
        assert_eq!(transition(&app, &letter, "closed").await.0, 200);
        app.execute(&format!("UPDATE letters SET deadline = '2020-01-01 00:00:00' WHERE slug = '{letter}'"));
        let (status, body) = transition(&app, &letter, "open").await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "deadline_passed");
        assert!(body["error"]["message"].as_str().unwrap().contains("set a later one"), "{body}");
        let still = letter_json(&app, &letter).await;
        assert_eq!(still["state"], "closed");
        assert!(still["closed_at"].is_string());

        let r = app.patch(&format!("/api/v1/letters/{letter}"), &json!({"deadline": null})).await;
        assert_eq!(r.status(), 200);
        let (status, body) = transition(&app, &letter, "open").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "open");
    }
);

db_test!(
    async fn a_rejection_through_the_api_needs_a_reason_and_the_audit_log_keeps_it(app) {
        let ids = queue(&app, "reasons", &[("Alpha Rights", "FR", "")]).await;
        let reject = "/api/v1/letters/reasons/signatures/reject";
        for body in [json!({"ids": [ids[0].1]}), json!({"ids": [ids[0].1], "reason": "  "})] {
            let (status, error) = status_json(app.post(reject, &body).await).await;
            assert_eq!(status, 422, "{error}");
            assert!(error["error"]["fields"]["reason"][0].is_string(), "{error}");
        }
        let queued = app.total("/api/v1/letters/reasons/signatures?state=confirmed").await;
        assert_eq!(queued, 1, "nothing changed");

        let (status, done) = status_json(app.post(reject, &json!({"ids": [ids[0].1], "reason": "Not a member"})).await).await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done[0]["state"], "rejected");
        assert_eq!(done[0]["rejection_reason"], "Not a member");
        let entries = audit(&app, "reasons").await;
        let entry = entries.iter().find(|e| e["action"] == "signature.rejected").expect("the rejection's entry");
        assert_eq!(entry["details"]["reason"], "Not a member");
        assert_eq!(entry["details"]["organisation"], "Alpha Rights");
    }
);

db_test!(
    async fn every_move_of_the_dashboard_asks_first_with_its_numbers(app) {
        let slug = "asks-first";
        app.letter(HOME, slug).await;
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let page = format!("/dashboard/letters/{slug}");
        let (_, letter_page) = browser.page(&page).await;
        assert!(letter_page.contains(&format!("action=\"/dashboard/letters/{slug}/transition/open\"")), "{letter_page}");
        assert!(!letter_page.contains(&format!("method=\"post\" action=\"/dashboard/letters/{slug}/transition")), "no move on one click");

        // Opening: what it does, then nothing until confirmed.
        let open = format!("{page}/transition/open");
        let (status, confirm) = browser.page(&open).await;
        assert_eq!(status, 200);
        for words in ["The text is frozen", "sign form go live", "No invitation is waiting to be mailed.", "name=\"confirm\" value=\"1\"", &format!("href=\"{page}\" id=\"cancel\"")] {
            assert!(confirm.contains(words), "{words}: {confirm}");
        }
        let r = browser.submit(&open, &open, &[]).await;
        assert_eq!(r.status(), 200, "a post without confirm shows the page again");
        assert_eq!(letter_json(&app, slug).await["state"], "draft");
        let r = browser.submit(&open, &open, &[("confirm", "1")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("{page}?moved=open"));
        assert_eq!(letter_json(&app, slug).await["state"], "open");
        let (_, moved) = browser.page(&location(&r)).await;
        assert!(moved.contains("Done: the letter is open now."), "{moved}");

        // Closing says what stays: the listed organisations and the queue.
        let r = app.patch(&format!("/api/v1/letters/{slug}"), &json!({"moderation": "manual"})).await;
        assert_eq!(r.status(), 200);
        app.publish(slug, &[("Alpha Rights", "FR"), ("Beta Watch", "DE"), ("Gamma Lab", "DE")]).await;
        let (_, list) = status_json(app.get_authed(&format!("/api/v1/letters/{slug}/signatures?state=confirmed")).await).await;
        let ids: Vec<String> = list["items"].as_array().unwrap().iter().filter(|s| s["organisation"]["name"] != "Gamma Lab").map(|s| s["id"].as_str().unwrap().to_string()).collect();
        let r = app.post(&format!("/api/v1/letters/{slug}/signatures/approve"), &json!({"ids": ids})).await;
        assert_eq!(r.status(), 200);
        let close = format!("{page}/transition/closed");
        let (_, confirm) = browser.page(&close).await;
        for words in ["Signing stops", "2 organisations from 2 countries stay listed.", "1 awaiting moderation stays in the queue.", "You can reopen it until it is delivered."] {
            assert!(confirm.contains(words), "{words}: {confirm}");
        }
        assert_eq!(browser.submit(&close, &close, &[("confirm", "1")]).await.status(), 303);
        assert_eq!(letter_json(&app, slug).await["state"], "closed");

        // The closed letter offers a reopening and the delivery form, both asking first.
        let (_, letter_page) = browser.page(&page).await;
        assert!(letter_page.contains("Reopen for signatures") && letter_page.contains("id=\"deliver\""), "{letter_page}");
        let reopen = format!("{page}/transition/open");
        let (_, confirm) = browser.page(&reopen).await;
        assert!(confirm.contains("Signing starts again") && confirm.contains("The list (2 organisations from 2 countries) and its public record are kept"), "{confirm}");
        assert_eq!(browser.submit(&reopen, &reopen, &[("confirm", "1")]).await.status(), 303);
        assert_eq!(letter_json(&app, slug).await["state"], "open");
        assert_eq!(browser.submit(&close, &close, &[("confirm", "1")]).await.status(), 303);

        // Delivering: the form's choices come back on the confirm page, and only its button delivers.
        let deliver = format!("{page}/deliver");
        let r = browser.submit(&page, &deliver, &[("by_email", "1"), ("note", "Handed over <in person>")]).await;
        assert_eq!(r.status(), 200);
        let confirm = r.text().await.unwrap();
        for words in ["The list is frozen at 2 organisations from 2 countries", "mailed to The Chief Executive (ceo@platform.example)", "1 awaiting moderation can no longer be approved.", "This cannot be undone", "name=\"note\" value=\"Handed over &#60;in person&#62;\"", "class=\"danger\""] {
            assert!(confirm.contains(words), "{words}: {confirm}");
        }
        assert_eq!(letter_json(&app, slug).await["state"], "closed");
        let r = browser.submit(&page, &deliver, &[("by_email", "1"), ("note", "Handed over"), ("confirm", "1")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(letter_json(&app, slug).await["state"], "delivered");

        // A delivered letter cannot be reopened: its page says so, with no button.
        let (status, refused) = browser.page(&reopen).await;
        assert_eq!(status, 409);
        assert!(refused.contains("id=\"problem\"") && !refused.contains("id=\"confirm-button\""), "{refused}");
        let r = browser.submit(&page, &reopen, &[("confirm", "1")]).await;
        assert_eq!(r.status(), 409);
        let archive = format!("{page}/transition/archived");
        let (_, confirm) = browser.page(&archive).await;
        assert!(confirm.contains("This cannot be undone.") && confirm.contains("Archive the letter"), "{confirm}");
        assert_eq!(browser.submit(&archive, &archive, &[("confirm", "1")]).await.status(), 303);
        assert_eq!(letter_json(&app, slug).await["state"], "archived");

        // A viewer sees no confirm page and cannot move anything.
        app.letter(HOME, "viewed").await;
        app.account("viewer@example.org", "Vera Viewer").await;
        app.add_member(HOME, "viewer@example.org", "viewer").await;
        let viewer = Browser::signed_in(&app, "viewer@example.org").await;
        let (status, _) = viewer.page("/dashboard/letters/viewed/transition/open").await;
        assert_eq!(status, 403);
        let r = viewer.submit("/dashboard/letters/viewed", "/dashboard/letters/viewed/transition/open", &[("confirm", "1")]).await;
        assert_eq!(r.status(), 403);
        assert_eq!(letter_json(&app, "viewed").await["state"], "draft");
    }
);

db_test!(
    async fn moderators_read_comments_select_a_country_and_confirm_a_rejection_with_its_count(app) {
        let long = format!("We are a <b>federation</b> of {}", "local groups, ".repeat(20));
        let ids = queue(&app, "queue", &[("Alpha Rights", "FR", "Count us in"), ("Beta Watch", "DE", &long), ("Gamma Lab", "FR", ""), ("Delta Net", "DE", "")]).await;
        let id_of = |name: &str| ids.iter().find(|(n, _)| n == name).unwrap().1.clone();
        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let list = "/dashboard/letters/queue/signatures?state=confirmed";
        let (_, page) = browser.page(list).await;
        assert!(page.contains("<td data-label=\"Comment\" class=\"comment\">Count us in</td>"), "{page}");
        assert!(page.contains("<details><summary>We are a &#60;b&#62;federation&#60;/b&#62;"), "a long comment is collapsed, escaped: {page}");
        assert!(page.contains("Select all 4 awaiting moderation that match the filter"), "{page}");
        assert!(page.contains("<option value=\"FR\">France</option>"), "{page}");

        // All from one country, on every page, approved in one go.
        let france = "/dashboard/letters/queue/signatures?state=confirmed&country=FR";
        let (_, page) = browser.page(france).await;
        assert!(page.contains("Select all 2 awaiting moderation from France"), "{page}");
        let moderate = "/dashboard/letters/queue/moderate";
        let r = browser.submit(france, moderate, &[("scope", "all_filtered"), ("country", "FR"), ("q", ""), ("action", "approve")]).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Approved 2 of 2 selected."));
        let mut listed: Vec<String> = app.signatories("queue").await["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect();
        listed.sort();
        assert_eq!(listed, ["Alpha Rights", "Gamma Lab"]);

        // A rejection needs a reason, then asks with its count; nothing changes until confirmed.
        let both = [("ids[]", id_of("Beta Watch")), ("ids[]", id_of("Delta Net"))];
        let mut fields: Vec<(&str, &str)> = both.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fields.push(("action", "reject"));
        let mut blank = fields.clone();
        blank.push(("reason", ""));
        let r = browser.submit(list, moderate, &blank).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("id=\"reason-error\""));
        fields.push(("reason", "Not members"));
        let r = browser.submit(list, moderate, &fields).await;
        assert_eq!(r.status(), 200);
        let confirm = r.text().await.unwrap();
        for words in ["Reject 2 signatures?", "2 signatures awaiting moderation are rejected, with the reason “Not members”.", "Beta Watch (DE), Delta Net (DE)", "Reject 2 signatures</button>", "class=\"danger\""] {
            assert!(confirm.contains(words), "{words}: {confirm}");
        }
        assert_eq!(app.total("/api/v1/letters/queue/signatures?state=confirmed").await, 2, "nothing rejected yet");
        fields.push(("confirm", "1"));
        let r = browser.submit(list, moderate, &fields).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("Rejected 2 of 2 selected."), "{page}");
        let (_, rejected) = browser.page("/dashboard/letters/queue/signatures?state=rejected").await;
        assert!(rejected.contains("rejected (Not members)"), "{rejected}");
        assert_eq!(app.total("/api/v1/letters/queue/signatures?state=rejected").await, 2);
    }
);
