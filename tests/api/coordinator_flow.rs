//! The coordinators' whole flow through the JSON API, as a new user would meet it: first run,
//! the setup link, a coalition and a letter, three organisations invited who sign through their
//! links, a stranger who signs through the public form, moderation, closing, the final list.

use serde_json::json;

use crate::helpers::{signer, status_json, TestApp, TestDatabase, PASSWORD};

#[actix_web::test]
async fn from_first_run_to_the_final_list_through_the_api() {
    for backend in crate::helpers::backends() {
        let (app, link) = TestApp::spawn_bare(TestDatabase::new(backend), |_| {}).await;
        let token = link
            .expect("a setup link")
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let setup = json!({"token": token, "name": "Nadia Network", "email": "nadia@coalition.example",
                           "password": PASSWORD, "coalition_name": "Platform Accountability Network"});
        let r = app
            .client
            .post(app.url("/api/v1/setup"))
            .json(&setup)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .json(
                &json!({"email": "nadia@coalition.example", "password": PASSWORD, "name": "flow"}),
            )
            .send()
            .await
            .unwrap();
        let (_, created) = status_json(r).await;
        let me = created["token"].as_str().unwrap().to_string();

        // A manual letter, its organisations in the directory, opened.
        let letter = json!({"coalition": "platform-accountability-network", "slug": "end-spyware",
            "title": "End spyware", "body": "Dear CEO,\n\nEnd it.", "recipient_name": "The CEO", "moderation": "manual"});
        let (status, body) = status_json(app.post_as(&me, "/api/v1/letters", &letter).await).await;
        assert_eq!(status, 201, "{body}");
        let (_, preview) = status_json(
            app.post_as(
                &me,
                "/api/v1/letters/preview",
                &json!({"body": "**End** it."}),
            )
            .await,
        )
        .await;
        assert_eq!(preview["html"], "<p><strong>End</strong> it.</p>\n");
        let mut invited = Vec::new();
        for (name, country, email) in [
            ("Access Rights Lab", "FR", "lab@access.example"),
            ("Privacy Collective", "DE", "info@privacy.example"),
            ("Open Net Kenya", "KE", "hello@opennet.example"),
        ] {
            let (status, org) = status_json(
                app.post_as(
                    &me,
                    "/api/v1/organisations",
                    &json!({"name": name, "country": country}),
                )
                .await,
            )
            .await;
            assert_eq!(status, 201, "{org}");
            invited.push(json!({"organisation": org["slug"], "email": email}));
        }
        let r = app
            .post_as(
                &me,
                "/api/v1/letters/end-spyware/transition",
                &json!({"to": "open"}),
            )
            .await;
        assert_eq!(r.status(), 200);

        // Invitations go out through the outbox; each organisation signs through its own link.
        let (status, body) = status_json(
            app.post_as(
                &me,
                "/api/v1/letters/end-spyware/invitations",
                &json!({"invitations": invited}),
            )
            .await,
        )
        .await;
        assert!(status == 200 || status == 201, "{status} {body}");
        let mails = app.mail.wait_for(3).await;
        for (i, mail) in mails.iter().enumerate() {
            let r = app
                .client
                .post(app.url("/api/v1/invitations/sign"))
                .json(&json!({"token": mail.invitation_token(), "representative_name": format!("Rep {i}"),
                              "representative_role": "Director", "consent": true}))
                .send()
                .await
                .unwrap();
            let (status, answer) = status_json(r).await;
            assert_eq!(status, 200, "{answer}");
            assert_eq!(
                answer["status"], "confirmed",
                "waits for moderation on a manual letter"
            );
        }
        let r = app
            .client
            .post(app.url("/api/v1/invitations/sign"))
            .json(&json!({"token": mails[0].invitation_token(), "representative_name": "Again", "representative_role": "x", "consent": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(status_json(r).await.1["status"], "already_signed");
        let r = app.client.post(app.url("/api/v1/invitations/sign")).json(&json!({"token": "0".repeat(64), "representative_name": "x", "representative_role": "y", "consent": true})).send().await.unwrap();
        assert_eq!(r.status(), 404);

        // A stranger signs with the public form's API and confirms by mail.
        let r = app
            .sign(
                "end-spyware",
                &signer("Digital Freedom Brazil", "BR", "contato@freedom.example"),
            )
            .await;
        assert_eq!(r.status(), 202);
        let mails = app.mail.wait_for(4).await;
        let r = app
            .client
            .post(app.url("/api/v1/signatures/confirm"))
            .json(&json!({"token": mails[3].token("confirm")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let (_, counts) = status_json(
            app.get_as(&me, "/api/v1/letters/end-spyware/invitations")
                .await,
        )
        .await;
        assert_eq!(counts["counts"]["signed"], 3, "{counts}");

        // Moderate: approve all four waiting, then close.
        let (_, queue) = status_json(
            app.get_as(
                &me,
                "/api/v1/letters/end-spyware/signatures?state=confirmed",
            )
            .await,
        )
        .await;
        let ids: Vec<&str> = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 4);
        let invited = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["verified_by"] == "invitation")
            .count();
        assert_eq!(invited, 3, "the queue tells invited signatures apart");
        let (status, _) = status_json(
            app.post_as(
                &me,
                "/api/v1/letters/end-spyware/signatures/approve",
                &json!({"ids": ids}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        let (_, closed) = status_json(
            app.post_as(
                &me,
                "/api/v1/letters/end-spyware/transition",
                &json!({"to": "closed"}),
            )
            .await,
        )
        .await;
        assert_eq!(closed["state"], "closed");

        // The final list: four organisations in four countries, the invited ones marked.
        let list = app.signatories("end-spyware").await;
        assert_eq!(list["total"], 4);
        let mut rows: Vec<(String, String, String)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["country"]["code"].as_str().unwrap().to_string(),
                    s["name"].as_str().unwrap().to_string(),
                    s["verification"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        rows.sort();
        assert_eq!(
            rows,
            vec![
                (
                    "BR".into(),
                    "Digital Freedom Brazil".into(),
                    "unverified".into()
                ),
                (
                    "DE".into(),
                    "Privacy Collective".into(),
                    "invitation".into()
                ),
                ("FR".into(), "Access Rights Lab".into(), "invitation".into()),
                ("KE".into(), "Open Net Kenya".into(), "invitation".into()),
            ]
        );
        let r = app
            .sign("end-spyware", &signer("Late Org", "FR", "late@example.org"))
            .await;
        assert_eq!(r.status(), 409, "closed letters take no signatures");
        assert!(app.verify("end-spyware", None).await.ok());
        let (_, log) = status_json(
            app.get_as(&me, "/api/v1/letters/end-spyware/audit?per_page=200")
                .await,
        )
        .await;
        let text = log.to_string();
        for action in [
            "letter.created",
            "invitation.sent",
            "invitation.signed",
            "signature.approved",
            "letter.state_changed",
        ] {
            assert!(text.contains(action), "{action}");
        }
    }
}
