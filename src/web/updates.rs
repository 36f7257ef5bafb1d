//! Updates, unsubscribing, export and erasure on the web:
//!
//! - `/unsubscribe/{token}`: the page behind an update's unsubscribe link (GET shows a button,
//!   POST unsubscribes; the POST is also what mail providers send for RFC 8058 one-click).
//! - `/dashboard/letters/{slug}/updates`: the updates sent, and a form to send one.
//! - `/dashboard/letters/{slug}/export.json|.csv`: the coordinators' downloads.
//! - `/dashboard/signatures/{id}/erase`: a confirmation page and its POST.

use crate::http::state::After;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::csrf::Csrf;
use super::form;
use super::session::{FormErrors, SignedIn};
use super::{page_csrf, render, see_other, PageError};
use crate::db::models::LetterUpdate;
use crate::domain::markdown::to_safe_html;
use crate::domain::token::Token;
use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::http::commands::download;
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::erasure;
use crate::service::erasure::EraseFields;
use crate::service::export::ExportFormat;
use crate::service::letters::{self, LetterView};
use crate::service::signatures::{self, SignatureView};
use crate::service::updates::{self, UpdateRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/unsubscribe/{token}", web::get().to(unsubscribe_page))
        .route("/unsubscribe/{token}", web::post().to(unsubscribe))
        .route(
            "/dashboard/letters/{slug}/updates",
            web::get().to(dashboard_page),
        )
        .route(
            "/dashboard/letters/{slug}/updates",
            web::post().to(dashboard_send),
        )
        .route(
            "/dashboard/letters/{slug}/export.json",
            web::get().to(export_json),
        )
        .route(
            "/dashboard/letters/{slug}/export.csv",
            web::get().to(export_csv),
        )
        .route(
            "/dashboard/signatures/{id}/erase",
            web::get().to(erase_page),
        )
        .route("/dashboard/signatures/{id}/erase", web::post().to(erase));
}

// ---- Unsubscribing ----

#[derive(Template)]
#[template(path = "signature_action.html")]
struct ActionPage<'a> {
    heading: &'a str,
    view: &'a SignatureView,
    explanation: &'a str,
    button: Option<&'a str>,
    action: &'a str,
    csrf: &'a str,
}

fn token(raw: &str) -> Result<Token, AppError> {
    Token::parse(raw).map_err(|_| AppError::not_found("this link"))
}

/// Opening the link: what it does, and a button (a GET changes nothing: mail scanners open
/// links).
async fn unsubscribe_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token(&raw)?;
    let view = state
        .db
        .run(move |conn| updates::find_by_token(conn, &token))
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    let done = view.signature.unsubscribed_at.is_some();
    render(
        builder,
        &ActionPage {
            heading: "Stop updates about this letter",
            view: &view,
            explanation: if done {
                "You are unsubscribed: you get no more updates about this letter."
            } else {
                "The letter's coordinators send occasional updates to its signers (for example, \
                 when the recipient answers). Press the button to get no more of them. Your \
                 organisation's signature stays as it is."
            },
            button: (!done).then_some("Unsubscribe"),
            action: req.path(),
            csrf: &csrf.token,
        },
    )
}

/// Unsubscribe. No CSRF token is checked, on purpose: RFC 8058 one-click requests are POSTs
/// that mail providers send from their servers (body `List-Unsubscribe=One-Click`, no cookie),
/// and the unguessable token in the path (HMAC-derived, 256 bits, stored only as SHA-256) is
/// the whole authority. A forged cross-site POST would need the token, and could only do what
/// its holder may: stop their own updates. Idempotent; any body is ignored.
async fn unsubscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token(&raw)?;
    let done = state
        .command(
            move |conn, _| updates::unsubscribe(conn, &token),
            |_| After::nothing(),
        )
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &ActionPage {
            heading: "You are unsubscribed",
            view: &done.view,
            explanation: if done.already {
                "You had unsubscribed already: you get no updates about this letter."
            } else {
                "You get no more updates about this letter. Your organisation's signature stays \
                 as it is; to withdraw it, use the link in any of the letter's mails."
            },
            button: None,
            action: req.path(),
            csrf: &csrf.token,
        },
    )
}

// ---- The coordinators' page of updates ----

#[derive(Template)]
#[template(path = "dashboard/updates.html")]
struct DashboardPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    letter: &'a LetterView,
    /// (update, its body rendered), newest first.
    items: Vec<(LetterUpdate, std::sync::Arc<str>)>,
    can_send: bool,
    per_day: u32,
    form: &'a UpdateRequest,
    errors: FormErrors,
    /// A problem that is not one field's (the limit, no recipients).
    problem: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct SentParam {
    sent: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
async fn dashboard(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    status: StatusCode,
    form: &UpdateRequest,
    errors: FormErrors,
    problem: Option<String>,
    message: Option<String>,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let (letter, items) = state
        .db
        .run(move |conn| {
            let (letter, items) = updates::list(conn, &actor, &slug)?;
            // Rendered here, on the blocking pool, not on the async executor's threads.
            let items: Vec<_> = (items.into_iter())
                .map(|u| {
                    let html = to_safe_html(&u.body);
                    (u, html)
                })
                .collect();
            Ok((letter, items))
        })
        .await?;
    let (csrf, builder) = page_csrf(req, state, status);
    let can_send = session
        .actor
        .can(&letter.coalition.id, Permission::ManageLetters)
        && letter.state() != LetterState::Draft;
    render(
        builder,
        &DashboardPage {
            me: session.me(),
            csrf: &csrf.token,
            letter: &letter,
            items,
            can_send,
            per_day: state.updates_per_letter_per_day,
            form,
            errors,
            problem,
            message,
        },
    )
}

async fn dashboard_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    query: web::Query<SentParam>,
) -> Result<HttpResponse, PageError> {
    let message = query
        .sent
        .map(|n| format!("The update is on its way to {n} signer(s)."));
    dashboard(
        &req,
        &state,
        &session,
        slug.into_inner(),
        StatusCode::OK,
        &UpdateRequest::default(),
        FormErrors::default(),
        None,
        message,
    )
    .await
}

async fn dashboard_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<UpdateRequest>(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?;
    let request = posted.data;
    let (per_day, actor) = (state.updates_per_letter_per_day, session.actor.clone());
    let (letter, sent) = (slug.clone(), request.clone());
    let result = state
        .command(
            move |conn, keys| updates::send(conn, &keys.tokens, &actor, &letter, &sent, per_day),
            |_| After::nothing().and_mail(),
        )
        .await;
    match result {
        Ok((_, update)) => Ok(see_other(format!(
            "/dashboard/letters/{slug}/updates?sent={}",
            update.recipients
        ))),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            let (errors, problem) = match (&e, FormErrors::from_error(&e)) {
                (_, Some(errors)) => (errors, None),
                (AppError::RateLimited { .. } | AppError::Conflict { .. }, None) => {
                    (FormErrors::default(), Some(e.to_string()))
                }
                _ => return Err(e.into()),
            };
            let mut response = dashboard(
                &req, &state, &session, slug, status, &request, errors, problem, None,
            )
            .await?;
            if let AppError::RateLimited {
                retry_after_secs, ..
            } = e
            {
                response.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    retry_after_secs.into(),
                );
            }
            Ok(response)
        }
    }
}

// ---- Exports ----

async fn export_json(
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    Ok(download(
        &state,
        session.actor.clone(),
        slug.into_inner(),
        ExportFormat::Json,
    )
    .await?)
}

async fn export_csv(
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    Ok(download(
        &state,
        session.actor.clone(),
        slug.into_inner(),
        ExportFormat::Csv,
    )
    .await?)
}

// ---- Erasure ----

#[derive(Template)]
#[template(path = "dashboard/erase.html")]
struct ErasePage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    view: &'a SignatureView,
    letter: &'a LetterView,
    errors: FormErrors,
}

/// The signature and its letter, if the actor may erase it.
async fn erasable(
    state: &AppState,
    session: &SignedIn,
    id: String,
) -> Result<(SignatureView, LetterView), AppError> {
    let actor = session.actor.clone();
    state
        .db
        .run(move |conn| {
            let view = signatures::find_by_id(conn, &id)?;
            let letter = letters::find_for(conn, &actor, &view.letter.id, Permission::Moderate)?;
            Ok((view, letter))
        })
        .await
}

async fn erase_response(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    id: String,
    status: StatusCode,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let (view, letter) = erasable(state, session, id).await?;
    let csrf = Csrf::for_request(req, state);
    let mut builder = HttpResponse::build(status);
    csrf.apply(&mut builder);
    render(
        builder,
        &ErasePage {
            me: session.me(),
            csrf: &csrf.token,
            view: &view,
            letter: &letter,
            errors,
        },
    )
}

async fn erase_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    erase_response(
        &req,
        &state,
        &session,
        id.into_inner(),
        StatusCode::OK,
        FormErrors::default(),
    )
    .await
}

async fn erase(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    id: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let posted = form::parse::<EraseFields>(&req, pairs.into_inner())?;
    let reason = match posted.data.reason() {
        Ok(reason) => reason,
        Err(e) => {
            let Some(errors) = FormErrors::from_error(&e) else {
                return Err(e.into());
            };
            return erase_response(
                &req,
                &state,
                &session,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await;
        }
    };
    let actor = session.actor.clone();
    let erased = state
        .command(
            move |conn, _| erasure::erase(conn, &actor, &id, reason.as_deref()),
            |_| After::nothing(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{}/signatures",
        erased.letter_slug
    )))
}
