//! `GET /metrics`: the Prometheus scrape (see [`crate::http::metrics`]). 404 unless `metrics_token` is
//! set; 401 without that token as a bearer token. Not in the OpenAPI document: it is for the
//! operator's monitoring, not for API clients.

use actix_web::{http::header, web, HttpRequest, HttpResponse};

use super::Reply;
use crate::error::AppError;
use crate::http::metrics::{Readings, CONTENT_TYPE};
use crate::http::AppState;
use crate::service::outbox;

pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let presented = super::extract::bearer(&req).flatten().unwrap_or_default();
    match state.is_metrics_token(presented) {
        None => return Err(AppError::not_found("route /metrics")),
        Some(false) => return Err(AppError::Unauthorized),
        Some(true) => {}
    }
    // A scrape still answers while the database is away: the request counters and
    // `database_up 0` are what the alert needs then.
    let backlog = match state.db.run(outbox::backlog).await {
        Ok(backlog) => Some(backlog),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer the outbox query");
            None
        }
    };
    let readings = Readings {
        backlog,
        connections: state.db.connections(),
        in_flight: state.load.current(),
        cache_bytes: state.responses.weight(),
    };
    let text = state
        .metrics
        .render(readings)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("encoding the metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}
