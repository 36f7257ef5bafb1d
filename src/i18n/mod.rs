//! The interface's languages: Fluent messages in `locales/<language>/*.ftl`, built into the binary
//! (`fluent-templates`), and the choice of a language for a request. Adding a language is adding
//! its folder under `locales/` and its code to [`LANGUAGES`]; a test checks that every message
//! exists in every language with the same placeholders.
//!
//! What is translated: the signer's path (the letter page, the sign form and its error summary,
//! the pages behind the links in mails), and the names of countries on it ([`CountryNames`]). The
//! dashboard stays English for now.

mod countries;
mod numbers;
pub use countries::{CountryNames, NamedCountry};

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: the pages and mails are plain text
        // in one direction, and the marks would show up in copied text and in search.
        // Numbers as the bundle's language writes them (`numbers`).
        customise: |bundle| {
            bundle.set_use_isolating(false);
            let language = bundle.locales.first().map(|l| l.language.as_str().to_string());
            bundle.set_formatter(language.and_then(|l| numbers::formatter(&l)));
        },
    };
}

/// The interface's languages, the fallback first.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "de", "es"];

/// One of [`LANGUAGES`]: the language a page or a mail is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(&'static str);

impl Default for Lang {
    fn default() -> Self {
        Lang(LANGUAGES[0])
    }
}

impl Lang {
    /// The interface language for a language tag (`fr`, `fr-CA`, `FR`), if there is one.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        LANGUAGES.iter().find(|l| **l == primary).map(|l| Lang(l))
    }

    /// The language for a visitor: the one asked for in the address (`?lang=`), else the one
    /// they chose before (a cookie), else the first of their browser's (`Accept-Language`) that
    /// the interface has, else `fallback` (the letter's own language), else English.
    pub fn negotiate(
        asked: Option<&str>,
        chosen: Option<&str>,
        accept_language: Option<&str>,
        fallback: &str,
    ) -> Lang {
        asked
            .and_then(Lang::parse)
            .or_else(|| chosen.and_then(Lang::parse))
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .or_else(|| Lang::parse(fallback))
            .unwrap_or_default()
    }

    /// The best of [`LANGUAGES`] for an `Accept-Language` header (by its `q` weights).
    fn from_accept_language(header: &str) -> Option<Lang> {
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> =
            LANGUAGES.iter().filter_map(|l| l.parse().ok()).collect();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|id| Lang::parse(id.language.as_str()))
    }

    /// Its code, for `lang` attributes and links: `fr`.
    pub fn code(&self) -> &'static str {
        self.0
    }

    fn id(&self) -> LanguageIdentifier {
        self.0.parse().expect("the languages are valid identifiers")
    }

    /// The message `id` in this language (in English when this language lacks it).
    pub fn get(&self, id: &str) -> String {
        LOCALES.lookup(&self.id(), id)
    }

    /// The message `id` with its placeholders filled: numbers choose the plural form.
    pub fn with(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.to_fluent()))
            .collect();
        LOCALES.lookup_with_args(&self.id(), id, &args)
    }

    /// [`Self::with`] of one placeholder.
    pub fn with1(&self, id: &str, name: &'static str, value: impl Into<Arg>) -> String {
        self.with(id, &[(name, value.into())])
    }

    /// A date as this language writes it: `4 December 2026`, `4 décembre 2026`.
    pub fn date(&self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self.get(&format!("month-{}", date.month()));
        self.with(
            "date",
            &[
                // Text, not numbers: a year is not a count to group (2026, not 2,026).
                ("day", Arg::Text(date.day().to_string())),
                ("month", Arg::Text(month)),
                ("year", Arg::Text(date.year().to_string())),
            ],
        )
    }

    /// A moment in UTC as this language writes it: `4 December 2026, 14:30 UTC`.
    pub fn time_utc(&self, at: chrono::NaiveDateTime) -> String {
        let args = [
            ("date", Arg::Text(self.date(at.date()))),
            ("time", Arg::Text(at.format("%H:%M").to_string())),
        ];
        self.with("time-utc", &args)
    }

    /// This language's name in itself (`Français`), for the language switcher.
    pub fn name(&self) -> String {
        self.get("language-name")
    }

    /// Every interface language.
    pub fn all() -> impl Iterator<Item = Lang> {
        LANGUAGES.iter().map(|l| Lang(l))
    }
}

/// A placeholder's value.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Text(s) => FluentValue::from(s.clone()),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<&&str> for Arg {
    fn from(s: &&str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as i64)
    }
}

impl From<&i64> for Arg {
    fn from(n: &i64) -> Arg {
        Arg::Number(*n)
    }
}

impl From<&i32> for Arg {
    fn from(n: &i32) -> Arg {
        Arg::Number(i64::from(*n))
    }
}

impl From<&usize> for Arg {
    fn from(n: &usize) -> Arg {
        Arg::Number(*n as i64)
    }
}

impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Number(i64::from(n))
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Number(i64::from(n))
    }
}

impl From<&u32> for Arg {
    fn from(n: &u32) -> Arg {
        Arg::Number(i64::from(*n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::collections::BTreeSet;

    /// The message files that exist in English only. The dashboard stays English for now
    /// (docs/LANGUAGES.md): its messages fall back to English in every other language.
    /// Translating the dashboard is adding `dashboard.ftl` to each language's folder and removing
    /// it from this list; the test below then checks it as it checks the others.
    const ENGLISH_ONLY: &[&str] = &["dashboard.ftl"];

    fn locales() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
    }

    /// The names of a language's message files.
    fn files(language: &str) -> BTreeSet<String> {
        std::fs::read_dir(locales().join(language))
            .expect("a folder per language")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Every message id of one file, with the placeholders (`{ $name }`) it uses; `None` when
    /// the language has no such file.
    fn messages_of(language: &str, file: &str) -> Option<BTreeMap<String, BTreeSet<String>>> {
        let text = std::fs::read_to_string(locales().join(language).join(file)).ok()?;
        let resource = fluent_templates::fluent_bundle::FluentResource::try_new(text)
            .unwrap_or_else(|(_, errors)| panic!("{language}/{file}: {errors:?}"));
        let source = resource.source().to_string();
        let mut out = BTreeMap::new();
        let mut id: Option<String> = None;
        for line in source.lines() {
            if line.starts_with('#') {
                // A comment ends the message above: its `{ $name }` are no placeholders of it.
                id = None;
                continue;
            }
            if let Some((name, _)) = line.split_once(" =") {
                if !line.starts_with([' ', '#', '.']) && !name.is_empty() {
                    id = Some(name.trim().to_string());
                    let fresh = out.insert(name.trim().to_string(), BTreeSet::new());
                    assert!(fresh.is_none(), "{language}/{file}: {name} twice");
                }
            }
            if let Some(id) = &id {
                for part in line.split("{ $").skip(1).chain(line.split("{$").skip(1)) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect();
                    out.get_mut(id).unwrap().insert(name);
                }
            }
        }
        Some(out)
    }

    /// Every message id of a language's files, with its placeholders. An id in two files of
    /// one language is refused: the bundle could not be built.
    fn messages(language: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for file in files(language) {
            for (id, placeholders) in messages_of(language, &file).unwrap() {
                let twice = out.insert(id.clone(), placeholders).is_some();
                assert!(!twice, "{language}: {id} is in two files");
            }
        }
        out
    }

    #[test]
    fn every_message_exists_in_every_language_with_the_same_placeholders() {
        let english_files = files("en");
        for file in ENGLISH_ONLY {
            assert!(english_files.contains(*file), "{file} is not in English");
        }
        assert!(
            english_files.contains("signer.ftl") && english_files.contains("mail.ftl"),
            "{english_files:?}"
        );
        let english = messages("en");
        assert!(
            english.len() > 50,
            "the English messages: {}",
            english.len()
        );
        for language in &LANGUAGES[1..] {
            let theirs = files(language);
            let unknown: Vec<_> = theirs.difference(&english_files).collect();
            assert!(
                unknown.is_empty(),
                "{language} has files English lacks: {unknown:?}"
            );
            for file in &english_files {
                let english = messages_of("en", file).unwrap();
                let Some(other) = messages_of(language, file) else {
                    assert!(
                        ENGLISH_ONLY.contains(&file.as_str()),
                        "{language} lacks {file}"
                    );
                    continue;
                };
                let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
                assert!(missing.is_empty(), "{language}/{file} lacks {missing:?}");
                let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
                assert!(
                    extra.is_empty(),
                    "{language}/{file} has messages English lacks: {extra:?}"
                );
                for (id, placeholders) in &english {
                    assert_eq!(&other[id], placeholders, "{language}: {id}'s placeholders");
                }
            }
            messages(language);
        }
    }

    #[test]
    fn a_message_a_language_lacks_is_shown_in_english() {
        let fr = Lang::parse("fr").unwrap();
        assert_eq!(fr.get("dash-login-title"), "Sign in");
        assert_eq!(
            fr.with1("dash-nav-signed-in-as", "name", "Ana"),
            "Signed in as Ana"
        );
        assert_eq!(
            fr.get("sign-button"),
            "Signer la lettre",
            "its own are French"
        );
        // Every message of an English-only file, in every language without that file.
        let en = Lang::default();
        for file in ENGLISH_ONLY {
            let english = messages_of("en", file).unwrap();
            for lang in Lang::all().skip(1) {
                if messages_of(lang.code(), file).is_some() {
                    continue;
                }
                for (id, placeholders) in &english {
                    if placeholders.is_empty() {
                        assert_eq!(lang.get(id), en.get(id), "{}: {id}", lang.code());
                    }
                }
            }
        }
        // A message no language has is no error either: the page would show this, which is why
        // every id the code asks for is checked below.
        assert_eq!(
            fr.get("no-such-message"),
            "Unknown localization key: \"no-such-message\""
        );
    }

    /// The text of every template and source file.
    fn code() -> Vec<(std::path::PathBuf, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        walk(&root.join("templates"), &mut out);
        walk(&root.join("src"), &mut out);
        out
    }

    /// A mistyped id is no compile error: the page would show "Unknown localization key".
    #[test]
    fn every_message_the_templates_and_the_code_ask_for_exists_in_english() {
        let english = messages("en");
        let call = regex_lite::Regex::new(r#"\bt\s*\.\s*(get|with1|with)\(\s*"([^"]*)""#).unwrap();
        let with1 =
            regex_lite::Regex::new(r#"\bt\s*\.\s*with1\(\s*"([^"]*)"\s*,\s*"([^"]*)""#).unwrap();
        // Dashboard ids chosen in code (`let id = match … { … => "dash-saved" }; t.get(id)`).
        let named = regex_lite::Regex::new(r#""(dash-[a-z0-9-]+)""#).unwrap();
        let (mut calls, mut wrong) = (0, Vec::new());
        for (path, text) in code() {
            let file = path.display();
            for found in call.captures_iter(&text) {
                calls += 1;
                if !english.contains_key(&found[2]) {
                    wrong.push(format!("{file}: {}", &found[2]));
                }
            }
            for found in with1.captures_iter(&text) {
                let known = english.get(&found[1]);
                if known.is_some_and(|names| !names.contains(&found[2])) {
                    wrong.push(format!("{file}: {} has no {{ ${} }}", &found[1], &found[2]));
                }
            }
            for found in named.captures_iter(&text) {
                if !english.contains_key(&found[1]) {
                    wrong.push(format!("{file}: {}", &found[1]));
                }
            }
        }
        assert!(calls > 300, "the scan found {calls} messages asked for");
        assert!(wrong.is_empty(), "messages that do not exist: {wrong:#?}");
    }

    #[test]
    fn every_dashboard_message_is_used() {
        let code: Vec<String> = code().into_iter().map(|(_, text)| text).collect();
        let unused: Vec<String> = messages_of("en", "dashboard.ftl")
            .unwrap()
            .into_keys()
            .filter(|id| !code.iter().any(|text| text.contains(&format!("\"{id}\""))))
            .collect();
        assert!(unused.is_empty(), "messages no page uses: {unused:?}");
    }

    #[test]
    fn the_language_comes_from_the_address_then_the_choice_then_the_browser_then_the_letter() {
        let pick =
            |asked, chosen, accept, letter| Lang::negotiate(asked, chosen, accept, letter).code();
        assert_eq!(pick(Some("fr"), Some("de"), Some("es"), "en"), "fr");
        assert_eq!(pick(None, Some("de"), Some("es"), "en"), "de");
        assert_eq!(
            pick(None, None, Some("pt-BR, es;q=0.8, en;q=0.5"), "en"),
            "es"
        );
        assert_eq!(pick(None, None, Some("de-AT"), "en"), "de");
        assert_eq!(
            pick(Some("xx"), None, None, "fr"),
            "fr",
            "an unknown choice is ignored"
        );
        assert_eq!(pick(None, None, Some("pt"), "pt"), "en", "English at last");
        assert_eq!(Lang::parse("FR-ca").unwrap().code(), "fr");
    }

    #[test]
    fn numbers_choose_the_plural_form_and_dates_read_as_the_language_writes_them() {
        let fr = Lang::parse("fr").unwrap();
        let en = Lang::default();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(en.date(date), "4 December 2026");
        assert_eq!(fr.date(date), "4 décembre 2026");
        assert_eq!(Lang::parse("de").unwrap().date(date), "4. Dezember 2026");
        let at = date.and_hms_opt(14, 30, 0).unwrap();
        assert_eq!(en.time_utc(at), "4 December 2026, 14:30 UTC");
        for (lang, count, said) in [
            (en, 1, "1 organisation"),
            (en, 3, "3 organisations"),
            (fr, 1, "1 organisation"),
            (fr, 2, "2 organisations"),
        ] {
            assert_eq!(lang.with1("count-organisations", "count", count), said);
        }
        assert_eq!(fr.get("sign-button"), "Signer la lettre");
    }
}
