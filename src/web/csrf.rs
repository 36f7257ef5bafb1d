//! CSRF protection for forms: a double-submit token. Every page with a form sets a random token
//! in a `SameSite=Strict`, `HttpOnly` cookie (once) and puts the same value in a hidden field; a
//! form post is accepted only when the two match. A site that cannot read our cookie cannot
//! forge the field.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponseBuilder};

use crate::error::AppError;

pub const COOKIE: &str = "undersigned_csrf";
pub const FIELD: &str = "csrf_token";

/// The token for a page: the browser's, or a new one to set.
pub struct Csrf {
    pub token: String,
    set: Option<Cookie<'static>>,
}

impl Csrf {
    pub fn for_request(req: &HttpRequest, secure: bool) -> Csrf {
        match req.cookie(COOKIE) {
            Some(c) if c.value().len() == 64 => Csrf {
                token: c.value().to_string(),
                set: None,
            },
            _ => {
                let token = crate::service::random_token();
                let cookie = Cookie::build(COOKIE, token.clone())
                    .path("/")
                    .http_only(true)
                    .secure(secure)
                    .same_site(SameSite::Strict)
                    .finish();
                Csrf {
                    token,
                    set: Some(cookie),
                }
            }
        }
    }

    /// Add the cookie to a response when it is new.
    pub fn apply(&self, builder: &mut HttpResponseBuilder) {
        if let Some(cookie) = &self.set {
            builder.cookie(cookie.clone());
        }
    }
}

/// Accept a form post only when its hidden field matches the cookie (compared in constant time).
pub fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    match req.cookie(COOKIE) {
        Some(c)
            if !submitted.is_empty()
                && crate::domain::token::same_secret(submitted.as_bytes(), c.value().as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "the form expired or came from another site; please reload the page and submit it again"
                .into(),
        )),
    }
}
