//! Property tests for the domain newtypes (proptest): every parser of outside input takes any
//! string without panicking, whatever it accepts parses again to itself, its normal form is
//! stable, and its length limits hold. The fuzz targets in `fuzz/` push the same parsers further.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::country::{name_key, resolve, CountryNames, Resolution};
use super::import::{self, Format, Outcome};
use super::*;

/// Few enough cases that `cargo test` stays quick; the fuzzers run longer.
fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

fn iso() -> Vec<rust_iso3166::CountryCode> {
    rust_iso3166::ALL.to_vec()
}

/// Any text, or text close to what a parser accepts (so that the accepting paths are reached).
fn text(near: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::string::string_regex(near).unwrap()
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn slugs_round_trip_and_stay_within_limits(s in text("[ ]?[a-z0-9-]{0,90}[A-Z ]?")) {
        if let Ok(slug) = Slug::parse(&s) {
            let t = slug.as_str();
            prop_assert!(!t.is_empty() && t.len() <= Slug::MAX_CHARS);
            prop_assert!(t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!t.starts_with('-') && !t.ends_with('-') && !t.contains("--"));
            prop_assert_eq!(Slug::parse(t), Ok(slug.clone()));
            for n in [0, 2, 99, u32::MAX] {
                let suffixed = slug.with_suffix(n);
                prop_assert_eq!(Slug::parse(suffixed.as_str()), Ok(suffixed.clone()));
            }
        }
    }

    #[test]
    fn derived_slugs_are_valid_and_short(s in any::<String>()) {
        if let Some(slug) = Slug::derive(&s) {
            prop_assert!(slug.as_str().len() <= 60);
            prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
            prop_assert_eq!(Slug::derive(slug.as_str()), Some(slug));
        }
    }

    #[test]
    fn websites_round_trip(s in text("(https?://)?[a-zA-Z0-9.:@/?#%-]{0,40}")) {
        if let Ok(w) = Website::parse(&s) {
            prop_assert!(w.as_str().starts_with("http://") || w.as_str().starts_with("https://"));
            prop_assert_eq!(Website::parse(w.as_str()), Ok(w.clone()));
            prop_assert!(w.domain().is_some_and(|d| !d.is_empty()));
        }
    }

    #[test]
    fn email_addresses_round_trip(s in text("[ ]?[a-zA-Z0-9.+_-]{0,20}@[a-zA-Z0-9.-]{0,20}[ ]?")) {
        if let Ok(e) = EmailAddress::parse(&s) {
            prop_assert!(e.as_str().len() <= 254 && e.as_str().contains('@'));
            prop_assert_eq!(e.as_str(), e.as_str().trim());
            prop_assert_eq!(EmailAddress::parse(e.as_str()), Ok(e.clone()));
        }
    }

    #[test]
    fn email_domains_are_lower_case_and_stable(s in text("@?[a-zA-Z0-9.-]{0,30}")) {
        if let Ok(d) = EmailDomain::parse(&s) {
            let t = d.as_str();
            prop_assert!(t.len() <= 253 && t.contains('.'));
            prop_assert!(!t.bytes().any(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(EmailDomain::parse(t), Ok(d.clone()));
        }
    }

    #[test]
    fn language_tags_round_trip(s in text("[a-zA-Z]{1,4}(-[a-zA-Z0-9]{1,9}){0,3}")) {
        if let Ok(tag) = LanguageTag::parse(&s) {
            let t = tag.as_str();
            let primary = t.split('-').next().unwrap();
            prop_assert!((2..=3).contains(&primary.len()));
            prop_assert!(primary.bytes().all(|b| b.is_ascii_lowercase()));
            prop_assert_eq!(LanguageTag::parse(t), Ok(tag.clone()));
        }
    }

    #[test]
    fn org_names_round_trip_and_normalise_stably(s in text("[ \t]?[A-Za-zÀ-ÿ&.,' \t-]{0,40}")) {
        if let Ok(name) = OrgName::parse(&s) {
            let t = name.as_str();
            prop_assert!(t.chars().count() <= OrgName::MAX_CHARS);
            prop_assert!(!t.chars().any(char::is_control));
            prop_assert_eq!(t, t.trim());
            prop_assert!(!t.contains("  "));
            prop_assert_eq!(OrgName::parse(t), Ok(name.clone()));
            let key = name.normalized();
            if let Ok(again) = OrgName::parse(&key) {
                prop_assert_eq!(again.normalized(), key);
            }
        }
    }

    #[test]
    fn country_codes_are_two_upper_case_letters(s in text("[ ]?[a-zA-Z0-9]{1,3}[ ]?")) {
        if let Ok(c) = CountryCode::parse(&s) {
            prop_assert!(c.as_str().len() == 2 && c.as_str().bytes().all(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(CountryCode::parse(c.as_str()), Ok(c.clone()));
        }
    }

    #[test]
    fn passwords_are_checked_by_length_alone(s in any::<String>()) {
        let n = s.chars().count();
        prop_assert_eq!(
            Password::parse(&s).is_ok(),
            (Password::MIN..=Password::MAX).contains(&n)
        );
    }

    #[test]
    fn string_enums_read_their_own_words_only(s in text("[ ]?[a-zA-Z]{0,12}[ ]?")) {
        fn check<E>(s: &str, all: &[E], as_str: fn(E) -> &'static str) -> Result<(), TestCaseError>
        where
            E: Copy + PartialEq + std::fmt::Debug + std::str::FromStr + serde::Serialize
                + serde::de::DeserializeOwned,
        {
            if let Ok(v) = s.parse::<E>() {
                prop_assert_eq!(as_str(v), s.trim().to_ascii_lowercase());
            }
            for &v in all {
                prop_assert_eq!(as_str(v).parse::<E>().ok(), Some(v));
                let json = serde_json::to_string(&v).unwrap();
                prop_assert_eq!(json.clone(), format!("\"{}\"", as_str(v)));
                prop_assert_eq!(serde_json::from_str::<E>(&json).ok(), Some(v));
            }
            Ok(())
        }
        check(&s, Role::ALL, Role::as_str)?;
        check(&s, Verification::ALL, Verification::as_str)?;
        check(&s, LetterState::ALL, LetterState::as_str)?;
        check(&s, Moderation::ALL, Moderation::as_str)?;
        check(&s, Visibility::ALL, Visibility::as_str)?;
        check(&s, SignatureState::ALL, SignatureState::as_str)?;
        check(&s, SignatureVerification::ALL, SignatureVerification::as_str)?;
        check(&s, MailKind::ALL, MailKind::as_str)?;
        check(&s, MailState::ALL, MailState::as_str)?;
        check(&s, Format::ALL, Format::as_str)?;
        check(&s, campaign::EventKind::ALL, campaign::EventKind::as_str)?;
        check(&s, ledger::Action::ALL, ledger::Action::as_str)?;
    }

    #[test]
    fn name_keys_are_folded_and_stable(s in text("[ ]?(the |The )?[A-Za-zÀ-ÿİ&.,'’() -]{0,40}")) {
        let key = name_key(&s);
        prop_assert_eq!(key.as_str(), key.trim());
        prop_assert!(!key.contains("  "));
        prop_assert!(key.chars().all(|c| c == ' ' || c.is_alphanumeric()));
        prop_assert!(!key.starts_with("the "));
        prop_assert_eq!(name_key(&key), key);
    }

    #[test]
    fn resolution_never_guesses(s in text("[ ]?(the )?[A-Za-zô'’&(). -]{0,30}")) {
        let all = iso();
        match resolve(&s, &all) {
            Resolution::Found(c) => {
                // Found by code, alpha-3 or a name; the same input resolves the same way again.
                prop_assert!(matches!(resolve(&s, &all), Resolution::Found(d) if d.code() == c.code()));
            }
            Resolution::Ambiguous(found) => prop_assert!(found.len() >= 2),
            Resolution::Unknown => {}
        }
    }

    #[test]
    fn import_lines_parse_and_resolve_without_panicking(
        content in text("((- |1\\. )?[A-Za-z&. ]{0,12}( \\(|, | - |\t)?[A-Za-z ]{0,10}\\)?[,;]?\n){0,6}"),
        csv in any::<bool>(),
    ) {
        let all = iso();
        let format = if csv { Format::Csv } else { Format::Text };
        let content = if csv { format!("name,country,website,email\n{content}") } else { content };
        if let Ok(raw) = import::parse(format, &content, &all) {
            prop_assert!(!raw.is_empty());
            let n = raw.len();
            let lines = import::resolve_lines(raw, &all, &BTreeMap::new());
            prop_assert_eq!(lines.len(), n);
            for line in &lines {
                prop_assert!(line.raw.line >= 1);
                if format == Format::Text {
                    prop_assert!(!line.raw.text.is_empty());
                }
                match &line.outcome {
                    Outcome::Ready(entry) => {
                        prop_assert_eq!(OrgName::parse(entry.name.as_str()), Ok(entry.name.clone()));
                    }
                    Outcome::Review(issues) => prop_assert!(!issues.is_empty()),
                    Outcome::Duplicate(earlier) => prop_assert!(*earlier < line.raw.line),
                }
            }
        }
    }
}
