//! Organisation names and verification levels.

use unicode_normalization::UnicodeNormalization;

use super::string_enum;

string_enum!(
    /// How an organisation's identity was checked (DESIGN.md §2).
    Verification { Unverified => "unverified", Domain => "domain", Coordinator => "coordinator" }
);

/// An organisation's display name: trimmed, inner white space collapsed, 1 to 200 characters,
/// no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<OrgName, String> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err("must not be empty".into());
        }
        if collapsed.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        if collapsed.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(OrgName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes two spellings of one name the same organisation (with the country):
    /// Unicode NFKC, lower case, punctuation other than `&` dropped, white space collapsed.
    pub fn normalized(&self) -> String {
        let folded: String = self
            .0
            .nfkc()
            .flat_map(char::to_lowercase)
            .map(|c| {
                if c.is_alphanumeric() || c == '&' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    }
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
