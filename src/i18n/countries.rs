//! Countries as people call them (issue 22, item 4): a country's everyday name in an interface
//! language ("Netherlands", "Pays-Bas", "Tschechien", "Países Bajos") and that language's
//! alphabetical order ("Åland Islands" among the A's in English, "Österreich" among the O's in
//! German), both from CLDR through ICU4X's compiled data (`icu_locale::names`, `icu_collator`).
//!
//! The `countries` table keeps the ISO 3166-1 names: the open data (JSON, CSV `country_name`)
//! says those, so that a data user's joins never change with a CLDR release or a page's
//! language. Only ISO 3166-1 codes take CLDR's names: a territory the operator added keeps the
//! name they gave it (CLDR names some user-assigned codes after other things: XA is
//! "Pseudo-Accents").

use std::cmp::Ordering;

use icu_collator::{options::CollatorOptions, Collator, CollatorBorrowed};
use icu_locale::names::RegionDisplayName;
use icu_locale::subtags::Region;
use icu_locale::Locale;

use super::Lang;

/// A country as a page shows it: its code and its everyday name in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCountry {
    pub code: String,
    pub name: String,
}

/// The country names of one interface language, and its order of them.
pub struct CountryNames {
    locale: Locale,
    collator: CollatorBorrowed<'static>,
}

impl Lang {
    /// This language's everyday country names and their order.
    pub fn country_names(&self) -> CountryNames {
        let locale = Locale::try_from_str(self.code()).expect("the languages are valid locales");
        let collator = Collator::try_new((&locale).into(), CollatorOptions::default())
            .expect("compiled collation data covers every language");
        CountryNames { locale, collator }
    }
}

impl CountryNames {
    /// The everyday name of the country `code` in this language (CLDR's), for an ISO 3166-1
    /// code; `stored`, its name in the country table, for any other code (a territory the
    /// operator added) or a country CLDR does not name.
    pub fn name(&self, code: &str, stored: &str) -> String {
        let iso = rust_iso3166::from_alpha2(code).is_some_and(|c| c.alpha2 == code);
        let region = Region::try_from_str(code).ok().filter(|_| iso);
        region
            .and_then(|r| RegionDisplayName::try_new_light((&self.locale).into(), r).ok())
            .map_or_else(|| stored.to_string(), |name| name.to_string())
    }

    /// The order of two names in this language.
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }

    /// `countries` (code, name in the country table) with their everyday names, in this
    /// language's order of those names: the options of a country picker.
    pub fn list<'a>(
        &self,
        countries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<NamedCountry> {
        let mut named: Vec<NamedCountry> = countries
            .into_iter()
            .map(|(code, stored)| NamedCountry {
                code: code.to_string(),
                name: self.name(code, stored),
            })
            .collect();
        named.sort_by(|a, b| {
            self.compare(&a.name, &b.name)
                .then_with(|| a.code.cmp(&b.code))
        });
        named
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    /// The picker's options for every ISO country, as the sign form lists them.
    fn options(code: &str) -> Vec<NamedCountry> {
        lang(code)
            .country_names()
            .list(rust_iso3166::ALL.iter().map(|c| (c.alpha2, c.name)))
    }

    /// Where a native `<select>` lands when someone types `typed` (type-ahead): the first
    /// option whose label starts with it, ignoring case.
    fn typed<'a>(options: &'a [NamedCountry], typed: &str) -> Option<&'a str> {
        let typed = typed.to_lowercase();
        options
            .iter()
            .find(|o| o.name.to_lowercase().starts_with(&typed))
            .map(|o| o.code.as_str())
    }

    /// Where the country `code` is in `options`.
    fn position(options: &[NamedCountry], code: &str) -> usize {
        options.iter().position(|o| o.code == code).unwrap()
    }

    #[test]
    fn countries_have_their_everyday_names_in_each_language() {
        for (language, code, name) in [
            ("en", "NL", "Netherlands"),
            ("en", "GB", "United Kingdom"),
            ("en", "CZ", "Czechia"),
            ("en", "TR", "Türkiye"),
            ("en", "US", "United States"),
            ("fr", "NL", "Pays-Bas"),
            ("fr", "DE", "Allemagne"),
            ("fr", "GB", "Royaume-Uni"),
            ("de", "DE", "Deutschland"),
            ("de", "AT", "Österreich"),
            ("de", "CZ", "Tschechien"),
            ("es", "NL", "Países Bajos"),
            ("es", "DE", "Alemania"),
        ] {
            let stored = rust_iso3166::from_alpha2(code).unwrap().name;
            assert_eq!(
                lang(language).country_names().name(code, stored),
                name,
                "{language} {code}"
            );
        }
    }

    #[test]
    fn every_iso_country_has_a_name_of_its_own_in_every_language() {
        for language in super::super::LANGUAGES {
            let options = options(language);
            assert_eq!(options.len(), rust_iso3166::ALL.len());
            for o in &options {
                assert!(
                    !o.name.is_empty() && o.name != o.code,
                    "{language}: {o:?} has no CLDR name"
                );
            }
            let mut names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                options.len(),
                "{language}: two countries share a name"
            );
            // The two Congos: told apart by name ("Congo - Brazzaville" and
            // "Congo - Kinshasa" in English), never one "Congo" beside a long formal name.
            let congo = &options[position(&options, "CG")].name;
            let drc = &options[position(&options, "CD")].name;
            assert_ne!(congo, drc, "{language}");
            assert!(!drc.contains('('), "{language}: {drc}");
        }
    }

    #[test]
    fn a_territory_the_operator_added_keeps_its_own_name() {
        let names = lang("fr").country_names();
        assert_eq!(names.name("XK", "Kosovo (test)"), "Kosovo (test)");
        // CLDR names these codes, but not as territories an operator would mean.
        assert_eq!(names.name("XA", "Somaliland"), "Somaliland");
        assert_eq!(names.name("EU", "Europe"), "Europe");
        assert_eq!(
            names.name("fr", "France (lower case)"),
            "France (lower case)"
        );
    }

    #[test]
    fn the_list_is_in_each_languages_alphabetical_order() {
        let before = |options: &[NamedCountry], a: &str, b: &str| {
            assert!(
                position(options, a) < position(options, b),
                "{a} before {b}: {:?}",
                options.iter().map(|o| &o.name).collect::<Vec<_>>()
            );
        };
        let en = options("en");
        assert_eq!(en[0].code, "AF", "Afghanistan first");
        // Åland among the A's, not after Zimbabwe; Türkiye among the T's, not after Tuvalu.
        before(&en, "AF", "AX");
        before(&en, "AX", "AL");
        before(&en, "TN", "TR");
        before(&en, "TR", "TM");
        before(&en, "TR", "TV");
        let fr = options("fr");
        before(&fr, "DE", "AT"); // Allemagne, Autriche
        before(&fr, "EE", "US"); // Estonie, États-Unis
        before(&fr, "US", "ET"); // États-Unis, Éthiopie
        before(&fr, "US", "FI"); // the É's among the E's, not after Zimbabwe
        let de = options("de");
        before(&de, "OM", "AT"); // Oman, Österreich
        before(&de, "AT", "PK"); // Österreich, Pakistan
        let es = options("es");
        before(&es, "IS", "AX"); // Islandia, Islas Aland
        before(&es, "CD", "RO"); // República Democrática del Congo, Rumanía
        for options in [&en, &fr, &de, &es] {
            let last = &options[options.len() - 1].name;
            assert!(last.starts_with('Z'), "{last}");
        }
    }

    #[test]
    fn typing_a_countrys_everyday_name_selects_it() {
        for (language, typed_name, code) in [
            ("en", "Netherlands", "NL"),
            ("en", "Germany", "DE"),
            ("en", "United Kingdom", "GB"),
            ("en", "Czechia", "CZ"),
            ("en", "Türkiye", "TR"),
            ("fr", "Allemagne", "DE"),
            ("fr", "Pays-Bas", "NL"),
            ("fr", "Royaume-Uni", "GB"),
            ("de", "Deutschland", "DE"),
            ("de", "Niederlande", "NL"),
            ("de", "Österreich", "AT"),
            ("es", "Alemania", "DE"),
            ("es", "Países Bajos", "NL"),
            ("es", "Reino Unido", "GB"),
        ] {
            let options = options(language);
            assert_eq!(
                typed(&options, typed_name),
                Some(code),
                "{language}: {typed_name}"
            );
        }
        // Typing "Congo" shows both Congos, each with its name, next to each other.
        let en = options("en");
        let congos: Vec<&NamedCountry> =
            en.iter().filter(|o| o.name.starts_with("Congo")).collect();
        assert_eq!(congos.len(), 2, "{congos:?}");
        assert_eq!(position(&en, "CG").abs_diff(position(&en, "CD")), 1);
    }
}
