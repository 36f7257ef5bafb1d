//! End to end in a real browser: headless Chromium driven over WebDriver (chromedriver) against the
//! real app, with the links read from the mail that the SMTP sink received.
//!
//! They need `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`; `CHROMIUM` and `CHROMEDRIVER` name other binaries). Without them each test
//! says why it skips and passes, unless `REQUIRE_BROWSER_TESTS=1` (set by `.ci/run`) makes a
//! missing browser a failure.
//!
//! [`Browser`] knows nothing of this app: it goes to pages, fills fields by name, clicks by CSS
//! selector and text, reads text, waits for conditions with a timeout, and checks the page with
//! axe-core ([`Browser::axe`]).
//!
//! axe-core is the npm package's `axe.min.js`, found at `AXE_CORE_JS` (`.ci/run` installs the
//! pinned version outside the checkout and sets it), else where `.ci/run` puts it
//! (`~/.cache/undersigned-ci/axe/node_modules/axe-core/axe.min.js`). Without it the accessibility
//! checks say why they skip and the rest of each test runs, unless `REQUIRE_BROWSER_TESTS=1`
//! makes a missing axe-core a failure too.

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
use crate::helpers::{status_json, TestApp, TestDatabase, PASSWORD};
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
    std::env::var("REQUIRE_BROWSER_TESTS").is_ok_and(|v| !v.is_empty() && v != "0")
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

/// Where `.ci/run` installs axe-core when `AXE_CORE_JS` does not say.
fn axe_core_path() -> PathBuf {
    if let Some(path) = std::env::var_os("AXE_CORE_JS").filter(|v| !v.is_empty()) {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("undersigned-ci/axe/node_modules/axe-core/axe.min.js")
}

/// axe-core's source, read once; `None` (after saying why, once) when it is not installed and
/// `REQUIRE_BROWSER_TESTS` is unset; with it set, a missing axe-core panics.
fn axe_core() -> Option<&'static str> {
    static SOURCE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let path = axe_core_path();
    let source = SOURCE.get_or_init(|| match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let why = format!(
                "axe-core not found at {} ({e}); set AXE_CORE_JS to its axe.min.js \
                 (`npm install --prefix DIR axe-core`, as .ci/run does)",
                path.display()
            );
            if !browser_required() {
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping the accessibility checks: {why}"
                );
            }
            None
        }
    });
    assert!(
        source.is_some() || !browser_required(),
        "REQUIRE_BROWSER_TESTS is set: axe-core not found at {}; set AXE_CORE_JS to its axe.min.js",
        path.display()
    );
    source.as_deref()
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
    /// `REQUIRE_BROWSER_TESTS` is unset; with it set, a missing browser panics.
    pub async fn start() -> Option<Browser> {
        let chromedriver = binary("CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = binary("CHROMIUM", "/usr/bin/chromium");
        for (what, path) in [("chromedriver", &chromedriver), ("chromium", &chromium)] {
            if !path.is_file() {
                let why = format!(
                    "{what} not found at {}; install chromium and chromium-driver",
                    path.display()
                );
                assert!(!browser_required(), "REQUIRE_BROWSER_TESTS is set: {why}");
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

    /// Run `js` in the page and return what it returns.
    pub async fn script(&self, js: &str) -> serde_json::Value {
        self.client
            .execute(js, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("run {js}: {e}"))
    }

    /// Check the page as it is now with axe-core (its default rules: WCAG 2 A and AA and best
    /// practices) and panic listing every violation ([`AxeFindings::report`]), naming `context`
    /// (which page, in which state). Without axe-core installed this says so and checks nothing,
    /// unless `REQUIRE_BROWSER_TESTS` is set.
    pub async fn axe(&self, context: &str) {
        if let Some(report) = self
            .axe_findings(context)
            .await
            .and_then(|found| found.report(context))
        {
            panic!("{report}");
        }
    }

    /// What axe-core finds on the page as it is now, or `None` without axe-core (and without
    /// `REQUIRE_BROWSER_TESTS`). Runs `axe.run(document)` with axe's default rules.
    pub async fn axe_findings(&self, context: &str) -> Option<AxeFindings> {
        let source = axe_core()?;
        // Loaded once per page. Scripts that WebDriver runs are not the page's own, so the
        // page's Content-Security-Policy (no inline script) does not stop them.
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await
            .unwrap_or_else(|e| panic!("axe on {context}: {e}"));
        if loaded != json!(true) {
            self.client
                .execute(source, Vec::new())
                .await
                .unwrap_or_else(|e| panic!("load axe-core on {context}: {e}"));
        }
        const RUN: &str = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
                .then(r => done({ version: axe.version, violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
                    nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })),
                })) }))
                .catch(e => done({ error: String(e && e.stack || e) }));
        "#;
        let result = self
            .client
            .execute_async(RUN, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("run axe on {context}: {e}"));
        if let Some(error) = result.get("error") {
            panic!("axe failed on {context}: {error}");
        }
        let violations = result["violations"]
            .as_array()
            .unwrap_or_else(|| panic!("axe's answer on {context}: {result}"))
            .clone();
        Some(AxeFindings {
            version: result["version"].as_str().unwrap_or("?").to_string(),
            url: self
                .client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default(),
            violations,
        })
    }

    /// Resize the window (a phone is 390 px wide).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("resize to {width}×{height}: {e}"));
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

    /// The visible text of every element matching `css` now, in page order.
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await {
            texts.push(
                element
                    .text()
                    .await
                    .unwrap_or_else(|e| panic!("text of {css}: {e}")),
            );
        }
        texts
    }

    /// The value of the browser's cookie `name` for the current site.
    pub async fn cookie(&self, name: &str) -> String {
        self.client
            .get_named_cookie(name)
            .await
            .unwrap_or_else(|e| panic!("cookie {name}: {e}"))
            .value()
            .to_string()
    }

    /// The path of the page the browser is on.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current address")
            .path()
            .to_string()
    }

    /// Mark the page shown now, so that [`Browser::wait_for_new_page`] can tell when the page
    /// a click leads to has replaced it.
    pub async fn mark_page(&self) {
        self.script("document.documentElement.dataset.testLeft = 'yes'; return null;")
            .await;
    }

    /// Wait until the page marked by [`Browser::mark_page`] is gone and its successor loaded
    /// (for a page with the same address and elements as the one before, such as a second
    /// search's results).
    pub async fn wait_for_new_page(&self) {
        let client = &self.client;
        eventually("the next page", || async move {
            let js = "return document.readyState === 'complete'
                && document.documentElement.dataset.testLeft === undefined;";
            let loaded = client.execute(js, Vec::new()).await?;
            Ok::<_, fantoccini::error::CmdError>(loaded.as_bool().unwrap_or(false).then_some(()))
        })
        .await
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

/// What axe-core found on one page: the violations as axe reports them.
pub struct AxeFindings {
    version: String,
    url: String,
    violations: Vec<serde_json::Value>,
}

impl AxeFindings {
    /// The ids of the rules the page breaks (`label`, `color-contrast`, …).
    pub fn rules(&self) -> Vec<&str> {
        self.violations
            .iter()
            .map(|v| v["id"].as_str().unwrap_or("?"))
            .collect()
    }

    /// Every violation — rule, impact, what it asks, where to read more — and under it each
    /// element that breaks it (axe's selector) with axe's summary of why; `None` when there is
    /// none.
    pub fn report(&self, context: &str) -> Option<String> {
        if self.violations.is_empty() {
            return None;
        }
        let mut report = format!(
            "axe-core {} found {} violation(s) on {context} ({}):",
            self.version,
            self.violations.len(),
            self.url
        );
        for v in &self.violations {
            report.push_str(&format!(
                "\n- {} ({}): {} <{}>",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                v["url"].as_str().unwrap_or("?"),
            ));
            for node in v["nodes"].as_array().into_iter().flatten() {
                report.push_str(&format!(
                    "\n    at {}: {}",
                    node["target"],
                    node["summary"]
                        .as_str()
                        .unwrap_or_default()
                        .replace('\n', " ")
                ));
            }
        }
        Some(report)
    }
}

/// The whole first link containing `marker` in a mail's text part.
fn link_with(mail: &ReceivedMail, marker: &str) -> String {
    mail.text
        .split_whitespace()
        .find(|word| word.starts_with("http") && word.contains(marker))
        .unwrap_or_else(|| panic!("no link to {marker} in {}", mail.text))
        .to_string()
}

/// The whole link to `/signatures/{action}/…` in a mail's text part.
pub(crate) fn link_in(mail: &ReceivedMail, action: &str) -> String {
    link_with(mail, &format!("/signatures/{action}/"))
}

/// The whole personal link to `/invitations/…` in an invitation mail's text part.
fn invitation_link(mail: &ReceivedMail) -> String {
    link_with(mail, "/invitations/")
}

/// The check itself can fail: on a page broken on purpose — a field without its label, a page
/// without its language, white on pale blue — axe-core reports each rule with the elements that
/// break it, and on the page as served it reports nothing.
#[actix_web::test]
async fn axe_reports_each_violation_with_the_elements_that_break_it() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let letter = app.open_letter("l", "auto").await;
    browser.goto(&app.url(&format!("/letters/{letter}"))).await;
    browser.axe("the letter page as served").await;
    browser
        .script(
            "document.querySelector('label[for=email]').remove(); \
             document.documentElement.removeAttribute('lang'); \
             document.querySelector('#sign-first a.button').style.background = '#a5b4fc';",
        )
        .await;
    let Some(broken) = browser.axe_findings("the broken letter page").await else {
        browser.close().await;
        return;
    };
    let mut rules = broken.rules();
    rules.sort();
    assert_eq!(rules, ["color-contrast", "html-has-lang", "label"]);
    let report = broken.report("the broken letter page").expect("a report");
    for part in [
        "on the broken letter page",
        "- label (critical): Form elements must have labels",
        "at [\"#email\"]",
        "- color-contrast (serious)",
        "at [\".button\"]: Fix any of the following:   Element has insufficient color contrast",
        "- html-has-lang (serious)",
    ] {
        assert!(report.contains(part), "{part} in {report}");
    }
    browser.close().await;
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
        // Issue 19: the form carries no per-visitor token; the browser's own Origin and
        // Sec-Fetch-Site headers let the post through.
        assert!(browser.find_all("input[name=csrf_token]").await.is_empty());

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
        // The signer confirmed an address at the organisation's own website domain: the badge
        // names the registrable domain that proved (the public suffix list's `example.de`).
        let badge = items[0].find(Locator::Css(".badge")).await.unwrap();
        assert_eq!(badge.text().await.unwrap(), "verified: example.de");
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
        // A phone's viewport, and a list long enough to fill screens (issue 22).
        browser.resize(390, 844).await;
        let names: Vec<String> = (0..40).map(|i| format!("Listed Organisation {i}")).collect();
        let listed: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "BE")).collect();
        app.publish(&letter, &listed).await;
        browser.goto(&app.url(&format!("/letters/{letter}"))).await;
        // The count and the way to sign come first, on the first screen.
        let top = browser.text_of("#sign-first").await;
        assert!(top.starts_with("40 organisations from 1 country signed so far."), "{top}");
        let in_view = "const r = document.querySelector(SEL).getBoundingClientRect(); \
                       return r.top >= -1 && r.bottom <= window.innerHeight + 1;";
        let first_screen = |sel: &str| in_view.replace("SEL", &format!("'{sel}'"));
        assert_eq!(browser.script(&first_screen("#sign-first a.button")).await, json!(true));
        // It leads to the form, which stands before the list.
        browser.click("#sign-first a.button").await;
        assert_eq!(browser.script(&first_screen("#sign")).await, json!(true));
        let order = "return !!(document.querySelector('#sign').compareDocumentPosition(\
                     document.querySelector('#signatories')) & Node.DOCUMENT_POSITION_FOLLOWING);";
        assert_eq!(browser.script(order).await, json!(true), "the form comes before the list");
        // Everything valid but the organisation's name, left blank.
        browser.select("country", "FR").await;
        browser.fill("representative_name", "Kept Person").await;
        browser.fill("representative_role", "Director").await;
        browser.fill("email", "kept@example.org").await;
        browser.check("consent").await;
        browser.click("form.sign button[type=submit]").await;
        browser.wait_for_path(&format!("/letters/{letter}/sign")).await;

        // The answer lands at the form: an error summary at its top, on screen and focused,
        // each message linked to its field (the GOV.UK pattern).
        assert_eq!(
            browser.text_of("#error-summary h3").await,
            "Nothing was signed yet: please correct this field"
        );
        assert_eq!(
            browser.texts_of("#error-summary li a").await,
            ["Organisation name: must not be empty"]
        );
        let link = browser.find("#error-summary li a").await;
        assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("#organisation_name"));
        assert_eq!(browser.script("return document.activeElement.id;").await, json!("error-summary"));
        assert_eq!(browser.script(&first_screen("#error-summary")).await, json!(true));
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
        assert_eq!(app.total("/api/v1/organisations").await, 40);
        assert_eq!(app.outbox().await["total"], 40);
        assert_eq!(app.signatories(&letter).await["total"], 40);
        assert_eq!(app.mail.mails().len(), 40);
        browser.close().await;
    }
);

db_test!(
    async fn a_signer_on_a_phone_signs_in_french_and_a_mistake_is_answered_in_french(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let letter = app.open_letter("l", "auto").await;
        browser.resize(390, 844).await;
        browser.goto(&app.url(&format!("/letters/{letter}?lang=fr"))).await;
        assert_eq!(browser.script("return document.documentElement.lang;").await, json!("fr"));
        assert_eq!(browser.text_of("#sign-first a.button").await, "Signer cette lettre");
        browser.click("#sign-first a.button").await;
        browser.select("country", "FR").await;
        browser.fill("representative_name", "Anne").await;
        browser.fill("representative_role", "Présidente").await;
        browser.fill("email", "anne@quadrature.example.org").await;
        browser.check("consent").await;
        browser.click("form.sign button[type=submit]").await;
        browser.wait_for_path(&format!("/letters/{letter}/sign")).await;
        // The mistake is answered in French, at the form, focused.
        assert_eq!(
            browser.text_of("#error-summary h3").await,
            "Rien n'a encore été signé : veuillez corriger ce champ"
        );
        let item = browser.text_of("#error-summary li a").await;
        assert!(item.starts_with("Nom de l'organisation : "), "{item}");
        assert_eq!(browser.script("return document.activeElement.id;").await, json!("error-summary"));
        // Corrected, it signs, and the answer is in French.
        browser.fill("organisation_name", "La Quadrature").await;
        browser.click("form.sign button[type=submit]").await;
        browser.wait_for_path(&format!("/letters/{letter}/signed")).await;
        assert_eq!(browser.text_of("h1").await, "Consultez vos e-mails");
        let mail = app.mail.wait_for(1).await.remove(0);
        assert_eq!(mail.to, ["anne@quadrature.example.org"]);
        browser.close().await;
    }
);

/// The directory entries the coordinator adds: name, country (its code, chosen in the list), website, and the address
/// the invitation goes to.
const MEMBERS: [(&str, &str, &str, &str); 3] = [
    (
        "Digitale Gesellschaft",
        "DE",
        "digitalegesellschaft.example.de",
        "office@digiges.example.de",
    ),
    (
        "Chaos Computer Club",
        "DE",
        "ccc.example.de",
        "board@ccc.example.de",
    ),
    (
        "La Quadrature du Net",
        "FR",
        "laquadrature.example.fr",
        "contact@lqdn.example.fr",
    ),
];
const COORDINATOR: &str = "fatima@network.example";
const LETTER: &str = "stop-commercial-spyware";

#[actix_web::test]
async fn a_new_coordinator_sets_up_drafts_invites_moderates_and_closes_a_letter_in_the_browser() {
    for backend in crate::helpers::backends() {
        eprintln!("--- running on {backend}");
        let (app, setup) = TestApp::spawn_bare(TestDatabase::new(backend), |_| {}).await;
        let setup = setup.expect("an empty database logs a setup link");
        let Some(browser) = Browser::start().await else {
            return;
        };
        coordinator_flow(&app, &browser, &setup).await;
        browser.close().await;
    }
}

/// Everything a coordinator of a new instance does, through the pages only; the API (with a
/// token of the coordinator's) is read to check what the pages did.
async fn coordinator_flow(app: &TestApp, browser: &Browser, setup: &str) {
    // 1. The first-run link: an owner, a coalition, and the dashboard, signed in.
    browser.goto(setup).await;
    assert_eq!(browser.text_of("h1").await, "Set up undersigned");
    browser.fill("name", "Fatima First").await;
    browser.fill("email", COORDINATOR).await;
    browser.fill("password", PASSWORD).await;
    browser
        .fill("coalition_name", "Digital Rights Network")
        .await;
    browser.click_text("button", "Create the account").await;
    browser.wait_for_path("/dashboard").await;
    assert_eq!(
        browser.text_of("nav.meta").await.split(" ·").next(),
        Some("Signed in as Fatima First")
    );
    assert_eq!(
        browser.text_of("h2").await,
        "Digital Rights Network (owner)"
    );
    assert!(browser.text().await.contains("No letters yet."));
    let token = app.sign_in(COORDINATOR).await;
    let (_, me) = status_json(app.get_as(&token, "/api/v1/me").await).await;
    assert_eq!(me["coalitions"][0]["coalition"], "digital-rights-network");
    assert_eq!(me["coalitions"][0]["role"], "owner");

    // 2. A new letter: preview once (nothing saved), then save it with manual moderation.
    browser.click_text("a", "New letter").await;
    browser.wait_for_path("/dashboard/letters/new").await;
    assert_eq!(
        browser.text_of("h1").await,
        "New letter of Digital Rights Network"
    );
    browser.fill("title", "Stop commercial spyware").await;
    browser
        .fill(
            "body",
            "Dear President,\n\nWe ask you to **ban** commercial spyware in the Union.",
        )
        .await;
    browser
        .fill("recipient_name", "The President of the Commission")
        .await;
    browser
        .fill("recipient_email", "president@commission.example")
        .await;
    browser
        .fill("place_and_date", "Brussels, 1 December 2026")
        .await;
    browser.select("moderation", "manual").await;
    browser.click_text("button", "Preview").await;
    browser.wait_for_text_of("#preview", "Preview").await;
    browser.wait_for_path("/dashboard/letters").await;
    assert_eq!(
        browser.text_of("section[aria-labelledby=preview] h1").await,
        "Stop commercial spyware"
    );
    // In sight without scrolling, not under the long form (issue 24).
    let top = browser
        .script("return document.getElementById('preview-section').getBoundingClientRect().top < window.innerHeight;")
        .await;
    assert_eq!(top, serde_json::json!(true));
    assert_eq!(
        browser.text_of("#preview-place").await,
        "Brussels, 1 December 2026"
    );
    assert_eq!(
        browser
            .text_of("section[aria-labelledby=preview] .letter strong")
            .await,
        "ban"
    );
    assert_eq!(browser.value("title").await, "Stop commercial spyware");
    assert_eq!(browser.value("moderation").await, "manual");
    let (_, drafts) = status_json(app.get_as(&token, "/api/v1/letters?state=draft").await).await;
    assert_eq!(drafts["total"], 0, "a preview saves nothing: {drafts}");
    browser.click_text("button", "Save").await;
    let letter_page = format!("/dashboard/letters/{LETTER}");
    browser.wait_for_path(&letter_page).await;
    assert_eq!(browser.text_of("#state").await, "draft");
    assert!(browser.text().await.contains("moderation manual"));
    let (status, saved) = status_json(
        app.get_as(&token, &format!("/api/v1/letters/{LETTER}"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["moderation"], "manual");
    assert_eq!(saved["recipient"]["email"], "president@commission.example");
    assert_eq!(saved["coalition"]["slug"], "digital-rights-network");

    // 3. Three organisations in the directory, through its pages (each page's address is made of
    // its slug, which the page shows).
    for (name, country, website, _) in MEMBERS {
        browser.click_text("nav a", "Directory").await;
        browser.wait_for_path("/dashboard/organisations").await;
        browser.click_text("a", "Add an organisation").await;
        browser.wait_for_path("/dashboard/organisations/new").await;
        browser.fill("name", name).await;
        browser.select("country", country).await;
        browser.fill("website", website).await;
        browser.click_text("button", "Add to the directory").await;
        browser
            .wait_for_text_of("p.notice", "The organisation is in the directory.")
            .await;
        assert_eq!(browser.text_of("h1").await, name);
        let slug = browser.text_of("p code").await;
        assert_eq!(
            browser.path().await,
            format!("/dashboard/organisations/{slug}")
        );
    }
    browser.click_text("nav a", "Directory").await;
    browser
        .wait_for_text_of("h1", "Organisation directory (3)")
        .await;
    let (_, directory) = status_json(app.get_as(&token, "/api/v1/organisations").await).await;
    assert_eq!(directory["total"], 3, "{directory}");
    let mut countries: Vec<String> = directory["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            o["country"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    countries.sort();
    assert_eq!(countries, ["DE", "DE", "FR"], "{directory}");

    // Open the letter with its button.
    browser.click_text("nav a", "Dashboard").await;
    browser.wait_for_path("/dashboard").await;
    browser.click_text("td a", "Stop commercial spyware").await;
    browser.wait_for_path(&letter_page).await;
    browser.click_text("button", "Move to open").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "open").await;
    let (_, opened) = status_json(app.get(&format!("/api/v1/letters/{LETTER}")).await).await;
    assert_eq!(opened["state"], "open", "public once open: {opened}");

    // 4. Invite the three from the letter's invitations page.
    browser.click_text("a", "Invitations").await;
    let invitations_page = format!("/dashboard/letters/{LETTER}/invitations");
    browser.wait_for_path(&invitations_page).await;
    assert_eq!(
        browser.text_of("#counts").await,
        "0 invited · 0 opened · 0 signed"
    );
    // By name, as typed (no slug, capitals no matter).
    let lines: Vec<String> = MEMBERS
        .iter()
        .map(|(name, .., email)| format!("{} {email}", name.to_lowercase()))
        .collect();
    // The list pasted at once (the directory's search is tested in dashboard_browser.rs).
    browser.click_text("summary", "Paste a list instead").await;
    browser.fill("lines", &lines.join("\n")).await;
    browser.click_text("button", "Send the invitations").await;
    browser
        .wait_for_text_of("p.notice", "Invited 3, invited again 0, already signed 0.")
        .await;
    assert_eq!(
        browser.text_of("#counts").await,
        "3 invited · 0 opened · 0 signed"
    );
    assert_eq!(browser.find_all("tbody tr").await.len(), 3);

    // Signed out, the invited organisations (and later a stranger) act as the public.
    browser.click_text("button", "Sign out").await;
    browser.wait_for_path("/").await;
    browser.goto(&app.url(&invitations_page)).await;
    browser.wait_for_path("/login").await;

    let mails = app.mail.wait_for(3).await;
    assert_eq!(mails.len(), 3, "one mail per invitation");
    for (name, _, _, email) in MEMBERS {
        let mail = mails
            .iter()
            .find(|m| m.to == [email])
            .unwrap_or_else(|| panic!("no invitation to {email}"));
        assert!(
            mail.subject.contains("is invited to sign")
                && mail.subject.contains("Stop commercial spyware"),
            "{}",
            mail.subject
        );
        let link = invitation_link(mail);
        assert_eq!(
            link,
            app.url(&format!("/invitations/{}", mail.invitation_token()))
        );
        browser.goto(&link).await;
        assert_eq!(
            browser.text_of("article h1").await,
            "Stop commercial spyware"
        );
        assert_eq!(
            browser.text_of("#sign").await,
            format!("Sign on behalf of {name}")
        );
        browser
            .fill("representative_name", &format!("Rep of {name}"))
            .await;
        browser.fill("representative_role", "Director").await;
        browser.check("consent").await;
        browser.click_text("button", "Sign the letter").await;
        // A manual letter: signed through the link, the signature waits for the coordinators.
        browser
            .wait_for_text_of(
                "p.notice",
                &format!(
                    "Thank you: {name} has signed. The letter's coordinators will review the \
                     signature before it is listed."
                ),
            )
            .await;
        assert!(
            browser.find_all("form.sign").await.is_empty(),
            "no form once signed"
        );
    }
    let (_, invited) = status_json(
        app.get_as(&token, &format!("/api/v1/letters/{LETTER}/invitations"))
            .await,
    )
    .await;
    assert_eq!(
        invited["counts"],
        json!({"invited": 3, "opened": 3, "signed": 3})
    );
    assert_eq!(
        app.signatories(LETTER).await["total"],
        0,
        "nothing listed before moderation"
    );
    // They wait as confirmed signatures, with the invited address as their contact.
    let (_, queue) = status_json(
        app.get_as(
            &token,
            &format!("/api/v1/letters/{LETTER}/signatures?state=confirmed"),
        )
        .await,
    )
    .await;
    assert_eq!(queue["total"], 3, "{queue}");
    for (name, _, _, email) in MEMBERS {
        let signature = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["organisation"]["name"] == name)
            .unwrap_or_else(|| panic!("{name} waits: {queue}"));
        assert_eq!(signature["email"], email);
        assert_eq!(signature["representative_name"], format!("Rep of {name}"));
    }

    // 5. A stranger signs with the public form and confirms from the mail.
    let public_page = app.url(&format!("/letters/{LETTER}"));
    browser.goto(&public_page).await;
    assert!(browser
        .text()
        .await
        .contains("No organisation is listed yet."));
    browser.fill("organisation_name", "epicenter.works").await;
    browser.select("country", "AT").await;
    browser
        .fill("website", "https://epicenter.example.at/")
        .await;
    browser
        .fill("representative_name", "Thomas Lohninger")
        .await;
    browser
        .fill("representative_role", "Executive director")
        .await;
    browser.fill("email", "thomas@mailbox.example").await;
    browser.check("consent").await;
    browser.click_text("button", "Sign the letter").await;
    browser
        .wait_for_path(&format!("/letters/{LETTER}/signed"))
        .await;
    assert_eq!(browser.text_of("h1").await, "Check your email");
    let mail = app.mail.wait_for(4).await.remove(3);
    assert_eq!(mail.to, ["thomas@mailbox.example"]);
    browser.goto(&link_in(&mail, "confirm")).await;
    assert_eq!(browser.text_of("h1").await, "Confirm your signature");
    browser.click_text("button", "Confirm the signature").await;
    browser.wait_for_text_of("h1", "Signature confirmed").await;
    assert_eq!(
        browser.text_of("p.notice").await,
        "Thank you: the signature is confirmed. The letter's coordinators will review it before it is listed."
    );
    assert_eq!(app.signatories(LETTER).await["total"], 0);

    // 6. The coordinator signs in again and finds four signatures awaiting moderation.
    browser.goto(&app.url("/login")).await;
    browser.fill("email", COORDINATOR).await;
    browser.fill("password", PASSWORD).await;
    browser.click_text("button", "Sign in").await;
    browser.wait_for_path("/dashboard").await;
    assert_eq!(
        browser.texts_of("tbody td").await,
        ["Stop commercial spyware", "open", "0", "4", "0", "0"]
    );
    browser.click_text("td a", "Stop commercial spyware").await;
    browser.wait_for_path(&letter_page).await;
    assert!(
        browser.text().await.contains(
            "Signatures: 0 pending, 4 awaiting moderation, 0 published from 0 countries."
        ),
        "{}",
        browser.text().await
    );
    browser.click_text("nav a", "Moderation queue").await;
    browser
        .wait_for_path(&format!("/dashboard/letters/{LETTER}/signatures"))
        .await;
    assert_eq!(browser.text_of("h1").await, "Signatures (4)");
    let mut waiting: Vec<String> = browser.texts_of("tbody td:nth-child(2)").await;
    waiting.sort();
    assert_eq!(
        waiting,
        [
            // The queue marks the signatures made through an invitation.
            "Chaos Computer Club invited",
            "Digitale Gesellschaft invited",
            "La Quadrature du Net invited",
            "epicenter.works"
        ]
    );
    let boxes = browser.find_all("input[name='ids[]']").await;
    assert_eq!(boxes.len(), 4);
    for b in &boxes {
        b.click().await.expect("tick a signature");
    }
    browser.click_text("button", "Approve selected").await;
    browser
        .wait_for_text_of("p.notice", "Approved 4 of 4 selected.")
        .await;
    assert_eq!(browser.text_of("h1").await, "Signatures (0)");
    assert_eq!(app.signatories(LETTER).await["total"], 4);

    // Close the letter with its button.
    browser.click_text("a", "Stop commercial spyware").await;
    browser.wait_for_path(&letter_page).await;
    browser.click_text("button", "Move to closed").await;
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "closed").await;
    assert!(
        browser.text().await.contains(
            "Signatures: 0 pending, 0 awaiting moderation, 4 published from 3 countries."
        ),
        "{}",
        browser.text().await
    );

    // 7. The public page: four organisations by country, the invited ones marked, and closed.
    browser.goto(&public_page).await;
    assert!(
        browser
            .text_of("#signatories")
            .await
            .ends_with("(4 organisations, 3 countries)"),
        "{}",
        browser.text_of("#signatories").await
    );
    assert_eq!(
        browser.texts_of(".country h3").await,
        ["Austria (1)", "France (1)", "Germany (2)"]
    );
    assert_eq!(
        browser.texts_of("#country-AT li").await,
        ["epicenter.works"]
    );
    assert_eq!(
        browser.texts_of("#country-FR li").await,
        ["La Quadrature du Net invited"]
    );
    assert_eq!(
        browser.texts_of("#country-DE li").await,
        [
            "Chaos Computer Club invited",
            "Digitale Gesellschaft invited"
        ]
    );
    assert_eq!(
        browser
            .text_of("section[aria-labelledby=sign] p.notice")
            .await,
        "This letter is closed and no longer accepts signatures."
    );
    assert!(browser.find_all("form.sign").await.is_empty());
    let text = browser.text().await;
    for private in ["thomas@", "Thomas Lohninger", "@digiges", "Rep of"] {
        assert!(!text.contains(private), "{private} on the public page");
    }

    // The same list through the API, and the letter closed.
    let list = app.signatories(LETTER).await;
    assert_eq!(list["total"], 4, "{list}");
    let listed: Vec<(&str, &str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["country"]["code"].as_str().unwrap(),
                s["name"].as_str().unwrap(),
                s["verification"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("AT", "epicenter.works", "unverified"),
            ("DE", "Chaos Computer Club", "invitation"),
            ("DE", "Digitale Gesellschaft", "invitation"),
            ("FR", "La Quadrature du Net", "invitation"),
        ]
    );
    assert!(
        !list.to_string().contains('@'),
        "no address in the public list"
    );
    let (_, closed) = status_json(app.get(&format!("/api/v1/letters/{LETTER}")).await).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["signatories"]["total"], 4, "{closed}");
    let r = app
        .sign(
            LETTER,
            &crate::helpers::signer("Late Org", "BE", "late@example.org"),
        )
        .await;
    assert_eq!(r.status(), 409, "a closed letter refuses signatures");
    // Three invitation mails and one confirmation, nothing else.
    let (_, outbox) = status_json(app.get_as(&token, "/api/v1/outbox?per_page=200").await).await;
    let mut kinds: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(kinds.len(), 4, "{outbox}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "invitation").count(),
        3,
        "{outbox}"
    );

    // The dashboard's counts.
    browser.goto(&app.url("/dashboard")).await;
    assert_eq!(
        browser.texts_of("tbody td").await,
        ["Stop commercial spyware", "closed", "0", "0", "4", "3"]
    );

    // 8. Delivered, from setup to delivery without a slug typed: the confirm page says what
    // delivering freezes, and only its button delivers.
    browser.click_text("a", "Stop commercial spyware").await;
    browser.wait_for_path(&letter_page).await;
    browser.click_text("button", "Deliver…").await;
    let consequences = browser.text_of("#consequences").await;
    assert!(
        consequences.contains("The list is frozen at 4 organisations from 3 countries")
            && consequences.contains("president@commission.example"),
        "{consequences}"
    );
    let (_, still) = status_json(app.get(&format!("/api/v1/letters/{LETTER}")).await).await;
    assert_eq!(
        still["state"], "closed",
        "nothing happens before the confirm"
    );
    browser.click("#confirm-button").await;
    browser.wait_for_text_of("#state", "delivered").await;
}

/// A newsroom's page on another origin: a one-page HTTP server on its own port that answers every
/// request with `html`, with no Content-Security-Policy of ours. Returns its address.
async fn newsroom_page(html: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                html.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    address
}

db_test!(
    async fn a_newsroom_page_on_another_origin_reads_and_revalidates_the_list_with_fetch(app) {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let letter = app.open_letter("l", "auto").await;
        app.publish(&letter, &[("Amis de la Terre", "FR"), ("Digitalcourage", "DE")]).await;
        let page = newsroom_page("<!DOCTYPE html><html lang=\"en\"><title>Newsroom</title><p>Chart</p></html>").await;
        browser.goto(&page).await;
        let list = app.url(&format!("/api/v1/letters/{letter}/signatories"));
        // As a newsroom's script would: read, keep the ETag, revalidate with If-None-Match
        // (a header that needs a CORS preflight), and read the CSV and the API's description.
        let script = format!(
            r#"const done = arguments[arguments.length - 1];
            (async () => {{
              const first = await fetch("{list}", {{cache: "no-store", headers: {{"Accept": "application/json"}}}});
              const body = await first.json();
              const etag = first.headers.get("ETag");
              const again = await fetch("{list}", {{cache: "no-store", headers: {{"If-None-Match": etag}}}});
              const csv = await fetch("{list}.csv", {{cache: "no-store"}});
              const spec = await fetch("{spec}", {{cache: "no-store"}});
              return {{status: first.status, total: body.total, etag, revalidated: again.status,
                       link: first.headers.get("Link"), csv: (await csv.text()).split("\n")[0],
                       spec: (await spec.json()).openapi}};
            }})().then(done, e => done({{error: String(e)}}));"#,
            spec = app.url("/api/v1/openapi.json"),
        );
        let answer = browser
            .client
            .execute_async(&script, Vec::new())
            .await
            .expect("the fetches ran");
        assert_eq!(answer.get("error"), None, "{answer}");
        assert_eq!(answer["status"], 200, "{answer}");
        assert_eq!(answer["total"], 2, "{answer}");
        assert!(answer["etag"].as_str().is_some_and(|t| !t.is_empty()), "the ETag is readable: {answer}");
        assert_eq!(answer["revalidated"], 304, "{answer}");
        assert!(answer["link"].as_str().unwrap_or_default().contains("rel=\"cite-as\""), "{answer}");
        assert!(answer["csv"].as_str().unwrap_or_default().starts_with("name,slug,country_code"), "{answer}");
        assert!(answer["spec"].as_str().unwrap_or_default().starts_with("3."), "{answer}");
        browser.close().await;
    }
);
