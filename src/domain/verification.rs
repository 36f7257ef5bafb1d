//! Verification by domain control: a signer who confirms an email address at the organisation's
//! own website domain has shown control of that domain.
//!
//! Domains are compared as registrable domains (the part a registrant owns, from the public
//! suffix list through the `psl` crate): `mail.example.org` and `www.example.org` are both
//! `example.org`, while `a.github.io` and `b.github.io` are different owners, as are
//! `example.co.uk` and `other.co.uk`. Free-mail providers never verify: anyone can have an
//! address there.

/// Mail providers where anyone can open an address; an organisation whose website is one of
/// these is not verified by a signer's address there.
const FREE_MAIL: &[&str] = &[
    "aol.com",
    "gmail.com",
    "googlemail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "tutanota.com",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

/// The registrable domain of a host name (lowercase ASCII), if it has one.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_string)
}

/// The domain a listed `domain` verification proved: the registrable domain of the website it
/// is listed with (verification by domain is granted only when a confirmed address is at that
/// domain). Shown with the badge, so that "verified" never reads as "this is the organisation
/// the name says" (issue 18, finding 5: `tellmama.attacker.example` earned the same badge).
pub fn verified_domain(verification: &str, website: Option<&str>) -> Option<String> {
    if verification != "domain" {
        return None;
    }
    let url = url::Url::parse(website?).ok()?;
    registrable_domain(url.host_str()?)
}

/// Whether a confirmed address at `email` proves control of the website at `website_host`.
pub fn email_proves_domain(email: &str, website_host: &str) -> bool {
    let Some((_, email_host)) = email.rsplit_once('@') else {
        return false;
    };
    match (
        registrable_domain(email_host),
        registrable_domain(website_host),
    ) {
        (Some(mail), Some(site)) => mail == site && !FREE_MAIL.contains(&mail.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_names_the_domain_that_was_verified() {
        let site = Some("https://www.tellmama.attacker.example/about");
        assert_eq!(
            verified_domain("domain", site).as_deref(),
            Some("attacker.example")
        );
        assert_eq!(
            verified_domain("domain", Some("https://tellmama.org/")).as_deref(),
            Some("tellmama.org")
        );
        assert_eq!(verified_domain("coordinator", site), None);
        assert_eq!(verified_domain("domain", None), None);
    }

    /// Each (address, website) pair, and whether the address proves the website's domain.
    fn check(cases: &[(&str, &str)], proves: bool) {
        for (email, website) in cases {
            assert_eq!(
                email_proves_domain(email, website),
                proves,
                "{email} / {website}"
            );
        }
    }

    #[test]
    fn an_address_at_the_websites_registrable_domain_proves_it() {
        let cases = [
            ("director@example.org", "www.example.org"),
            ("director@mail.example.org", "example.org"),
            ("Director@EXAMPLE.ORG", "campaigns.example.org"),
            ("a@example.co.uk", "www.example.co.uk"),
        ];
        check(&cases, true);
    }

    #[test]
    fn other_owners_under_a_shared_suffix_do_not() {
        let cases = [
            ("a@other.co.uk", "example.co.uk"),
            ("a@other.github.io", "example.github.io"),
            ("a@example.org.evil.net", "example.org"),
            ("a@example.net", "example.org"),
        ];
        check(&cases, false);
    }

    #[test]
    fn free_mail_and_malformed_input_never_verify() {
        let cases = [
            ("someone@gmail.com", "gmail.com"),
            ("someone@outlook.com", "www.outlook.com"),
            ("no-at-sign", "example.org"),
            ("a@co.uk", "co.uk"),
        ];
        check(&cases, false);
        assert_eq!(
            registrable_domain("www.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
    }
}
