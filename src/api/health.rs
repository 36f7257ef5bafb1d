//! `GET /health`: 200 when the database answers and the service is taking requests; 503 when the
//! database does not answer, or while the service is shedding load (every place taken, or a
//! request refused in the last few seconds), so that a load balancer or monitor sees what the
//! service's users see (issue 18, finding 2: `/health` said 200 while every page answered 503).
//! It is never shed itself. It is the readiness check: send traffic here only while it says 200.
//!
//! `GET /health/live`: 200 as long as the process answers HTTP, whatever the database or the
//! load — the liveness check (restart the process only when this fails). The two differ: a
//! database outage or an overload makes an instance unready, and restarting it would not help.

use std::time::Duration;

use actix_web::{get, http::header, web, HttpResponse};
use serde_json::json;

use super::Reply;
use crate::http::AppState;

#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, description = "The database answers and requests are being taken; with the bytes and entries the response cache holds and its cap"),
        (status = 503, description = "The database does not answer (the error shape), or the service is shedding load (`status: shedding`, with the requests in flight and the limit)")))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Reply {
    state.db.ping(Duration::from_secs(2)).await?;
    let database = state.db.url().backend_name();
    let load = &state.load;
    if load.shedding() {
        return Ok(HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(json!({
                "status": "shedding",
                "database": database,
                "in_flight": load.current(),
                "max_in_flight": load.limit(),
            })));
    }
    let cache = &state.responses;
    Ok(HttpResponse::Ok().json(json!({
        "status": "ok",
        "database": database,
        "response_cache": {
            "bytes": cache.weight(),
            "max_bytes": cache.max_bytes(),
            "entries": cache.len(),
        },
    })))
}

#[utoipa::path(get, path = "/health/live", tag = "service",
    responses((status = 200, description = "The process answers (liveness); says nothing of the database or the load")))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "alive"}))
}
