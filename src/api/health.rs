//! `GET /health`: 200 when the database answers, 503 when it does not.

use std::time::Duration;

use actix_web::{get, web, HttpResponse};
use serde_json::json;

use crate::error::AppError;
use crate::startup::AppState;

#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, description = "The database answers"), (status = 503, description = "The database does not answer", body = super::ErrorBody)))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state.db.ping(Duration::from_secs(2)).await?;
    Ok(HttpResponse::Ok().json(json!({
        "status": "ok",
        "database": state.db.url().backend_name(),
    })))
}
