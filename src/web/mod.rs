//! Server-rendered pages: `public/` (the letter with its signatories and sign form, the campaign,
//! the printable copy, the pages behind the links in mails), `session.rs` (signing in, setup, one's
//! account) and `dashboard/` (the coordinators' pages, one file per concern as in `api/`). Like
//! the API, they parse requests into the services' `Fields` types and write through
//! `AppState::command`; they never call the API. Templates are in `templates/` (askama: checked at compile time,
//! HTML auto-escaped). No JavaScript is needed anywhere.

/// Mount a table of page routes, one address a line, as `mount!(cfg, { "/path" => routes; … })`:
/// `"/x" => web::get().to(page);` is one method at an address (`ServiceConfig::route`: a request
/// with another method goes on to the next address that matches), and
/// `"/x" => [web::get().to(page), web::post().to(send)];` an address with all its methods ([`at`]:
/// another method is 405 there). Each `web::post()` stands beside its path, where the security
/// test that posts to every form looks for it.
macro_rules! mount {
    ($cfg:expr, { $($path:literal => $routes:expr;)* }) => {
        $( $crate::web::Mount::mount($routes, $cfg, $path); )*
    };
}

pub mod csrf;
pub mod dashboard;
pub mod error_pages;
pub mod form;
pub mod public;
pub mod session;

use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError};
use actix_web::{Resource, Route};
use askama::Template;

use crate::error::AppError;
use crate::http::AppState;

/// Mount every page route; `limit` wraps the form posts that sign.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig, limits: &crate::http::rate_limit::Limits) {
    public::routes(cfg, limits);
    session::routes(cfg, limits);
    dashboard::routes(cfg);
}

/// One address and its routes, one for each method it answers (another method is 405 there):
/// `cfg.service(at("/x", [web::get().to(page), web::post().to(send)]))` names the address once.
pub fn at<const N: usize>(path: &str, routes: [Route; N]) -> Resource {
    routes
        .into_iter()
        .fold(actix_web::web::resource(path), Resource::route)
}

/// What [`mount!`] puts at an address: one route, or an address's routes ([`at`]).
pub trait Mount {
    fn mount(self, cfg: &mut actix_web::web::ServiceConfig, path: &str);
}

impl Mount for Route {
    fn mount(self, cfg: &mut actix_web::web::ServiceConfig, path: &str) {
        cfg.route(path, self);
    }
}

impl<const N: usize> Mount for [Route; N] {
    fn mount(self, cfg: &mut actix_web::web::ServiceConfig, path: &str) {
        cfg.service(at(path, self));
    }
}

/// A route behind a rate limit (signing, signing in), for [`mount!`]:
/// `"/x" => Limited(&limits.sign, web::post().to(send));` is its own address in the limit's
/// middleware.
pub struct Limited<'a>(pub &'a crate::http::rate_limit::RateLimit, pub Route);

impl Mount for Limited<'_> {
    fn mount(self, cfg: &mut actix_web::web::ServiceConfig, path: &str) {
        let Limited(limit, route) = self;
        cfg.service(
            actix_web::web::resource(path)
                .wrap(limit.middleware())
                .route(route),
        );
    }
}

/// Render a template as an HTML response with the given builder (status, cookies).
pub fn render(
    mut builder: HttpResponseBuilder,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    let html = page
        .render()
        .map_err(|e| PageError(AppError::Unexpected(e.into())))?;
    Ok(builder.content_type(ContentType::html()).body(html))
}

/// A visitor's request with the state to answer it: what every page handler outside the
/// dashboard receives (the dashboard's is `dashboard::extract::Dashboard`), taken apart in its
/// parameter as `Visit { req, state }: Visit`.
pub struct Visit {
    pub req: HttpRequest,
    pub state: actix_web::web::Data<AppState>,
}

impl actix_web::FromRequest for Visit {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<actix_web::web::Data<AppState>>().cloned();
        std::future::ready(match state {
            Some(state) => Ok(Visit {
                req: req.clone(),
                state,
            }),
            None => Err(actix_web::error::ErrorInternalServerError(
                "app state missing",
            )),
        })
    }
}

/// A form whose only field is its CSRF token: the buttons that post.
#[derive(serde::Deserialize)]
pub struct ButtonForm {
    #[serde(default)]
    pub csrf_token: String,
}

/// A button's form: its CSRF token alone.
pub type Button = actix_web::web::Form<ButtonForm>;

/// The one parameter of a page's path: a letter's, campaign's or coalition's slug, an item's id,
/// or a mail link's token (`/letters/{slug}`, `/signatures/confirm/{token}`).
pub type PathParam = actix_web::web::Path<String>;

/// A 303 redirect, after a form post that worked.
pub fn see_other(to: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.into()))
        .finish()
}

/// A page's CSRF token (set on the response when new) and its response builder.
pub fn page_csrf(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
) -> (csrf::Csrf, HttpResponseBuilder) {
    let csrf = csrf::Csrf::for_request(req, state);
    let mut builder = HttpResponse::build(status);
    csrf.apply(&mut builder);
    (csrf, builder)
}

/// Render a page whose forms post its CSRF token, with `status`: `page` builds the page from the
/// token (its `csrf` field), which the response sets as a cookie when it is new ([`page_csrf`]).
pub fn render_with_csrf<P: Template>(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    page: impl FnOnce(String) -> P,
) -> PageReply {
    let (csrf, builder) = page_csrf(req, state, status);
    render(builder, &page(csrf.token))
}

/// 200, or 422 when a form comes back with messages.
pub fn status_of(errors: &session::FormErrors) -> StatusCode {
    unless_invalid(StatusCode::OK, errors)
}

/// `status`, or 422 when a form comes back with messages.
pub fn unless_invalid(status: StatusCode, errors: &session::FormErrors) -> StatusCode {
    if errors.is_empty() {
        status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A plain page with a heading and a message.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    /// The page's language (`lang` on `<html>`).
    pub lang: &'a str,
    pub title: &'a str,
    pub message: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}

/// What a page handler answers: the page, or the error as an HTML page.
pub type PageReply = Result<HttpResponse, PageError>;

/// An [`AppError`] shown as an HTML page with the same status.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// An error as an HTML page (for middleware that answers before any handler).
pub fn error_page(error: AppError) -> actix_web::HttpResponse {
    actix_web::ResponseError::error_response(&PageError(error))
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log();
        let title = match &self.0 {
            AppError::NotFound(_) => "Not found",
            AppError::Gone(_) => "This link has expired",
            AppError::Conflict { .. } => "Not possible",
            AppError::Forbidden(_) => "Not allowed",
            AppError::TooManyRequests | AppError::RateLimited { .. } => "Too many requests",
            AppError::Unavailable(_) => "Temporarily unavailable",
            AppError::Unexpected(_) => "Something went wrong",
            _ => "Please check your input",
        };
        let message = match &self.0 {
            // Say which fields, as the JSON error does.
            AppError::Validation(fields) => (fields.iter())
                .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
                .collect::<Vec<_>>()
                .join(". "),
            other => other.to_string(),
        };
        let mut builder = HttpResponse::build(self.status_code());
        self.0.add_headers(&mut builder);
        let page = MessagePage {
            lang: "en",
            title,
            message: &message,
            link: Some(("/", "Back to the letters")),
        };
        match page.render() {
            Ok(html) => builder.content_type(ContentType::html()).body(html),
            Err(_) => builder.content_type(ContentType::plaintext()).body(message),
        }
    }
}
