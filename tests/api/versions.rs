//! Text versions and translations: the text is frozen once open and changes only by an explicit
//! new version; signatures keep the version they saw; translations are signed like the letter
//! and counted together; every text is in the ledger.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{signer, status_json, Browser, TestApp};

async fn signature_versions(app: &TestApp, letter: &str) -> Vec<(String, i64, String)> {
    let (_, list) = status_json(
        app.get_authed(&format!("/api/v1/letters/{letter}/signatures?per_page=200"))
            .await,
    )
    .await;
    let mut rows: Vec<(String, i64, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["organisation"]["name"].as_str().unwrap().to_string(),
                s["letter_version"].as_i64().unwrap(),
                s["text_hash"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

db_test!(
    async fn a_new_version_keeps_what_earlier_signers_saw(app) {
        let letter = app.open_letter("versioned", "auto").await;
        let (_, v1) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        app.publish(&letter, &[("Early Org", "FR")]).await;

        // The text is frozen: an edit is refused, a new version is explicit.
        let r = app.patch(&format!("/api/v1/letters/{letter}"), &json!({"body": "Changed"})).await;
        assert_eq!(r.status(), 409);
        let new = json!({"body": "Dear Sir or Madam,\n\nWe ask you to **stop now**.", "note": "Sharper ask"});
        let (status, version) = status_json(app.post(&format!("/api/v1/letters/{letter}/versions"), &new).await).await;
        assert_eq!(status, 201, "{version}");
        assert_eq!(version["version"], 2);
        let (status, body) = status_json(app.post(&format!("/api/v1/letters/{letter}/versions"), &new).await).await;
        assert_eq!(status, 422, "the same text again: {body}");
        let (status, body) = status_json(app.post(&format!("/api/v1/letters/{letter}/versions"), &json!({"body": "x"})).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["note"].is_array());

        let (_, v2) = status_json(app.get(&format!("/api/v1/letters/{letter}")).await).await;
        assert_eq!(v2["version"], 2);
        assert_ne!(v2["text_hash"], v1["text_hash"]);
        app.publish(&letter, &[("Late Org", "DE")]).await;
        assert_eq!(
            signature_versions(&app, &letter).await,
            vec![
                ("Early Org".to_string(), 1, v1["text_hash"].as_str().unwrap().to_string()),
                ("Late Org".to_string(), 2, v2["text_hash"].as_str().unwrap().to_string()),
            ]
        );

        // Public: every version, the page marks the early signer, the ledger has both texts.
        let (_, versions) = status_json(app.get(&format!("/api/v1/letters/{letter}/versions")).await).await;
        let numbers: Vec<i64> = versions.as_array().unwrap().iter().map(|v| v["version"].as_i64().unwrap()).collect();
        assert_eq!(numbers, vec![1, 2]);
        assert_eq!(versions[1]["note"], "Sharper ask");
        let page = app.get(&format!("/letters/{letter}")).await.text().await.unwrap();
        assert!(page.contains("This is version 2"));
        assert!(page.contains("Early Org</a> <span class=\"meta\">(signed version 1)</span>") || page.contains("Early Org <span class=\"meta\">(signed version 1)</span>"), "{page}");
        assert!(!page.contains("Late Org <span class=\"meta\">(signed"));
        let (_, ledger) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger")).await).await;
        let texts: Vec<&Value> = ledger["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "text").collect();
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[1]["text_hash"], v2["text_hash"]);
        assert!(app.verify(&letter, None).await.ok());

        // Drafts take no versions (they are edited), and viewers publish none.
        app.letter(crate::helpers::HOME, "still-draft").await;
        let (status, body) = status_json(app.post("/api/v1/letters/still-draft/versions", &json!({"body": "x", "note": "n"})).await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "no_new_version");
        let viewer = app.account("v@example.org", "Vee").await;
        app.add_member(&format!("c-{letter}"), "v@example.org", "viewer").await;
        let r = app.post_as(&viewer, &format!("/api/v1/letters/{letter}/versions"), &json!({"body": "x", "note": "n"})).await;
        assert_eq!(r.status(), 403);
    }
);

db_test!(
    async fn translations_are_signed_like_the_letter_and_counted_together(app) {
        let coalition = app.coalition("multi").await;
        app.letter(&coalition, "multilingual").await;
        let fr = json!({"language": "fr", "title": "Arrêtez", "body": "Madame, Monsieur,\n\nArrêtez."});
        let (status, saved) = status_json(app.post("/api/v1/letters/multilingual/translations", &fr).await).await;
        assert_eq!(status, 200, "{saved}");
        let (status, body) = status_json(app.post("/api/v1/letters/multilingual/translations", &json!({"language": "en", "title": "x", "body": "y"})).await).await;
        assert_eq!(status, 422, "the letter's own language");
        assert!(body["error"]["fields"]["language"].is_array());
        let (status, body) = status_json(app.post("/api/v1/letters/multilingual/translations", &json!({"language": "??"})).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["title"].is_array() && body["error"]["fields"]["language"].is_array());
        let r = app.post("/api/v1/letters/multilingual/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);

        // The French page, its form carrying the language; signing from it records its text.
        let page = app.get("/letters/multilingual?lang=fr").await.text().await.unwrap();
        assert!(page.contains("<h1>Arrêtez</h1>") && page.contains("lang=\"fr\""), "{page}");
        assert!(page.contains("name=\"language\" value=\"fr\""));
        // A language the letter has no text in: its original text, in that language's
        // interface, with a notice (issue 22), never a 404.
        let german = app.get("/letters/multilingual?lang=de").await;
        assert_eq!(german.status(), 200);
        let german = german.text().await.unwrap();
        assert!(german.contains("<html lang=\"de\">") && german.contains("Diesen Brief gibt es noch nicht auf Deutsch"), "{german}");
        let browser = Browser::new(&app);
        let r = browser
            .submit("/letters/multilingual?lang=fr", "/letters/multilingual/sign", &[
                ("organisation_name", "Quadrature Org"), ("country", "FR"), ("website", ""),
                ("representative_name", "Anne"), ("representative_role", "Présidente"),
                ("email", "anne@example.org"), ("comment", ""), ("consent", "yes"), ("language", "fr"),
            ])
            .await;
        assert_eq!(r.status(), 303);
        let mut body = signer("English Org", "GB", "e@example.org");
        body["language"] = json!("de");
        let (status, answer) = status_json(app.sign("multilingual", &body).await).await;
        assert_eq!(status, 422, "no German text: {answer}");
        assert!(answer["error"]["fields"]["language"].is_array());
        body["language"] = json!("");
        assert_eq!(app.sign("multilingual", &body).await.status(), 202);
        let mails = app.mail.wait_for(2).await;
        for mail in &mails {
            let r = app.client.post(app.url("/api/v1/signatures/confirm")).json(&json!({"token": mail.token("confirm")})).send().await.unwrap();
            assert_eq!(r.status(), 200);
        }
        let (_, letter) = status_json(app.get("/api/v1/letters/multilingual").await).await;
        let rows = signature_versions(&app, "multilingual").await;
        assert_eq!(rows[0].0, "English Org");
        assert_eq!(rows[0].2, letter["text_hash"].as_str().unwrap());
        assert_eq!(rows[1].0, "Quadrature Org");
        assert_eq!(rows[1].2, saved["text_hash"].as_str().unwrap());
        assert_eq!(app.signatories("multilingual").await["total"], 2, "counted together");

        // Both texts are in the ledger; a translation stays once open.
        let (_, ledger) = status_json(app.get("/api/v1/letters/multilingual/ledger").await).await;
        let texts: Vec<&str> = ledger["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "text").map(|e| e["text_hash"].as_str().unwrap()).collect();
        assert_eq!(texts, vec![letter["text_hash"].as_str().unwrap(), saved["text_hash"].as_str().unwrap()]);
        let r = app.post("/api/v1/letters/multilingual/translations/fr/delete", &json!({})).await;
        assert_eq!(r.status(), 409);
        assert!(app.verify("multilingual", None).await.ok());
        let (_, list) = status_json(app.get("/api/v1/letters/multilingual/translations").await).await;
        assert_eq!(list[0]["language"], "fr");
    }
);
