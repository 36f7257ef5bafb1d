//! Trusted proxies (issue 20): behind a reverse proxy every request's TCP peer is the proxy, so
//! the client's address is taken from the headers the proxy adds — but only when the peer is one
//! of the proxies the operator named (`trusted_proxies`, addresses or CIDR networks); from anyone
//! else those headers are ignored, since any client can send them.
//!
//! The client is the rightmost address in the chain that is not a trusted proxy, read from the
//! one header the proxies write (`proxy_header`): `X-Forwarded-For` (nginx, Caddy, HAProxy, most
//! load balancers) with the scheme from `X-Forwarded-Proto`, or `Forwarded` (RFC 7239) with its
//! `proto=`. Only one, because a proxy passes on the header it does not manage as the client
//! sent it: nginx appends to `X-Forwarded-For` but forwards a forged `Forwarded` untouched.
//! Each proxy appends the address it received
//! the request from, so the entries to the right of the first untrusted one were written by
//! trusted proxies, and those to its left may have been written by the client itself. An entry
//! that names no address (`unknown`, an obfuscated identifier) stops the walk at the last trusted
//! hop: the client stays unknown, and shares its proxy's limits rather than choosing its own.
//!
//! [`resolve`] runs first on every request and records the outcome as a [`Client`]; every
//! per-client use — the sign and sign-in limits, the unfinished-bodies guard, the network hash
//! stored with a signature — reads it through [`client_ip`].

use std::net::IpAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use ipnet::IpNet;

/// The proxies whose forwarding header is believed, and which header that is.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ProxyHeader,
}

/// The header the trusted proxies write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProxyHeader {
    /// `X-Forwarded-For` and `X-Forwarded-Proto`.
    #[default]
    XForwardedFor,
    /// `Forwarded` (RFC 7239).
    Forwarded,
}

impl ProxyHeader {
    pub fn parse(name: &str) -> Result<ProxyHeader, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ProxyHeader::XForwardedFor),
            "forwarded" => Ok(ProxyHeader::Forwarded),
            _ => Err(format!("{name:?} is neither X-Forwarded-For nor Forwarded")),
        }
    }
}

/// The client of a request, as resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// Whether a trusted proxy said the client used HTTPS (`X-Forwarded-Proto`, `Forwarded:
    /// proto=`); `None` when no trusted proxy said.
    pub https: Option<bool>,
}

impl TrustedProxies {
    /// Parse addresses (`10.0.0.5`, `::1`) and networks (`10.0.0.0/8`, `fd00::/8`). Every bad
    /// entry is named.
    pub fn parse<S: AsRef<str>>(
        entries: &[S],
        header: ProxyHeader,
    ) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        let mut bad = Vec::new();
        for entry in entries.iter().map(|e| e.as_ref().trim()) {
            if entry.is_empty() {
                continue;
            }
            match entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
            {
                Ok(net) => nets.push(net.trunc()),
                Err(_) => bad.push(format!("{entry:?}")),
            }
        }
        if bad.is_empty() {
            Ok(TrustedProxies { nets, header })
        } else {
            Err(format!(
                "not an address or CIDR network: {}",
                bad.join(", ")
            ))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return Client {
                ip: peer,
                https: None,
            };
        }
        let (hops, proto) = match self.header {
            ProxyHeader::Forwarded => joined(headers, "forwarded")
                .map(|value| forwarded_hops(&value))
                .unwrap_or_default(),
            ProxyHeader::XForwardedFor => (
                joined(headers, "x-forwarded-for")
                    .map(|v| v.split(',').map(node).collect())
                    .unwrap_or_default(),
                joined(headers, "x-forwarded-proto")
                    .and_then(|v| v.rsplit(',').next().map(|p| p.trim().to_ascii_lowercase())),
            ),
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => client = *ip,
                Some(ip) => {
                    client = *ip;
                    break;
                }
                None => break,
            }
        }
        Client {
            ip: client,
            https: proto.map(|p| p == "https"),
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:203.0.113.7`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Every line of a header, joined with commas (a list header may be split over lines).
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// The `for=` of each element of a `Forwarded` header, and the last element's `proto=`.
fn forwarded_hops(value: &str) -> (Vec<Option<IpAddr>>, Option<String>) {
    let mut hops = Vec::new();
    let mut proto = None;
    for element in value.split(',') {
        let mut hop = None;
        proto = None;
        for pair in element.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "for" => hop = Some(node(value)),
                "proto" => proto = Some(value.trim().trim_matches('"').to_ascii_lowercase()),
                _ => {}
            }
        }
        // An element without `for=` says nothing of the client: it is an unknown hop.
        hops.push(hop.flatten());
    }
    (hops, proto)
}

/// One node of a chain: `203.0.113.7`, `203.0.113.7:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`;
/// `None` for `unknown`, an obfuscated identifier or anything else.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest
            .split(']')
            .next()
            .and_then(|inside| inside.parse::<IpAddr>().ok())
            .map(canonical);
    }
    // IPv4 with a port.
    text.rsplit_once(':')
        .and_then(|(host, port)| port.parse::<u16>().ok().and(host.parse::<IpAddr>().ok()))
        .map(canonical)
}

/// The middleware: resolve the client once, before anything that counts per client.
pub async fn resolve(
    proxies: std::sync::Arc<TrustedProxies>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(peer) = req.peer_addr() {
        let client = proxies.client(peer.ip(), req.headers());
        req.extensions_mut().insert(client);
    }
    next.call(req).await
}

/// The client's address: resolved by [`resolve`], else the TCP peer.
pub fn client_ip(req: &impl HttpMessage, peer: Option<std::net::SocketAddr>) -> Option<IpAddr> {
    req.extensions()
        .get::<Client>()
        .map(|c| c.ip)
        .or(peer.map(|p| canonical(p.ip())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies() -> TrustedProxies {
        proxies_writing(ProxyHeader::XForwardedFor)
    }

    fn proxies_writing(header: ProxyHeader) -> TrustedProxies {
        TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.1", "fd00::/8"], header).unwrap()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let forged = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2;proto=https"),
            ("x-forwarded-proto", "https"),
        ]);
        let client = proxies().client(ip("203.0.113.9"), &forged);
        assert_eq!(
            client,
            Client {
                ip: ip("203.0.113.9"),
                https: None
            }
        );
        // With no proxy trusted (the default), nobody's headers count.
        let none = TrustedProxies::default().client(ip("10.0.0.1"), &forged);
        assert_eq!(none.ip, ip("10.0.0.1"));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_hop() {
        let p = proxies();
        // A client that forged an entry: the proxy appended the real address after it.
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.7")]);
        assert_eq!(p.client(ip("10.1.2.3"), &h).ip, ip("203.0.113.7"));
        // Two trusted proxies in a row.
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7, 10.9.9.9"),
            ("x-forwarded-proto", "https"),
        ]);
        assert_eq!(
            p.client(ip("192.0.2.1"), &h),
            Client {
                ip: ip("203.0.113.7"),
                https: Some(true)
            }
        );
        // Split over two lines.
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("x-forwarded-for", "203.0.113.8"),
        ]);
        assert_eq!(p.client(ip("10.0.0.1"), &h).ip, ip("203.0.113.8"));
        // Every hop trusted: the leftmost.
        let h = headers(&[("x-forwarded-for", "10.0.0.7, 10.0.0.8")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h).ip, ip("10.0.0.7"));
        // No header from a trusted proxy: the proxy is the client.
        assert_eq!(
            p.client(ip("10.0.0.1"), &HeaderMap::new()).ip,
            ip("10.0.0.1")
        );
        // Garbage stops at the last trusted hop.
        let h = headers(&[("x-forwarded-for", "203.0.113.7, nonsense")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h).ip, ip("10.0.0.1"));
    }

    #[test]
    fn only_the_header_the_proxies_write_is_read() {
        // nginx appends to X-Forwarded-For and passes a forged Forwarded on untouched.
        let h = headers(&[
            ("forwarded", "for=198.51.100.8"),
            ("x-forwarded-for", "198.51.100.7, 203.0.113.7"),
        ]);
        assert_eq!(proxies().client(ip("10.0.0.1"), &h).ip, ip("203.0.113.7"));
        // A proxy that writes Forwarded passes a forged X-Forwarded-For on.
        let h = headers(&[
            ("forwarded", "for=198.51.100.8, for=203.0.113.9"),
            ("x-forwarded-for", "198.51.100.7"),
        ]);
        let p = proxies_writing(ProxyHeader::Forwarded);
        assert_eq!(p.client(ip("10.0.0.1"), &h).ip, ip("203.0.113.9"));
        assert_eq!(ProxyHeader::parse("Forwarded"), Ok(ProxyHeader::Forwarded));
        assert!(ProxyHeader::parse("X-Real-IP").is_err());
    }

    #[test]
    fn forwarded_is_parsed_as_rfc_7239_writes_it() {
        let p = proxies_writing(ProxyHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            r#"for=198.51.100.1, for="[2001:db8::7]:4711";proto=https"#,
        )]);
        assert_eq!(
            p.client(ip("10.0.0.1"), &h),
            Client {
                ip: ip("2001:db8::7"),
                https: Some(true)
            }
        );
        let h = headers(&[(
            "forwarded",
            "for=203.0.113.7:8080;by=10.0.0.1, For=10.0.0.2",
        )]);
        assert_eq!(p.client(ip("10.0.0.1"), &h).ip, ip("203.0.113.7"));
        let h = headers(&[("forwarded", "for=unknown, for=10.0.0.2")]);
        assert_eq!(
            p.client(ip("10.0.0.1"), &h).ip,
            ip("10.0.0.2"),
            "unknown stops the walk"
        );
        let h = headers(&[("forwarded", "for=_hidden;proto=http")]);
        assert_eq!(
            p.client(ip("10.0.0.1"), &h),
            Client {
                ip: ip("10.0.0.1"),
                https: Some(false)
            }
        );
    }

    #[test]
    fn mapped_ipv4_is_ipv4_and_bad_entries_are_named() {
        let p = TrustedProxies::parse(&["127.0.0.1"], ProxyHeader::XForwardedFor).unwrap();
        assert!(p.trusts(ip("::ffff:127.0.0.1")));
        let h = headers(&[("x-forwarded-for", "::ffff:203.0.113.7")]);
        assert_eq!(p.client(ip("127.0.0.1"), &h).ip, ip("203.0.113.7"));
        let err = TrustedProxies::parse(
            &["10.0.0.0/33", "nginx", " ", "::1"],
            ProxyHeader::XForwardedFor,
        )
        .unwrap_err();
        assert!(
            err.contains("\"10.0.0.0/33\"") && err.contains("\"nginx\""),
            "{err}"
        );
        assert!(!err.contains("::1"), "{err}");
    }
}
