//! Numbers as each language writes them, from CLDR through ICU4X (`icu_decimal`): 12,345 in
//! English, 12 345 in French, 12.345 in German and Spanish (and 1234 in Spanish, which groups
//! only from five digits). Fluent writes a placeable's number with the formatter its language's
//! bundle is given here, so counts in every message follow the page's language.

use std::cell::RefCell;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale::Locale;

use super::LANGUAGES;

thread_local! {
    /// One formatter per language and thread, made on first use (they are not `Sync`).
    static FORMATTERS: RefCell<HashMap<&'static str, Option<DecimalFormatter>>> =
        RefCell::new(HashMap::new());
}

/// The whole number `n` as `language` writes it; `None` when ICU4X has no data for it.
pub fn whole(language: &'static str, n: i64) -> Option<String> {
    FORMATTERS.with(|formatters| {
        let mut formatters = formatters.borrow_mut();
        let formatter = formatters.entry(language).or_insert_with(|| {
            let locale = Locale::try_from_str(language).ok()?;
            DecimalFormatter::try_new((&locale).into(), Default::default()).ok()
        });
        (formatter.as_ref()).map(|f| f.format(&Decimal::from(n)).to_string())
    })
}

/// Fluent's formatter for the interface language at `index` in [`LANGUAGES`]: whole numbers as
/// [`whole`] writes them; anything else as Fluent does.
fn format<M, const INDEX: usize>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
            whole(LANGUAGES[INDEX], n.value as i64)
        }
        _ => None,
    }
}

/// The formatter for a bundle of `language` (its first locale's language subtag).
pub(super) fn formatter<M>(language: &str) -> Option<fn(&FluentValue, &M) -> Option<String>> {
    match LANGUAGES.iter().position(|l| *l == language)? {
        0 => Some(format::<M, 0>),
        1 => Some(format::<M, 1>),
        2 => Some(format::<M, 2>),
        3 => Some(format::<M, 3>),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn counts_are_grouped_as_each_language_groups_them() {
        assert_eq!(whole("en", 12345).as_deref(), Some("12,345"));
        assert_eq!(whole("fr", 12345).as_deref(), Some("12\u{202f}345"));
        assert_eq!(whole("de", 12345).as_deref(), Some("12.345"));
        assert_eq!(whole("es", 12345).as_deref(), Some("12.345"));
        assert_eq!(whole("es", 1234).as_deref(), Some("1234"));
        // In messages, and the plural form still follows the number.
        let fr = Lang::parse("fr").unwrap();
        assert_eq!(
            fr.with1("count-organisations", "count", 2500),
            "2\u{202f}500 organisations"
        );
        // (The singular: `i18n::tests::numbers_choose_the_plural_form_…`.)
        assert_eq!(
            Lang::default().with1("count-organisations", "count", 1000),
            "1,000 organisations"
        );
    }
}
