//! Country codes and the resolution of free-text country names to codes.
//!
//! The country table itself is seeded from the `rust_iso3166` crate (see
//! `service::countries::seed_iso`); the operator may add territories ISO lacks (XK Kosovo), whose
//! names may not collide with a country's ([`collision`]).
//! [`resolve`] turns what people type ("the Netherlands", "Czech Republic", "north Macedonia",
//! "deu", "fr") into one country, and reports an ambiguous name ("Congo", "Korea") instead of
//! guessing.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// An ISO 3166-1 alpha-2 code (or a user-assigned one such as XK): two ASCII letters, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> Result<CountryCode, String> {
        let code = super::text::fixed_code(input, 2, u8::is_ascii_alphabetic)
            .ok_or("must be a two-letter country code such as FR")?;
        Ok(CountryCode(code.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What [`resolve`] needs to know of a country row.
pub trait CountryNames {
    fn code(&self) -> &str;
    fn alpha3(&self) -> &str;
    fn name(&self) -> &str;
}

/// The ISO 3166-1 list itself, which seeds the country table, as [`resolve`] sees it: what the
/// unit, property and fuzz tests resolve against without a database (`rust_iso3166::ALL`).
impl CountryNames for rust_iso3166::CountryCode {
    fn code(&self) -> &str {
        self.alpha2
    }
    fn alpha3(&self) -> &str {
        self.alpha3
    }
    fn name(&self) -> &str {
        self.name
    }
}

#[derive(Debug, PartialEq)]
pub enum Resolution<'a, C> {
    Found(&'a C),
    /// Several countries answer to this name; never guess between them.
    Ambiguous(Vec<&'a C>),
    Unknown,
}

/// Common English names that differ from the ISO short name and cannot be derived from it by
/// dropping a leading "the" or a parenthesised qualifier. Keys are in [`name_key`] form.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("czech republic", "CZ"),
    ("united states", "US"),
    ("united kingdom", "GB"),
    ("uk", "GB"),
    ("great britain", "GB"),
    ("britain", "GB"),
    ("russia", "RU"),
    ("south korea", "KR"),
    ("republic of korea", "KR"),
    ("north korea", "KP"),
    ("macedonia", "MK"),
    ("republic of north macedonia", "MK"),
    ("holland", "NL"),
    ("vietnam", "VN"),
    ("laos", "LA"),
    ("syria", "SY"),
    ("brunei", "BN"),
    ("turkey", "TR"),
    ("ivory coast", "CI"),
    ("cape verde", "CV"),
    ("swaziland", "SZ"),
    ("east timor", "TL"),
    ("burma", "MM"),
    ("vatican", "VA"),
    ("vatican city", "VA"),
    ("macau", "MO"),
    ("democratic republic of the congo", "CD"),
    ("democratic republic of congo", "CD"),
    ("dr congo", "CD"),
    ("drc", "CD"),
    ("congo kinshasa", "CD"),
    ("republic of the congo", "CG"),
    ("congo brazzaville", "CG"),
    ("uae", "AE"),
    ("us a", "US"), // "U.S.A." (name_key reads "u s" as "us", for "People's")
    ("us", "US"),   // "U.S."
    // Parts of the United Kingdom: an organisation in one is in GB, so this is no guess.
    ("england", "GB"),
    ("scotland", "GB"),
    ("wales", "GB"),
    ("northern ireland", "GB"),
    ("republic of ireland", "IE"),
    ("eire", "IE"),
    ("slovak republic", "SK"),
    ("kyrgyz republic", "KG"),
    ("dprk", "KP"),
    // Names in the country's own language that lists in Europe often use.
    ("deutschland", "DE"),
    ("osterreich", "AT"),
    ("schweiz", "CH"),
    ("suisse", "CH"),
    ("svizzera", "CH"),
    ("belgique", "BE"),
    ("belgie", "BE"),
    ("nederland", "NL"),
    ("espana", "ES"),
    ("italia", "IT"),
    ("polska", "PL"),
    ("cesko", "CZ"),
    ("sverige", "SE"),
    ("norge", "NO"),
    ("danmark", "DK"),
    ("suomi", "FI"),
    ("magyarorszag", "HU"),
];

/// Fold a name for comparison: lower case, diacritics dropped, `&` read as "and", punctuation as
/// space, white space collapsed, a lone "s" joined to the word before it ("People's" ->
/// "peoples"), leading "the" dropped. Folding a key again leaves it unchanged.
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .replace('&', " and ")
        .chars()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<String> = Vec::new();
    for word in folded.split_whitespace() {
        match words.last_mut() {
            Some(before) if word == "s" => before.push('s'),
            _ => words.push(word.to_string()),
        }
    }
    let the = words.iter().take_while(|w| *w == "the").count();
    words[the..].join(" ")
}

/// The name without its parenthesised qualifier: "Netherlands (Kingdom of the)" -> "netherlands".
fn base_key(name: &str) -> String {
    match name.find('(') {
        Some(i) => name_key(&name[..i]),
        None => name_key(name),
    }
}

/// Resolve a code or an English name to one country of `countries`.
pub fn resolve<'a, C: CountryNames>(input: &str, countries: &'a [C]) -> Resolution<'a, C> {
    let s = input.trim();
    let letters_only = s.bytes().all(|b| b.is_ascii_alphabetic());
    if letters_only && s.len() == 2 {
        if let Some(c) = countries.iter().find(|c| c.code().eq_ignore_ascii_case(s)) {
            return Resolution::Found(c);
        }
    }
    if letters_only && s.len() == 3 {
        if let Some(c) = countries
            .iter()
            .find(|c| c.alpha3().eq_ignore_ascii_case(s))
        {
            return Resolution::Found(c);
        }
    }
    let key = name_key(s);
    if key.is_empty() {
        return Resolution::Unknown;
    }
    let matches: Vec<&C> = countries
        .iter()
        .filter(|c| name_key(c.name()) == key || base_key(c.name()) == key)
        .collect();
    match matches.len() {
        1 => return Resolution::Found(matches[0]),
        n if n > 1 => return Resolution::Ambiguous(matches),
        _ => {}
    }
    COMMON_NAMES
        .iter()
        .find(|(alias, _)| *alias == key)
        .and_then(|(_, code)| countries.iter().find(|c| c.code() == *code))
        .map_or(Resolution::Unknown, Resolution::Found)
}

/// The country of `countries` that `name` would already be read as by [`resolve`], directly or
/// through a variant ("Deutschland", "Holland", "Germany (Federal Republic)"), or `None`. A new
/// territory with a colliding name would make the name ambiguous, or take it over, for every
/// sign request and import: [`resolve`] matches an input against each name and against the part
/// before its parenthesised qualifier, so both parts of the new name are checked. An ambiguous
/// name gives the first of its candidates.
pub fn collision<'a, C: CountryNames>(name: &str, countries: &'a [C]) -> Option<&'a C> {
    let base = name.find('(').map(|i| &name[..i]);
    std::iter::once(name)
        .chain(base)
        .find_map(|part| match resolve(part, countries) {
            Resolution::Found(c) => Some(c),
            Resolution::Ambiguous(found) => found.first().copied(),
            Resolution::Unknown => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct C(&'static str, &'static str, &'static str);
    impl CountryNames for C {
        fn code(&self) -> &str {
            self.0
        }
        fn alpha3(&self) -> &str {
            self.1
        }
        fn name(&self) -> &str {
            self.2
        }
    }

    fn iso() -> Vec<C> {
        rust_iso3166::ALL
            .iter()
            .map(|c| C(c.alpha2, c.alpha3, c.name))
            .collect()
    }

    fn code_of(input: &str, countries: &[C]) -> Option<&'static str> {
        match resolve(input, countries) {
            Resolution::Found(c) => Some(c.0),
            _ => None,
        }
    }

    #[test]
    fn codes_and_names_resolve_case_insensitively() {
        let all = iso();
        assert_eq!(code_of("fr", &all), Some("FR"));
        assert_eq!(code_of("DEU", &all), Some("DE"));
        assert_eq!(code_of("france", &all), Some("FR"));
        assert_eq!(code_of("  Germany ", &all), Some("DE"));
    }

    #[test]
    fn common_variants_resolve() {
        let all = iso();
        for (input, code) in [
            ("the Netherlands", "NL"),
            ("Netherlands", "NL"),
            ("Czech Republic", "CZ"),
            ("Czechia", "CZ"),
            ("north Macedonia", "MK"),
            ("the United States of America", "US"),
            ("United Kingdom", "GB"),
            ("UK", "GB"),
            ("the Gambia", "GM"),
            ("Cote d'Ivoire", "CI"),
            ("Côte d’Ivoire", "CI"),
            ("Bolivia", "BO"),
            ("Iran", "IR"),
            ("Turkey", "TR"),
            ("Türkiye", "TR"),
            ("Bosnia & Herzegovina", "BA"),
            ("Democratic Republic of the Congo", "CD"),
            ("Great Britain", "GB"),
            ("England", "GB"),
            ("U.S.A.", "US"),
            ("U.S.", "US"),
            ("USA", "US"),
            ("Ivory Coast", "CI"),
            ("South Korea", "KR"),
            ("Russia", "RU"),
            ("Vietnam", "VN"),
            ("Moldova", "MD"),
            ("Tanzania", "TZ"),
            ("Palestine", "PS"),
            ("Taiwan", "TW"),
            ("Slovak Republic", "SK"),
            ("Deutschland", "DE"),
            ("Österreich", "AT"),
            ("España", "ES"),
        ] {
            assert_eq!(code_of(input, &all), Some(code), "{input}");
        }
    }

    #[test]
    fn ambiguous_names_are_reported_not_guessed() {
        let all = iso();
        for input in ["Congo", "Korea", "Virgin Islands"] {
            match resolve(input, &all) {
                Resolution::Ambiguous(found) => assert!(found.len() >= 2, "{input}"),
                other => panic!("{input}: {:?}", other.is_unknown()),
            }
        }
    }

    #[test]
    // Issue 18, finding 7: a territory named like a country, or one of its variants, would make
    // that country ambiguous (or take its name over) for everyone.
    fn names_that_resolve_to_a_country_collide() {
        let all = iso();
        for name in [
            "Germany",
            "germany",
            "Deutschland",
            "the Netherlands",
            "Holland",
            "Germany (Fake)",
            "Congo",
            "Congo (Other)",
            "UK",
            "DE",
            "DEU",
            "Czech Republic",
        ] {
            assert!(collision(name, &all).is_some(), "{name}");
        }
        assert_eq!(
            collision("Deutschland (West)", &all).map(|c| c.0),
            Some("DE")
        );
        for name in ["Kosovo", "Somaliland", "Atlantis (Lost City)"] {
            assert!(collision(name, &all).is_none(), "{name}");
        }
    }

    #[test]
    fn unknown_names_and_missing_territories_are_unknown() {
        let mut all = iso();
        assert!(resolve("Atlantis", &all).is_unknown());
        assert!(resolve("", &all).is_unknown());
        assert!(resolve("Kosovo", &all).is_unknown());
        assert!(resolve("XK", &all).is_unknown());
        all.push(C("XK", "XKX", "Kosovo"));
        assert_eq!(code_of("Kosovo", &all), Some("XK"));
        assert_eq!(code_of("xk", &all), Some("XK"));
    }

    #[test]
    fn name_keys_fold_once_for_all() {
        // Found by domain::properties: "&’s a" folded to "and s a", and that again to "ands a";
        // a dotted capital I lowered to i + a combining dot that only a second pass dropped.
        for input in [
            "&’s a",
            "İstanbul",
            "The The Gambia",
            "a s s b",
            "People's Republic",
        ] {
            let key = name_key(input);
            assert_eq!(name_key(&key), key, "{input}");
        }
        assert_eq!(name_key("&’s a"), "ands a");
        assert_eq!(name_key("İstanbul"), "istanbul");
        assert_eq!(
            name_key("Lao People's Democratic Republic"),
            "lao peoples democratic republic"
        );
    }

    #[test]
    fn country_codes_parse_to_upper_case() {
        assert_eq!(CountryCode::parse("fr").unwrap().as_str(), "FR");
        assert!(CountryCode::parse("FRA").is_err());
        assert!(CountryCode::parse("F1").is_err());
    }

    impl<C> Resolution<'_, C> {
        fn is_unknown(&self) -> bool {
            matches!(self, Resolution::Unknown)
        }
    }
}
