use serde_json::json;

use crate::db_test;
use crate::helpers::status_json;

db_test!(
    async fn an_admin_creates_reads_and_lists_organisations(app) {
        let (status, created) = status_json(
            app.post(
                "/api/v1/organisations",
                &json!({
                    "name": "  Digital Rights   Watch ",
                    "country": "the Netherlands",
                    "website": "www.drw.example.org",
                    "description": "Watching digital rights."
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["name"], "Digital Rights Watch");
        assert_eq!(created["slug"], "digital-rights-watch");
        assert_eq!(created["country"]["code"], "NL");
        assert_eq!(created["website"], "https://www.drw.example.org/");
        assert_eq!(created["email_domain"], "drw.example.org");
        assert_eq!(created["verification"], "unverified");

        let (status, read) =
            status_json(app.get_authed("/api/v1/organisations/digital-rights-watch").await).await;
        assert_eq!(status, 200);
        assert_eq!(read, created);
        let by_id = format!("/api/v1/organisations/{}", created["id"].as_str().unwrap());
        assert_eq!(status_json(app.get_authed(&by_id).await).await.1, created);
    }
);

db_test!(
    async fn organisation_lists_are_paginated_and_filtered(app) {
        for (name, country) in [("Alpha", "FR"), ("Beta", "FR"), ("Gamma", "DE")] {
            let r = app
                .post("/api/v1/organisations", &json!({"name": name, "country": country}))
                .await;
            assert_eq!(r.status(), 201);
        }
        let (_, first) =
            status_json(app.get_authed("/api/v1/organisations?per_page=2").await).await;
        assert_eq!(first["total"], 3);
        assert_eq!(first["page"], 1);
        let names: Vec<&str> = first["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Alpha", "Beta"]);
        let (_, second) =
            status_json(app.get_authed("/api/v1/organisations?per_page=2&page=2").await).await;
        assert_eq!(second["items"][0]["name"], "Gamma");
        assert_eq!(second["items"].as_array().unwrap().len(), 1);

        assert_eq!(app.total("/api/v1/organisations?country=fr").await, 2);
        assert_eq!(app.total("/api/v1/organisations?q=gam").await, 1);

        let (status, body) =
            status_json(app.get_authed("/api/v1/organisations?page=0&per_page=999").await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["page"].is_array());
        assert!(body["error"]["fields"]["per_page"].is_array());
        let (status, body) = status_json(app.get_authed("/api/v1/organisations?page=abc").await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["page"].is_array(), "{body}");
        // Schemathesis found this one: a page whose offset overflowed answered 500.
        for page in ["1000001", "9223372036854775806"] {
            let (status, body) =
                status_json(app.get_authed(&format!("/api/v1/organisations?page={page}")).await).await;
            assert_eq!(status, 422, "page {page}: {body}");
            assert!(body["error"]["fields"]["page"].is_array(), "{body}");
        }
        assert_eq!(app.get_authed("/api/v1/organisations?page=1000000").await.status(), 200);
    }
);

db_test!(
    async fn the_same_name_in_the_same_country_is_a_conflict(app) {
        let first = app
            .post("/api/v1/organisations", &json!({"name": "Access Now", "country": "US"}))
            .await;
        assert_eq!(first.status(), 201);
        let (status, body) = status_json(
            app.post(
                "/api/v1/organisations",
                &json!({"name": "ACCESS  now.", "country": "United States of America"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "organisation_exists");
        assert_eq!(app.total("/api/v1/organisations").await, 1);

        // The same name in another country is another organisation, with its own slug.
        let (status, other) = status_json(
            app.post("/api/v1/organisations", &json!({"name": "Access Now", "country": "FR"}))
                .await,
        )
        .await;
        assert_eq!(status, 201);
        assert_eq!(other["slug"], "access-now-fr");
    }
);

db_test!(
    async fn updating_an_organisation_changes_only_what_is_sent(app) {
        let r = app
            .post(
                "/api/v1/organisations",
                &json!({"name": "Privacy First", "country": "NL", "website": "privacyfirst.example.nl"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        app.post("/api/v1/organisations", &json!({"name": "Taken", "country": "NL"}))
            .await;

        let (status, body) = status_json(
            app.patch(
                "/api/v1/organisations/privacy-first",
                &json!({"description": "Dutch NGO", "website": null, "verification": "coordinator"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["name"], "Privacy First");
        assert_eq!(body["description"], "Dutch NGO");
        assert!(body["website"].is_null());
        assert_eq!(body["verification"], "coordinator");

        let (status, body) = status_json(
            app.patch("/api/v1/organisations/privacy-first", &json!({"name": "taken"}))
                .await,
        )
        .await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "organisation_exists");

        let (status, body) = status_json(
            app.patch(
                "/api/v1/organisations/privacy-first",
                &json!({"name": " ", "country": "Congo", "verification": "famous"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        for field in ["name", "country", "verification"] {
            assert!(body["error"]["fields"][field].is_array(), "{field}: {body}");
        }
        let (_, unchanged) =
            status_json(app.get_authed("/api/v1/organisations/privacy-first").await).await;
        assert_eq!(unchanged["name"], "Privacy First");
        assert_eq!(unchanged["country"]["code"], "NL");

        let r = app
            .patch("/api/v1/organisations/no-such-org", &json!({"description": "x"}))
            .await;
        assert_eq!(r.status(), 404);
    }
);

db_test!(
    async fn invalid_organisations_name_every_failing_field_and_store_nothing(app) {
        let (status, body) = status_json(
            app.post(
                "/api/v1/organisations",
                &json!({
                    "name": "",
                    "country": "Congo",
                    "website": "ftp://files.example.org",
                    "email_domain": "not a domain",
                    "verification": "famous",
                    "description": "x".repeat(2001),
                }),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["code"], "validation_failed");
        let fields = body["error"]["fields"].as_object().unwrap();
        for field in ["name", "country", "website", "email_domain", "verification", "description"] {
            assert!(fields.contains_key(field), "{field} missing in {body}");
        }
        let (status, body) =
            status_json(app.post("/api/v1/organisations", &json!({})).await).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"]["name"][0], "is required");
        assert_eq!(body["error"]["fields"]["country"][0], "is required");
        assert_eq!(app.total("/api/v1/organisations").await, 0);
    }
);

db_test!(
    async fn the_directory_is_not_public(app) {
        app.post("/api/v1/organisations", &json!({"name": "Quiet", "country": "FR"}))
            .await;
        for path in ["/api/v1/organisations", "/api/v1/organisations/quiet"] {
            let (status, body) = status_json(app.get(path).await).await;
            assert_eq!(status, 401, "{path}");
            assert_eq!(body["error"]["code"], "unauthorized");
        }
    }
);
