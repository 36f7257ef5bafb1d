//! CSRF protection for forms, two kinds (issue 18, finding 15):
//!
//! - **Signed in** (the dashboard, `/account`, `/logout`): the token is HMAC(secret key,
//!   "session-csrf:" + SHA-256 of the session token), so it belongs to that session and no
//!   other: a token read from one session, or a cookie set by another site, is worth nothing in
//!   another browser, and it changes with every sign-in. No cookie of its own.
//! - **Not signed in** (the sign-in and first-run forms, and the public forms: sign, confirm,
//!   withdraw, unsubscribe, invitations): a double-submit token. The page sets a random token in
//!   a `SameSite=Strict`, `HttpOnly` cookie (once) and puts the same value in a hidden field; a
//!   post is accepted only when the two match. A site that cannot read or write our cookie
//!   cannot forge the field.
//!
//! Which kind a request uses follows from its path ([`session_bound`]), the same rule for the
//! page that shows a form and the post that checks it. With an HTTPS public URL the cookies are
//! named with the `__Host-` prefix (browsers then accept them only `Secure`, with `Path=/` and no
//! `Domain`, so a sibling subdomain cannot set them); plain HTTP cannot use the prefix, as it
//! requires `Secure` ([`cookie_name`]).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponseBuilder};

use crate::domain::token::{same_secret, Purpose, Token};
use crate::error::AppError;
use crate::startup::AppState;

/// The double-submit cookie's name over plain HTTP; `__Host-` is put before it over HTTPS.
pub const COOKIE: &str = "undersigned_csrf";
pub const FIELD: &str = "csrf_token";

/// A cookie's name: with the `__Host-` prefix when cookies are `Secure` (an HTTPS public URL).
pub fn cookie_name(base: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_string()
    }
}

/// Whether forms at `path` are a signed-in browser's, with the session-bound token.
pub fn session_bound(path: &str) -> bool {
    path == "/dashboard"
        || path.starts_with("/dashboard/")
        || path == "/account"
        || path.starts_with("/account/")
        || path == "/logout"
}

/// The session-bound token of the session whose cookie is `session`.
pub fn session_token(state: &AppState, session: &Token) -> String {
    state
        .key
        .derive(Purpose::SessionCsrf, &session.hash())
        .as_str()
        .to_string()
}

/// The session token the request carries, if well-formed.
fn session_of(req: &HttpRequest, state: &AppState) -> Option<Token> {
    req.cookie(&cookie_name(super::session::COOKIE, state.secure_cookies))
        .and_then(|c| Token::parse(c.value()).ok())
}

/// The token for a page: the session's, the browser's double-submit one, or a new one to set.
pub struct Csrf {
    pub token: String,
    set: Option<Cookie<'static>>,
}

impl Csrf {
    pub fn for_request(req: &HttpRequest, state: &AppState) -> Csrf {
        if session_bound(req.path()) {
            // Without a session these pages send the browser to sign in: the token is unused.
            let token = session_of(req, state)
                .map(|s| session_token(state, &s))
                .unwrap_or_default();
            return Csrf { token, set: None };
        }
        let name = cookie_name(COOKIE, state.secure_cookies);
        match req.cookie(&name) {
            Some(c) if c.value().len() == 64 => Csrf {
                token: c.value().to_string(),
                set: None,
            },
            _ => {
                let token = crate::service::random_token();
                let cookie = Cookie::build(name, token.clone())
                    .path("/")
                    .http_only(true)
                    .secure(state.secure_cookies)
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

/// Accept a form post only when its hidden field is the expected token (compared in constant
/// time): the session's for a signed-in path, the double-submit cookie's otherwise.
pub fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let expected = req
        .app_data::<web::Data<AppState>>()
        .and_then(|state| expected(req, state));
    match expected {
        Some(expected)
            if !submitted.is_empty() && same_secret(submitted.as_bytes(), expected.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "the form expired or came from another site; please reload the page and submit it again"
                .into(),
        )),
    }
}

fn expected(req: &HttpRequest, state: &AppState) -> Option<String> {
    if session_bound(req.path()) {
        session_of(req, state).map(|s| session_token(state, &s))
    } else {
        req.cookie(&cookie_name(COOKIE, state.secure_cookies))
            .map(|c| c.value().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_account_and_sign_out_are_session_bound_and_public_forms_are_not() {
        for path in [
            "/dashboard",
            "/dashboard/letters/x",
            "/account",
            "/account/tokens",
            "/logout",
        ] {
            assert!(session_bound(path), "{path}");
        }
        for path in [
            "/login",
            "/setup/abc",
            "/letters/x/sign",
            "/signatures/confirm/t",
            "/invitations/t",
            "/unsubscribe/t",
            "/dashboards",
            "/accounts",
        ] {
            assert!(!session_bound(path), "{path}");
        }
    }

    #[test]
    fn cookies_get_the_host_prefix_only_when_secure() {
        assert_eq!(cookie_name(COOKIE, true), "__Host-undersigned_csrf");
        assert_eq!(cookie_name(COOKIE, false), "undersigned_csrf");
    }
}
