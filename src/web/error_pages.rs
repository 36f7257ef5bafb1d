//! Errors as pages for browsers outside `/api` (issue 24, item 7). Page handlers answer their
//! errors as HTML already ([`super::PageError`]); this middleware catches the rest: an error
//! answered as JSON (or plain text) by an extractor, a middleware (too many requests, overload,
//! a refused body) or a handler shared with the API, on an address outside `/api`, for a client
//! that asks for HTML. It keeps the status and the headers (`Retry-After`, cookies) and shows
//! the JSON error's message, in the site's look. `/api` stays JSON whatever the client asks.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, ContentType, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use askama::Template;

use super::MessagePage;

/// Whether the request is a browser's for a page: it accepts HTML and is not for the API.
fn wants_page(req: &ServiceRequest) -> bool {
    let path = req.path();
    let api = path == "/api" || path.starts_with("/api/");
    let html = (req.headers().get(header::ACCEPT))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    html && !api
}

/// The page's heading for a status.
pub fn title_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "Please check your input",
        401 => "Please sign in",
        403 => "Not allowed",
        404 => "Not found",
        405 => "Not possible here",
        409 => "Not possible",
        410 => "This link has expired",
        413 => "Too large",
        429 => "Too many requests",
        503 => "Temporarily unavailable",
        _ if status.is_server_error() => "Something went wrong",
        _ => "Not possible",
    }
}

/// The message of a JSON error body (`{"error": {"message": ...}}`), if it is one.
fn message_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value["error"]["message"].as_str()?.to_string())
}

/// The middleware: answers unchanged unless it is an error that is not HTML, for a page.
pub async fn html_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let page = wants_page(&req);
    // (The request is not kept aside: routing needs it unshared.)
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let is_html = (res.headers().get(header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !page || !(status.is_client_error() || status.is_server_error()) || is_html {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let mut headers = res.headers().clone();
    let bytes = actix_web::body::to_bytes(res.into_body())
        .await
        .unwrap_or_default();
    // Plain text from the framework may name its internals: only JSON errors' messages show.
    let message = message_of(&bytes).unwrap_or_else(|| {
        if status.is_server_error() {
            "The server could not answer this request. Please try again later.".to_string()
        } else {
            "This request could not be answered.".to_string()
        }
    });
    let page = MessagePage {
        lang: "en",
        title: title_of(status),
        message: &message,
        link: Some(("/", "Back to the letters")),
    };
    let html = page.render().unwrap_or_else(|_| message.clone());
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_ENCODING);
    let mut out = HttpResponse::new(status);
    for (name, value) in headers.iter() {
        out.headers_mut().append(name.clone(), value.clone());
    }
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ContentType::html().0.as_ref())
            .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8")),
    );
    Ok(ServiceResponse::new(req, out.set_body(BoxBody::new(html))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_error_gives_its_message_and_statuses_their_headings() {
        let body = br#"{"error":{"code":"forbidden","message":"this needs the coordinator role"}}"#;
        assert_eq!(
            message_of(body).as_deref(),
            Some("this needs the coordinator role")
        );
        assert_eq!(message_of(b"Query deserialize error"), None);
        assert_eq!(title_of(StatusCode::FORBIDDEN), "Not allowed");
        assert_eq!(
            title_of(StatusCode::INTERNAL_SERVER_ERROR),
            "Something went wrong"
        );
    }
}
