//! Small text newtypes: slugs, websites, email addresses and domains, language tags; and the two
//! parsers of free text, [`text`] (may span lines) and [`line`] (one line, shown as written).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::GeneralSecurityProfile;
use validator::ValidateEmail;

use super::problem::Problem;

/// `input` without surrounding white space, when that is a code of exactly `len` ASCII
/// characters that all pass `allowed` (a country code, a link token); `None` otherwise.
pub fn fixed_code(input: &str, len: usize, allowed: fn(&u8) -> bool) -> Option<&str> {
    let s = input.trim();
    (s.len() == len && s.bytes().all(|b| allowed(&b))).then_some(s)
}

/// A parser for free text that may span lines (a body, a comment): trimmed, not blank, at most
/// `max` characters.
pub fn text(max: usize) -> impl Fn(&str) -> Result<String, Problem> {
    move |s: &str| {
        let s = s.trim();
        if s.is_empty() {
            Err(Problem::Blank)
        } else if s.chars().count() > max {
            Err(Problem::TooLong { max })
        } else {
            Ok(s.to_string())
        }
    }
}

/// A parser for text meant as one line (a title, a name, a role, a subject): [`text`], and
/// [`check_line`].
pub fn line(max: usize) -> impl Fn(&str) -> Result<String, Problem> {
    move |s: &str| {
        let s = text(max)(s)?;
        check_line(&s)?;
        Ok(s)
    }
}

/// Refuse what makes one line of text show otherwise than it reads: control characters (line
/// breaks, tabs, NUL, ...), and invisible characters, which include the bidirectional controls
/// that reverse what follows (U+202E) and zero-width spaces. "Invisible" is Unicode's
/// `Default_Ignorable_Code_Point` as UTS #39 types it (through `unicode-security`), but for the
/// joiners U+200C/U+200D, which Persian and Indic scripts need inside words (comparisons of names
/// drop them: `OrgName::skeleton`).
pub fn check_line(s: &str) -> Result<(), Problem> {
    if s.chars().any(char::is_control) {
        return Err(Problem::NotOneLine);
    }
    if let Some(c) = s
        .chars()
        .filter(|c| !matches!(c, '\u{200c}' | '\u{200d}'))
        .find(|c| c.identifier_type() == Some(IdentifierType::Default_Ignorable))
    {
        return Err(Problem::Invisible { code_point: c });
    }
    Ok(())
}

/// A URL slug: lowercase ASCII letters, digits and single dashes, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub const MAX_CHARS: usize = 80;

    /// Accept a slug exactly as given.
    pub fn parse(input: &str) -> Result<Slug, String> {
        let s = input.trim();
        let well_formed = !s.is_empty()
            && s.len() <= Self::MAX_CHARS
            && s.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if well_formed {
            Ok(Slug(s.to_string()))
        } else {
            Err(format!(
                "must be 1 to {} lowercase letters, digits and single dashes, like \"stop-spyware-2026\"",
                Self::MAX_CHARS
            ))
        }
    }

    /// Make a slug from free text (a title or a name), at most 60 characters, cut at a dash.
    /// Text with no letters or digits gives `None`.
    pub fn derive(text: &str) -> Option<Slug> {
        let mut s = slug::slugify(text);
        if s.len() > 60 {
            s.truncate(60);
            if let Some(cut) = s.rfind('-') {
                s.truncate(cut);
            }
        }
        Slug::parse(&s).ok()
    }

    /// This slug with a numeric suffix, for a derived slug that is already taken.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(Self::MAX_CHARS - suffix.len());
        Slug(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organisation's website: an absolute `http(s)` URL with a host. `example.org` is read as
/// `https://example.org/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website(url::Url);

impl Website {
    pub fn parse(input: &str) -> Result<Website, Problem> {
        let s = input.trim();
        if s.len() > 2048 {
            return Err(Problem::TooLong { max: 2048 });
        }
        let with_scheme = if s.contains("://") {
            s.to_string()
        } else {
            format!("https://{s}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| Problem::NotAWebAddress)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Problem::NotHttp);
        }
        match url.host() {
            Some(url::Host::Domain(d)) if d.contains('.') => {}
            _ => return Err(Problem::NoHost),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Problem::HasCredentials);
        }
        Ok(Website(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The website's host name without a leading `www.`.
    pub fn domain(&self) -> Option<String> {
        self.0
            .host_str()
            .map(|h| h.trim_start_matches("www.").to_string())
    }
}

/// An email address, kept as given but trimmed: its syntax checked by the validator crate, and
/// its domain one that mail can reach on the Internet ([`deliverable_domain`]). Whether the
/// mailbox exists is not checked: the confirmation mail is what proves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<EmailAddress, Problem> {
        let s = input.trim();
        if s.len() > 254 || !s.validate_email() {
            return Err(Problem::NotAnEmailAddress);
        }
        let domain = s.rsplit_once('@').map_or("", |(_, d)| d);
        if !deliverable_domain(domain) {
            return Err(Problem::Undeliverable {
                domain: domain.to_string(),
            });
        }
        Ok(EmailAddress(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether mail to `domain` can be delivered on the Internet: a registrable name under a suffix
/// of the public suffix list (`psl` crate; international names through IDNA). So `name@host`,
/// `name@intranet.local` and a mistyped top-level domain (`name@example.con`) are refused.
/// Names under `.test` and `.example` (reserved for testing and documentation, RFC 2606) pass,
/// so that test and staging set-ups can mail a local sink; nobody types them by mistake.
pub fn deliverable_domain(domain: &str) -> bool {
    let Ok(url::Host::Domain(ascii)) = url::Host::parse(domain.trim_end_matches('.')) else {
        return false;
    };
    if let Some((_, tld)) = ascii.rsplit_once('.') {
        if matches!(tld, "test" | "example") {
            return true;
        }
    }
    psl::domain(ascii.as_bytes()).is_some_and(|d| d.suffix().is_known())
}

/// A mail domain such as `example.org`: lowercase, at least two labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDomain(String);

impl EmailDomain {
    pub fn parse(input: &str) -> Result<EmailDomain, String> {
        let s = input.trim().trim_start_matches('@').to_ascii_lowercase();
        let ok = s.len() <= 253
            && s.split('.').count() >= 2
            && s.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if ok {
            Ok(EmailDomain(s))
        } else {
            Err("must be a domain name such as example.org".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BCP 47 language tag in its common short forms: `en`, `fr`, `pt-BR`, `zh-Hant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(input: &str) -> Result<LanguageTag, Problem> {
        let s = input.trim();
        let mut parts = s.split('-');
        let primary = parts.next().unwrap_or_default();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if primary_ok && rest_ok {
            let mut tag = primary.to_ascii_lowercase();
            tag.push_str(&s[primary.len()..]);
            Ok(LanguageTag(tag))
        } else {
            Err(Problem::NotALanguageTag)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// For PATCH bodies: a missing field is `None` (leave alone), `null` is `Some(None)` (clear).
/// Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A parser for an RFC 3339 time (`2026-12-31T23:59:00Z`), kept as UTC.
pub fn timestamp(s: &str) -> Result<NaiveDateTime, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .map_err(|_| "must be an RFC 3339 time such as 2026-12-31T23:59:00Z".to_string())
}

/// How stored UTC times are written in JSON: RFC 3339 with `Z`.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 18, findings 10 and 17: one line means no line breaks, controls, invisible or
    // text-direction characters.
    #[test]
    fn a_line_refuses_breaks_controls_invisible_and_direction_characters() {
        assert_eq!(line(20)("  Tell MAMA ").unwrap(), "Tell MAMA");
        assert_eq!(
            line(40)("Dear Ms. Müller-Łukasz").unwrap(),
            "Dear Ms. Müller-Łukasz"
        );
        // Persian needs the zero-width non-joiner inside words.
        assert!(line(40)("\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}").is_ok());
        for bad in [
            "two\nlines",
            "two\r\nlines",
            "tab\there",
            "nul\u{0}",
            "bell\u{7}",
            "next\u{85}line",
            "Tell\u{200b}MAMA",
            "\u{202e}AMAM lleT",
            "isolate\u{2067}d",
            "mark\u{200f}",
            "bom\u{feff}",
            "soft\u{ad}hyphen",
            "word\u{2060}joiner",
        ] {
            assert!(line(40)(bad).is_err(), "{bad:?} accepted");
        }
        // Text that may span lines keeps its breaks.
        assert!(text(40)("two\nlines").is_ok());
        assert!(line(5)("toolong").is_err());
        assert!(line(5)("   ").is_err());
    }

    #[test]
    fn slugs_are_strict_and_derived_ones_are_clean() {
        assert!(Slug::parse("stop-spyware-2026").is_ok());
        for bad in ["", "Upper", "two--dashes", "-lead", "trail-", "sp ace", "é"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            Slug::derive("Open letter: Stop Spyware!").unwrap().as_str(),
            "open-letter-stop-spyware"
        );
        assert!(Slug::derive("!!!").is_none());
        let long = Slug::derive(&"word ".repeat(40)).unwrap();
        assert!(long.as_str().len() <= 60 && !long.as_str().ends_with('-'));
        assert_eq!(Slug::parse("abc").unwrap().with_suffix(2).as_str(), "abc-2");
    }

    #[test]
    fn websites_get_a_scheme_and_need_a_host() {
        assert_eq!(
            Website::parse("example.org").unwrap().as_str(),
            "https://example.org/"
        );
        assert_eq!(
            Website::parse("http://www.example.org/about")
                .unwrap()
                .domain()
                .as_deref(),
            Some("example.org")
        );
        for bad in [
            "ftp://example.org",
            "https://localhost",
            "not a url",
            "https://u:p@example.org",
        ] {
            assert!(Website::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails_domains_and_languages_are_checked() {
        assert!(EmailAddress::parse(" a.b@example.org ").is_ok());
        assert!(EmailAddress::parse("ana@bücher.de").is_ok());
        assert!(EmailAddress::parse("ana@co.uk.test").is_ok());
        // Addresses that cannot receive mail on the Internet (issue 22).
        for unreachable in [
            "name@host",
            "name@intranet.local",
            "name@example.con",
            "name@co.uk",
            "name@localhost",
            "name@[192.0.2.1]",
        ] {
            let refused = EmailAddress::parse(unreachable);
            assert!(refused.is_err(), "{unreachable} accepted");
        }
        let message = EmailAddress::parse("name@host").unwrap_err().to_string();
        assert!(message.contains("\"host\" is not a domain"), "{message}");
        assert!(EmailAddress::parse("no-at-sign").is_err());
        assert_eq!(
            EmailDomain::parse("@Example.ORG").unwrap().as_str(),
            "example.org"
        );
        assert!(EmailDomain::parse("localhost").is_err());
        assert!(EmailDomain::parse("bad_label.org").is_err());
        assert_eq!(LanguageTag::parse("EN").unwrap().as_str(), "en");
        assert_eq!(LanguageTag::parse("pt-BR").unwrap().as_str(), "pt-BR");
        assert!(LanguageTag::parse("english").is_err());
        assert!(LanguageTag::parse("e").is_err());
    }
}
