//! End to end in a real browser: headless Chromium driven over WebDriver (chromedriver) against the
//! real app, with the links read from the mail that the SMTP sink received.
//!
//! They need `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`; `CHROMIUM` and `CHROMEDRIVER` name other binaries). Without them each test
//! says why it skips and passes, unless `UNDERSIGNED_REQUIRE_BROWSER=1` (set by `.ci/run`) makes a
//! missing browser a failure.
//!
//! [`Browser`] knows nothing of this app: it goes to pages, fills fields by name, clicks by CSS
//! selector and text, reads text, and waits for conditions with a timeout.

use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::db_test;
use crate::mail::ReceivedMail;

/// How long any wait for the page lasts before the test fails.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

/// Set by CI, where a missing browser must fail the run rather than skip the tests.
fn browser_required() -> bool {
    std::env::var("UNDERSIGNED_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Poll `probe` until it answers `Ok(Some(_))`; panic after [`WAIT`] naming `what` and the last
/// answer (an error while the page changes counts as "not yet").
pub async fn eventually<T, E, F, Fut>(what: &str, mut probe: F) -> T
where
    E: std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, E>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        let last = match probe().await {
            Ok(Some(value)) => return value,
            Ok(None) => String::from("not yet"),
            Err(e) => format!("{e:?}"),
        };
        assert!(
            Instant::now() < deadline,
            "waited {WAIT:?} for {what}; last: {last}"
        );
        actix_web::rt::time::sleep(POLL).await;
    }
}

/// chromedriver in a process group of its own, so that ending the group also ends every browser
/// it started, even when a test panics before closing its session.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(path: &Path, dir: &Path) -> Driver {
        // A free port, released for chromedriver to bind a moment later.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.join("chromedriver.log");
        let out = File::create(&log).expect("chromedriver log file");
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file handle"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        Driver { child, port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Wait until chromedriver answers `/status` with `ready` (it takes well under a second, but
    /// CI's machine may be busy compiling).
    async fn ready(&mut self) {
        const STARTUP: Duration = Duration::from_secs(30);
        let status = format!("{}/status", self.url());
        let http = reqwest::Client::new();
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(code)) = self.child.try_wait() {
                panic!("chromedriver exited with {code}:\n{}", self.log());
            }
            if let Ok(r) = http.get(&status).send().await {
                if let Ok(body) = r.json::<serde_json::Value>().await {
                    if body["value"]["ready"] == true {
                        return;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver not ready on port {} after {STARTUP:?}:\n{}",
                self.port,
                self.log()
            );
            actix_web::rt::time::sleep(POLL).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // process_group(0) made the group id the driver's pid.
        let group = -(self.child.id() as libc::pid_t);
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
        unsafe {
            libc::kill(group, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// One headless Chromium session with a fresh profile, ended when dropped.
pub struct Browser {
    client: Client,
    // Dropped in this order: the driver's process group first, then the profile folder.
    driver: Driver,
    _dir: tempfile::TempDir,
}

impl Browser {
    /// A browser, or `None` (after saying why) when Chromium or chromedriver is not installed and
    /// `UNDERSIGNED_REQUIRE_BROWSER` is unset; with it set, a missing browser panics.
    pub async fn start() -> Option<Browser> {
        let chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = binary("CHROMIUM", "/usr/bin/chromium");
        for (what, path) in [("chromedriver", &chromedriver), ("chromium", &chromium)] {
            if !path.is_file() {
                let why = format!(
                    "{what} not found at {}; install chromium and chromium-driver",
                    path.display()
                );
                assert!(
                    !browser_required(),
                    "UNDERSIGNED_REQUIRE_BROWSER is set: {why}"
                );
                // Straight to stderr, past the test harness's capture, so a skip is seen.
                let _ = writeln!(std::io::stderr(), "skipping: {why}");
                return None;
            }
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let profile = dir.path().join("profile");
        let mut driver = Driver::start(&chromedriver, dir.path());
        driver.ready().await;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,1024",
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| panic!("a Chromium session: {e}\n{}", driver.log()));
        Some(Browser {
            client,
            driver,
            _dir: dir,
        })
    }

    /// End the session (the browser exits), then the driver.
    pub async fn close(self) {
        let Browser {
            client,
            driver,
            _dir,
        } = self;
        client.close().await.expect("end the WebDriver session");
        drop(driver);
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub async fn wait_for_path(&self, path: &str) {
        let client = &self.client;
        eventually(&format!("the page at {path}"), || async move {
            let url = client.current_url().await?;
            Ok::<_, fantoccini::error::CmdError>((url.path() == path).then_some(()))
        })
        .await
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {WAIT:?}: {e}"))
    }

    /// Every element matching `css` now (possibly none).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    fn field(name: &str) -> String {
        format!("[name=\"{name}\"]")
    }

    /// Type `value` into the text field (input or textarea) named `name`, replacing its content.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self.find(&Self::field(name)).await;
        field.clear().await.expect("clear the field");
        if !value.is_empty() {
            field
                .send_keys(value)
                .await
                .unwrap_or_else(|e| panic!("type into {name}: {e}"));
        }
    }

    /// Choose the option whose value is `value` in the select named `name`.
    pub async fn select(&self, name: &str, value: &str) {
        self.find(&Self::field(name))
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {name}: {e}"));
    }

    /// Tick the checkbox named `name` (left ticked if it is).
    pub async fn check(&self, name: &str) {
        let field = self.find(&Self::field(name)).await;
        if !field.is_selected().await.expect("checkbox state") {
            field.click().await.expect("tick the checkbox");
        }
        assert!(field.is_selected().await.expect("checkbox state"), "{name}");
    }

    /// The current value of the field named `name`.
    pub async fn value(&self, name: &str) -> String {
        self.find(&Self::field(name))
            .await
            .prop("value")
            .await
            .expect("the field's value")
            .unwrap_or_default()
    }

    pub async fn is_checked(&self, name: &str) -> bool {
        self.find(&Self::field(name))
            .await
            .is_selected()
            .await
            .expect("checkbox state")
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Click the first element matching `css` whose visible text is `text` (a button, a link).
    pub async fn click_text(&self, css: &str, text: &str) {
        let client = &self.client;
        let target = eventually(&format!("{css} reading {text:?}"), || async move {
            for element in client.find_all(Locator::Css(css)).await? {
                if element.text().await?.trim() == text {
                    return Ok(Some(element));
                }
            }
            Ok::<_, fantoccini::error::CmdError>(None)
        })
        .await;
        target
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css} {text:?}: {e}"));
    }

    /// The visible text of the whole page.
    pub async fn text(&self) -> String {
        self.text_of("body").await
    }

    /// The visible text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    /// Wait until the first element matching `css` reads `expected` (for the page that a click
    /// leads to, whose address may be the same as before).
    pub async fn wait_for_text_of(&self, css: &str, expected: &str) {
        let client = &self.client;
        eventually(&format!("{css} to read {expected:?}"), || async move {
            let text = client.find(Locator::Css(css)).await?.text().await?;
            Ok::<_, fantoccini::error::CmdError>((text.trim() == expected).then_some(()))
        })
        .await
    }
}

/// The whole link to `/signatures/{action}/…` in a mail's text part.
fn link_in(mail: &ReceivedMail, action: &str) -> String {
    let marker = format!("/signatures/{action}/");
    mail.text
        .split_whitespace()
        .find(|word| word.starts_with("http") && word.contains(&marker))
        .unwrap_or_else(|| panic!("no {action} link in {}", mail.text))
        .to_string()
}

db_test!(
    async fn an_organisation_signs_in_the_browser_confirms_from_the_mail_and_is_listed(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let letter = app.open_letter("stop-spyware", "auto").await;
        let page = app.url(&format!("/letters/{letter}"));
        browser.goto(&page).await;
        assert_eq!(browser.text_of("h1").await, "Letter stop-spyware");
        assert!(browser.text().await.contains("No organisation is listed yet."));

        browser.fill("organisation_name", "Digital Courage").await;
        browser.select("country", "DE").await;
        browser.fill("website", "digitalcourage.example.de").await;
        browser.fill("representative_name", "Rena Tangens").await;
        browser.fill("representative_role", "Co-founder").await;
        browser.fill("email", "rena@digitalcourage.example.de").await;
        browser.check("consent").await;
        browser.click_text("button", "Sign the letter").await;
        browser.wait_for_path(&format!("/letters/{letter}/signed")).await;
        assert!(browser.text().await.contains("Check your email"));

        let mail = app.mail.wait_for(1).await.remove(0);
        assert_eq!(mail.to, ["rena@digitalcourage.example.de"]);
        let link = link_in(&mail, "confirm");
        assert_eq!(
            link,
            app.url(&format!("/signatures/confirm/{}", mail.token("confirm")))
        );

        // Opening the link, as a mail scanner and then the person would, changes nothing.
        for _ in 0..2 {
            browser.goto(&link).await;
            assert_eq!(browser.text_of("h1").await, "Confirm your signature");
            assert!(browser.text().await.contains("Digital Courage"));
        }
        assert_eq!(app.signatories(&letter).await["total"], 0, "a GET changed state");
        browser.goto(&page).await;
        assert!(browser.text().await.contains("No organisation is listed yet."));

        // The button POSTs with the CSRF cookie and field the page gave the browser.
        browser.goto(&link).await;
        browser.click_text("button", "Confirm the signature").await;
        browser.wait_for_text_of("h1", "Signature confirmed").await;
        assert!(
            browser.text().await.contains("your organisation is now listed"),
            "{}",
            browser.text().await
        );

        browser.goto(&page).await;
        assert!(
            browser
                .text_of("#signatories")
                .await
                .ends_with("(1 organisation, 1 country)"),
            "{}",
            browser.text_of("#signatories").await
        );
        let groups = browser.find_all(".country").await;
        assert_eq!(groups.len(), 1, "one country group");
        let germany = groups[0].find(Locator::Css("h3")).await.unwrap();
        assert_eq!(germany.text().await.unwrap(), "Germany (1)");
        let items = groups[0].find_all(Locator::Css("li")).await.unwrap();
        assert_eq!(items.len(), 1, "one organisation under Germany");
        let name = items[0].find(Locator::Css("a")).await.unwrap();
        assert_eq!(name.text().await.unwrap(), "Digital Courage");
        assert_eq!(
            name.attr("href").await.unwrap().as_deref(),
            Some("https://digitalcourage.example.de/")
        );
        // The signer confirmed an address at the organisation's own website domain.
        let badge = items[0].find(Locator::Css(".badge")).await.unwrap();
        assert_eq!(badge.text().await.unwrap(), "verified domain");
        let text = browser.text().await;
        assert!(!text.contains("rena@") && !text.contains("Rena Tangens"));
        let list = app.signatories(&letter).await;
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["name"], "Digital Courage");
        browser.close().await;
    }
);

db_test!(
    async fn a_blank_required_field_is_marked_in_the_page_and_nothing_is_created(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let letter = app.open_letter("l", "auto").await;
        browser.goto(&app.url(&format!("/letters/{letter}"))).await;
        // Everything valid but the organisation's name, left blank.
        browser.select("country", "FR").await;
        browser.fill("representative_name", "Kept Person").await;
        browser.fill("representative_role", "Director").await;
        browser.fill("email", "kept@example.org").await;
        browser.check("consent").await;
        browser.click("form.sign button[type=submit]").await;
        browser.wait_for_path(&format!("/letters/{letter}/sign")).await;

        assert_eq!(
            browser.text_of("p.error[role=alert]").await,
            "Please correct the fields marked below."
        );
        assert_eq!(
            browser.text_of("#organisation_name-error").await,
            "must not be empty"
        );
        let name = browser.find("#organisation_name").await;
        assert_eq!(name.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
        assert_eq!(browser.find_all("[id$='-error']").await.len(), 1, "only that field");
        // What was typed is kept.
        assert_eq!(browser.value("representative_name").await, "Kept Person");
        assert_eq!(browser.value("email").await, "kept@example.org");
        assert_eq!(browser.value("country").await, "FR");
        assert!(browser.is_checked("consent").await);

        // The refusal was answered after the transaction: nothing to wait for.
        assert_eq!(app.total("/api/v1/organisations").await, 0);
        assert_eq!(app.outbox().await["total"], 0);
        assert_eq!(app.signatories(&letter).await["total"], 0);
        assert!(app.mail.mails().is_empty());
        browser.close().await;
    }
);
