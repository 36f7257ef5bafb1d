//! Load shedding: the server handles at most `max_in_flight` requests at once. One more is
//! answered at once with `503` and `Retry-After`, so a saturated server says so instead of
//! queueing without bound (each waiting request holds its memory, and its client has usually
//! given up by the time it is served). `/health` is never shed: it says whether the service is
//! up, not whether it is busy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;

use crate::error::AppError;

/// How many requests are being handled, against a limit (0: no limit).
#[derive(Debug)]
pub struct InFlight {
    now: AtomicUsize,
    limit: usize,
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
        })
    }

    /// A place for one more request, unless the limit is reached.
    pub fn enter(self: &Arc<Self>) -> Option<Place> {
        let before = self.now.fetch_add(1, Ordering::SeqCst);
        let place = Place(self.clone());
        if self.limit > 0 && before >= self.limit {
            return None; // dropping `place` gives the count back
        }
        Some(place)
    }

    /// Requests being handled now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }
}

/// The middleware: shed a request when `load` has no place for it.
pub async fn shed(
    load: Arc<InFlight>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.path() == "/health" {
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
