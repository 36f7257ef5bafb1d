//! Rate limits per client IP (IPv6 per /56) on signing and on signing in, and per letter on
//! signing, with a 429 in the JSON error shape and a `Retry-After` header. Built once at start-up and shared by every worker
//! thread, so a limit is per process. A limit can be turned off (`…_per_minute = 0`), for
//! benchmarks only.

use std::net::IpAddr;
use std::time::Duration;

use std::num::NonZeroU32;
use std::sync::Arc;

use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::governor::{DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter};
use actix_governor::{
    Governor, GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::Method;
use actix_web::middleware::Condition;
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::error::AppError;

/// The client's IP address (`proxy::client_ip`: the TCP peer, or the client a trusted proxy
/// names); IPv6 addresses are cut to their /56 prefix. `what`
/// names the requests limited, for the 429's message.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp {
    what: &'static str,
}

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        let ip = crate::http::proxy::client_ip(req, req.peer_addr())
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

/// Sign requests per letter, from all addresses together. Not a middleware: a path names a letter
/// by its slug or by its id, in any case, so the sign handlers check it once the letter is found,
/// keyed by the letter's id (issue 18, finding 11: keyed by the raw path, the id and the slug each
/// had a full allowance).
#[derive(Clone)]
pub struct PerLetter {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
    enabled: bool,
}

impl PerLetter {
    /// `per_minute` sign requests per letter (0: no limit) after a burst of `burst`.
    pub fn new(per_minute: u32, burst: u32) -> PerLetter {
        let period = Duration::from_millis(60_000 / u64::from(per_minute.max(1)));
        let quota = Quota::with_period(period)
            .expect("a non-zero period")
            .allow_burst(NonZeroU32::new(burst.max(1)).expect("at least 1"));
        PerLetter {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            enabled: per_minute > 0,
        }
    }

    /// Count one sign request for the letter `letter_id`; 429 with `Retry-After` over the limit.
    pub fn check(&self, letter_id: &str) -> Result<(), AppError> {
        if !self.enabled {
            return Ok(());
        }
        self.limiter
            .check_key(&letter_id.to_string())
            .map_err(|negative| {
                let wait = negative
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    + 1;
                AppError::RateLimited {
                    message: format!(
                        "this letter is receiving too many sign requests right now; try again in {wait} s"
                    ),
                    retry_after_secs: wait,
                }
            })
    }

    /// Forget the letters whose limit has fully recovered (see [`RateLimit::prune`]).
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// How many letters the limiter holds now.
    pub fn keys(&self) -> usize {
        self.limiter.len()
    }
}

/// A shared limiter for one kind of request (per client IP unless another key is given), or
/// none.
#[derive(Clone)]
pub struct RateLimit<K: KeyExtractor = ClientIp> {
    config: GovernorConfig<K, NoOpMiddleware>,
    enabled: bool,
}

/// The limits the routes are built with.
#[derive(Clone)]
pub struct Limits {
    /// Sign requests (form and API), per client IP.
    pub sign: RateLimit,
    /// Sign requests (form and API), per letter: checked by the handlers (`AppState::signing_allowed`).
    pub sign_per_letter: PerLetter,
    /// Sign-in attempts (form and API), and the setup link.
    pub sign_in: RateLimit,
}

impl RateLimit {
    pub fn new(what: &'static str, per_minute: u32, burst: u32) -> RateLimit {
        RateLimit::keyed(ClientIp { what }, per_minute, burst)
    }
}

impl<K: KeyExtractor> RateLimit<K>
where
    K::Key: Send + Sync + 'static,
{
    /// A limiter keyed by `key`: `per_minute` requests (0: no limit) after a burst of `burst`.
    pub fn keyed(key: K, per_minute: u32, burst: u32) -> RateLimit<K> {
        let enabled = per_minute > 0;
        let period = Duration::from_millis(60_000 / u64::from(per_minute.max(1)));
        let config = GovernorConfigBuilder::default()
            .period(period)
            .burst_size(burst.max(1))
            .methods(vec![Method::POST])
            .key_extractor(key)
            .finish()
            .expect("a non-zero period and burst make a valid limiter");
        RateLimit { config, enabled }
    }

    /// The middleware for a limited route (a pass-through when the limit is off).
    pub fn middleware(&self) -> Condition<Governor<K, NoOpMiddleware>> {
        Condition::new(self.enabled, Governor::new(&self.config))
    }

    /// Forget the keys whose limit has fully recovered: they would behave the same if they came
    /// back. Without this the limiter keeps one entry for every client address and every letter
    /// slug it ever saw (any string in the path counts), which grows without bound.
    pub fn prune(&self) {
        let limiter = self.config.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }

    /// How many keys the limiter holds now.
    pub fn keys(&self) -> usize {
        self.config.limiter().len()
    }
}

impl Limits {
    /// How often [`Limits::prune_every`] forgets recovered keys.
    pub const PRUNE_PERIOD: Duration = Duration::from_secs(60);

    /// Forget recovered keys in every limiter, every `period`, for as long as the server runs.
    pub async fn prune_every(self, period: Duration) {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.sign.prune();
            self.sign_per_letter.prune();
            self.sign_in.prune();
        }
    }
}

/// The keyed hash of the network the request came from (`domain::abuse::network`: IPv4 /24,
/// IPv6 /48), from the client's address like the limits above (`proxy::client_ip`). Stored
/// with a signature so coordinators can find a flood from one network; the address itself is
/// never stored.
pub fn client_network(
    req: &actix_web::HttpRequest,
    key: &crate::domain::token::TokenKey,
) -> Option<String> {
    let ip = crate::http::proxy::client_ip(req, req.peer_addr())?;
    Some(key.keyed_hash("network", &crate::domain::abuse::network(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovered_keys_are_forgotten() {
        // 300 a minute, a burst of one: a key recovers 200 ms after its request.
        let limit = PerLetter::new(300, 1);
        for i in 0..1000 {
            assert!(limit.check(&format!("letter-{i}")).is_ok());
        }
        assert_eq!(limit.keys(), 1000);
        std::thread::sleep(Duration::from_millis(500));
        // A key that has just spent its burst is still limited, so it is kept.
        assert!(limit.check("busy").is_ok());
        limit.prune();
        assert_eq!(
            limit.keys(),
            1,
            "only the key still within its period stays"
        );
        assert!(limit.check("busy").is_err(), "and its limit still holds");
    }
}
