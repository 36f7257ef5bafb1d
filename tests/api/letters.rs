use serde_json::json;

use crate::db_test;
use crate::helpers::status_json;

db_test!(
    async fn a_letter_is_drafted_and_moves_through_its_whole_life_cycle(app) {
        app.coalition("edri").await;
        let draft = app.letter("edri", "stop-spyware").await;
        assert_eq!(draft["state"], "draft");
        assert_eq!(draft["coalition"]["slug"], "edri");
        assert_eq!(draft["recipient"]["email"], "ceo@platform.example");
        assert_eq!(draft["text_hash"].as_str().unwrap().len(), 64);
        assert!(draft["opened_at"].is_null());

        let mut previous = "draft".to_string();
        for (to, stamp) in [
            ("open", "opened_at"),
            ("closed", "closed_at"),
            ("delivered", "delivered_at"),
            ("archived", "archived_at"),
        ] {
            let (status, body) = status_json(
                app.post("/api/v1/letters/stop-spyware/transition", &json!({"to": to}))
                    .await,
            )
            .await;
            assert_eq!(status, 200, "{previous} -> {to}: {body}");
            assert_eq!(body["state"], to);
            assert!(body[stamp].is_string(), "{stamp} not set");
            previous = to.to_string();
        }
        let (status, body) = status_json(
            app.post("/api/v1/letters/stop-spyware/transition", &json!({"to": "open"}))
                .await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "invalid_transition");
    }
);

db_test!(
    async fn moves_the_life_cycle_forbids_are_conflicts_and_change_nothing(app) {
        app.coalition("edri").await;
        app.letter("edri", "l").await;
        for to in ["closed", "delivered", "archived", "draft"] {
            let (status, body) = status_json(
                app.post("/api/v1/letters/l/transition", &json!({"to": to})).await,
            )
            .await;
            assert_eq!(status, 409, "draft -> {to}");
            assert_eq!(body["error"]["code"], "invalid_transition");
        }
        let (status, body) = status_json(
            app.post("/api/v1/letters/l/transition", &json!({"to": "published"}))
                .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["to"].is_array());
        let (status, body) =
            status_json(app.post("/api/v1/letters/l/transition", &json!({})).await).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"]["to"][0], "is required");
        let (_, letter) = status_json(app.get_authed("/api/v1/letters/l").await).await;
        assert_eq!(letter["state"], "draft");
    }
);

db_test!(
    async fn the_text_is_frozen_once_the_letter_is_open(app) {
        app.coalition("edri").await;
        let draft = app.letter("edri", "l").await;
        let (status, edited) = status_json(
            app.patch("/api/v1/letters/l", &json!({"body": "New text", "place_and_date": "Brussels, 1 December 2026"}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{edited}");
        assert_eq!(edited["body"], "New text");
        assert_eq!(edited["place_and_date"], "Brussels, 1 December 2026");
        assert_ne!(edited["text_hash"], draft["text_hash"]);

        app.post("/api/v1/letters/l/transition", &json!({"to": "open"}))
            .await;
        let (status, body) = status_json(
            app.patch("/api/v1/letters/l", &json!({"title": "Sneaky edit"})).await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "text_frozen");

        let (status, body) = status_json(
            app.patch("/api/v1/letters/l", &json!({"moderation": "manual", "place_and_date": null}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["moderation"], "manual");
        assert!(body["place_and_date"].is_null());
        assert_eq!(body["title"], draft["title"]);
        assert_eq!(body["text_hash"], edited["text_hash"]);
    }
);

db_test!(
    async fn the_public_sees_published_letters_without_private_fields(app) {
        app.coalition("edri").await;
        app.letter("edri", "draft-one").await;
        app.letter("edri", "open-one").await;
        app.letter("edri", "unlisted-one").await;
        app.patch("/api/v1/letters/unlisted-one", &json!({"visibility": "unlisted"}))
            .await;
        for slug in ["open-one", "unlisted-one"] {
            let r = app
                .post(&format!("/api/v1/letters/{slug}/transition"), &json!({"to": "open"}))
                .await;
            assert_eq!(r.status(), 200);
        }

        let (status, public) = status_json(app.get("/api/v1/letters").await).await;
        assert_eq!(status, 200);
        assert_eq!(public["total"], 1);
        assert_eq!(public["items"][0]["slug"], "open-one");
        assert!(public["items"][0]["recipient"].get("email").is_none());
        assert!(!public.to_string().contains("ceo@platform.example"));

        assert_eq!(app.get("/api/v1/letters/draft-one").await.status(), 404);
        let (status, unlisted) =
            status_json(app.get("/api/v1/letters/unlisted-one").await).await;
        assert_eq!(status, 200);
        assert!(unlisted["recipient"].get("email").is_none());

        assert_eq!(app.total("/api/v1/letters").await, 3);
        assert_eq!(app.total("/api/v1/letters?state=draft").await, 1);
        assert_eq!(app.total("/api/v1/letters?coalition=edri&per_page=1").await, 3);
        assert_eq!(app.total("/api/v1/letters?coalition=other").await, 0);
        let (status, _) = status_json(app.get("/api/v1/letters?state=bogus").await).await;
        assert_eq!(status, 422);
        let (status, _) = status_json(
            app.client
                .get(app.url("/api/v1/letters"))
                .bearer_auth("wrong")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401);
    }
);

db_test!(
    async fn letter_slugs_are_unique_and_derived_from_titles(app) {
        app.coalition("edri").await;
        app.letter("edri", "taken").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({"slug": "taken", "coalition": "edri", "title": "T", "body": "B", "recipient_name": "R"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "slug_taken");

        let new = json!({"coalition": "edri", "title": "Protect Encryption!", "body": "B", "recipient_name": "R"});
        let (_, first) = status_json(app.post("/api/v1/letters", &new).await).await;
        let (_, second) = status_json(app.post("/api/v1/letters", &new).await).await;
        assert_eq!(first["slug"], "protect-encryption");
        assert_eq!(second["slug"], "protect-encryption-2");
        assert_eq!(app.total("/api/v1/letters").await, 3);
    }
);

db_test!(
    async fn invalid_letters_name_every_failing_field_and_store_nothing(app) {
        app.coalition("edri").await;
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({
                    "slug": "Not A Slug",
                    "coalition": "nobody",
                    "title": " ",
                    "body": "",
                    "recipient_email": "not-an-email",
                    "language": "english",
                    "moderation": "sometimes",
                    "visibility": "secret",
                    "deadline": "2020-01-01T00:00:00Z",
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        let fields = body["error"]["fields"].as_object().unwrap();
        for field in [
            "slug",
            "title",
            "body",
            "recipient_name",
            "recipient_email",
            "language",
            "moderation",
            "visibility",
            "deadline",
        ] {
            assert!(fields.contains_key(field), "{field} missing in {body}");
        }
        let (status, body) = status_json(
            app.post(
                "/api/v1/letters",
                &json!({"coalition": "nobody", "title": "T", "body": "B", "recipient_name": "R"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["coalition"].is_array());
        assert_eq!(app.total("/api/v1/letters").await, 0);
    }
);

db_test!(
    async fn another_coalitions_draft_slug_is_never_named_and_a_free_one_is_given(app) {
        // Issue 18, finding 14: creating a letter with another coalition's draft slug answered
        // `409 slug_taken`, which told that the draft existed.
        app.coalition("alpha").await;
        app.letter("alpha", "secret-plan").await;
        let beta = app.account("beta@example.org", "Beta Owner").await;
        let r = app.post_as(&beta, "/api/v1/coalitions", &json!({"slug": "beta", "name": "Beta"})).await;
        assert_eq!(r.status(), 201);
        let body = json!({
            "slug": "secret-plan", "coalition": "beta", "title": "Our plan",
            "body": "Dear Sir or Madam,", "recipient_name": "The Chief Executive",
        });
        let (status, created) = status_json(app.post_as(&beta, "/api/v1/letters", &body).await).await;
        assert_eq!(status, 201, "{created}");
        let slug = created["slug"].as_str().unwrap().to_string();
        assert!(slug.starts_with("secret-plan-") && slug != "secret-plan", "{slug}");
        assert_eq!(created["coalition"]["slug"], "beta");
        // Twice: another free slug, never a conflict.
        let (status, again) = status_json(app.post_as(&beta, "/api/v1/letters", &body).await).await;
        assert_eq!(status, 201, "{again}");
        assert_ne!(again["slug"], created["slug"]);
        // A slug the caller can see (its own letter) is a conflict, as before; and alpha's
        // draft is untouched and still alpha's.
        let own = json!({"slug": slug, "coalition": "beta", "title": "T", "body": "B", "recipient_name": "R"});
        let (status, answer) = status_json(app.post_as(&beta, "/api/v1/letters", &own).await).await;
        assert_eq!(status, 409, "{answer}");
        assert_eq!(answer["error"]["code"], "slug_taken");
        let (status, alpha) = status_json(app.get_authed("/api/v1/letters/secret-plan").await).await;
        assert_eq!(status, 200);
        assert_eq!(alpha["coalition"]["slug"], "alpha");
        // The owner of alpha sees its own draft's slug as taken.
        let mine = json!({"slug": "secret-plan", "coalition": "alpha", "title": "T", "body": "B", "recipient_name": "R"});
        assert_eq!(app.post("/api/v1/letters", &mine).await.status(), 409);
    }
);
