//! Logs a person reads (issue 24, item 6): a letter's change records only the fields that
//! changed, each with its value before and after; the dashboard's audit log is sentences, newest
//! first, filtered by kind and by person; the outbox names its kinds and the organisation a mail
//! concerns in words. The API keeps its JSON.

use serde_json::{json, Value};

use crate::browser;
use crate::db_test;
use crate::helpers::{signer, status_json, Browser, TestApp, OWNER_EMAIL, PASSWORD};

/// The letter's audit log through the API, with `query` (`order=newest&kind=letter`).
async fn log(app: &TestApp, letter: &str, query: &str) -> Vec<Value> {
    let (status, body) = status_json(
        app.get_authed(&format!(
            "/api/v1/letters/{letter}/audit?per_page=200&{query}"
        ))
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn updates(entries: &[Value]) -> Vec<Value> {
    entries
        .iter()
        .filter(|e| e["action"] == "letter.updated")
        .map(|e| e["details"].clone())
        .collect()
}

async fn patch(app: &TestApp, letter: &str, body: Value) {
    let (status, json) =
        status_json(app.patch(&format!("/api/v1/letters/{letter}"), &body).await).await;
    assert_eq!(status, 200, "{json}");
}

/// The organisations' signatures waiting for moderation, by name.
async fn confirmed_ids(app: &TestApp, letter: &str, names: &[&str]) -> Vec<String> {
    let (_, list) = status_json(
        app.get_authed(&format!(
            "/api/v1/letters/{letter}/signatures?state=confirmed&per_page=200"
        ))
        .await,
    )
    .await;
    names
        .iter()
        .map(|name| {
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["organisation"]["name"] == *name)
                .unwrap_or_else(|| panic!("{name} awaits moderation: {list}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

db_test!(
    async fn a_letter_update_records_only_the_fields_that_changed_with_before_and_after(app) {
        let letter = app.letter(crate::helpers::HOME, "l").await;
        let full = |deadline: &str| {
            json!({
                "title": letter["title"], "body": "Dear Sir or Madam,\n\nWe ask you to **stop**.",
                "recipient_name": "The Chief Executive", "recipient_email": "ceo@platform.example",
                "place_and_date": null, "language": "en", "moderation": "auto", "visibility": "public",
                "deadline": deadline,
            })
        };
        patch(&app, "l", json!({"deadline": "2036-12-20T12:00:00Z"})).await;
        // A form sends every field; only the deadline differs.
        patch(&app, "l", full("2037-01-10T12:00:00Z")).await;
        let entries = updates(&log(&app, "l", "").await);
        assert_eq!(entries.len(), 2, "{entries:?}");
        assert_eq!(
            entries[0],
            json!({"fields": ["deadline"],
                   "changes": {"deadline": {"before": null, "after": "2036-12-20T12:00:00Z"}}})
        );
        assert_eq!(
            entries[1],
            json!({"fields": ["deadline"],
                   "changes": {"deadline": {"before": "2036-12-20T12:00:00Z", "after": "2037-01-10T12:00:00Z"}}})
        );

        // The same values again change nothing, and nothing is logged.
        patch(&app, "l", full("2037-01-10T12:00:00Z")).await;
        assert_eq!(updates(&log(&app, "l", "").await).len(), 2);

        // The recipient's address is named as changed, its values are not logged.
        patch(&app, "l", json!({"recipient_email": "office@platform.example", "title": "A new title"})).await;
        let all = log(&app, "l", "").await;
        let last = updates(&all).pop().unwrap();
        assert_eq!(last["fields"], json!(["title", "recipient_email"]));
        assert_eq!(last["changes"], json!({"title": {"before": "Letter l", "after": "A new title"}}));
        let text = Value::Array(all.clone()).to_string();
        assert!(!text.contains("platform.example"), "no address in the log: {text}");

        // The API's order stays oldest first unless asked; a kind and a person narrow it.
        assert_eq!(all[0]["action"], "letter.created");
        let newest = log(&app, "l", "order=newest").await;
        assert_eq!(newest[0]["details"], last);
        assert_eq!(newest.len(), all.len());
        let owner = all[0]["actor_id"].as_str().unwrap().to_string();
        assert_eq!(log(&app, "l", "kind=letter").await.len(), all.len());
        assert!(log(&app, "l", "kind=signature").await.is_empty());
        assert_eq!(log(&app, "l", &format!("person={owner}")).await.len(), all.len());
        assert!(log(&app, "l", "person=public").await.is_empty());
        let (status, body) =
            status_json(app.get_authed("/api/v1/letters/l/audit?order=sideways&kind=a.b").await).await;
        assert_eq!(status, 422, "{body}");
        let fields = &body["error"]["fields"];
        assert!(fields["order"].is_array() && fields["kind"].is_array(), "{body}");
    }
);

db_test!(
    async fn the_audit_page_reads_as_sentences_newest_first_and_filters_by_kind_and_person(app) {
        let letter = app.open_letter("l", "manual").await;
        patch(&app, &letter, json!({"deadline": "2036-12-20T12:00:00Z"})).await;
        patch(&app, &letter, json!({"deadline": "2037-01-10T12:00:00Z"})).await;
        // Cora moderates: three approvals at once, one rejection with its reason.
        let cora_token = app.account("cora@example.org", "Cora Moderator").await;
        app.add_member("c-l", "cora@example.org", "coordinator").await;
        app.publish(&letter, &[("Alpha Rights", "FR"), ("Beta Watch", "DE"), ("Gamma Lab", "BE"), ("Delta Net", "PT")]).await;
        let ids = confirmed_ids(&app, &letter, &["Alpha Rights", "Beta Watch", "Gamma Lab", "Delta Net"]).await;
        let r = app.post_as(&cora_token, "/api/v1/letters/l/signatures/approve", &json!({"ids": ids[..3]})).await;
        assert_eq!(r.status(), 200);
        let r = app
            .post_as(&cora_token, "/api/v1/letters/l/signatures/reject", &json!({"ids": [ids[3]], "reason": "Not a member"}))
            .await;
        assert_eq!(r.status(), 200);
        // An entry of the shape logged before this change still reads.
        let created = log(&app, "l", "").await[0].clone();
        app.execute(&format!(
            "INSERT INTO audit_log (id, occurred_at, actor_kind, actor_id, actor_name, coalition_id, letter_id, \
             subject_kind, subject_id, action, details) VALUES ('old-shape', '2026-01-01 00:00:00', 'user', NULL, \
             'Olga Owner', NULL, '{}', 'letter', '{}', 'letter.updated', '{{\"fields\": [\"title\", \"body\"]}}')",
            created["subject_id"].as_str().unwrap(),
            created["subject_id"].as_str().unwrap(),
        ));

        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (status, page) = browser.page("/dashboard/letters/l/audit").await;
        assert_eq!(status, 200, "{page}");
        let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("{needle:?} in {page}"));
        let approved = at("Cora Moderator approved 3 signatures: ");
        let rejected = at("Cora Moderator rejected the signature of Delta Net (PT) (reason: Not a member)");
        let deadline = at("Olga Owner changed the deadline from 2036-12-20 12:00 UTC to 2037-01-10 12:00 UTC");
        let set = at("Olga Owner changed the deadline from none to 2036-12-20 12:00 UTC");
        let opened = at("Olga Owner moved the letter from draft to open");
        let created = at("Olga Owner created the letter “Letter l”");
        let old = at("Olga Owner changed the title, text");
        assert!(rejected < approved && approved < deadline && deadline < set && set < opened && opened < created && created < old, "newest first: {page}");
        for name in ["Alpha Rights (FR)", "Beta Watch (DE)", "Gamma Lab (BE)"] {
            assert!(page[approved..].split("</td>").next().unwrap().contains(name), "{name}");
        }
        assert!(!page.contains("{&quot;") && !page.contains("@example.org"), "no raw JSON, no address: {page}");
        // The filters offer the log's kinds and people.
        let cora = log(&app, "l", "").await.iter().find(|e| e["actor_name"] == "Cora Moderator").unwrap()["actor_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(page.contains(&format!("<option value=\"{cora}\">Cora Moderator</option>")), "{page}");
        assert!(page.contains("<option value=\"public\">the public</option>") && page.contains("<option value=\"signature\">signatures</option>"), "{page}");

        // By kind: signatures only.
        let (_, signatures) = browser.page("/dashboard/letters/l/audit?kind=signature").await;
        assert!(signatures.contains("approved 3 signatures") && signatures.contains("Alpha Rights (FR) signed"), "{signatures}");
        assert!(!signatures.contains("changed the deadline") && !signatures.contains("created the letter"), "{signatures}");
        assert!(signatures.contains("<option value=\"signature\" selected>"), "{signatures}");
        // By person: Cora's two sentences and nothing else.
        let (_, hers) = browser.page(&format!("/dashboard/letters/l/audit?person={cora}")).await;
        assert_eq!(hers.matches("<tr data-action=").count(), 2, "{hers}");
        assert!(hers.contains("approved 3 signatures") && !hers.contains("Olga Owner changed"), "{hers}");
        assert!(hers.contains("<span class=\"count\">(4)</span>"), "four entries: {hers}");
        // Both at once, and the paging links keep them.
        let (_, both) = browser.page(&format!("/dashboard/letters/l/audit?kind=letter&person={cora}&page=2")).await;
        assert!(both.contains("No entry matches."), "{both}");
        assert!(both.contains(&format!("href=\"?kind=letter&#38;person={cora}&#38;page=1\"")), "{both}");
        // A filter that is not a kind's name is refused by name.
        let (status, bad) = browser.page("/dashboard/letters/l/audit?kind=%3Cb%3E").await;
        assert_eq!(status, 422, "{bad}");

        // The coalition's log reads the same way.
        let (status, coalition) = browser.page("/dashboard/coalitions/c-l/audit?kind=coalition").await;
        assert_eq!(status, 200, "{coalition}");
        assert!(coalition.contains("Olga Owner created the coalition Coalition c-l"), "{coalition}");
        assert!(!coalition.contains("approved"), "{coalition}");
    }
);

db_test!(
    async fn the_outbox_names_kinds_and_states_in_words_with_the_organisation(app) {
        let letter = app.open_letter("l", "auto").await;
        assert_eq!(app.sign(&letter, &signer("Alpha Rights", "FR", "ada@alpha.example")).await.status(), 202);
        let org = crate::helpers::add_to_directory(&app, &[("Invited Org", "DE")]).await.remove(0);
        let invitation = json!({"invitations": [{"organisation": org["slug"], "email": "office@invited.example"}]});
        let r = app.post(&format!("/api/v1/letters/{letter}/invitations"), &invitation).await;
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        app.mail.wait_for(2).await;

        let browser = Browser::signed_in(&app, OWNER_EMAIL).await;
        let (status, page) = browser.page("/dashboard/outbox").await;
        assert_eq!(status, 200, "{page}");
        let row = |kind: &str| -> String {
            let start = page.find(&format!("<tr data-kind=\"{kind}\"")).unwrap_or_else(|| panic!("{kind}: {page}"));
            page[start..].split("</tr>").next().unwrap().to_string()
        };
        let confirmation = row("signature_confirmation");
        assert!(confirmation.contains("\">confirmation request</td>"), "{confirmation}");
        assert!(confirmation.contains("Alpha Rights, on “Letter l”"), "{confirmation}");
        let invited = row("invitation");
        assert!(invited.contains("\">invitation</td>") && invited.contains("Invited Org, on “Letter l”"), "{invited}");
        // Newest first: the invitation was queued after the confirmation request.
        assert!(page.find("data-kind=\"invitation\"") < page.find("data-kind=\"signature_confirmation\""));
        for line in [&confirmation, &invited] {
            assert!(line.contains("\">sent</td>") || line.contains("\">waiting to be sent</td>"), "{line}");
            assert!(!line.contains(">signature_confirmation<") && !line.contains(">queued<"), "{line}");
        }
    }
);

db_test!(
    async fn the_audit_log_and_the_outbox_pass_axe_in_the_browser(app) {
        let Some(browser) = browser::Browser::start().await else {
            return;
        };
        let letter = app.open_letter("l", "manual").await;
        patch(&app, &letter, json!({"deadline": "2036-12-20T12:00:00Z"})).await;
        app.publish(&letter, &[("Alpha Rights", "FR"), ("Beta Watch", "DE")]).await;
        let ids = confirmed_ids(&app, &letter, &["Alpha Rights", "Beta Watch"]).await;
        let r = app.post("/api/v1/letters/l/signatures/approve", &json!({"ids": ids})).await;
        assert_eq!(r.status(), 200);

        browser.goto(&app.url("/login")).await;
        browser.fill("email", OWNER_EMAIL).await;
        browser.fill("password", PASSWORD).await;
        browser.click_text("button", "Sign in").await;
        browser.wait_for_path("/dashboard").await;
        browser.goto(&app.url("/dashboard/letters/l/audit")).await;
        // Created, moderation set, opened, deadline set, two signed, two confirmed, two approved.
        browser.wait_for_text_of("h1", "Audit log (10)").await;
        let first = browser.texts_of("#audit tbody td").await;
        assert_eq!(first[1], "Olga Owner approved 2 signatures: Alpha Rights (FR), Beta Watch (DE)", "{first:?}");
        browser.axe("audit log").await;
        // The kind filter, as a person uses it.
        browser.select("kind", "letter").await;
        browser.click_text("#audit-filters button", "Show").await;
        browser.wait_for_text_of("h1", "Audit log (4)").await;
        assert_eq!(browser.path().await, "/dashboard/letters/l/audit");
        assert_eq!(browser.script("return location.search;").await, json!("?kind=letter&person="));
        browser.axe("audit log filtered by kind").await;
        browser.goto(&app.url("/dashboard/outbox")).await;
        browser.wait_for_text_of("h1", "Outbox (2)").await;
        assert!(browser.text().await.contains("confirmation request"));
        browser.axe("outbox").await;
        browser.close().await;
    }
);
