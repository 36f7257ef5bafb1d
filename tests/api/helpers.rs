//! Spawning the real application on port 0 against a fresh database of each backend.

use std::fmt;

use diesel::{Connection, PgConnection, RunQueryDsl};
use secrecy::SecretString;
use serde_json::Value;
use undersigned::config::Settings;
use undersigned::startup::Application;

use crate::mail::{ReceivedMail, SmtpSink};

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef";
/// The account every test app starts with: it owns the coalitions the helpers create.
pub const OWNER_EMAIL: &str = "owner@undersigned.test";
/// The coalition every test app's owner starts with.
pub const HOME: &str = "home";
pub const PASSWORD: &str = "correct horse battery staple";
/// Shared by every app of a test, so two instances derive the same link tokens.
pub const SECRET_KEY: &str = "test-secret-key-0123456789abcdef-0123456789";
/// The Ed25519 seed that signs the test apps' ledger heads.
pub const LEDGER_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

pub fn ledger_key() -> undersigned::domain::ledger::LedgerKey {
    undersigned::domain::ledger::LedgerKey::from_hex(LEDGER_KEY).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// SQLite always; PostgreSQL too when `TEST_DATABASE_URL` names a server.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if postgres_url().is_some() {
        all.push(Backend::Postgres);
    }
    all
}

pub fn postgres_url() -> Option<String> {
    // libpq and the `openssl` crate (the TLS mail tests' CA) share OpenSSL: initialise it once,
    // before either uses it, or the process may crash at exit (about 1 run in 11 of the
    // PostgreSQL fault test, when libpq had initialised it alone).
    openssl::init();
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>, // (server url, database name)
}

impl TestDatabase {
    pub fn new(backend: Backend) -> TestDatabase {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => TestDatabase {
                url: format!("sqlite://{}", dir.path().join("test.db").display()),
                backend,
                _dir: dir,
                pg: None,
            },
            Backend::Postgres => {
                let server = postgres_url().expect("TEST_DATABASE_URL");
                let name = format!("ut_{}", uuid::Uuid::new_v4().simple());
                let mut conn =
                    PgConnection::establish(&server).expect("connect to TEST_DATABASE_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create test database");
                let mut url = url::Url::parse(&server).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                TestDatabase {
                    url: url.to_string(),
                    backend,
                    _dir: dir,
                    pg: Some((server, name)),
                }
            }
        }
    }

    /// A SQLite database in an existing file (such as a restored backup), with a data folder of
    /// its own.
    pub fn sqlite_at(path: &std::path::Path) -> TestDatabase {
        TestDatabase {
            url: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
            _dir: tempfile::tempdir().expect("temp dir"),
            pg: None,
        }
    }

    /// The same database for a second app instance (dropped only by the original).
    pub fn share(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            backend: self.backend,
            _dir: tempfile::tempdir().expect("temp dir"),
            pg: None,
        }
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("data")
    }

    /// Drop a PostgreSQL test database now, cutting every connection to it.
    pub fn drop_now(&mut self) {
        if let Some((server, name)) = self.pg.take() {
            if let Ok(mut conn) = PgConnection::establish(&server) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub client: reqwest::Client,
    /// An API token of [`OWNER_EMAIL`], owner of the coalitions the helpers create.
    pub token: String,
    pub db: TestDatabase,
    /// The SMTP server the app sends to (unless a test pointed it elsewhere).
    pub mail: SmtpSink,
}

pub fn settings_for(db: &TestDatabase) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: db.data_dir(),
        database_url: Some(SecretString::from(db.url.clone())),
        admin_token: Some(SecretString::from(ADMIN_TOKEN)),
        secret_key: Some(SecretString::from(SECRET_KEY)),
        ledger_key: Some(SecretString::from(LEDGER_KEY)),
        db_pool_size: 4,
        workers: Some(1),
        outbox_retry_base_ms: 50,
        outbox_retry_max_ms: 400,
        outbox_poll_ms: 50,
        smtp_timeout_secs: 5,
        sign_rate_per_minute: 6000,
        sign_rate_burst: 1000,
        sign_rate_per_letter_per_minute: 6000,
        sign_rate_per_letter_burst: 1000,
        sign_in_rate_per_minute: 6000,
        sign_in_rate_burst: 1000,
        mail_from: "Open letters <letters@undersigned.test>".into(),
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        eprintln!("--- running on {backend}");
        let db = TestDatabase::new(backend);
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: TestDatabase, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let (mut app, _) = Self::spawn_bare(db, tweak).await;
        app.token = app.account(OWNER_EMAIL, "Olga Owner").await;
        // The owner's own coalition, so that the shared directory is open to them.
        let r = app
            .post(
                "/api/v1/coalitions",
                &serde_json::json!({"slug": HOME, "name": "Home coalition"}),
            )
            .await;
        assert!([201, 409].contains(&r.status().as_u16()));
        app
    }

    /// A server already running at `address` (another process) on `db`, sending to `mail`;
    /// no token yet.
    pub fn at(address: String, db: TestDatabase, mail: SmtpSink) -> TestApp {
        TestApp {
            address,
            backend: db.backend,
            client: reqwest::Client::new(),
            token: String::new(),
            db,
            mail,
        }
    }

    /// The app as it first starts: no account, and the setup link it logged (if any).
    pub async fn spawn_bare(
        db: TestDatabase,
        tweak: impl FnOnce(&mut Settings),
    ) -> (TestApp, Option<String>) {
        let mail = SmtpSink::start();
        let mut settings = settings_for(&db);
        settings.smtp_url = Some(SecretString::from(mail.url()));
        tweak(&mut settings);
        let app = Application::build(settings).await.expect("app builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let setup = app.setup_url().map(str::to_string);
        actix_web::rt::spawn(app.run_until(std::future::pending()));
        (TestApp::at(address, db, mail), setup)
    }

    /// An account (created with the admin token unless it exists) and a new API token for it.
    pub async fn account(&self, email: &str, name: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/users"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&serde_json::json!({"name": name, "email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("POST /users");
        assert!(
            [201, 409].contains(&r.status().as_u16()),
            "{}",
            r.text().await.unwrap_or_default()
        );
        self.sign_in(email).await
    }

    /// Give the account `email` a `role` in `coalition`: the owner invites it (owners never add
    /// an account without its consent) and the account accepts.
    pub async fn add_member(&self, coalition: &str, email: &str, role: &str) {
        let r = self
            .post(
                &format!("/api/v1/coalitions/{coalition}/members"),
                &serde_json::json!({"email": email, "role": role}),
            )
            .await;
        let (status, body) = status_json(r).await;
        assert_eq!(status, 202, "{body}");
        let id = body["invitation"]["id"]
            .as_str()
            .expect("an invitation")
            .to_string();
        let token = self.sign_in(email).await;
        let r = self
            .post_as(
                &token,
                &format!("/api/v1/me/invitations/{id}/accept"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status(), 204);
    }

    /// A new API token for an account, signing in with its password.
    pub async fn sign_in(&self, email: &str) -> String {
        let r = self
            .client
            .post(self.url("/api/v1/auth/tokens"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD, "name": "tests"}))
            .send()
            .await
            .expect("POST /auth/tokens");
        let (status, body) = status_json(r).await;
        assert_eq!(status, 201, "{body}");
        body["token"].as_str().expect("a token").to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET with the owner's API token.
    pub async fn get_authed(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.token, path).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
    }

    /// POST JSON with the owner's API token.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.post_as(&self.token, path, body).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// PATCH JSON with the owner's API token.
    pub async fn patch(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }

    /// Create a coalition and return its slug.
    pub async fn coalition(&self, slug: &str) -> String {
        let r = self
            .post(
                "/api/v1/coalitions",
                &serde_json::json!({"slug": slug, "name": format!("Coalition {slug}")}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
        slug.to_string()
    }

    /// Create a draft letter in `coalition` and return its JSON.
    pub async fn letter(&self, coalition: &str, slug: &str) -> Value {
        let r = self
            .post(
                "/api/v1/letters",
                &serde_json::json!({
                    "slug": slug,
                    "coalition": coalition,
                    "title": format!("Letter {slug}"),
                    "body": "Dear Sir or Madam,\n\nWe ask you to **stop**.",
                    "recipient_name": "The Chief Executive",
                    "recipient_email": "ceo@platform.example",
                }),
            )
            .await;
        assert_eq!(r.status(), 201);
        r.json().await.unwrap()
    }

    /// Run one SQL statement on the app's database behind its back (to make time pass).
    pub fn execute(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => {
                let path = self.db.url.trim_start_matches("sqlite://");
                let mut c = diesel::SqliteConnection::establish(path).unwrap();
                diesel::sql_query("PRAGMA busy_timeout = 10000")
                    .execute(&mut c)
                    .unwrap();
                diesel::sql_query(sql).execute(&mut c).unwrap();
            }
            Backend::Postgres => {
                let mut c = PgConnection::establish(&self.db.url).unwrap();
                diesel::sql_query(sql).execute(&mut c).unwrap();
            }
        }
    }

    /// How many items a list endpoint reports in total (read with the owner's token).
    pub async fn total(&self, path: &str) -> i64 {
        let body: Value = self.get_authed(path).await.json().await.unwrap();
        body["total"].as_i64().expect("total")
    }
}

impl TestApp {
    /// A coalition and an open letter with the given moderation; returns the letter's slug.
    pub async fn open_letter(&self, slug: &str, moderation: &str) -> String {
        let coalition = format!("c-{slug}");
        self.coalition(&coalition).await;
        self.letter(&coalition, slug).await;
        let r = self
            .patch(
                &format!("/api/v1/letters/{slug}"),
                &serde_json::json!({"moderation": moderation}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let r = self
            .post(
                &format!("/api/v1/letters/{slug}/transition"),
                &serde_json::json!({"to": "open"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        slug.to_string()
    }

    /// Sign through the JSON API (no token needed).
    pub async fn sign(&self, letter: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/letters/{letter}/signatures")))
            .json(body)
            .send()
            .await
            .expect("POST signature")
    }

    /// The public signatory list of a letter.
    pub async fn signatories(&self, letter: &str) -> Value {
        let r = self
            .get(&format!("/api/v1/letters/{letter}/signatories"))
            .await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    /// Sign with `body` and confirm from the mail sent for it (published on an `auto` letter).
    /// Returns that mail, for its other links.
    pub async fn sign_and_confirm(&self, letter: &str, body: &Value) -> ReceivedMail {
        let before = self.mail.mails().len();
        let r = self.sign(letter, body).await;
        assert_eq!(r.status(), 202, "{body}");
        let email = body["email"].as_str().expect("a sign request has an email");
        let mail = self.mail.wait_for_to(before, email).await;
        self.confirm(&mail).await;
        mail
    }

    /// Confirm a signature with the link in its confirmation mail.
    pub async fn confirm(&self, mail: &ReceivedMail) {
        self.follow(mail, "confirm").await;
    }

    /// Withdraw a signature with the link in its confirmation mail.
    pub async fn withdraw(&self, mail: &ReceivedMail) {
        self.follow(mail, "withdraw").await;
    }

    /// POST the token of the mail's `action` link (confirm, withdraw) to the API; expects 200.
    async fn follow(&self, mail: &ReceivedMail, action: &str) {
        let r = self
            .client
            .post(self.url(&format!("/api/v1/signatures/{action}")))
            .json(&serde_json::json!({"token": mail.token(action)}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{action}: the signature of {:?}", mail.to);
    }

    /// [`Self::sign_and_confirm`] for an organisation `name` in `country`, from a new address.
    pub async fn join(&self, letter: &str, name: &str, country: &str) -> ReceivedMail {
        let email = format!("signer{}@example.org", self.mail.mails().len());
        self.sign_and_confirm(letter, &signer(name, country, &email))
            .await
    }

    /// Sign for each (organisation, country) and confirm each from its mail: they are published
    /// on an `auto` letter. Returns once all are confirmed.
    pub async fn publish(&self, letter: &str, organisations: &[(&str, &str)]) {
        let before = self.mail.mails().len();
        for (i, (name, country)) in organisations.iter().enumerate() {
            let email = format!("signer{}-{i}@example.org", before);
            let r = self.sign(letter, &signer(name, country, &email)).await;
            assert_eq!(r.status(), 202, "{name}");
        }
        let mails = self.mail.wait_for(before + organisations.len()).await;
        for mail in &mails[before..] {
            self.confirm(mail).await;
        }
    }

    /// `undersigned verify` on a letter's page, as anyone would run it (with the test key
    /// pinned), optionally against a head saved earlier.
    pub async fn verify(
        &self,
        letter: &str,
        since: Option<std::path::PathBuf>,
    ) -> undersigned::verify::Report {
        let options = undersigned::verify::Options {
            source: self.url(&format!("/letters/{letter}")),
            since,
            list: None,
            key: Some(ledger_key().public_hex()),
            ..Default::default()
        };
        undersigned::verify::verify(&options)
            .await
            .expect("the check runs")
    }

    /// Wait until at least `n` mails are dead; returns them.
    pub async fn wait_for_dead(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let body: Value = self
                .get_authed("/api/v1/outbox?state=dead")
                .await
                .json()
                .await
                .unwrap();
            let items = body["items"].as_array().unwrap().clone();
            if items.len() >= n {
                return items;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no dead mail");
    }

    /// The outbox, read with the owner's token.
    pub async fn outbox(&self) -> Value {
        self.get_authed("/api/v1/outbox?per_page=200")
            .await
            .json()
            .await
            .unwrap()
    }
}

/// A valid sign request body.
pub fn signer(organisation: &str, country: &str, email: &str) -> Value {
    serde_json::json!({
        "organisation_name": organisation,
        "country": country,
        "website": "",
        "representative_name": "Ada Lovelace",
        "representative_role": "Director",
        "email": email,
        "comment": "",
        "consent": true,
    })
}

/// Status and JSON body of a response.
/// Add organisations (name, country) to the shared directory through the API; each one's answer.
pub async fn add_to_directory(app: &TestApp, organisations: &[(&str, &str)]) -> Vec<Value> {
    let mut added = Vec::new();
    for (name, country) in organisations {
        let body = serde_json::json!({"name": name, "country": country});
        let (status, body) = status_json(app.post("/api/v1/organisations", &body).await).await;
        assert_eq!(status, 201, "{body}");
        added.push(body);
    }
    added
}

pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Declare a test that runs once per backend on a freshly spawned app; a closure after the app's
/// name adjusts its settings.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $tweak:expr) $body:block) => {
        $(#[$meta])*
        #[actix_web::test]
        async fn $name() {
            for backend in $crate::helpers::backends() {
                eprintln!("--- running on {backend}");
                let db = $crate::helpers::TestDatabase::new(backend);
                let $app = $crate::helpers::TestApp::spawn_with(db, $tweak).await;
                $body
            }
        }
    };
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        #[actix_web::test]
        async fn $name() {
            for backend in $crate::helpers::backends() {
                let $app = $crate::helpers::TestApp::spawn(backend).await;
                $body
            }
        }
    };
}

/// A browser-like client for the server-rendered pages: it keeps cookies, does not follow
/// redirects (tests look at them), and posts forms with its `Origin` and the CSRF token of the
/// page they are on, if it has one.
pub struct Browser {
    pub client: reqwest::Client,
    address: String,
}

impl Browser {
    /// A browser signed in at `/login` as `email` (with the tests' password).
    pub async fn signed_in(app: &TestApp, email: &str) -> Browser {
        let browser = Browser::new(app);
        let r = browser
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), 303, "signing in as {email}");
        browser
    }

    pub fn new(app: &TestApp) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            address: app.address.clone(),
        }
    }

    /// GET a page: its status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Open the page at `page`, then post `fields` to `action` with that page's CSRF token.
    pub async fn submit(
        &self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (status, html) = self.page(page).await;
        assert_eq!(status, 200, "{page}: {html}");
        // The signer's public forms carry no token (checked by origin, issue 19); the others do.
        let token = csrf_field(&html);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = &token {
            form.push(("csrf_token", token));
        }
        // As a browser on this site sends it.
        self.client
            .post(format!("{}{action}", self.address))
            .header("origin", self.address.as_str())
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// The value of a page's hidden `csrf_token` field.
pub fn csrf_field(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// Where a redirect points.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}
