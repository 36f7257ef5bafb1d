//! Organisation names and verification levels.

use unicode_normalization::UnicodeNormalization;

use super::string_enum;

string_enum!(
    /// How an organisation's identity was checked (DESIGN.md §2).
    Verification { Unverified => "unverified", Domain => "domain", Coordinator => "coordinator" }
);

/// An organisation's display name: trimmed, inner white space collapsed, 1 to 200 characters,
/// one line without control, invisible or text-direction characters (`text::check_line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<OrgName, super::problem::Problem> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(super::problem::Problem::Empty);
        }
        if collapsed.chars().count() > Self::MAX_CHARS {
            return Err(super::problem::Problem::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        // Issue 18, finding 10: no invisible or text-direction characters either (white space,
        // line breaks included, was collapsed above).
        super::text::check_line(&collapsed)?;
        Ok(OrgName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes two spellings of one name the same organisation (with the country):
    /// Unicode NFKC, lower case, punctuation other than `&` dropped, white space collapsed.
    pub fn normalized(&self) -> String {
        fold(self.0.nfkc().flat_map(char::to_lowercase))
    }

    /// The key that makes two names that look alike the same organisation (with the country):
    /// the UTS #39 confusable skeleton (`unicode-security`), so that `TeIl MAMA`, `Тell MAMA`
    /// (a Cyrillic Т) and `Tell MAMA` meet; taken before and after lower-casing (a skeleton
    /// keeps case: `I` becomes `l`, `m` becomes `rn`), then folded like [`Self::normalized`].
    /// Only for comparing: never shown or sorted by.
    pub fn skeleton(&self) -> String {
        use unicode_security::skeleton;
        let shaped: String = skeleton(&self.0).flat_map(char::to_lowercase).collect();
        fold(skeleton(&shaped))
    }
}

/// Letters, digits and `&` kept, every other run of characters one space, trimmed.
fn fold(chars: impl Iterator<Item = char>) -> String {
    let spaced: String = chars
        .map(|c| {
            if c.is_alphanumeric() || c == '&' {
                c
            } else {
                ' '
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl AsRef<str> for OrgName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_collapsed() {
        let name = OrgName::parse("  Digital   Rights\tWatch ").unwrap();
        assert_eq!(name.as_str(), "Digital Rights Watch");
    }

    #[test]
    fn empty_long_and_control_names_are_rejected() {
        assert!(OrgName::parse("   ").is_err());
        assert!(OrgName::parse(&"x".repeat(201)).is_err());
        assert!(OrgName::parse(&"x".repeat(200)).is_ok());
        assert!(OrgName::parse("bad\u{7}name").is_err());
    }

    // Issue 18, finding 10: look-alike names meet at one skeleton; invisible and
    // text-direction characters are refused.
    #[test]
    fn look_alike_names_share_a_skeleton_and_invisible_characters_are_refused() {
        let real = OrgName::parse("Tell MAMA").unwrap().skeleton();
        for look_alike in [
            "TeIl MAMA",
            "\u{422}ell MAMA",
            "tell mama",
            "TELL  MAMA.",
            "Te11 MAMA",
        ] {
            assert_eq!(
                OrgName::parse(look_alike).unwrap().skeleton(),
                real,
                "{look_alike:?}"
            );
        }
        assert_ne!(OrgName::parse("Tell Mum").unwrap().skeleton(), real);
        for bad in ["Tell\u{200b} MAMA", "\u{202e}AMAM lleT", "Tell\u{2066}MAMA"] {
            assert!(OrgName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn spellings_of_one_name_normalise_alike() {
        let a = OrgName::parse("Access Now").unwrap().normalized();
        let b = OrgName::parse("ACCESS  NOW.").unwrap().normalized();
        let c = OrgName::parse("Ａｃｃｅｓｓ Now").unwrap().normalized();
        assert_eq!(a, "access now");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_ne!(a, OrgName::parse("Access Later").unwrap().normalized());
    }
}
