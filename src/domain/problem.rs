//! Why a field was refused, in words a person can act on. Each problem is one Fluent message
//! (`problem-…` in `locales/<language>/signer.ftl`): the API and the command line answer with its
//! English text, the signer's pages show it in the page's language. The parsers of the
//! signer's fields ([`super::text`], [`super::organisation::OrgName`]) return one; other parsers
//! still answer with English text only.

use crate::i18n::{Arg, Lang};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nothing was given.
    Required,
    /// Only white space was given.
    Blank,
    /// Nothing but white space was given for a name.
    Empty,
    TooLong {
        max: usize,
    },
    /// A line break or another control character in text meant as one line.
    NotOneLine,
    /// An invisible or text-direction character (U+202E, a zero-width space).
    Invisible {
        code_point: char,
    },
    NotAWebAddress,
    NotHttp,
    NoHost,
    HasCredentials,
    NotAnEmailAddress,
    /// An address whose domain is not on the Internet (`name@host`, `name@example.con`).
    Undeliverable {
        domain: String,
    },
    NotALanguageTag,
    /// The sign form's privacy notice was not accepted.
    NoConsent,
}

impl Problem {
    /// The problem in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        let (id, args): (&str, Vec<(&'static str, Arg)>) = match self {
            Problem::Required => ("problem-required", vec![]),
            Problem::Blank => ("problem-blank", vec![]),
            Problem::Empty => ("problem-empty", vec![]),
            // As text: the API's English says "2048", as it always did.
            Problem::TooLong { max } => (
                "problem-too-long",
                vec![("max", Arg::from(max.to_string()))],
            ),
            Problem::NotOneLine => ("problem-not-one-line", vec![]),
            Problem::Invisible { code_point } => (
                "problem-invisible",
                vec![(
                    "code_point",
                    Arg::from(format!("U+{:04X}", u32::from(*code_point))),
                )],
            ),
            Problem::NotAWebAddress => ("problem-not-a-web-address", vec![]),
            Problem::NotHttp => ("problem-not-http", vec![]),
            Problem::NoHost => ("problem-no-host", vec![]),
            Problem::HasCredentials => ("problem-has-credentials", vec![]),
            Problem::NotAnEmailAddress => ("problem-not-an-email-address", vec![]),
            Problem::Undeliverable { domain } => (
                "problem-undeliverable",
                vec![("domain", Arg::from(domain.as_str()))],
            ),
            Problem::NotALanguageTag => ("problem-not-a-language-tag", vec![]),
            Problem::NoConsent => ("problem-no-consent", vec![]),
        };
        lang.with(id, &args)
    }
}

/// The English text: what the API and the command line answer.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_lang(Lang::default()))
    }
}

impl From<Problem> for String {
    fn from(problem: Problem) -> String {
        problem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_text_is_what_the_api_always_said() {
        assert_eq!(
            Problem::TooLong { max: 200 }.to_string(),
            "must be at most 200 characters"
        );
        assert_eq!(
            Problem::Invisible {
                code_point: '\u{202e}'
            }
            .to_string(),
            "must not contain invisible or text-direction characters (U+202E)"
        );
        assert_eq!(
            Problem::Undeliverable {
                domain: "host".into()
            }
            .to_string(),
            "cannot receive mail: \"host\" is not a domain on the Internet \
             (an address looks like name@example.org)"
        );
    }

    #[test]
    fn each_problem_reads_in_each_language() {
        let fr = Lang::parse("fr").unwrap();
        assert_eq!(
            Problem::TooLong { max: 200 }.in_lang(fr),
            "doit compter au plus 200 caractères"
        );
        assert_eq!(Problem::Required.in_lang(fr), "est obligatoire");
        let de = Lang::parse("de").unwrap();
        assert_ne!(
            Problem::NoConsent.in_lang(de),
            Problem::NoConsent.to_string()
        );
    }
}
