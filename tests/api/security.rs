//! The security review's checks that no other module makes (docs/SECURITY.md maps every point
//! to its test): the security headers on every kind of response, a Content-Security-Policy that
//! allows no inline script and no framing, templates without inline scripts, sessions that an
//! attacker cannot fix, that expire and that logging out ends on the server, and secrets that
//! never reach the log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::db_test;
use crate::helpers::{csrf_field, location, Browser, TestApp, HOME, OWNER_EMAIL, PASSWORD};

/// Assert the headers every response carries, and a CSP without inline scripts or framing.
fn assert_security_headers(what: &str, r: &reqwest::Response) {
    let header = |name: &str| {
        r.headers()
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    let csp = header("content-security-policy");
    let directives: Vec<(&str, Vec<&str>)> = csp
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect();
    let directive = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        directive("default-src"),
        Some(vec!["'self'"]),
        "{what}: {csp}"
    );
    assert_eq!(
        directive("frame-ancestors"),
        Some(vec!["'none'"]),
        "{what}: {csp}"
    );
    assert_eq!(
        directive("form-action"),
        Some(vec!["'self'"]),
        "{what}: {csp}"
    );
    // Scripts fall back to default-src 'self': only files served by the app itself, never
    // inline code, never eval.
    let scripts = directive("script-src").unwrap_or_else(|| directive("default-src").unwrap());
    assert!(
        !scripts
            .iter()
            .any(|s| s.contains("unsafe") || *s == "*" || s.starts_with("data:")),
        "{what}: {csp}"
    );
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    for (name, values) in &directives {
        if values.contains(&"'unsafe-inline'") {
            assert_eq!(
                *name, "style-src",
                "{what}: only styles may be inline: {csp}"
            );
        }
    }
}

/// The value a response sets for a cookie, if it sets it.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap().to_string())
}

/// A client that keeps no cookies: each request says which it sends.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

db_test!(
    async fn every_kind_of_response_carries_the_security_headers(app) {
        // A coalition with an open letter in a campaign, so every public page exists.
        app.coalition("sec").await;
        let r = app
            .post(
                "/api/v1/campaigns",
                &json!({"coalition": "sec", "slug": "sec-campaign", "title": "A campaign",
                    "description": "", "goal": {"organisations": 2}}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
        app.letter("sec", "sec-letter").await;
        let r = app
            .patch("/api/v1/letters/sec-letter", &json!({"campaign": "sec-campaign"}))
            .await;
        assert_eq!(r.status(), 200);
        let r = app
            .post("/api/v1/letters/sec-letter/transition", &json!({"to": "open"}))
            .await;
        assert_eq!(r.status(), 200);

        let public = [
            ("home page", "/", 200),
            ("public letter", "/letters/sec-letter", 200),
            ("campaign page", "/campaigns/sec-campaign", 200),
            ("login page", "/login", 200),
            ("HTML error page", "/letters/no-such-letter", 404),
            ("JSON list", "/api/v1/letters", 200),
            ("JSON error", "/api/v1/letters/no-such-letter", 404),
            ("CSV", "/api/v1/letters/sec-letter/signatories.csv", 200),
            ("badge", "/letters/sec-letter/badge.svg", 200),
            ("OpenAPI document", "/api/v1/openapi.json", 200),
            ("API docs", "/api/docs/", 200),
            ("health", "/health", 200),
            ("redirect to sign in", "/dashboard", 303),
        ];
        let client = bare_client();
        for (what, path, status) in public {
            let r = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), status, "{what}");
            assert_security_headers(what, &r);
        }
        // A refused form post (from another site) and an unauthenticated API write.
        let r = client
            .post(app.url("/letters/sec-letter/sign"))
            .header("sec-fetch-site", "cross-site")
            .form(&[("x", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_security_headers("refused form post", &r);
        let r = client.post(app.url("/api/v1/letters")).json(&json!({})).send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_security_headers("unauthenticated API write", &r);

        // The dashboard's pages, signed in.
        let browser = Browser::new(&app);
        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        assert_security_headers("sign-in redirect", &r);
        for path in ["/dashboard", "/dashboard/letters/sec-letter", "/account", "/dashboard/organisations", "/dashboard/outbox"] {
            let r = browser.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert_security_headers(path, &r);
            assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        }
        // What a token reads is never cached; open data read without one is.
        for path in ["/api/v1/letters/sec-letter", "/api/v1/me", "/api/v1/letters/sec-letter/signatories"] {
            let r = app.get_authed(path).await;
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.headers()["cache-control"], "no-store", "{path} with a token");
        }
        let r = client.get(app.url("/api/v1/letters/sec-letter/signatories")).send().await.unwrap();
        assert!(r.headers()["cache-control"].to_str().unwrap().contains("public"));
        // Plain HTTP (tests): no HSTS, which only HTTPS may send.
        assert!(r.headers().get("strict-transport-security").is_none());

        // The Swagger UI works under that policy: its scripts are files it serves, none inline.
        let html = client.get(app.url("/api/docs/")).send().await.unwrap().text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{html}");
        for script in scripts {
            let tag = &script[..script.find('>').unwrap()];
            let src = tag
                .split("src=\"")
                .nth(1)
                .unwrap_or_else(|| panic!("an inline script in the API docs: {script}"))
                .split('"')
                .next()
                .unwrap();
            assert!(!src.contains("//"), "a script from elsewhere: {src}");
            let body = &script[script.find('>').unwrap() + 1..script.find("</script>").unwrap()];
            assert!(body.trim().is_empty(), "inline code in the API docs: {body}");
            let r = client.get(app.url(&format!("/api/docs/{}", src.trim_start_matches("./")))).send().await.unwrap();
            assert_eq!(r.status(), 200, "{src}");
            assert_security_headers(src, &r);
        }
    }
);

db_test!(
    async fn over_https_browsers_are_told_to_keep_to_https(app, |s| {
        s.public_url = Some("https://letters.example".into());
    }) {
        for path in ["/", "/login", "/api/v1/letters", "/no-such-page"] {
            let r = app.get(path).await;
            assert_eq!(
                r.headers().get("strict-transport-security").map(|v| v.to_str().unwrap()),
                Some("max-age=31536000"),
                "{path}"
            );
        }
    }
);

/// Every file under `templates/`, recursively.
fn templates(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            templates(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Event handler attributes (`onclick=`, `onload =`, …) in a text.
fn handler_attributes(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    for (i, _) in lower.match_indices("on") {
        let after_space = i > 0 && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'"');
        if !after_space {
            continue;
        }
        let name_end = (i + 2..bytes.len())
            .find(|&j| !bytes[j].is_ascii_lowercase())
            .unwrap_or(bytes.len());
        if name_end == i + 2 {
            continue;
        }
        let rest = lower[name_end..].trim_start();
        if rest.starts_with('=') {
            found.push(lower[i..name_end].to_string());
        }
    }
    found
}

#[test]
fn no_template_has_an_inline_script_or_an_event_handler() {
    assert_eq!(
        handler_attributes(r#"<a href="x" onclick="go()">"#),
        ["onclick"]
    );
    assert_eq!(handler_attributes("<body\nonload = 'x'>"), ["onload"]);
    assert!(handler_attributes("confirmation=yes, on behalf of").is_empty());

    let mut files = Vec::new();
    templates(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
        &mut files,
    );
    assert!(files.len() > 20, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("<script"),
            "{}: a <script> tag",
            file.display()
        );
        assert!(
            !lower.contains("javascript:"),
            "{}: a javascript: URL",
            file.display()
        );
        let handlers = handler_attributes(&text);
        assert!(handlers.is_empty(), "{}: {handlers:?}", file.display());
    }
}

/// Sign in with a raw client that sends `cookies`; returns the response to the POST.
async fn sign_in_with(app: &TestApp, cookies: &str) -> reqwest::Response {
    let client = bare_client();
    let page = client
        .get(app.url("/login"))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    let csrf = set_cookie(&page, "undersigned_csrf").expect("a CSRF cookie");
    let field = csrf_field(&page.text().await.unwrap()).unwrap();
    client
        .post(app.url("/login"))
        .header("cookie", format!("{cookies}; undersigned_csrf={csrf}"))
        .form(&[
            ("email", OWNER_EMAIL),
            ("password", PASSWORD),
            ("csrf_token", field.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

/// Whether a session cookie value opens the dashboard.
async fn opens_the_dashboard(app: &TestApp, session: &str) -> bool {
    let r = bare_client()
        .get(app.url("/dashboard"))
        .header("cookie", format!("undersigned_session={session}"))
        .send()
        .await
        .unwrap();
    match r.status().as_u16() {
        200 => true,
        303 => {
            assert_eq!(location(&r), "/login");
            false
        }
        other => panic!("/dashboard answered {other}"),
    }
}

db_test!(
    async fn a_session_id_planted_before_sign_in_is_never_the_one_after(app) {
        // An attacker plants a well-formed session id in the victim's browser, who then signs in.
        let planted = "ab".repeat(32);
        let r = sign_in_with(&app, &format!("undersigned_session={planted}")).await;
        assert_eq!(r.status(), 303);
        let issued = set_cookie(&r, "undersigned_session").expect("a new session cookie");
        assert_ne!(issued, planted);
        assert_eq!(issued.len(), 64, "256 random bits, hex");
        assert!(opens_the_dashboard(&app, &issued).await);
        assert!(!opens_the_dashboard(&app, &planted).await, "the planted id signs nobody in");
        // Two sign-ins get two different sessions.
        let again = set_cookie(&sign_in_with(&app, "x=y").await, "undersigned_session").unwrap();
        assert_ne!(again, issued);
    }
);

/// Set every session's expiry `days` days from now (negative: in the past).
fn expire_sessions(app: &TestApp, days: i64) {
    let when =
        (chrono::Utc::now().naive_utc() + chrono::Duration::days(days)).format("%Y-%m-%d %H:%M:%S");
    app.execute(&format!("UPDATE sessions SET expires_at = '{when}'"));
}

db_test!(
    async fn sessions_expire_and_logging_out_ends_them_on_the_server(app) {
        let r = sign_in_with(&app, "x=y").await;
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("undersigned_session="))
            .unwrap();
        assert!(cookie.contains("Max-Age=1209600"), "14 days: {cookie}");
        let session = set_cookie(&r, "undersigned_session").unwrap();
        assert!(opens_the_dashboard(&app, &session).await);
        // The server keeps its own expiry: past it, the cookie opens nothing.
        expire_sessions(&app, -1);
        assert!(!opens_the_dashboard(&app, &session).await);

        // Logging out deletes the session on the server: replaying the old cookie fails.
        let session = set_cookie(&sign_in_with(&app, "x=y").await, "undersigned_session").unwrap();
        assert!(opens_the_dashboard(&app, &session).await);
        let client = bare_client();
        let page = client
            .get(app.url("/dashboard"))
            .header("cookie", format!("undersigned_session={session}"))
            .send()
            .await
            .unwrap();
        // The sign-out form's token belongs to the session (no CSRF cookie).
        let field = csrf_field(&page.text().await.unwrap()).unwrap();
        let r = client
            .post(app.url("/logout"))
            .header("cookie", format!("undersigned_session={session}"))
            .form(&[("csrf_token", field.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(!opens_the_dashboard(&app, &session).await, "the old cookie still worked");
    }
);

/// Every line the binary writes to stderr, gathered by a thread.
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

#[actix_web::test]
async fn secrets_never_reach_the_log_even_at_debug_level() {
    const ADMIN: &str = "admin-token-that-must-not-be-logged-0123456789";
    const SECRET: &str = "secret-key-that-must-not-be-logged-0123456789";
    const LEDGER: &str = "4f1c8e0a7d2b6c3e9a5f8d1b0c7e2a4f6d9b3c8e1a5f7d2b0c4e6a8f1d3b5c7e";
    const SMTP_PASSWORD: &str = "smtp-password-not-logged";
    const USER_PASSWORD: &str = "user-password-that-must-not-be-logged";
    const SIGNER: &str = "signer.not.logged@example.org";
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("UNDERSIGNED_BIND", "127.0.0.1:0")
        .env("UNDERSIGNED_ADMIN_TOKEN", ADMIN)
        .env("UNDERSIGNED_SECRET_KEY", SECRET)
        .env("UNDERSIGNED_LEDGER_KEY", LEDGER)
        // Nothing listens there: sending fails, and the failure is logged.
        .env(
            "UNDERSIGNED_SMTP_URL",
            format!("smtp://mailer:{SMTP_PASSWORD}@127.0.0.1:9"),
        )
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let log = Log(Arc::clone(&lines));
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("listening on http://") {
                let url = line[i + "listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap();
                let _ = tx.send(url.to_string());
            }
            lines.lock().unwrap().push(line);
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server starts");
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{base}{p}");

    // The operator's token creates an account; its password gets an API token.
    let r = client
        .post(url("/api/v1/users"))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "Olga", "email": "olga@example.org", "password": USER_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = client
        .post(url("/api/v1/auth/tokens"))
        .json(&json!({"email": "olga@example.org", "password": USER_PASSWORD, "name": "t"}))
        .send()
        .await
        .unwrap();
    let api_token = r.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    // A wrong password and a wrong token are logged as refusals, not as what was tried.
    let r = client
        .post(url("/api/v1/auth/tokens"))
        .json(&json!({"email": "olga@example.org", "password": "wrong-password-not-logged", "name": "t"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client
        .get(url("/api/v1/outbox"))
        .bearer_auth("f".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = client
        .post(url("/api/v1/coalitions"))
        .bearer_auth(&api_token)
        .json(&json!({"slug": HOME, "name": "Home"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let auth = |b: reqwest::RequestBuilder| b.bearer_auth(&api_token);
    let r = auth(client.post(url("/api/v1/letters")))
        .json(
            &json!({"slug": "l", "coalition": HOME, "title": "A letter", "body": "Text.",
            "recipient_name": "The CEO"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = auth(client.post(url("/api/v1/letters/l/transition")))
        .json(&json!({"to": "open"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A signature: its mail is queued, then fails to send (nothing listens on port 9).
    let r = client
        .post(url("/api/v1/letters/l/signatures"))
        .json(&crate::helpers::signer("Logged Org", "FR", SIGNER))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    // Tokens in links and in cookies.
    let link_token = "c".repeat(64);
    for path in [
        format!("/signatures/confirm/{link_token}"),
        format!("/signatures/withdraw/{link_token}"),
        format!("/invitations/{link_token}"),
        format!("/unsubscribe/{link_token}"),
        format!("/setup/{link_token}"),
    ] {
        client.get(url(&path)).send().await.unwrap();
    }
    let bare = bare_client();
    let page = bare.get(url("/login")).send().await.unwrap();
    let csrf = set_cookie(&page, "undersigned_csrf").unwrap();
    let r = bare
        .post(url("/login"))
        .header("cookie", format!("undersigned_csrf={csrf}"))
        .form(&[
            ("email", "olga@example.org"),
            ("password", USER_PASSWORD),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = set_cookie(&r, "undersigned_session").unwrap();
    let r = bare
        .get(url("/dashboard"))
        .header(
            "cookie",
            format!("undersigned_session={session}; undersigned_csrf={csrf}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Wait until the mail's first attempt failed and was logged (with the SMTP error).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.text().contains("mail not sent") {
        assert!(
            Instant::now() < deadline,
            "no failed mail in the log:\n{}",
            log.text()
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();

    let text = log.text();
    assert!(
        text.lines().count() > 20,
        "the log has lines at debug level:\n{text}"
    );
    assert!(
        text.contains("/api/v1/auth/tokens"),
        "requests are logged:\n{text}"
    );
    for (what, secret) in [
        ("admin token", ADMIN),
        ("secret key", SECRET),
        ("ledger key", LEDGER),
        ("SMTP password", SMTP_PASSWORD),
        ("password", USER_PASSWORD),
        ("wrong password", "wrong-password-not-logged"),
        ("API token", api_token.as_str()),
        ("session token", session.as_str()),
        ("CSRF token", csrf.as_str()),
        ("link token", link_token.as_str()),
        ("signer's email", SIGNER),
    ] {
        assert!(!text.contains(secret), "the {what} is in the log:\n{text}");
    }
}

/// Every path that a page route accepts POST on, read from the `routes` functions of
/// `src/web/**/*.rs`, so a form added later is checked without anyone listing it here.
fn post_routes() -> Vec<String> {
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web")];
    let mut sources = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(path).unwrap().map(|e| e.unwrap().path()));
        } else {
            sources.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let mut found = std::collections::BTreeSet::new();
    for source in sources {
        let Some(start) = source.find("pub fn routes(") else {
            continue;
        };
        let body = &source[start..];
        let body = &body[..body.find("\n}\n").unwrap()];
        // Each path literal, with the text up to the next one: its methods are there.
        let literals: Vec<(usize, &str)> = body
            .match_indices("\"/")
            .map(|(i, _)| (i, body[i + 1..].split('"').next().unwrap()))
            .collect();
        for (n, (i, path)) in literals.iter().enumerate() {
            let end = literals.get(n + 1).map_or(body.len(), |(j, _)| *j);
            if body[*i..end].contains("web::post()") {
                found.insert(path.to_string());
            }
        }
    }
    found.into_iter().collect()
}

db_test!(
    async fn every_form_post_needs_its_csrf_token_or_to_come_from_this_site(app) {
        let routes = post_routes();
        assert!(routes.len() >= 35, "{routes:?}");
        for known in ["/login", "/logout", "/letters/{slug}/sign", "/dashboard/letters/{slug}/moderate"] {
            assert!(routes.iter().any(|r| r == known), "{known} in {routes:?}");
        }
        app.letter(HOME, "home-letter").await;
        // Signed in as the owner, with the CSRF cookie of a page: only the field is forged.
        let browser = Browser::new(&app);
        let r = browser
            .submit("/login", "/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        let (status, _) = browser.page("/dashboard").await;
        assert_eq!(status, 200);
        let id = "01234567-89ab-7def-8123-456789abcdef";
        let token = "d".repeat(64);
        for route in &routes {
            // One-click unsubscribe (RFC 8058) posts come from mail providers without cookies:
            // the link's token is the authority there (docs/SECURITY.md).
            if route == "/unsubscribe/{token}" {
                continue;
            }
            let path = route
                .replace("{slug}", if route.starts_with("/dashboard/coalitions") { HOME } else { "home-letter" })
                .replace("{id}", id)
                .replace("{user}", id)
                .replace("{organisation}", "some-organisation")
                .replace("{language}", "fr")
                .replace("{to}", "closed")
                .replace("{token}", &token);
            // The signer's public forms are checked by origin (issue 19): a post from this
            // browser's other tabs on another site is refused by the headers it always carries.
            let by_origin = ["/letters/", "/signatures/", "/invitations/"].iter().any(|p| path.starts_with(p));
            for forged in [&[("csrf_token", "forged")][..], &[][..]] {
                let cross_site = browser
                    .client
                    .post(app.url(&path))
                    .header("origin", "https://evil.example")
                    .header("sec-fetch-site", "cross-site")
                    .form(forged);
                assert_eq!(cross_site.send().await.unwrap().status(), 403, "POST {path} from another site with {forged:?}");
                if !by_origin {
                    let r = browser.client.post(app.url(&path)).form(forged).send().await.unwrap();
                    assert_eq!(r.status(), 403, "POST {path} with {forged:?}");
                }
            }
        }
        // Nothing happened: the letter is still a draft, the owner still signed in.
        let (_, letter) = crate::helpers::status_json(app.get_authed("/api/v1/letters/home-letter").await).await;
        assert_eq!(letter["state"], "draft");
        assert_eq!(browser.page("/dashboard").await.0, 200);
    }
);

db_test!(
    async fn every_route_that_needs_a_token_refuses_the_public_and_other_coalitions(app) {
        // Coalition x's private things: a draft letter, a campaign; the asker is in no coalition.
        app.coalition("x").await;
        app.letter("x", "x-draft").await;
        let r = app.post("/api/v1/campaigns", &json!({"coalition": "x", "slug": "x-camp", "title": "C"})).await;
        assert_eq!(r.status(), 201);
        let outsider = app.account("outsider@example.org", "Oscar Outsider").await;
        let (_, doc) = crate::helpers::status_json(app.get("/api/v1/openapi.json").await).await;
        let id = "01234567-89ab-7def-8123-456789abcdef";
        let mut checked = 0;
        let mut leaks = Vec::new();
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                if operation["security"].as_array().is_none_or(|s| s.is_empty()) {
                    continue;
                }
                let filled = path
                    .replace("{slug}", if path.starts_with("/api/v1/coalitions") { "x" } else if path.starts_with("/api/v1/campaigns") { "x-camp" } else if path.starts_with("/api/v1/organisations") { "no-such-organisation" } else { "x-draft" })
                    .replace("{id}", id)
                    .replace("{user_id}", id)
                    .replace("{organisation}", "no-such-organisation")
                    .replace("{language}", "fr");
                // The body: an empty object (fails validation), one with an unknown field (fails
                // decoding), or plain text (the wrong content type).
                let send_with = |token: Option<&str>, body: usize| {
                    let mut r = app.client.request(method.to_uppercase().parse().unwrap(), app.url(&filled));
                    if let Some(t) = token {
                        r = r.bearer_auth(t);
                    }
                    if method != "get" {
                        r = match body {
                            0 => r.json(&json!({})),
                            1 => r.json(&json!({"no_such_field": true})),
                            _ => r.header("content-type", "text/plain").body("to=open"),
                        };
                    }
                    r.send()
                };
                let send = |token: Option<&str>| send_with(token, 0);
                let what = format!("{} {filled}", method.to_uppercase());
                assert_eq!(send(None).await.unwrap().status(), 401, "{what} without a token");
                assert_eq!(send(Some(&"e".repeat(64))).await.unwrap().status(), 401, "{what} with a made-up token");
                checked += 1;
                // Coalition x's letters, campaign and coalition are not the outsider's to read or change.
                let scoped = ["/api/v1/letters/{slug}", "/api/v1/coalitions/{slug}", "/api/v1/campaigns/{slug}"]
                    .iter()
                    .any(|p| path.starts_with(p));
                if scoped {
                    for body in 0..3 {
                        let status = send_with(Some(&outsider), body).await.unwrap().status().as_u16();
                        if ![403, 404].contains(&status) {
                            leaks.push(format!("{what} by an outsider, body {body}: {status}"));
                        }
                    }
                }
            }
        }
        // The asker's role is checked before the body is looked at (`api::extract::GuardedJson`),
        // so no answer to an outsider depends on the body: no 415, 400 or 422 that would tell that
        // the private letter, campaign or coalition exists.
        assert!(leaks.is_empty(), "an outsider got an answer other than 403 or 404: {leaks:#?}");
        assert!(checked >= 45, "{checked} operations need a token");
        // Nothing changed: the draft is still a draft of x, the campaign still untitled "C".
        let (_, letter) = crate::helpers::status_json(app.get_authed("/api/v1/letters/x-draft").await).await;
        assert_eq!(letter["state"], "draft");
        assert_eq!(letter["title"], "Letter x-draft");
    }
);

db_test!(
    async fn every_dashboard_form_answers_an_outsider_as_if_the_private_letter_did_not_exist(app) {
        // Coalition x's private things; the asker, signed in with a valid CSRF token, is in no
        // coalition. The dashboard's counterpart of the test above.
        app.coalition("x").await;
        app.letter("x", "x-draft").await;
        let r = app.post("/api/v1/campaigns", &json!({"coalition": "x", "slug": "x-camp", "title": "C"})).await;
        assert_eq!(r.status(), 201);
        app.account("outsider@example.org", "Oscar Outsider").await;
        let browser = Browser::new(&app);
        let r = browser
            .submit("/login", "/login", &[("email", "outsider@example.org"), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303);
        let (status, html) = browser.page("/dashboard").await;
        assert_eq!(status, 200);
        let csrf = csrf_field(&html).expect("a CSRF field on the dashboard");
        let id = "01234567-89ab-7def-8123-456789abcdef";
        let routes: Vec<String> = post_routes().into_iter().filter(|r| r.starts_with("/dashboard/") && r.contains("{slug}")).collect();
        assert!(routes.len() >= 15, "{routes:?}");
        let mut leaks = Vec::new();
        for route in &routes {
            let (private, made_up) = if route.starts_with("/dashboard/campaigns") {
                ("x-camp", "no-such-campaign")
            } else if route.starts_with("/dashboard/coalitions") {
                ("x", "no-such-coalition")
            } else {
                ("x-draft", "no-such-letter")
            };
            let fill = |slug: &str| {
                route
                    .replace("{slug}", slug)
                    .replace("{id}", id)
                    .replace("{user}", id)
                    .replace("{organisation}", "no-such-organisation")
                    .replace("{language}", "fr")
                    .replace("{to}", "open")
            };
            // An empty form, and one with an unknown field and invalid values: neither may change
            // the answer, which must be what a letter or campaign that does not exist gets (a
            // coalition's existence is public: 403 is fine there).
            for fields in [&[][..], &[("no_such_field", "1"), ("title", ""), ("email", "not an address"), ("deadline", "soon")][..]] {
                let mut form = fields.to_vec();
                form.push(("csrf_token", csrf.as_str()));
                let post = |path: String| browser.client.post(app.url(&path)).form(&form).send();
                let got = post(fill(private)).await.unwrap().status().as_u16();
                let baseline = post(fill(made_up)).await.unwrap().status().as_u16();
                if ![403, 404].contains(&got) || (private != "x" && got != baseline) {
                    leaks.push(format!("POST {} {fields:?}: {got}, where one that does not exist gets {baseline}", fill(private)));
                }
            }
        }
        assert!(leaks.is_empty(), "an outsider's form post told something: {leaks:#?}");
        // Nothing changed.
        let (_, letter) = crate::helpers::status_json(app.get_authed("/api/v1/letters/x-draft").await).await;
        assert_eq!((letter["state"].as_str(), letter["title"].as_str()), (Some("draft"), Some("Letter x-draft")));
        let (_, campaign) = crate::helpers::status_json(app.get_authed("/api/v1/campaigns/x-camp").await).await;
        assert_eq!(campaign["title"], "C");
    }
);

/// The CSRF field of the account page as a browser with `cookies` sees it.
async fn account_csrf(app: &TestApp, cookies: &str) -> String {
    let r = bare_client()
        .get(app.url("/account"))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{cookies}");
    assert!(
        set_cookie(&r, "undersigned_csrf").is_none(),
        "no CSRF cookie when signed in"
    );
    csrf_field(&r.text().await.unwrap()).unwrap()
}

/// Post the account page's new-token form with `cookies` and `field` as its CSRF token.
async fn new_token_with(app: &TestApp, cookies: &str, field: &str) -> u16 {
    bare_client()
        .post(app.url("/account/tokens"))
        .header("cookie", cookies)
        .form(&[("name", "csrf probe"), ("csrf_token", field)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

db_test!(
    async fn a_dashboard_csrf_token_belongs_to_its_session_and_a_planted_cookie_forges_nothing(app) {
        // Issue 18, finding 15: the dashboard's token was a double-submit cookie, not tied to
        // the session, so whoever could set a cookie for the host (a sibling subdomain) could
        // set both halves. It is now derived from the session.
        let a = set_cookie(&sign_in_with(&app, "x=y").await, "undersigned_session").unwrap();
        let b = set_cookie(&sign_in_with(&app, "x=y").await, "undersigned_session").unwrap();
        let (session_a, session_b) = (format!("undersigned_session={a}"), format!("undersigned_session={b}"));
        let token_a = account_csrf(&app, &session_a).await;
        let token_b = account_csrf(&app, &session_b).await;
        assert_ne!(token_a, token_b, "each session has its own token");
        assert_eq!(token_a, account_csrf(&app, &session_a).await, "stable within a session");

        // A planted pair (cookie and field of the attacker's choosing) is refused.
        let planted = "d".repeat(64);
        let with_planted = format!("{session_b}; undersigned_csrf={planted}");
        assert_eq!(new_token_with(&app, &with_planted, &planted).await, 403);
        // Another session's token is refused.
        assert_eq!(new_token_with(&app, &session_b, &token_a).await, 403);
        assert_eq!(new_token_with(&app, &session_b, "").await, 403);
        // The session's own token works, with or without any CSRF cookie.
        assert_eq!(new_token_with(&app, &session_b, &token_b).await, 201);
        assert_eq!(new_token_with(&app, &with_planted, &token_b).await, 201);
        // After signing out, the old token is worth nothing with a new session.
        let r = bare_client()
            .post(app.url("/logout"))
            .header("cookie", &session_b)
            .form(&[("csrf_token", token_b.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let c = set_cookie(&sign_in_with(&app, "x=y").await, "undersigned_session").unwrap();
        assert_eq!(new_token_with(&app, &format!("undersigned_session={c}"), &token_b).await, 403);
    }
);

db_test!(
    async fn over_https_the_session_and_csrf_cookies_carry_the_host_prefix(app, |s| {
        s.public_url = Some("https://letters.example".into());
    }) {
        // Issue 18, finding 15: with the `__Host-` prefix a browser accepts the cookie only if
        // it is `Secure`, for `Path=/` and without `Domain`, so a sibling subdomain cannot set it.
        let client = bare_client();
        let page = client.get(app.url("/login")).send().await.unwrap();
        let all: Vec<String> = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let csrf_cookie = all
            .iter()
            .find(|c| c.starts_with("__Host-undersigned_csrf="))
            .unwrap_or_else(|| panic!("a __Host- CSRF cookie: {all:?}"));
        assert!(
            csrf_cookie.contains("Secure") && csrf_cookie.contains("Path=/") && !csrf_cookie.contains("Domain"),
            "{csrf_cookie}"
        );
        let csrf = set_cookie(&page, "__Host-undersigned_csrf").unwrap();
        let field = csrf_field(&page.text().await.unwrap()).unwrap();
        let login = |cookie: String| {
            client
                .post(app.url("/login"))
                .header("cookie", cookie)
                .form(&[("email", OWNER_EMAIL), ("password", PASSWORD), ("csrf_token", field.as_str())])
                .send()
        };
        // The unprefixed cookie (which anyone on a sibling host could set) does not count.
        assert_eq!(login(format!("undersigned_csrf={csrf}")).await.unwrap().status(), 403);
        let r = login(format!("__Host-undersigned_csrf={csrf}")).await.unwrap();
        assert_eq!(r.status(), 303);
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("__Host-undersigned_session="))
            .expect("a __Host- session cookie");
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/") && !cookie.contains("Domain"),
            "{cookie}"
        );
        let session = set_cookie(&r, "__Host-undersigned_session").unwrap();
        let open = |name: &'static str| {
            client
                .get(app.url("/dashboard"))
                .header("cookie", format!("{name}={session}"))
                .send()
        };
        assert_eq!(open("__Host-undersigned_session").await.unwrap().status(), 200);
        assert_eq!(location(&open("undersigned_session").await.unwrap()), "/login");
    }
);
