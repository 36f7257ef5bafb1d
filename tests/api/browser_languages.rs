//! The signer's path in each of the interface's languages, in headless Chromium on a phone's
//! viewport (issue 22): the letter page, a mistake answered at the form, the answer after
//! signing, the confirmation mail, the confirm and withdraw pages behind its links — every text
//! checked against `locales/<language>/*.ftl`, and every page checked with axe-core
//! ([`Browser::axe`], failing on any violation). The browser and axe-core are found, or skipped,
//! as `browser.rs` says.

use std::collections::HashMap;

use serde_json::json;

use crate::browser::{link_in, Browser};
use crate::db_test;
use crate::helpers::{signer, TestApp};

/// The messages of one language as its Fluent files write them: a simple message is its text;
/// one with variants (`{ $count -> … }`) is its lines, read with [`Messages::variant`].
struct Messages {
    code: &'static str,
    messages: HashMap<String, String>,
}

impl Messages {
    fn load(code: &'static str) -> Messages {
        let mut messages = HashMap::new();
        for file in ["signer.ftl", "mail.ftl"] {
            let path = format!("{}/locales/{code}/{file}", env!("CARGO_MANIFEST_DIR"));
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
            let mut current: Option<String> = None;
            for line in text.lines() {
                if line.starts_with(char::is_whitespace) {
                    if let Some(id) = &current {
                        let value: &mut String = messages.get_mut(id).expect("its message");
                        value.push('\n');
                        value.push_str(line.trim());
                    }
                } else if let Some((id, value)) = line
                    .split_once(" = ")
                    .or_else(|| Some((line.strip_suffix(" =")?, "")))
                    .filter(|_| !line.starts_with('#'))
                {
                    messages.insert(id.to_string(), value.trim().to_string());
                    current = Some(id.to_string());
                } else {
                    current = None;
                }
            }
        }
        Messages { code, messages }
    }

    /// The text of a simple message.
    fn get(&self, id: &str) -> &str {
        let text = self
            .messages
            .get(id)
            .unwrap_or_else(|| panic!("no message {id} in locales/{}", self.code));
        assert!(!text.contains('\n'), "{id} has variants");
        text
    }

    /// A message with its placeholders (`{ $name }`) filled in.
    fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(id).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{ ${name} }}"), value);
        }
        assert!(!text.contains("{ $"), "{id}: a placeholder left in {text}");
        text
    }

    /// The variant `[key]` (or `*[key]`) of a message with variants.
    fn variant(&self, id: &str, key: &str) -> &str {
        let lines = self
            .messages
            .get(id)
            .unwrap_or_else(|| panic!("no message {id} in locales/{}", self.code));
        let mark = format!("[{key}] ");
        lines
            .lines()
            .find_map(|l| l.trim_start_matches('*').strip_prefix(&mark))
            .unwrap_or_else(|| panic!("{id} has no variant {key} in locales/{}", self.code))
    }
}

db_test!(
    async fn a_signer_on_a_phone_signs_confirms_and_withdraws_in_english_and_axe_finds_nothing(
        app
    ) {
        signers_path(&app, "en").await;
    }
);

db_test!(
    async fn a_signer_on_a_phone_signs_confirms_and_withdraws_in_french_and_axe_finds_nothing(
        app
    ) {
        signers_path(&app, "fr").await;
    }
);

db_test!(
    async fn a_signer_on_a_phone_signs_confirms_and_withdraws_in_german_and_axe_finds_nothing(
        app
    ) {
        signers_path(&app, "de").await;
    }
);

db_test!(
    async fn a_signer_on_a_phone_signs_confirms_and_withdraws_in_spanish_and_axe_finds_nothing(
        app
    ) {
        signers_path(&app, "es").await;
    }
);

/// The whole path in `code`, on a 390 px viewport, with axe-core on each page and state.
async fn signers_path(app: &TestApp, code: &'static str) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let ui = Messages::load(code);
    let english = Messages::load("en");
    let letter = app.open_letter("l", "auto").await;
    // Listed organisations, one of them verified by its domain, so that the page has its count,
    // chart, table and badges to check too.
    app.publish(&letter, &[("Listed in Belgium", "BE")]).await;
    let mut verified = signer("Listed in France", "FR", "ada@listed.example.fr");
    verified["website"] = json!("https://listed.example.fr/");
    assert_eq!(app.sign(&letter, &verified).await.status(), 202);
    let mails = app.mail.wait_for(2).await;
    app.confirm(&mails[1]).await;
    assert_eq!(app.signatories(&letter).await["total"], 2);
    let before = app.mail.mails().len();

    browser.resize(390, 844).await;
    assert_eq!(
        browser.script("return window.innerWidth;").await,
        json!(390)
    );
    let lang = "return document.documentElement.lang;";
    let in_view = |sel: &str| {
        format!(
            "const r = document.querySelector('{sel}').getBoundingClientRect(); \
             return r.top >= -1 && r.bottom <= window.innerHeight + 1;"
        )
    };

    // The letter page, in the language the address asks for.
    browser
        .goto(&app.url(&format!("/letters/{letter}?lang={code}")))
        .await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(
        browser.text_of("#sign-first a.button").await,
        ui.get("sign-this-letter")
    );
    assert_eq!(browser.text_of("h2#sign").await, ui.get("sign-heading"));
    assert_eq!(
        browser.text_of("label[for=organisation_name]").await,
        ui.get("field-organisation")
    );
    assert_eq!(
        browser.text_of("form.sign button[type=submit]").await,
        ui.get("sign-button")
    );
    // The letter has an English text only: other languages say so, in their own words.
    if code == "en" {
        assert!(browser.find_all("#untranslated").await.is_empty());
    } else {
        assert_eq!(
            browser.text_of("#untranslated").await,
            ui.get("not-translated")
        );
    }
    let badge = browser.text_of(".badge").await;
    assert_eq!(
        badge,
        ui.with("badge-verified", &[("domain", "example.fr")])
    );
    // The chart's table open, so that axe reads it too.
    browser.click("#chart-table summary").await;
    // Everyday country names in the page's language (CLDR, `i18n::countries`).
    let names = undersigned::i18n::Lang::parse(code)
        .unwrap()
        .country_names();
    assert_eq!(
        browser.texts_of("#chart-table td").await,
        [
            names.name("BE", "Belgium").as_str(),
            "1",
            names.name("FR", "France").as_str(),
            "1"
        ]
    );
    browser.axe(&format!("the letter page in {code}")).await;

    // A mistake: the organisation's name left blank.
    browser.click("#sign-first a.button").await;
    browser.select("country", "FR").await;
    browser.fill("representative_name", "Anne").await;
    browser.fill("representative_role", "Director").await;
    browser.fill("email", "anne@quadrature.example.org").await;
    browser.check("consent").await;
    browser.click("form.sign button[type=submit]").await;
    browser
        .wait_for_path(&format!("/letters/{letter}/sign"))
        .await;
    // Answered at the form, in that language, on screen and focused.
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(
        browser.text_of("#error-summary h3").await,
        ui.variant("errors-title", "one")
    );
    // The field's own message too (the domain's `Problem`, in the page's language).
    assert_eq!(
        browser.texts_of("#error-summary li a").await,
        [ui.with(
            "error-item",
            &[
                ("field", ui.get("field-organisation")),
                ("message", ui.get("problem-empty"))
            ]
        )]
    );
    assert_eq!(
        browser.script("return document.activeElement.id;").await,
        json!("error-summary")
    );
    assert_eq!(
        browser.script(&in_view("#error-summary")).await,
        json!(true)
    );
    let at_the_form = "return document.querySelector('section[aria-labelledby=sign]')\
                       .contains(document.querySelector('#error-summary'));";
    assert_eq!(browser.script(at_the_form).await, json!(true));
    assert_eq!(
        app.mail.mails().len(),
        before,
        "nothing signed, nothing sent"
    );
    browser
        .axe(&format!("the sign form with a mistake in {code}"))
        .await;

    // Corrected, it signs: the answer, then the mail, in that language.
    browser.fill("organisation_name", "Quadrature Org").await;
    browser.click("form.sign button[type=submit]").await;
    browser
        .wait_for_path(&format!("/letters/{letter}/signed"))
        .await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(browser.text_of("h1").await, ui.get("check-email-title"));
    assert_eq!(
        browser.text_of("main p").await,
        ui.with("check-email", &[("title", "Letter l")])
    );
    assert_eq!(browser.text_of("main p a").await, ui.get("back-to-letter"));
    browser
        .axe(&format!("the answer after signing in {code}"))
        .await;

    let mail = app.mail.wait_for(before + 1).await.remove(before);
    assert_eq!(mail.to, ["anne@quadrature.example.org"]);
    assert_eq!(
        mail.subject,
        ui.with("confirm-subject", &[("title", "Letter l")])
    );
    assert!(
        mail.html.contains(&format!("<html lang=\"{code}\">")),
        "{}",
        mail.html
    );
    let hello = ui.with("mail-hello", &[("name", "Anne")]);
    assert!(mail.text.starts_with(&hello), "{code}: {}", mail.text);
    for id in ["confirm-open", "withdraw-any-time"] {
        assert!(
            mail.text.contains(ui.get(id)),
            "{code}, {id}: {}",
            mail.text
        );
    }
    if code != "en" {
        assert_ne!(ui.get("confirm-open"), english.get("confirm-open"));
        assert!(
            !mail.text.contains(english.get("confirm-open")),
            "{}",
            mail.text
        );
    }

    // The confirm page behind the mail's link, then its button.
    browser.goto(&link_in(&mail, "confirm")).await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(browser.text_of("h1").await, ui.get("confirm-heading"));
    assert_eq!(browser.text_of("p.notice").await, ui.get("confirm-explain"));
    assert!(browser.text().await.contains("Quadrature Org"));
    browser.axe(&format!("the confirm page in {code}")).await;
    browser.click_text("button", ui.get("confirm-button")).await;
    browser
        .wait_for_text_of("h1", ui.get("confirmed-heading"))
        .await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(
        browser.text_of("p.notice").await,
        ui.get("confirmed-listed")
    );
    assert_eq!(app.signatories(&letter).await["total"], 3);
    browser.axe(&format!("the confirmed page in {code}")).await;

    // The withdraw page behind the mail's other link, then its button.
    browser.goto(&link_in(&mail, "withdraw")).await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(browser.text_of("h1").await, ui.get("withdraw-heading"));
    assert_eq!(
        browser.text_of("p.notice").await,
        ui.get("withdraw-explain")
    );
    browser.axe(&format!("the withdraw page in {code}")).await;
    browser
        .click_text("button", ui.get("withdraw-button"))
        .await;
    browser
        .wait_for_text_of("h1", ui.get("withdrawn-heading"))
        .await;
    assert_eq!(browser.script(lang).await, json!(code));
    assert_eq!(browser.text_of("p.notice").await, ui.get("withdrawn"));
    assert_eq!(app.signatories(&letter).await["total"], 2);
    browser.axe(&format!("the withdrawn page in {code}")).await;
    browser.close().await;
}
