//! `/metrics`: one instance seen by Prometheus (issue 20), in the OpenMetrics text format
//! (`prometheus-client`). Off unless `metrics_token` is set; then a scrape needs
//! `Authorization: Bearer <metrics_token>`.
//!
//! Requests are counted by method, route pattern (never the raw path: `/letters/{slug}`, so the
//! label set stays small and holds no personal data) and status, with a latency histogram by
//! route. The rest is read when scraped: the outbox's backlog from the database, the pool's
//! connections, and the counters kept where the work happens (shed requests in `load`, the
//! response cache's lookups and renders in `cache`).

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::service::outbox::Backlog;

/// The content type of the OpenMetrics text format, which Prometheus scrapes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

/// What one instance counts and shows.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    sign_requests: Family<OutcomeLabels, Counter>,
    confirmations: Counter,
    withdrawals: Counter,
    outbox_queued: Gauge,
    outbox_due: Gauge,
    outbox_oldest_due: Gauge<f64, AtomicU64>,
    outbox_oldest_queued: Gauge<f64, AtomicU64>,
    outbox_dead: Gauge,
    database_up: Gauge,
    db_connections: Family<StateLabels, Gauge>,
    in_flight: Gauge,
    cache_bytes: Gauge,
}

/// Counters kept by other parts, registered here so that a scrape reads them.
pub struct Counted {
    /// Requests refused because the instance was at `max_in_flight`.
    pub shed: Counter,
    /// Lookups in the response cache, and how many of them rendered (a miss, or a refresh).
    pub cache_lookups: Counter,
    pub cache_renders: Counter,
}

impl Metrics {
    pub fn new(counted: Counted) -> Metrics {
        let mut registry = Registry::with_prefix("undersigned");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms to about 4 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        // Units in the names, as Prometheus names them (no `# UNIT` line, which some parsers
        // refuse on a histogram).
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and route pattern",
            durations.clone(),
        );
        let sign_requests = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "sign_requests",
            "Sign requests taken, by outcome: created, resent, unchanged, held, trapped, invitation",
            sign_requests.clone(),
        );
        let confirmations = Counter::default();
        registry.register(
            "signatures_confirmed",
            "Signatures confirmed through their mail's link",
            confirmations.clone(),
        );
        let withdrawals = Counter::default();
        registry.register(
            "signatures_withdrawn",
            "Signatures withdrawn through their mail's link",
            withdrawals.clone(),
        );
        registry.register(
            "requests_shed",
            "Requests refused with 503 because the instance was at max_in_flight",
            counted.shed,
        );
        registry.register(
            "response_cache_lookups",
            "Public reads looked up in the response cache",
            counted.cache_lookups,
        );
        registry.register(
            "response_cache_renders",
            "Lookups that rendered the response (a miss, or a refresh past its second); hit ratio = 1 - renders / lookups",
            counted.cache_renders,
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let outbox_queued = gauge(
            &mut registry,
            "outbox_queued",
            "Mail waiting to be sent, due or not (database-wide)",
        );
        let outbox_due = gauge(
            &mut registry,
            "outbox_due",
            "Queued mail whose time has come (database-wide)",
        );
        let outbox_dead = gauge(
            &mut registry,
            "outbox_dead",
            "Mail given up on after its attempts or a refusal (database-wide)",
        );
        let in_flight = gauge(
            &mut registry,
            "requests_in_flight",
            "Requests being answered now",
        );
        let cache_bytes = gauge(
            &mut registry,
            "response_cache_bytes",
            "Bytes the response cache holds",
        );
        let outbox_oldest_due = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_due_age_seconds",
            "How long the longest-waiting due mail has waited since it became due (0 when none)",
            outbox_oldest_due.clone(),
        );
        let outbox_oldest_queued = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_queued_age_seconds",
            "How long the oldest queued mail has waited since it was queued, through its retries (0 when none)",
            outbox_oldest_queued.clone(),
        );
        let database_up = gauge(
            &mut registry,
            "database_up",
            "1 when the database answered this scrape's outbox query, 0 when it did not (the outbox gauges then keep their last values)",
        );
        let db_connections = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_connections",
            "The database pool's connections, by state: in_use, idle",
            db_connections.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            sign_requests,
            confirmations,
            withdrawals,
            outbox_queued,
            outbox_due,
            outbox_oldest_due,
            outbox_oldest_queued,
            outbox_dead,
            database_up,
            db_connections,
            in_flight,
            cache_bytes,
        }
    }

    /// A sign request's outcome (`SignOutcome`, by its name).
    pub fn signed(&self, outcome: &impl std::fmt::Debug) {
        self.sign_request(&format!("{outcome:?}").to_lowercase());
    }

    /// A sign request by the name of its outcome (`invitation`: signed through an invitation's
    /// link).
    pub fn sign_request(&self, outcome: &str) {
        let outcome = outcome.to_string();
        self.sign_requests
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// A signature confirmed (`withdrawn: false`) or withdrawn through its link.
    pub fn changed_signature(&self, withdrawn: bool) {
        if withdrawn {
            self.withdrawals.inc();
        } else {
            self.confirmations.inc();
        }
    }

    /// The text of one scrape, with the values read now.
    pub fn render(&self, now: Readings) -> Result<String, std::fmt::Error> {
        self.database_up.set(i64::from(now.backlog.is_some()));
        if let Some(backlog) = now.backlog {
            self.outbox_queued.set(backlog.queued);
            self.outbox_due.set(backlog.due);
            self.outbox_oldest_due.set(backlog.oldest_due_secs);
            self.outbox_oldest_queued.set(backlog.oldest_queued_secs);
            self.outbox_dead.set(backlog.dead);
        }
        for (state, n) in [("in_use", now.connections.0), ("idle", now.connections.1)] {
            self.db_connections
                .get_or_create(&StateLabels {
                    state: state.into(),
                })
                .set(i64::from(n));
        }
        self.in_flight.set(now.in_flight as i64);
        self.cache_bytes.set(now.cache_bytes as i64);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let (method, route) = (method.to_string(), route.to_string());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status: status.to_string(),
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels { method, route })
            .observe(seconds);
    }
}

/// What a scrape reads besides the counters.
pub struct Readings {
    /// `None` when the database did not answer.
    pub backlog: Option<Backlog>,
    /// The pool's connections: (in use, idle).
    pub connections: (u32, u32),
    pub in_flight: usize,
    pub cache_bytes: u64,
}

/// The middleware: count each request and time it, by its route's pattern.
pub async fn observe(
    metrics: Arc<Metrics>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    // Only the methods the service answers: any other is "other", so that no client can grow the
    // label set.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PATCH" | "PUT" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    Ok(response)
}
