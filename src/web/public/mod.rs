//! The pages anyone may open: a letter with its signatories and sign form (`letters.rs`), a
//! campaign (`campaign.rs`), the printable copy (`print.rs`), a draft shared by its secret preview
//! link (`preview.rs`), and the pages behind the links in
//! mails: confirming and withdrawing a signature (`signatures.rs`), an invitation
//! (`invitation.rs`), unsubscribing from updates (`unsubscribe.rs`).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::HttpRequest;

use crate::error::AppError;
use crate::http::state::After;
use crate::http::AppState;
use crate::i18n::Lang;
use crate::service::signatures::SignatureView;
use crate::web::{render_with_csrf, PageReply};

pub mod campaign;
pub mod invitation;
pub mod letters;
pub mod preview;
pub mod print;
pub mod signatures;
pub mod unsubscribe;

/// Mount the public pages; `limits` wraps the form posts that sign.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig, limits: &crate::http::rate_limit::Limits) {
    letters::routes(cfg, limits);
    campaign::routes(cfg);
    print::routes(cfg);
    preview::routes(cfg);
    signatures::routes(cfg);
    invitation::routes(cfg);
    unsubscribe::routes(cfg);
    cfg.route(
        "/language/{code}",
        actix_web::web::get().to(switch_language),
    );
}

/// A page behind a link in a mail (confirm, withdraw, unsubscribe): the signature, what the link
/// does and, when there is something to do, a button that posts back to the same path.
#[derive(askama::Template)]
#[template(path = "signature_action.html")]
struct ActionPage<'a> {
    heading: &'a str,
    view: &'a SignatureView,
    explanation: &'a str,
    /// The button, when there is something to do.
    button: Option<&'a str>,
    action: &'a str,
    csrf: String,
    /// The interface's language.
    t: Lang,
}

/// The page for a link, in the signer's language ([`signer_lang`]): the signature, an
/// explanation and, when there is something to do, a button that posts back to the same path
/// with the CSRF token. `heading`, `explanation` and `button` are message ids.
pub(super) fn action_page(
    req: &HttpRequest,
    state: &AppState,
    heading: &str,
    view: &SignatureView,
    explanation: &str,
    button: Option<&str>,
) -> PageReply {
    let t = signer_lang(req, view);
    let (heading, explanation) = (t.get(heading), t.get(explanation));
    let button = button.map(|b| t.get(b));
    render_with_csrf(req, state, StatusCode::OK, |csrf| ActionPage {
        heading: &heading,
        view,
        explanation: &explanation,
        button: button.as_deref(),
        action: req.path(),
        csrf,
        t,
    })
}

/// Run `write` with the token of a mail link's path ([`link_token`]: 404 when it cannot be read),
/// as a command with no other effects.
pub(super) async fn link_command<T: Send + 'static>(
    state: &AppState,
    raw: &str,
    write: fn(&mut crate::db::DbConnection, &crate::domain::token::Token) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let token = link_token(raw)?;
    let write = move |conn: &mut crate::db::DbConnection, _: &_| write(conn, &token);
    state.command(write, |_| After::nothing()).await
}

/// The token in a mail link's path; an unreadable one is a link that does not exist (404).
pub(super) fn link_token(raw: &str) -> Result<crate::domain::token::Token, crate::error::AppError> {
    crate::domain::token::Token::parse(raw)
        .map_err(|_| crate::error::AppError::not_found("this link"))
}

/// `?lang=`: the interface language asked for in the address.
#[derive(serde::Deserialize)]
pub(super) struct LangQuery {
    #[serde(default)]
    pub lang: String,
}

/// A page handler's `?lang=`.
pub(super) type LangParam = actix_web::web::Query<LangQuery>;

/// The cookie that remembers the interface language a visitor chose (`?lang=`).
pub const LANG_COOKIE: &str = "lang";

/// The interface language for a visitor ([`Lang::negotiate`]): `asked` (`?lang=`), else the
/// language they chose before, else their browser's, else `fallback` (the letter's own).
pub fn visitor_lang(req: &HttpRequest, asked: Option<&str>, fallback: &str) -> Lang {
    let chosen = req.cookie(LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(asked, chosen.as_ref().map(|c| c.value()), accept, fallback)
}

/// The language of a page behind a link in a signer's mail (confirm, withdraw, unsubscribe):
/// the one this browser chose (the `lang` cookie), else the one the signature was made in
/// (`signatures.mail_language`, the language of the signer's mails), before the browser's
/// `Accept-Language`: a signer who signed in French follows the French mail's link to a page in
/// French, whatever language their browser is set to.
pub fn signer_lang(req: &HttpRequest, view: &crate::service::signatures::SignatureView) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| Lang::parse(&view.signature.mail_language))
        .unwrap_or_else(|| visitor_lang(req, None, &view.letter.language))
}

/// The page's answer differs by the visitor's language: caches must keep one per language.
pub fn vary_by_language(response: &mut actix_web::HttpResponse) {
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Encoding, Accept-Language, Cookie"),
    );
}

#[derive(serde::Deserialize)]
struct Switch {
    #[serde(default)]
    to: String,
}

/// The language switcher's links (`/language/fr?to=/letters/x`): remember the choice in a
/// year-long cookie, then go back to the page in that language. The pages themselves set no
/// cookie, so every reader of a language gets the same bytes. `to` must be a path of this site.
async fn switch_language(
    state: actix_web::web::Data<crate::http::AppState>,
    code: actix_web::web::Path<String>,
    query: actix_web::web::Query<Switch>,
) -> actix_web::HttpResponse {
    let lang = Lang::parse(&code).unwrap_or_default();
    let local =
        query.to.starts_with('/') && !query.to.starts_with("//") && !query.to.contains('\\');
    let path = if local {
        query.to.split(['?', '#']).next().unwrap_or("/")
    } else {
        "/"
    };
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .secure(state.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    actix_web::HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{path}?lang={}", lang.code())))
        .cookie(cookie)
        .finish()
}
