//! How an [`AppError`] answers over HTTP: its status, the headers some statuses carry, and the
//! one JSON shape every error has, on the API and, through `web::PageError`, on pages:
//!
//! ```json
//! {"error": {"code": "validation_failed", "message": "...", "fields": {"name": ["must not be empty"]}}}
//! ```
//!
//! | variant | status | when |
//! |---|---|---|
//! | `BadRequest` | 400 | malformed JSON, a bad query string |
//! | `Unauthorized` | 401 | a missing or wrong bearer token |
//! | `Forbidden` | 403 | a form post without its CSRF token |
//! | `NotFound` | 404 | an unknown id, slug or route |
//! | `Conflict` | 409 | a duplicate, or a move the life cycle forbids |
//! | `RequestTimeout` | 408 | a request body that did not arrive within `body_timeout_ms` (`http::shedding::guard_bodies` closes the connection) |
//! | `Gone` | 410 | an expired link |
//! | `PayloadTooLarge` | 413 | a body over `max_body_bytes` |
//! | `UnsupportedMediaType` | 415 | a JSON endpoint sent something else |
//! | `Validation` | 422 | input that parsed but is not acceptable; every failing field is named |
//! | `TooManyRequests` | 429 | over a rate limit (with `Retry-After`) |
//! | `RateLimited` | 429 | over a limit a service counts itself, with its own message and `Retry-After` |
//! | `Unavailable` | 503 | the database cannot be reached (with `Retry-After`) |
//! | `Unexpected` | 500 | anything else |

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::{AppError, FieldErrors};

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a FieldErrors>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            AppError::TooManyRequests | AppError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields: match self {
                    AppError::Validation(fields) => Some(fields),
                    _ => None,
                },
            },
        };
        let mut response = HttpResponse::build(self.status_code());
        self.add_headers(&mut response);
        response.json(body)
    }
}

impl AppError {
    /// Headers some statuses carry, on JSON and HTML responses alike.
    pub fn add_headers(&self, response: &mut actix_web::HttpResponseBuilder) {
        match self {
            AppError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldCollector;
    use actix_web::body::to_bytes;

    async fn body_of(e: AppError) -> (StatusCode, serde_json::Value) {
        let response = e.error_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_web::test]
    async fn internal_causes_never_reach_the_body() {
        let cause = anyhow::anyhow!("SELECT secret FROM users: syntax error near password");
        let (status, body) = body_of(AppError::Unexpected(cause)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let text = body.to_string();
        assert!(
            !text.contains("SELECT") && !text.contains("password"),
            "{text}"
        );
        assert_eq!(body["error"]["code"], "internal_error");
    }

    #[actix_web::test]
    async fn validation_errors_name_every_field() {
        let mut c = FieldCollector::new();
        c.add("name", "must not be empty");
        c.add("country", "is required");
        let (status, body) = body_of(c.finish().unwrap_err()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["fields"]["name"][0], "must not be empty");
        assert_eq!(body["error"]["fields"]["country"][0], "is required");
    }
}
