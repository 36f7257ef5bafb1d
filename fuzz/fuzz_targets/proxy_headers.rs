#![no_main]
//! The forwarding headers a request carries (`proxy`): any `Forwarded` and `X-Forwarded-For`
//! values, from a trusted proxy and from anyone else. Whatever they say, nothing panics; from a
//! peer that is not a trusted proxy they change nothing (the client is the peer); from a trusted
//! one the client is the peer or an address the header names.

use std::net::IpAddr;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use undersigned::http::proxy::{ProxyHeader, TrustedProxies};

fuzz_target!(|input: &str| {
    let (forwarded, rest) = input.split_once('\n').unwrap_or((input, ""));
    let (xff, proto) = rest.split_once('\n').unwrap_or((rest, ""));
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("forwarded", forwarded),
        ("x-forwarded-for", xff),
        ("x-forwarded-proto", proto),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    for header in [ProxyHeader::XForwardedFor, ProxyHeader::Forwarded] {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", "fd00::/8"], header).unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let client = proxies.client(stranger, &headers);
        assert_eq!(client.ip, stranger, "a stranger chose its address");
        assert_eq!(client.https, None);

        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let client = proxies.client(proxy, &headers);
        let named = match header {
            ProxyHeader::XForwardedFor => xff,
            ProxyHeader::Forwarded => forwarded,
        };
        if client.ip != proxy {
            assert!(
                named_addresses(named).contains(&client.ip),
                "{} is not in {named:?}",
                client.ip
            );
        }
    }
});

/// Every address written in `text`, however it is written (with a port, in brackets, IPv4 as
/// IPv6), as the service compares them.
fn named_addresses(text: &str) -> Vec<IpAddr> {
    let canonical = |ip: IpAddr| match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    text.split(|c: char| ",;=\"[]".contains(c) || c.is_whitespace())
        .flat_map(|token| {
            let bare = token.parse::<IpAddr>().ok();
            let with_port = token
                .rsplit_once(':')
                .and_then(|(host, _)| host.parse::<IpAddr>().ok());
            [bare, with_port]
        })
        .flatten()
        .map(canonical)
        .collect()
}
