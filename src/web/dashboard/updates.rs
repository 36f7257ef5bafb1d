//! `/dashboard/letters/{slug}/updates`: the updates a letter's signatories were sent, and a form
//! to send one.

use crate::http::state::After;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::db::models::LetterUpdate;
use crate::domain::markdown::to_safe_html;
use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::letters::LetterView;
use crate::service::updates::{self, UpdateRequest};
use crate::web::form;
use crate::web::session::{FormErrors, SignedIn};
use crate::web::{page_csrf, render, see_other, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/dashboard/letters/{slug}/updates",
        web::get().to(dashboard_page),
    )
    .route(
        "/dashboard/letters/{slug}/updates",
        web::post().to(dashboard_send),
    );
}

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
