//! Load shedding: the server handles at most `max_in_flight` requests at once. One more is
//! answered at once with `503` and `Retry-After`, so a saturated server says so instead of
//! queueing without bound (each waiting request holds its memory, and its client has usually
//! given up by the time it is served). `/health` is never shed, and reports when the service is
//! shedding (at its limit, or shed a request in the last [`SHED_MEMORY`]), so a load balancer or
//! a monitor sees it.
//!
//! Slow bodies ([`BodyGuard`]): a request holds its place while its body arrives, so clients that
//! send headers and then stall could fill every place (issue 18, finding 2: 600 such connections
//! from one address kept every route at 503 while `/health` said 200). Two bounds stop that: a
//! body must arrive whole within `body_timeout_ms` (else `408`, and the connection is closed), and
//! one client address may have at most `max_unfinished_bodies_per_address` bodies waiting for the
//! network at once (one more answers `429` at once). A body already received whole never waits,
//! so neither a fast client nor a reverse proxy that buffers bodies is ever counted.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};

use crate::error::AppError;

/// How long `/health` keeps reporting shedding after the last request shed.
pub const SHED_MEMORY: Duration = Duration::from_secs(5);

/// How many requests are being handled, against a limit (0: no limit).
#[derive(Debug)]
pub struct InFlight {
    now: AtomicUsize,
    limit: usize,
    started: Instant,
    /// When a request was last shed: milliseconds after `started`, plus one (0: never).
    last_shed: AtomicU64,
    /// Requests shed so far (`/metrics`).
    pub shed_count: prometheus_client::metrics::counter::Counter,
}

/// One request being handled; leaving frees its place.
pub struct Place(Arc<InFlight>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl InFlight {
    pub fn new(limit: usize) -> Arc<InFlight> {
        Arc::new(InFlight {
            now: AtomicUsize::new(0),
            limit,
            started: Instant::now(),
            last_shed: AtomicU64::new(0),
            shed_count: Default::default(),
        })
    }

    /// A place for one more request, unless the limit is reached.
    pub fn enter(self: &Arc<Self>) -> Option<Place> {
        let before = self.now.fetch_add(1, Ordering::SeqCst);
        let place = Place(self.clone());
        if self.limit > 0 && before >= self.limit {
            let since = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX - 1);
            self.last_shed.store(since + 1, Ordering::SeqCst);
            self.shed_count.inc();
            return None; // dropping `place` gives the count back
        }
        Some(place)
    }

    /// Requests being handled now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most requests handled at once (0: no limit).
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether requests are being refused: every place is taken, or one was shed within
    /// [`SHED_MEMORY`].
    pub fn shedding(&self) -> bool {
        let full = self.limit > 0 && self.current() >= self.limit;
        let last = self.last_shed.load(Ordering::SeqCst);
        let recent = last > 0
            && self.started.elapsed().as_millis() < u128::from(last - 1) + SHED_MEMORY.as_millis();
        full || recent
    }
}

/// The middleware: shed a request when `load` has no place for it.
pub async fn shed(
    load: Arc<InFlight>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // Monitoring is never shed: it must see the overload.
    if matches!(req.path(), "/health" | "/health/live" | "/metrics") {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let Some(place) = load.enter() else {
        let error = AppError::Unavailable(anyhow::anyhow!(
            "the service is at capacity ({} requests at once): try again shortly",
            load.limit
        ));
        // error_response logs it (once).
        let response = error.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    };
    let response = next.call(req).await;
    drop(place);
    Ok(response?.map_into_left_body())
}

/// Bodies still arriving, per client address, against a limit, and the deadline for a body.
#[derive(Debug)]
pub struct BodyGuard {
    arriving: Mutex<HashMap<IpAddr, usize>>,
    per_address: usize,
    deadline: Duration,
}

/// One body arriving; dropping it (the body ended, failed, or its request is done) frees it.
pub struct Arriving {
    guard: Arc<BodyGuard>,
    ip: IpAddr,
}

impl Drop for Arriving {
    fn drop(&mut self) {
        let mut arriving = self.guard.arriving.lock().expect("body guard lock");
        if let Some(n) = arriving.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                arriving.remove(&self.ip);
            }
        }
    }
}

impl BodyGuard {
    /// At most `per_address` bodies arriving at once from one address (0: no limit), each
    /// within `deadline`.
    pub fn new(per_address: usize, deadline: Duration) -> Arc<BodyGuard> {
        Arc::new(BodyGuard {
            arriving: Mutex::new(HashMap::new()),
            per_address,
            deadline,
        })
    }

    /// A place for one more body from `ip`, unless it has `per_address` arriving already.
    pub fn enter(self: &Arc<Self>, ip: IpAddr) -> Option<Arriving> {
        let mut arriving = self.arriving.lock().expect("body guard lock");
        let n = arriving.entry(ip).or_insert(0);
        if self.per_address > 0 && *n >= self.per_address {
            return None;
        }
        *n += 1;
        Some(Arriving {
            guard: Arc::clone(self),
            ip,
        })
    }

    /// Addresses with a body arriving now.
    pub fn addresses(&self) -> usize {
        self.arriving.lock().expect("body guard lock").len()
    }
}

/// Whether a request announces a body (a non-zero `Content-Length`, or chunks).
fn announces_body(req: &ServiceRequest) -> bool {
    use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
    let headers = req.headers();
    if headers.contains_key(TRANSFER_ENCODING) {
        return true;
    }
    headers
        .get(CONTENT_LENGTH)
        .is_some_and(|v| v.to_str().map_or(true, |v| v.trim() != "0"))
}

/// What became of a body the guard watched.
const ARRIVED: u8 = 0;
const TIMED_OUT: u8 = 1;
const REFUSED: u8 = 2;

/// A request body that must arrive whole before its deadline. While it waits for the network (a
/// body that is already there never does), it needs an [`Arriving`] place of its address, held
/// until it has arrived.
struct Deadline {
    body: actix_web::dev::Payload,
    timer: Pin<Box<tokio::time::Sleep>>,
    guard: Arc<BodyGuard>,
    ip: IpAddr,
    place: Option<Arriving>,
    outcome: Arc<AtomicU8>,
    done: bool,
}

impl Deadline {
    fn fail(&mut self, outcome: u8) -> Poll<Option<<Self as futures_util::Stream>::Item>> {
        self.place = None;
        self.done = true;
        self.outcome.store(outcome, Ordering::SeqCst);
        Poll::Ready(Some(Err(actix_web::error::PayloadError::Io(
            std::io::Error::new(std::io::ErrorKind::TimedOut, "request body too slow"),
        ))))
    }
}

impl futures_util::Stream for Deadline {
    type Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.body).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
            Poll::Ready(end) => {
                self.place = None;
                self.done = true;
                Poll::Ready(end)
            }
            Poll::Pending => {
                if self.place.is_none() {
                    match self.guard.enter(self.ip) {
                        Some(place) => self.place = Some(place),
                        None => return self.fail(REFUSED),
                    }
                }
                if self.timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                self.fail(TIMED_OUT)
            }
        }
    }
}

/// The middleware: a request's body must arrive within the deadline (408 otherwise), and while
/// it waits for the network it needs a place among its address's arriving bodies (429 at once
/// when there is none).
pub async fn guard_bodies(
    guard: Arc<BodyGuard>,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let ip = crate::http::proxy::client_ip(&req, req.peer_addr());
    let (Some(ip), true) = (ip, announces_body(&req)) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let outcome = Arc::new(AtomicU8::new(ARRIVED));
    let body = Deadline {
        body: req.take_payload(),
        timer: Box::pin(tokio::time::sleep(guard.deadline)),
        guard: Arc::clone(&guard),
        ip,
        place: None,
        outcome: Arc::clone(&outcome),
        done: false,
    };
    let body: Pin<Box<dyn futures_util::Stream<Item = _>>> = Box::pin(body);
    req.set_payload(actix_web::dev::Payload::from(body));
    let response = next.call(req).await;
    let error = match outcome.load(Ordering::SeqCst) {
        TIMED_OUT => AppError::RequestTimeout {
            ms: u64::try_from(guard.deadline.as_millis()).unwrap_or(u64::MAX),
        },
        REFUSED => AppError::RateLimited {
            message: format!(
                "too many requests from this address are still sending their bodies (at most {} at once); try again shortly",
                guard.per_address
            ),
            retry_after_secs: guard.deadline.as_secs().max(1),
        },
        _ => return Ok(response?.map_into_left_body()),
    };
    tracing::warn!(status = %error.status_code(), "a request body was too slow: closing its connection");
    let Ok(response) = response else {
        return Err(error.into());
    };
    let mut answer = error.error_response();
    // The rest of the body may still come: the connection cannot be reused.
    (answer.head_mut()).set_connection_type(actix_web::http::ConnectionType::Close);
    Ok(response.into_response(answer).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_limited_and_given_back() {
        let load = InFlight::new(2);
        let a = load.enter().expect("first");
        let b = load.enter().expect("second");
        assert!(load.enter().is_none(), "third over the limit");
        assert_eq!(load.current(), 2, "a refused request takes no place");
        drop(a);
        let c = load.enter().expect("a place came free");
        drop((b, c));
        assert_eq!(load.current(), 0);
        let unlimited = InFlight::new(0);
        let many: Vec<_> = (0..1000).map(|_| unlimited.enter().unwrap()).collect();
        assert_eq!(unlimited.current(), 1000);
        drop(many);
    }
}
