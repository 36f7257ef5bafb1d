//! Rate limits per client IP (IPv6 per /56) on signing and on signing in, with a 429 in the JSON
//! error shape and a `Retry-After` header. Built once at start-up and shared by every worker
//! thread, so a limit is per process. A limit can be turned off (`…_per_minute = 0`), for
//! benchmarks only.

use std::net::IpAddr;
use std::time::Duration;

use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::governor::NotUntil;
use actix_governor::{
    Governor, GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::middleware::Condition;
use actix_web::{HttpResponse, HttpResponseBuilder};

/// The client's IP address as the TCP peer; IPv6 addresses are cut to their /56 prefix. `what`
/// names the requests limited, for the 429's message.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp {
    what: &'static str,
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        let ip = req
            .peer_addr()
            .map(|s| s.ip())
            .ok_or_else(|| SimpleKeyExtractionError::new("no client address"))?;
        Ok(match ip {
            IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[7..].fill(0);
                IpAddr::V6(octets.into())
            }
            v4 => v4,
        })
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        mut response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            + 1;
        response.json(serde_json::json!({
            "error": {
                "code": "too_many_requests",
                "message": format!("too many {} from this address; try again in {wait} s", self.what),
            }
        }))
    }
}

/// A shared limiter for one kind of request, or none.
#[derive(Clone)]
pub struct RateLimit {
    config: GovernorConfig<ClientIp, NoOpMiddleware>,
    enabled: bool,
}

/// The limits the routes are built with.
#[derive(Clone)]
pub struct Limits {
    /// Sign requests (form and API).
    pub sign: RateLimit,
    /// Sign-in attempts (form and API), and the setup link.
    pub sign_in: RateLimit,
}

impl RateLimit {
    pub fn new(what: &'static str, per_minute: u32, burst: u32) -> RateLimit {
        let enabled = per_minute > 0;
        let period = Duration::from_millis(60_000 / u64::from(per_minute.max(1)));
        let config = GovernorConfigBuilder::default()
            .period(period)
            .burst_size(burst.max(1))
            .methods(vec![Method::POST])
            .key_extractor(ClientIp { what })
            .finish()
            .expect("a non-zero period and burst make a valid limiter");
        RateLimit { config, enabled }
    }

    /// The middleware for a limited route (a pass-through when the limit is off).
    pub fn middleware(&self) -> Condition<Governor<ClientIp, NoOpMiddleware>> {
        Condition::new(self.enabled, Governor::new(&self.config))
    }
}
