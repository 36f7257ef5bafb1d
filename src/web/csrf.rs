//! CSRF protection for forms, three kinds by path:
//!
//! - **Signed in** (the dashboard, `/account`, `/logout`; [`session_bound`]): the token is
//!   HMAC(secret key, "session-csrf:" + SHA-256 of the session token), so it belongs to that
//!   session and no other: a token read from one session, or a cookie set by another site, is
//!   worth nothing in another browser, and it changes with every sign-in (issue 18, finding 15).
//!   No cookie of its own.
//! - **The signer's public forms** (sign, confirm, withdraw, invitations, unsubscribe;
//!   [`origin_checked`]): no token at all, so that a letter's page is the same bytes for every
//!   reader (issue 19). A post is accepted when the browser says it comes from this site, by the
//!   standard headers, in OWASP's order ([`check_origin`]): `Sec-Fetch-Site` (`same-origin` or
//!   `none` pass, `same-site` and `cross-site` are refused), else `Origin`, else `Referer`, each
//!   compared with the public URL's origin. A post with none of the three is not a browser's
//!   that another site drives (every browser in use sends `Origin` or `Sec-Fetch-Site` on a
//!   cross-site post), and these forms grant nothing the open JSON API does not: it is accepted.
//! - **Sign-in and first run** (`/login`, `/setup/…`, anything else not signed in): a
//!   double-submit token. The page sets a random token in a `SameSite=Strict`, `HttpOnly` cookie
//!   (once) and puts the same value in a hidden field; a post is accepted only when the two
//!   match. A site that cannot read or write our cookie cannot forge the field.
//!
//! The kind follows from the path, the same rule for the page that shows a form and the post that
//! checks it. With an HTTPS public URL the cookies are named with the `__Host-` prefix (browsers
//! then accept them only `Secure`, with `Path=/` and no `Domain`, so a sibling subdomain cannot
//! set them); plain HTTP cannot use the prefix, as it requires `Secure` ([`cookie_name`]).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponseBuilder};

use crate::domain::token::{same_secret, Purpose, Token};
use crate::error::AppError;
use crate::http::AppState;

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

/// Whether forms at `path` are the signer's public ones, checked by origin ([`check_origin`]).
pub fn origin_checked(path: &str) -> bool {
    [
        "/letters/",
        "/signatures/",
        "/invitations/",
        "/unsubscribe/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// Accept a post to a public form only when the browser says it comes from this site: see the
/// module's documentation. `public_origin` is the public URL's origin (`https://host[:port]`).
pub fn check_origin(req: &HttpRequest, public_origin: &str) -> Result<(), AppError> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let refused = |why: String| {
        Err(AppError::Forbidden(format!(
            "this form was sent from another site ({why}); open the page on {public_origin} \
             and submit it there"
        )))
    };
    if let Some(site) = header("sec-fetch-site") {
        return match site {
            // `none`: the person opened it themselves (a bookmark, the address bar).
            "same-origin" | "none" => Ok(()),
            other => refused(format!("Sec-Fetch-Site: {other}")),
        };
    }
    let sent_from = match (header("origin"), header("referer")) {
        (Some(origin), _) => origin.to_string(),
        (None, Some(referer)) => url::Url::parse(referer)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| "an unreadable Referer".into()),
        (None, None) => return Ok(()),
    };
    if sent_from == public_origin {
        Ok(())
    } else {
        refused(format!("from {sent_from}"))
    }
}

/// The origin (`scheme://host[:port]`) of a public URL.
pub fn origin_of(public_url: &str) -> String {
    url::Url::parse(public_url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| public_url.trim_end_matches('/').to_string())
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
        if origin_checked(req.path()) {
            // Checked by origin: no token in the page, no cookie.
            return Csrf {
                token: String::new(),
                set: None,
            };
        }
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
                let token = crate::domain::token::random_token();
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

/// Accept a form post: a public form's when it comes from this site ([`check_origin`]), another
/// only when its hidden field is the expected token (compared in constant time): the session's
/// for a signed-in path, the double-submit cookie's otherwise.
pub fn verify(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let state = req.app_data::<web::Data<AppState>>();
    if origin_checked(req.path()) {
        let origin = state.map_or_else(String::new, |s| origin_of(&s.public_url));
        return check_origin(req, &origin);
    }
    let expected = state.and_then(|state| expected(req, state));
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
    fn only_the_signer_s_public_forms_are_checked_by_origin() {
        for path in [
            "/letters/x/sign",
            "/signatures/confirm/t",
            "/signatures/withdraw/t",
            "/invitations/t",
            "/unsubscribe/t",
        ] {
            assert!(origin_checked(path) && !session_bound(path), "{path}");
        }
        for path in [
            "/login",
            "/setup/t",
            "/dashboard/letters/x",
            "/account",
            "/lettersx",
        ] {
            assert!(!origin_checked(path), "{path}");
        }
    }

    fn post(headers: &[(&'static str, &'static str)]) -> HttpRequest {
        let mut req = actix_web::test::TestRequest::post().uri("/letters/x/sign");
        for h in headers {
            req = req.insert_header(*h);
        }
        req.to_http_request()
    }

    #[test]
    fn a_public_post_passes_from_this_site_and_is_refused_from_any_other() {
        let site = "https://letters.example.org";
        assert_eq!(origin_of("https://letters.example.org/"), site);
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        let passes = [
            &[("sec-fetch-site", "same-origin"), ("origin", site)][..],
            &[("sec-fetch-site", "none")],
            &[("origin", site)],
            &[("referer", "https://letters.example.org/letters/x?lang=fr")],
            // Not a browser driven by another site: see the module's documentation.
            &[],
        ];
        for headers in passes {
            assert!(check_origin(&post(headers), site).is_ok(), "{headers:?}");
        }
        let refused = [
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ][..],
            // Sec-Fetch-Site decides when it is sent, even with a matching Origin.
            &[("sec-fetch-site", "same-site"), ("origin", site)],
            &[("origin", "https://evil.example")],
            &[("origin", "null")],
            &[("origin", "http://letters.example.org")],
            &[("origin", "https://letters.example.org:8443")],
            &[("referer", "https://letters.example.org.evil.example/x")],
            &[("referer", "not a url")],
            // Origin is read before Referer.
            &[
                ("origin", "https://evil.example"),
                ("referer", "https://letters.example.org/"),
            ],
        ];
        for headers in refused {
            let err = check_origin(&post(headers), site).unwrap_err();
            assert!(
                matches!(err, AppError::Forbidden(_)),
                "{headers:?}: {err:?}"
            );
        }
    }

    #[test]
    fn cookies_get_the_host_prefix_only_when_secure() {
        assert_eq!(cookie_name(COOKIE, true), "__Host-undersigned_csrf");
        assert_eq!(cookie_name(COOKIE, false), "undersigned_csrf");
    }
}
