//! The pure parts of the abuse controls: the key an email address is compared by when looking
//! for duplicates, its domain, which domains are free-mail providers, and the network a client
//! address belongs to.
//!
//! The address as typed is what mail goes to; the key only decides whether two addresses reach
//! the same mailbox, so that `j.o.h.n+1@gmail.com` and `John@googlemail.com` count as one.

use std::net::IpAddr;

/// Providers that deliver `name+anything@` to `name@` (sub-addressing), so the tag says nothing
/// about who signs. Kept short and to providers that document it.
const PLUS_TAGS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "fastmail.com",
    "fastmail.fm",
    "proton.me",
    "protonmail.com",
    "pm.me",
];

/// Providers that also ignore dots in the local part (Gmail).
const IGNORES_DOTS: &[&str] = &["gmail.com", "googlemail.com"];

/// Free-mail providers: anyone can have many addresses there, so their domain says nothing
/// about which organisation signs, and one surging is no sign of a single sender. The cap on
/// unconfirmed signatures per domain leaves them out (the address key and the rate limits still
/// apply).
const FREE_MAIL: &[&str] = &[
    "aol.com",
    "gmx.de",
    "gmx.net",
    "mail.ru",
    "orange.fr",
    "web.de",
    "yahoo.com",
    "yandex.ru",
];

/// The key an address is compared by: lowercase; at the providers above, without its `+tag`
/// and (Gmail) without dots; `googlemail.com` as `gmail.com`. Not an address to mail.
pub fn email_key(address: &str) -> String {
    let lower = address.trim().to_lowercase();
    let Some((local, domain)) = lower.rsplit_once('@') else {
        return lower;
    };
    let domain = domain.trim_end_matches('.');
    let mut local = local.to_string();
    if PLUS_TAGS.contains(&domain) {
        if let Some((base, _tag)) = local.split_once('+') {
            if !base.is_empty() {
                local = base.to_string();
            }
        }
    }
    if IGNORES_DOTS.contains(&domain) {
        let undotted: String = local.chars().filter(|&c| c != '.').collect();
        if !undotted.is_empty() {
            local = undotted;
        }
    }
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    format!("{local}@{domain}")
}

/// The domain part of an address (or of its key), lowercase; "" when it has none.
pub fn email_domain(address: &str) -> String {
    address
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_lowercase())
        .unwrap_or_default()
}

/// Whether anyone can get an address at `domain` (see [`FREE_MAIL`], [`PLUS_TAGS`]).
pub fn is_free_mail(domain: &str) -> bool {
    let d = domain.trim().to_ascii_lowercase();
    PLUS_TAGS.contains(&d.as_str()) || FREE_MAIL.contains(&d.as_str())
}

/// The network an address belongs to, as text: IPv4 /24 (`203.0.113.0/24`), IPv6 /48
/// (`2001:db8:1::/48`); an IPv4-mapped IPv6 address counts as IPv4. Only ever stored as a keyed
/// hash (`TokenKey::keyed_hash`), never as is.
pub fn network(ip: IpAddr) -> String {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_keys_merge_what_providers_deliver_to_one_mailbox() {
        // (as typed, key)
        let table = [
            ("John.Smith@Example.org", "john.smith@example.org"),
            ("john.smith+x@example.org", "john.smith+x@example.org"),
            ("j.o.h.n+letters@gmail.com", "john@gmail.com"),
            ("John@GoogleMail.com", "john@gmail.com"),
            ("john+a+b@gmail.com", "john@gmail.com"),
            ("jane.doe+news@outlook.com", "jane.doe@outlook.com"),
            ("jane.doe+x@hotmail.com", "jane.doe@hotmail.com"),
            ("jane.doe+x@icloud.com", "jane.doe@icloud.com"),
            ("jane.doe+x@fastmail.com", "jane.doe@fastmail.com"),
            ("jane.doe+x@proton.me", "jane.doe@proton.me"),
            ("  Jane@Example.ORG.  ", "jane@example.org"),
            ("+only@gmail.com", "+only@gmail.com"),
            ("...@gmail.com", "...@gmail.com"),
            ("no-at-sign", "no-at-sign"),
            ("a.b+c@yahoo.com", "a.b+c@yahoo.com"),
        ];
        for (typed, key) in table {
            assert_eq!(email_key(typed), key, "{typed}");
        }
    }

    #[test]
    fn email_keys_are_idempotent_and_case_blind() {
        let samples = [
            "J.O.H.N+1@gmail.com",
            "x+y@outlook.com",
            "Someone@Org.example",
            "a@b",
            "+t@gmail.com",
            "ÉMILE@exemple.fr",
        ];
        for s in samples {
            let k = email_key(s);
            assert_eq!(email_key(&k), k, "{s}");
            assert_eq!(email_key(&s.to_uppercase()), k, "{s}");
            assert_eq!(email_domain(&k), email_key(&k).rsplit('@').next().unwrap());
        }
    }

    #[test]
    fn domains_and_free_mail() {
        assert_eq!(email_domain("a@Example.ORG"), "example.org");
        assert_eq!(email_domain("nothing"), "");
        assert!(is_free_mail("gmail.com"));
        assert!(is_free_mail("GMX.de"));
        assert!(!is_free_mail("example.org"));
    }

    #[test]
    fn networks_are_prefixes() {
        let n = |s: &str| network(s.parse().unwrap());
        assert_eq!(n("203.0.113.77"), "203.0.113.0/24");
        assert_eq!(n("203.0.113.1"), n("203.0.113.254"));
        assert_ne!(n("203.0.113.1"), n("203.0.114.1"));
        assert_eq!(n("2001:db8:1:2::5"), "2001:db8:1::/48");
        assert_eq!(n("2001:db8:1:ffff::1"), n("2001:db8:1::1"));
        assert_ne!(n("2001:db8:1::1"), n("2001:db8:2::1"));
        assert_eq!(n("::ffff:203.0.113.9"), "203.0.113.0/24");
    }
}
