//! NUL characters are refused before any handler sees them, on both databases alike (issue 18,
//! finding 16: PostgreSQL cannot store a NUL in text, so a NUL in a path, cursor, title or comment
//! answered 500 with an error in the log there, while SQLite answered 404 or stored it).
//!
//! - in the path (`%00`): 404, since no resource has such a name;
//! - in the query string: 400;
//! - in a form's field (`application/x-www-form-urlencoded`): 422 naming the field;
//! - in a JSON body: 422 naming the field (`api::extract::ApiJson`, which parses the body anyway).
//!
//! Pages get the error as a page (rendered by the function `startup` hands in, `web`'s), `/api`
//! and everything else as JSON.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use futures_util::StreamExt;

use crate::error::AppError;

/// The message for a field that holds a NUL.
pub const MESSAGE: &str = "may not contain NUL characters";

fn has_encoded_nul(raw: &str) -> bool {
    raw.contains("%00")
}

/// The first field of a form body whose name or value holds a NUL.
fn nul_field_in_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}

/// The middleware; `page` renders an error as an HTML page.
pub async fn refuse_nul(
    page: fn(AppError) -> actix_web::HttpResponse,
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let error = if has_encoded_nul(req.uri().path()) {
        Some(AppError::not_found(format!(
            "route {}",
            req.uri().path().replace("%00", "")
        )))
    } else if has_encoded_nul(req.query_string()) {
        Some(AppError::BadRequest(format!("the query string {MESSAGE}")))
    } else if req.content_type() == "application/x-www-form-urlencoded" {
        let limit = req
            .app_data::<web::Data<crate::http::AppState>>()
            .map_or(usize::MAX, |s| s.max_body_bytes);
        // Forms are small (at most `max_body_bytes`): read, check, and hand the same bytes on.
        let mut payload = req.take_payload();
        let mut body = web::BytesMut::new();
        let mut error = None;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > limit {
                error = Some(AppError::PayloadTooLarge { limit });
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let body = body.freeze();
        if error.is_none() {
            error = nul_field_in_form(&body).map(|field| AppError::field(&field, MESSAGE));
        }
        req.set_payload(actix_web::dev::Payload::from(body));
        error
    } else {
        None
    };
    let Some(error) = error else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let response = if req.path().starts_with("/api/") {
        error.error_response()
    } else {
        page(error)
    };
    Ok(req.into_response(response).map_into_right_body())
}

/// The path of the first string (a key or a value) in a JSON document that holds a NUL, as
/// `api::extract::ApiJson` names fields (`a.b[2].c`); `None` when there is none. Only a body
/// with a `\u0000` escape can hold one (JSON has no raw control characters in strings), so the
/// body is parsed a second time only then.
pub fn nul_field_in_json(body: &[u8]) -> Option<String> {
    let escaped = body.windows(6).enumerate().any(|(at, w)| {
        // A `\u0000` whose backslash is not itself escaped (an odd run of backslashes).
        w == br"\u0000" && body[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    });
    if !escaped {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    fn find(value: &serde_json::Value, path: String) -> Option<String> {
        let join = |path: &str, key: &str| {
            if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            }
        };
        match value {
            serde_json::Value::String(s) if s.contains('\0') => Some(path),
            serde_json::Value::Array(items) => {
                (items.iter().enumerate()).find_map(|(i, v)| find(v, format!("{path}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                if k.contains('\0') {
                    Some(join(&path, &k.replace('\0', "")))
                } else {
                    find(v, join(&path, k))
                }
            }),
            _ => None,
        }
    }
    find(&value, String::new()).map(|p| if p.is_empty() { "body".into() } else { p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_found_in_forms_and_json_with_their_field() {
        assert_eq!(
            nul_field_in_form(b"a=1&title=x%00y").as_deref(),
            Some("title")
        );
        assert_eq!(nul_field_in_form(b"a=1&title=x%2500y"), None);
        assert_eq!(
            nul_field_in_json(br#"{"a":"ok","b":[{"c":"x\u0000"}]}"#).as_deref(),
            Some("b[0].c")
        );
        assert_eq!(nul_field_in_json(br#""\u0000""#).as_deref(), Some("body"));
        // An escaped backslash before `u0000` is text, not a NUL.
        assert_eq!(nul_field_in_json(br#"{"a":"\\u0000"}"#), None);
        assert_eq!(
            nul_field_in_json(br#"{"a":"\\\u0000"}"#).as_deref(),
            Some("a")
        );
        assert_eq!(nul_field_in_json(br#"{"a":"plain"}"#), None);
    }
}
