//! Moderation of `manual` letters: confirmed signatures wait for a coordinator, who approves
//! (published at once) or rejects (with a reason) one or many, all or none.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, TestApp};

/// Sign and confirm for each organisation on a `manual` letter; returns their signature ids.
async fn confirmed(app: &TestApp, letter: &str, organisations: &[(&str, &str)]) -> Vec<String> {
    app.publish(letter, organisations).await;
    let (_, list) = status_json(
        app.get_authed(&format!(
            "/api/v1/letters/{letter}/signatures?state=confirmed&per_page=200"
        ))
        .await,
    )
    .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), organisations.len(), "{list}");
    organisations
        .iter()
        .map(|(name, _)| {
            items
                .iter()
                .find(|s| s["organisation"]["name"] == *name)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

db_test!(
    async fn confirmed_signatures_wait_then_are_approved_or_rejected(app) {
        let letter = app.open_letter("moderated", "manual").await;
        let ids = confirmed(&app, &letter, &[("Alpha Rights", "FR"), ("Beta Watch", "DE"), ("Gamma Lab", "IT")]).await;
        assert_eq!(app.signatories(&letter).await["total"], 0, "nothing public before moderation");

        // The queue carries private details for coordinators.
        let (_, queue) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/signatures?state=confirmed")).await).await;
        assert_eq!(queue["total"], 3);
        assert!(queue["items"][0]["email"].as_str().unwrap().contains('@'));
        assert_eq!(queue["items"][0]["letter_version"], 1);

        let r = app.post(&format!("/api/v1/letters/{letter}/signatures/approve"), &json!({"ids": [ids[0], ids[1]]})).await;
        let (status, approved) = status_json(r).await;
        assert_eq!(status, 200, "{approved}");
        assert!(approved.as_array().unwrap().iter().all(|s| s["state"] == "published"));
        assert_eq!(names(&app.signatories(&letter).await), vec!["Alpha Rights", "Beta Watch"]);

        let r = app
            .post(&format!("/api/v1/letters/{letter}/signatures/reject"), &json!({"ids": [ids[2]], "reason": "Not a member organisation"}))
            .await;
        let (status, rejected) = status_json(r).await;
        assert_eq!(status, 200);
        assert_eq!(rejected[0]["state"], "rejected");
        assert_eq!(rejected[0]["rejection_reason"], "Not a member organisation");
        assert_eq!(app.signatories(&letter).await["total"], 2);

        // The signer's link now says so, and the audit log has both decisions with their actor.
        let (_, log) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/audit?per_page=200")).await).await;
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "signature.approved").count(), 2);
        let rejection = log["items"].as_array().unwrap().iter().find(|e| e["action"] == "signature.rejected").unwrap();
        assert_eq!(rejection["actor_name"], "Olga Owner");
        assert_eq!(rejection["details"]["reason"], "Not a member organisation");
        // The ledger still checks out with the published ones.
        let (_, entries) = status_json(app.get(&format!("/api/v1/letters/{letter}/ledger")).await).await;
        let published: Vec<&str> = entries["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "published").map(|e| e["name"].as_str().unwrap()).collect();
        let mut published = published;
        published.sort();
        assert_eq!(published, vec!["Alpha Rights", "Beta Watch"], "{entries}");
    }
);

db_test!(
    async fn a_bad_batch_changes_nothing(app) {
        let letter = app.open_letter("batch", "manual").await;
        let ids = confirmed(&app, &letter, &[("One Org", "FR"), ("Two Org", "ES")]).await;
        let approve = |body: Value| {
            let (app, letter) = (&app, letter.clone());
            async move { status_json(app.post(&format!("/api/v1/letters/{letter}/signatures/approve"), &body).await).await }
        };
        let (status, body) = approve(json!({"ids": [ids[0], "no-such-id"]})).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["ids[1]"].is_array(), "{body}");
        let (status, body) = approve(json!({"ids": []})).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["ids"].is_array());
        let (status, _) = approve(json!({"ids": "x"})).await;
        assert_eq!(status, 422);
        let (status, body) = status_json(app.post(&format!("/api/v1/letters/{letter}/signatures/reject"), &json!({"ids": [ids[0]]})).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["reason"].is_array());
        assert_eq!(app.signatories(&letter).await["total"], 0);

        // Approving twice: the second time the signature is no longer waiting.
        let (status, _) = approve(json!({"ids": [ids[0]]})).await;
        assert_eq!(status, 200);
        let (status, body) = approve(json!({"ids": [ids[0], ids[1]]})).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["ids[0]"][0].as_str().unwrap().contains("published"));
        assert_eq!(app.signatories(&letter).await["total"], 1, "the batch was refused whole");

        // A signature of another letter is not this letter's.
        let other = app.open_letter("other-batch", "manual").await;
        let theirs = confirmed(&app, &other, &[("Three Org", "PT")]).await;
        let (status, _) = approve(json!({"ids": [theirs[0]]})).await;
        assert_eq!(status, 422);
        // Filters must parse.
        let (status, body) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/signatures?state=lost")).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["state"].is_array());
        let (_, by_country) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/signatures?country=ES")).await).await;
        assert_eq!(by_country["total"], 1);
        assert_eq!(by_country["items"][0]["organisation"]["name"], "Two Org");
        let (_, by_name) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/signatures?q=one")).await).await;
        assert_eq!(by_name["total"], 1);
    }
);
