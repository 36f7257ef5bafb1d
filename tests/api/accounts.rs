//! Coordinators' accounts: the first-run setup link, signing in (browser and API), sessions,
//! API tokens, passwords, the sign-in rate limit, `undersigned user add`, and the audit log.

use serde_json::{json, Value};

use crate::db_test;
use crate::helpers::{
    location, status_json, Browser, TestApp, TestDatabase, ADMIN_TOKEN, OWNER_EMAIL, PASSWORD,
};

/// Run the first-run setup through its page; returns the browser, signed in.
async fn set_up(app: &TestApp, link: &str) -> Browser {
    let path = link.trim_start_matches(&app.address).to_string();
    let browser = Browser::new(app);
    let r = browser
        .submit(
            &path,
            &path,
            &[
                ("name", "Fatima First"),
                ("email", "Fatima@Example.org"),
                ("password", PASSWORD),
                ("coalition_name", "Digital Rights Network"),
                ("coalition_slug", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    browser
}

async fn bare(backend: crate::helpers::Backend) -> (TestApp, Option<String>) {
    TestApp::spawn_bare(TestDatabase::new(backend), |_| {}).await
}

#[actix_web::test]
async fn the_first_run_link_creates_the_owner_and_coalition_once() {
    for backend in crate::helpers::backends() {
        let (app, link) = bare(backend).await;
        let link = link.expect("an empty database logs a setup link");
        let path = link.trim_start_matches(&app.address).to_string();
        assert!(path.starts_with("/setup/") && path.len() == "/setup/".len() + 64);

        // A wrong token is no link at all.
        let browser = Browser::new(&app);
        assert_eq!(
            browser.page(&format!("/setup/{}", "0".repeat(64))).await.0,
            404
        );

        // Bad input: every failing field named, nothing created.
        let r = browser
            .submit(
                &path,
                &path,
                &[
                    ("name", ""),
                    ("email", "not-an-email"),
                    ("password", "short"),
                    ("coalition_name", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for field in ["name", "email", "password", "coalition_name"] {
            assert!(
                html.contains(&format!("id=\"{field}-error\"")),
                "{field}: {html}"
            );
        }
        assert!(html.contains("at least 12 characters"));
        let r = app.post_as(ADMIN_TOKEN, "/api/v1/users", &json!({})).await;
        assert_eq!(
            r.status(),
            422,
            "the operator can still reach the empty database"
        );

        // The real thing: an owner, a coalition, a session, and the dashboard.
        let browser = set_up(&app, &link).await;
        let (status, html) = browser.page("/dashboard").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Digital Rights Network") && html.contains("(owner)"),
            "{html}"
        );
        assert!(html.contains("Signed in as Fatima First"));

        // The link works once, by page and by API.
        assert_eq!(browser.page(&path).await.0, 404);
        let token = path.trim_start_matches("/setup/");
        let r = app
            .client
            .post(app.url("/api/v1/setup"))
            .json(&json!({"token": token, "name": "X", "email": "x@example.org", "password": PASSWORD, "coalition_name": "X"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // The owner signs in by API with the email in any case.
        let r = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .json(&json!({"email": "fatima@example.ORG", "password": PASSWORD, "name": "script"}))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 201, "{body}");
        let me = app
            .get_as(body["token"].as_str().unwrap(), "/api/v1/me")
            .await;
        let (_, me) = status_json(me).await;
        assert_eq!(me["email"], "fatima@example.org");
        assert_eq!(me["coalitions"][0]["coalition"], "digital-rights-network");
        assert_eq!(me["coalitions"][0]["role"], "owner");
    }
}

#[actix_web::test]
async fn the_setup_api_works_once_and_a_started_service_has_no_link() {
    for backend in crate::helpers::backends() {
        let (app, link) = bare(backend).await;
        let token = link.unwrap().rsplit('/').next().unwrap().to_string();
        let body = json!({"token": token, "name": "Ana", "email": "ana@example.org", "password": PASSWORD,
                          "coalition_name": "Press Freedom", "coalition_slug": "press"});
        let r = app
            .client
            .post(app.url("/api/v1/setup"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = app
            .client
            .post(app.url("/api/v1/setup"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "used");
        // A restart with an account logs no link.
        let (_, again) = TestApp::spawn_bare(app.db.share(), |_| {}).await;
        assert!(again.is_none());
    }
}

db_test!(
    async fn api_tokens_are_shown_once_listed_without_secret_and_revocable(app) {
        let (status, me) = status_json(app.get_authed("/api/v1/me").await).await;
        assert_eq!(status, 200);
        assert_eq!(me["email"], OWNER_EMAIL);

        let r = app.post("/api/v1/me/tokens", &json!({"name": "import script"})).await;
        let (status, created) = status_json(r).await;
        assert_eq!(status, 201);
        let secret = created["token"].as_str().unwrap().to_string();
        assert_eq!(secret.len(), 64);
        assert_eq!(app.get_as(&secret, "/api/v1/me").await.status(), 200);

        let (_, list) = status_json(app.get_authed("/api/v1/me/tokens").await).await;
        let listed = list.as_array().unwrap();
        assert!(listed.iter().any(|t| t["name"] == "import script"));
        assert!(listed.iter().all(|t| t.get("token").is_none()));
        assert!(!list.to_string().contains(&secret));

        let r = app
            .post(&format!("/api/v1/me/tokens/{}/revoke", created["id"].as_str().unwrap()), &json!({}))
            .await;
        let (status, revoked) = status_json(r).await;
        assert_eq!(status, 200);
        assert!(revoked["revoked_at"].is_string());
        assert_eq!(app.get_as(&secret, "/api/v1/me").await.status(), 401);
        // Someone else's token id is not found.
        let other = app.account("other@example.org", "Other").await;
        let r = app
            .post_as(&other, &format!("/api/v1/me/tokens/{}/revoke", created["id"].as_str().unwrap()), &json!({}))
            .await;
        assert_eq!(r.status(), 404);

        // Bad input.
        let (status, body) = status_json(app.post("/api/v1/me/tokens", &json!({"name": " "})).await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["name"].is_array());
        let r = app.get_as(&"f".repeat(64), "/api/v1/me").await;
        assert_eq!(r.status(), 401);
        assert_eq!(app.get_as("not-a-token", "/api/v1/me").await.status(), 401);
    }
);

db_test!(
    async fn a_wrong_password_or_unknown_email_is_the_same_401(app) {
        let mut answers = Vec::new();
        for email in [OWNER_EMAIL, "nobody@example.org"] {
            let r = app
                .client
                .post(app.url("/api/v1/auth/tokens"))
                .json(&json!({"email": email, "password": "wrong password!", "name": "x"}))
                .send()
                .await
                .unwrap();
            answers.push(status_json(r).await);
        }
        assert_eq!(answers[0].0, 401);
        assert_eq!(answers[0], answers[1]);
        let r = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .json(&json!({"password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["email"].is_array() && body["error"]["fields"]["name"].is_array());
    }
);

db_test!(
    async fn sign_in_attempts_are_rate_limited_per_address(app, |s| {
        s.sign_in_rate_per_minute = 1;
        s.sign_in_rate_burst = 3;
    }) {
        // The app's own start-up signed in once; the burst allows two more.
        let attempt = || async {
            app.client
                .post(app.url("/api/v1/auth/tokens"))
                .json(&json!({"email": OWNER_EMAIL, "password": "wrong password!", "name": "x"}))
                .send()
                .await
                .unwrap()
        };
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(attempt().await.status().as_u16());
        }
        assert_eq!(&statuses[..2], &[401, 401]);
        assert_eq!(statuses[3], 429, "{statuses:?}");
        let r = attempt().await;
        assert!(r.headers().contains_key("retry-after"));
        let (_, body) = status_json(r).await;
        assert!(body["error"]["message"].as_str().unwrap().contains("sign-in attempts"));
        // The browser form shares the limit.
        let browser = Browser::new(&app);
        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 429);
    }
);

db_test!(
    async fn a_browser_signs_in_sees_the_dashboard_and_signs_out(app) {
        let browser = Browser::new(&app);
        assert_eq!(location(&browser.client.get(app.url("/dashboard")).send().await.unwrap()), "/login");

        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", "wrong password!")])
            .await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("not right"));

        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/dashboard");
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("undersigned_session="))
            .expect("a session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP in tests: {cookie}");

        app.letter(crate::helpers::HOME, "home-letter").await;
        let (status, html) = browser.page("/dashboard").await;
        assert_eq!(status, 200);
        assert!(html.contains("Home coalition") && html.contains("Letter home-letter"), "{html}");

        // Signing out needs the form's CSRF token, then ends the session.
        let r = browser.client.post(app.url("/logout")).form(&[("csrf_token", "x")]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = browser.submit("/dashboard", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        let r = browser.client.get(app.url("/dashboard")).send().await.unwrap();
        assert_eq!(location(&r), "/login");
    }
);

db_test!(
    async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(app) {
        let other_browser = Browser::new(&app);
        let r = other_browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        let browser = Browser::new(&app);
        browser.submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)]).await;

        let r = browser
            .submit("/account", "/account/password", &[("current_password", "nope nope nope"), ("new_password", "short")])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"current_password-error\"") && html.contains("id=\"new_password-error\""));

        let new = "a much longer new passphrase";
        let r = browser
            .submit("/account", "/account/password", &[("current_password", PASSWORD), ("new_password", new)])
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(browser.page("/dashboard").await.0, 200, "this session stays");
        assert_eq!(other_browser.page("/dashboard").await.0, 303, "the other one ended");

        let sign_in = |password: &'static str| {
            app.client
                .post(app.url("/api/v1/auth/tokens"))
                .json(&json!({"email": OWNER_EMAIL, "password": password, "name": "x"}))
                .send()
        };
        assert_eq!(sign_in(PASSWORD).await.unwrap().status(), 401);
        // API tokens made before are revoked with the old password (issue 18, finding 12).
        assert_eq!(app.get_authed("/api/v1/me").await.status(), 401);
        let (status, fresh) = status_json(sign_in(new).await.unwrap()).await;
        assert_eq!(status, 201);
        let fresh = fresh["token"].as_str().unwrap().to_string();

        // The API asks the same.
        let r = app
            .post_as(&fresh, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "yet another passphrase"}))
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["current_password"].is_array());
    }
);

db_test!(
    async fn the_account_page_creates_a_token_once_and_revokes_it(app) {
        let browser = Browser::new(&app);
        browser.submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)]).await;
        let r = browser.submit("/account", "/account/tokens", &[("name", "newsroom feed")]).await;
        assert_eq!(r.status(), 201);
        let html = r.text().await.unwrap();
        let start = html.find("<code id=\"new-token\">").unwrap() + "<code id=\"new-token\">".len();
        let token = html[start..start + 64].to_string();
        assert_eq!(app.get_as(&token, "/api/v1/me").await.status(), 200);
        let (_, page) = browser.page("/account").await;
        assert!(page.contains("newsroom feed") && !page.contains(&token), "shown once");

        let (_, list) = status_json(app.get_as(&token, "/api/v1/me/tokens").await).await;
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "newsroom feed")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/account/tokens/{id}/revoke");
        let r = browser.submit("/account", &path, &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.get_as(&token, "/api/v1/me").await.status(), 401);
    }
);

#[actix_web::test]
async fn user_add_creates_an_owner_and_coalition_from_the_shell() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for backend in crate::helpers::backends() {
        let (app, _) = bare(backend).await;
        let run = |args: &[&str], password: &str| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
                .args(["user", "add"])
                .args(args)
                .env("DATABASE_URL", &app.db.url)
                .env("UNDERSIGNED_DATA_DIR", app.db.data_dir())
                .env("UNDERSIGNED_LOG", "warn")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
            child.wait_with_output().unwrap()
        };
        let out = run(
            &["--email", "bad", "--name", "", "--coalition", "c"],
            "short",
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--email") && err.contains("--password") && err.contains("--name"),
            "{err}"
        );

        let out = run(
            &[
                "--email",
                "lead@example.org",
                "--name",
                "Lea Lead",
                "--coalition",
                "ngo-net",
                "--coalition-name",
                "NGO Network",
            ],
            PASSWORD,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("owner in ngo-net"));
        let token = app.sign_in("lead@example.org").await;
        let (_, me) = status_json(app.get_as(&token, "/api/v1/me").await).await;
        assert_eq!(me["coalitions"][0]["coalition"], "ngo-net");
        assert_eq!(me["coalitions"][0]["role"], "owner");

        // A viewer for the existing coalition; the same email again is refused.
        let out = run(
            &[
                "--email",
                "v@example.org",
                "--name",
                "Vic",
                "--coalition",
                "ngo-net",
                "--role",
                "viewer",
            ],
            PASSWORD,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(
            &[
                "--email",
                "v@example.org",
                "--name",
                "Vic",
                "--coalition",
                "ngo-net",
            ],
            PASSWORD,
        );
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
        let (_, members) = status_json(
            app.get_as(&token, "/api/v1/coalitions/ngo-net/members")
                .await,
        )
        .await;
        let roles: Vec<(String, String)> = members
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["email"].as_str().unwrap().to_string(),
                    m["role"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            roles,
            vec![
                ("lead@example.org".into(), "owner".into()),
                ("v@example.org".into(), "viewer".into())
            ]
        );
    }
}

db_test!(
    async fn owners_manage_members_and_a_coalition_keeps_an_owner(app) {
        let c = app.coalition("team").await;
        app.account("co@example.org", "Co").await;
        let members = format!("/api/v1/coalitions/{c}/members");
        let add = |email: &'static str, role: &'static str| {
            let (app, members) = (&app, members.clone());
            async move { app.post(&members, &json!({"email": email, "role": role})).await }
        };
        app.add_member(&c, "co@example.org", "coordinator").await;
        let (status, member) = status_json(add("co@example.org", "coordinator").await).await;
        assert_eq!(status, 200);
        assert_eq!(member["role"], "coordinator");
        let (status, body) = status_json(add("nobody@example.org", "viewer").await).await;
        assert_eq!(status, 202, "an invitation, whether or not an account has the address");
        assert_eq!(body["invitation"]["state"], "pending");
        let (status, body) = status_json(add("not an email", "viewer").await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["email"].is_array());
        let (status, body) = status_json(add("co@example.org", "king").await).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["role"][0].as_str().unwrap().contains("owner, coordinator, viewer"));

        // The last owner can neither step down nor leave.
        let (_, me) = status_json(app.get_authed("/api/v1/me").await).await;
        let my_id = me["id"].as_str().unwrap();
        let (status, body) = status_json(add(OWNER_EMAIL, "viewer").await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "last_owner");
        let r = app.post(&format!("/api/v1/coalitions/{c}/members/{my_id}/remove"), &json!({})).await;
        assert_eq!(r.status(), 409);
        // With a second owner, the first can leave.
        add("co@example.org", "owner").await;
        let r = app.post(&format!("/api/v1/coalitions/{c}/members/{my_id}/remove"), &json!({})).await;
        assert_eq!(r.status(), 204);
        assert_eq!(app.get_authed(&format!("/api/v1/coalitions/{c}/members")).await.status(), 403);

        // The operator bootstraps: a coalition needs an existing owner.
        let r = app.post_as(ADMIN_TOKEN, "/api/v1/coalitions", &json!({"name": "Ops"})).await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["owner"].is_array());
        let r = app
            .post_as(ADMIN_TOKEN, "/api/v1/coalitions", &json!({"name": "Ops", "owner": "co@example.org"}))
            .await;
        assert_eq!(r.status(), 201);
        let co = app.sign_in("co@example.org").await;
        let (_, me) = status_json(app.get_as(&co, "/api/v1/me").await).await;
        let mine: Vec<&str> = me["coalitions"].as_array().unwrap().iter().map(|c| c["coalition"].as_str().unwrap()).collect();
        assert_eq!(mine, vec!["team", "ops"], "by name: Coalition team, Ops");
    }
);

db_test!(
    async fn the_audit_log_records_coordinators_and_the_public_without_contacts(app) {
        let letter = app.open_letter("audited", "auto").await;
        app.publish(&letter, &[("Open Data Kitchen", "FR")]).await;
        let (status, log) = status_json(app.get_authed(&format!("/api/v1/letters/{letter}/audit")).await).await;
        assert_eq!(status, 200);
        let entries: Vec<(String, String)> = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["actor_kind"].as_str().unwrap().to_string(), e["action"].as_str().unwrap().to_string()))
            .collect();
        let expected: Vec<(String, String)> = [
            // Setting the moderation it already had (auto) changed nothing and is not logged.
            ("user", "letter.created"),
            ("user", "letter.state_changed"),
            ("public", "signature.created"),
            ("public", "signature.confirmed_and_published"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(entries, expected);
        let text = log.to_string();
        assert!(text.contains("Olga Owner") && text.contains("Open Data Kitchen"));
        assert!(!text.contains("@example.org"), "no contact email in the log: {text}");
        let first: &Value = &log["items"][1];
        assert_eq!(first["details"]["from"], "draft");
        assert_eq!(first["details"]["to"], "open");

        let (status, log) = status_json(app.get_authed(&format!("/api/v1/coalitions/c-{letter}/audit")).await).await;
        assert_eq!(status, 200);
        assert_eq!(log["items"][0]["action"], "coalition.created");
        assert_eq!(log["total"], 5);
    }
);

db_test!(
    async fn api_tokens_expire_and_a_password_change_revokes_them_all(app) {
        // Issue 18, finding 12: tokens never expired and survived a password change.
        let (status, body) = status_json(
            app.post("/api/v1/me/tokens", &json!({"name": "too long", "expires_in_days": 366})).await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["expires_in_days"][0].as_str().unwrap().contains("365"), "{body}");
        let (status, body) = status_json(
            app.post("/api/v1/me/tokens", &json!({"name": "", "expires_in_days": 0})).await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body["error"]["fields"]["expires_in_days"].is_array() && body["error"]["fields"]["name"].is_array(), "{body}");
        let (_, list) = status_json(app.get_authed("/api/v1/me/tokens").await).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "bad input made no token: {list}");

        // A week, as asked; the default is 90 days; both are listed with their end.
        let (status, week) = status_json(
            app.post("/api/v1/me/tokens", &json!({"name": "weekly", "expires_in_days": 7})).await,
        )
        .await;
        assert_eq!(status, 201);
        let days_left = |t: &Value| {
            let end = chrono::DateTime::parse_from_rfc3339(t["expires_at"].as_str().unwrap()).unwrap();
            (end.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours() as f64 / 24.0
        };
        assert!((6.9..=7.0).contains(&days_left(&week)), "{week}");
        let (_, list) = status_json(app.get_authed("/api/v1/me/tokens").await).await;
        let listed = list.as_array().unwrap();
        assert!(listed.iter().all(|t| t["expires_at"].is_string()), "{list}");
        let signed_in = listed.iter().find(|t| t["name"] == "tests").unwrap();
        assert!((89.9..=90.0).contains(&days_left(signed_in)), "{signed_in}");

        // Past its end, a token is 401.
        let weekly = week["token"].as_str().unwrap().to_string();
        assert_eq!(app.get_as(&weekly, "/api/v1/me").await.status(), 200);
        let past = (chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)).format("%Y-%m-%d %H:%M:%S");
        app.execute(&format!(
            "UPDATE api_tokens SET expires_at = '{past}' WHERE id = '{}'",
            week["id"].as_str().unwrap()
        ));
        assert_eq!(app.get_as(&weekly, "/api/v1/me").await.status(), 401);
        assert_eq!(app.get_authed("/api/v1/me").await.status(), 200, "the others still work");

        // A password change revokes every token of the account, the one that asked too.
        let (_, other) = status_json(app.post("/api/v1/me/tokens", &json!({"name": "other"})).await).await;
        let other = other["token"].as_str().unwrap().to_string();
        let r = app
            .post(
                "/api/v1/me/password",
                &json!({"current_password": PASSWORD, "new_password": "a new long passphrase"}),
            )
            .await;
        assert_eq!(r.status(), 204);
        assert_eq!(app.get_as(&other, "/api/v1/me").await.status(), 401);
        assert_eq!(app.get_authed("/api/v1/me").await.status(), 401);
        let r = app
            .client
            .post(app.url("/api/v1/auth/tokens"))
            .json(&json!({"email": OWNER_EMAIL, "password": "a new long passphrase", "name": "after", "expires_in_days": 1}))
            .send()
            .await
            .unwrap();
        let (status, fresh) = status_json(r).await;
        assert_eq!(status, 201, "{fresh}");
        let fresh = fresh["token"].as_str().unwrap().to_string();
        let (_, list) = status_json(app.get_as(&fresh, "/api/v1/me/tokens").await).await;
        let listed = list.as_array().unwrap();
        assert_eq!(listed.iter().filter(|t| t["revoked_at"].is_null()).count(), 1, "{list}");
        let (_, log) = status_json(app.get_as(&fresh, "/api/v1/me").await).await;
        assert_eq!(log["email"], OWNER_EMAIL);

        // The account page offers the lifetime, shows the end and says what a change of password does.
        let browser = Browser::new(&app);
        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", "a new long passphrase")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, html) = browser.page("/account").await;
        assert!(html.contains("name=\"expires_in_days\"") && html.contains("revokes all your API tokens"), "{html}");
        assert!(html.contains("Expires") && html.contains("revoked"), "{html}");
        let r = browser.submit("/account", "/account/tokens", &[("name", "page"), ("expires_in_days", "400")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("from 1 to 365"));
        let r = browser.submit("/account", "/account/tokens", &[("name", "page"), ("expires_in_days", "30")]).await;
        assert_eq!(r.status(), 201);
        let (_, list) = status_json(app.get_as(&fresh, "/api/v1/me/tokens").await).await;
        let page = list.as_array().unwrap().iter().find(|t| t["name"] == "page").cloned().unwrap();
        assert!((29.9..=30.0).contains(&days_left(&page)), "{page}");
    }
);

db_test!(
    async fn only_owners_of_the_coalition_hear_whether_an_email_has_an_account(app) {
        // Issue 18, finding 13: `409 account_exists` came before the role check, so any
        // signed-in account could ask who has an account.
        let outsider = app.account("outsider@example.org", "Outsider").await;
        let viewer = app.account("viewer@example.org", "Viewer").await;
        app.add_member(crate::helpers::HOME, "viewer@example.org", "viewer").await;
        let existing = json!({"name": "X", "email": OWNER_EMAIL, "password": PASSWORD, "coalition": crate::helpers::HOME});
        let fresh = json!({"name": "X", "email": "nobody@example.org", "password": PASSWORD, "coalition": crate::helpers::HOME});
        for who in [&outsider, &viewer] {
            for body in [&existing, &fresh] {
                let (status, answer) = status_json(app.post_as(who, "/api/v1/users", body).await).await;
                assert_eq!(status, 403, "{answer}");
            }
            // Without a coalition: the same field error whether or not the email has an account.
            let (status, answer) = status_json(app.post_as(who, "/api/v1/users", &json!({"name": "X", "email": OWNER_EMAIL, "password": PASSWORD})).await).await;
            assert_eq!(status, 422);
            assert!(answer["error"]["fields"]["coalition"].is_array(), "{answer}");
            let (status, _) = status_json(app.post_as(who, "/api/v1/users", &json!({"coalition": "no-such-coalition", "email": OWNER_EMAIL})).await).await;
            assert_eq!(status, 404);
        }
        let (status, _) = status_json(app.post_as(&outsider, "/api/v1/users", &json!({"coalition": crate::helpers::HOME})).await).await;
        assert_eq!(status, 403, "the role before the fields");
        // The owner still creates accounts in their coalition.
        let (status, created) = status_json(app.post("/api/v1/users", &fresh).await).await;
        assert_eq!(status, 201, "{created}");
    }
);

db_test!(
    async fn an_owner_invites_and_only_the_accounts_consent_makes_it_a_member(app) {
        // Issue 18, finding 13: an owner added an existing account to their coalition without
        // its consent, and then saw its email. Now the account is invited and must accept; the
        // owner sees only the address they typed, pending, as for an address with no account.
        let home = crate::helpers::HOME;
        let members = format!("/api/v1/coalitions/{home}/members");
        let dana = app.account("dana@example.org", "Dana Doe").await;
        let (status, with_account) = status_json(app.post(&members, &json!({"email": "Dana@Example.org", "role": "coordinator"})).await).await;
        assert_eq!(status, 202, "{with_account}");
        let (status, without) = status_json(app.post(&members, &json!({"email": "ghost@example.org", "role": "coordinator"})).await).await;
        assert_eq!(status, 202, "{without}");
        let keys = |v: &Value| v["invitation"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&with_account), keys(&without), "the same answer either way");
        assert_eq!(with_account["invitation"]["email"], "dana@example.org");
        assert_eq!(with_account["invitation"]["state"], "pending");
        assert!(!with_account.to_string().contains("Dana Doe"));
        // Not a member yet: not listed, no role, nothing allowed.
        let (_, list) = status_json(app.get_authed(&members).await).await;
        assert!(!list.to_string().contains("dana@example.org"), "{list}");
        let (_, me) = status_json(app.get_as(&dana, "/api/v1/me").await).await;
        assert_eq!(me["coalitions"], json!([]));
        assert_eq!(app.get_as(&dana, &format!("/api/v1/coalitions/{home}/audit")).await.status(), 403);
        let (status, pending) = status_json(app.get_authed(&format!("/api/v1/coalitions/{home}/member-invitations")).await).await;
        assert_eq!(status, 200);
        let emails: Vec<&str> = pending.as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
        assert_eq!(emails, ["dana@example.org", "ghost@example.org"]);

        // The account sees its invitation; nobody else can answer it.
        let (_, mine) = status_json(app.get_as(&dana, "/api/v1/me/invitations").await).await;
        assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(mine[0]["coalition"], home);
        let id = mine[0]["id"].as_str().unwrap().to_string();
        let other = app.account("eve@example.org", "Eve").await;
        let r = app.post_as(&other, &format!("/api/v1/me/invitations/{id}/accept"), &json!({})).await;
        assert_eq!(r.status(), 404);
        let (_, me) = status_json(app.get_as(&other, "/api/v1/me").await).await;
        assert_eq!(me["coalitions"], json!([]));

        // Declined: gone, and no member.
        let r = app.post_as(&dana, &format!("/api/v1/me/invitations/{id}/decline"), &json!({})).await;
        assert_eq!(r.status(), 204);
        let (_, mine) = status_json(app.get_as(&dana, "/api/v1/me/invitations").await).await;
        assert_eq!(mine, json!([]));
        let (_, me) = status_json(app.get_as(&dana, "/api/v1/me").await).await;
        assert_eq!(me["coalitions"], json!([]));

        // Invited again and accepted: a coordinator from then on.
        let (status, again) = status_json(app.post(&members, &json!({"email": "dana@example.org", "role": "coordinator"})).await).await;
        assert_eq!(status, 202);
        let id = again["invitation"]["id"].as_str().unwrap();
        let r = app.post_as(&dana, &format!("/api/v1/me/invitations/{id}/accept"), &json!({})).await;
        assert_eq!(r.status(), 204);
        let (_, me) = status_json(app.get_as(&dana, "/api/v1/me").await).await;
        assert_eq!(me["coalitions"][0]["role"], "coordinator");
        let (_, list) = status_json(app.get_authed(&members).await).await;
        assert!(list.to_string().contains("dana@example.org"), "{list}");
        let (_, log) = status_json(app.get_authed(&format!("/api/v1/coalitions/{home}/audit")).await).await;
        let actions: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        for action in ["membership.invited", "membership.declined", "membership.accepted"] {
            assert!(actions.contains(&action), "{actions:?}");
        }
        assert!(!log.to_string().contains("ghost@example.org"), "no typed address in the log");
    }
);
