//! The permission matrix, walked through the real API: each role can do exactly what it may in
//! its own coalition, and nobody in one coalition can read or change another's private data.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{status_json, TestApp, ADMIN_TOKEN};

/// Who asks, in the order of the columns below.
const WHO: [&str; 6] = [
    "owner",
    "coordinator",
    "viewer",
    "outsider",
    "public",
    "operator",
];

struct People {
    tokens: [Option<String>; 6],
}

/// Coalition `x` with an owner (the app's owner), a coordinator and a viewer; an outsider who
/// owns coalition `y`; the public (no token); the operator (admin token).
async fn people(app: &TestApp) -> People {
    app.coalition("x").await;
    let mut tokens: [Option<String>; 6] = Default::default();
    tokens[0] = Some(app.token.clone());
    for (i, role) in [(1, "coordinator"), (2, "viewer")] {
        let email = format!("{role}@example.org");
        tokens[i] = Some(app.account(&email, role).await);
        app.add_member("x", &email, role).await;
    }
    let outsider = app.account("outsider@example.org", "Outsider").await;
    let r = app
        .post_as(
            &outsider,
            "/api/v1/coalitions",
            &json!({"slug": "y", "name": "Why"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    tokens[3] = Some(outsider);
    tokens[5] = Some(ADMIN_TOKEN.to_string());
    People { tokens }
}

async fn call(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let mut request = match method {
        "GET" => app.client.get(app.url(path)),
        "POST" => app.client.post(app.url(path)).json(body),
        "PATCH" => app.client.patch(app.url(path)).json(body),
        other => panic!("{other}"),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    status_json(request.send().await.unwrap()).await
}

/// A draft letter of `x` per asker, so that a change one asker makes does not decide another's.
async fn drafts(app: &TestApp, prefix: &str) {
    for who in WHO {
        app.letter("x", &format!("{prefix}-{who}")).await;
    }
}

db_test!(
    async fn each_role_can_do_exactly_what_it_may(app) {
        let people = people(&app).await;
        drafts(&app, "edit").await;
        drafts(&app, "move").await;
        let open = app.letter("x", "open-x").await;
        assert_eq!(open["state"], "draft");
        let r = app.post("/api/v1/letters/open-x/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        // A closed letter per asker, to deliver; a campaign of x (not public yet).
        drafts(&app, "deliver").await;
        for who in WHO {
            for to in ["open", "closed"] {
                let r = app.post(&format!("/api/v1/letters/deliver-{who}/transition"), &json!({"to": to})).await;
                assert_eq!(r.status(), 200);
            }
        }
        let r = app.post("/api/v1/campaigns", &json!({"coalition": "x", "slug": "camp-x", "title": "C"})).await;
        assert_eq!(r.status(), 201);

        // (method, path with {who}, body, expected status per asker in WHO's order)
        type Row = (&'static str, &'static str, Value, [u16; 6]);
        let rows: Vec<Row> = vec![
            // Drafts are private: members of x see them; others do not know they exist.
            ("GET", "/api/v1/letters/edit-{who}", json!(null), [200, 200, 200, 404, 404, 404]),
            ("GET", "/api/v1/letters/open-x", json!(null), [200, 200, 200, 200, 200, 200]),
            ("POST", "/api/v1/letters", json!({"coalition": "x", "slug": "new-{who}", "title": "T", "body": "B", "recipient_name": "R"}),
                [201, 201, 403, 403, 401, 403]),
            ("PATCH", "/api/v1/letters/edit-{who}", json!({"recipient_name": "Changed"}), [200, 200, 403, 404, 401, 404]),
            ("PATCH", "/api/v1/letters/open-x", json!({"recipient_name": "Changed"}), [200, 200, 403, 403, 401, 403]),
            ("POST", "/api/v1/letters/move-{who}/transition", json!({"to": "open"}), [200, 200, 403, 404, 401, 404]),
            ("GET", "/api/v1/letters/open-x/audit", json!(null), [200, 200, 200, 403, 401, 403]),
            ("GET", "/api/v1/letters/edit-{who}/audit", json!(null), [200, 200, 200, 404, 401, 404]),
            ("GET", "/api/v1/coalitions/x/audit", json!(null), [200, 200, 200, 403, 401, 403]),
            ("GET", "/api/v1/coalitions/x/members", json!(null), [200, 200, 200, 403, 401, 403]),
            ("POST", "/api/v1/coalitions/x/members", json!({"email": "viewer@example.org", "role": "viewer"}), [200, 403, 403, 403, 401, 200]),
            ("POST", "/api/v1/users", json!({"coalition": "x", "role": "viewer", "name": "N", "email": "n-{who}@example.org", "password": "correct horse battery staple"}),
                [201, 403, 403, 403, 401, 201]),
            ("GET", "/api/v1/outbox", json!(null), [200, 200, 200, 200, 401, 403]),
            // The directory is shared: any coordinator of any coalition keeps it.
            ("GET", "/api/v1/organisations", json!(null), [200, 200, 200, 200, 401, 403]),
            ("POST", "/api/v1/organisations", json!({"name": "Org {who}", "country": "FR"}), [201, 201, 403, 201, 401, 201]),
            // Issue 18, finding 7: territories are the operator's (every coalition shares them).
            ("POST", "/api/v1/countries", json!({"code": "X{n}", "alpha3": "XX{n}", "name": "Territory {who}"}), [403, 403, 403, 403, 401, 201]),
            ("GET", "/api/v1/me", json!(null), [200, 200, 200, 200, 401, 403]),
            // Campaigns: coordinators start them and post; a campaign with no open letter is
            // private to its coalition.
            ("POST", "/api/v1/campaigns", json!({"coalition": "x", "slug": "camp-{who}", "title": "T"}), [201, 201, 403, 403, 401, 403]),
            ("GET", "/api/v1/campaigns/camp-x", json!(null), [200, 200, 200, 404, 404, 404]),
            ("POST", "/api/v1/campaigns/camp-x/events", json!({"kind": "note", "title": "N"}), [201, 201, 403, 404, 401, 404]),
            ("PATCH", "/api/v1/campaigns/camp-x", json!({"title": "By {who}"}), [200, 200, 403, 404, 401, 404]),
            ("POST", "/api/v1/letters/deliver-{who}/deliver", json!({}), [200, 200, 403, 403, 401, 403]),
            // Updates go to signers (none here: 409 once allowed); exports hold personal data.
            ("POST", "/api/v1/letters/open-x/updates", json!({"subject": "S", "body": "B"}), [409, 409, 403, 403, 401, 403]),
            ("GET", "/api/v1/letters/open-x/export", json!(null), [200, 200, 403, 403, 401, 403]),
            ("GET", "/api/v1/letters/open-x/export.csv", json!(null), [200, 200, 403, 403, 401, 403]),
            ("POST", "/api/v1/imports/preview", json!({"format": "text", "content": "Org {who} (FR)", "letter": "open-x"}), [200, 200, 403, 403, 401, 403]),
        ];
        for (method, path, body, expected) in rows {
            for (i, who) in WHO.iter().enumerate() {
                let n = (b'A' + i as u8) as char;
                let fill = |s: &str| s.replace("{who}", who).replace("{n}", &n.to_string());
                let path = fill(path);
                let body: Value = serde_json::from_str(&fill(&body.to_string())).unwrap();
                let (status, answer) = call(&app, people.tokens[i].as_deref(), method, &path, &body).await;
                assert_eq!(status, expected[i], "{who}: {method} {path} → {answer}");
            }
        }

        // Refused changes changed nothing: only the owner's and coordinator's edits landed.
        for (who, changed) in [("owner", true), ("coordinator", true), ("viewer", false), ("outsider", false)] {
            let (_, letter) = status_json(app.get_authed(&format!("/api/v1/letters/edit-{who}")).await).await;
            assert_eq!(letter["recipient"]["name"] == "Changed", changed, "{who}");
            let (_, letter) = status_json(app.get_authed(&format!("/api/v1/letters/move-{who}")).await).await;
            assert_eq!(letter["state"] == "open", changed, "{who}");
            let (_, letter) = status_json(app.get_authed(&format!("/api/v1/letters/deliver-{who}")).await).await;
            assert_eq!(letter["state"] == "delivered", changed, "{who}");
        }
        let (_, campaigns) = status_json(app.get_authed("/api/v1/campaigns?coalition=x").await).await;
        assert_eq!(campaigns["total"], 3, "camp-x, camp-owner, camp-coordinator: {campaigns}");
    }
);

db_test!(
    async fn one_coalition_never_sees_anothers_private_data(app) {
        let people = people(&app).await;
        let outsider = people.tokens[3].as_deref();
        let viewer = people.tokens[2].as_deref();
        app.letter("x", "x-draft").await;
        let r = app.post("/api/v1/letters/x-draft/transition", &json!({"to": "open"})).await;
        assert_eq!(r.status(), 200);
        app.publish("x-draft", &[("Signal Watch", "DE")]).await;
        let y_letter = json!({"coalition": "y", "slug": "y-draft", "title": "Y", "body": "B", "recipient_name": "R",
                               "recipient_email": "boss@platform.example"});
        let (status, _) = call(&app, outsider, "POST", "/api/v1/letters", &y_letter).await;
        assert_eq!(status, 201);

        // Letters: each side lists its own drafts and the other's public letters only.
        let (_, x_sees) = call(&app, viewer, "GET", "/api/v1/letters?per_page=200", &json!(null)).await;
        let slugs = |v: &Value| -> Vec<String> {
            v["items"].as_array().unwrap().iter().map(|l| l["slug"].as_str().unwrap().to_string()).collect()
        };
        assert!(slugs(&x_sees).contains(&"x-draft".to_string()));
        assert!(!slugs(&x_sees).contains(&"y-draft".to_string()));
        let (_, y_sees) = call(&app, outsider, "GET", "/api/v1/letters?per_page=200", &json!(null)).await;
        assert!(slugs(&y_sees).contains(&"y-draft".to_string()));
        assert!(slugs(&y_sees).contains(&"x-draft".to_string()), "x-draft is open and public");

        // The recipient's email is private to the letter's coalition.
        let (_, letter) = call(&app, outsider, "GET", "/api/v1/letters/x-draft", &json!(null)).await;
        assert!(letter["recipient"]["email"].is_null());
        let (_, letter) = call(&app, viewer, "GET", "/api/v1/letters/x-draft", &json!(null)).await;
        assert_eq!(letter["recipient"]["email"], "ceo@platform.example");

        // The outbox: the signer's address shows to x's viewer, never to y.
        let (_, x_mail) = call(&app, viewer, "GET", "/api/v1/outbox", &json!(null)).await;
        assert!(x_mail["total"].as_i64().unwrap() >= 1);
        assert!(x_mail.to_string().contains("@example.org"));
        let (_, y_mail) = call(&app, outsider, "GET", "/api/v1/outbox", &json!(null)).await;
        assert_eq!(y_mail["total"], 0, "{y_mail}");

        // The audit log and members.
        let (status, _) = call(&app, outsider, "GET", "/api/v1/letters/x-draft/audit", &json!(null)).await;
        assert_eq!(status, 403);
        let (status, _) = call(&app, viewer, "GET", "/api/v1/letters/y-draft/audit", &json!(null)).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, viewer, "GET", "/api/v1/coalitions/y/members", &json!(null)).await;
        assert_eq!(status, 403);
    }
);
