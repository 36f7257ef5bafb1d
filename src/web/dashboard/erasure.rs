//! `/dashboard/signatures/{id}/erase`: erasing a signatory's personal data, behind a
//! confirmation page.

use crate::http::state::After;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::domain::Permission;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::access::UserActor;
use crate::service::erasure;
use crate::service::erasure::EraseFields;
use crate::service::letters::{self, LetterView};
use crate::service::signatures::{self, SignatureView};
use crate::web::csrf::Csrf;
use crate::web::form;
use crate::web::session::{FormErrors, SignedIn};
use crate::web::{render, see_other, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/dashboard/signatures/{id}/erase",
        web::get().to(erase_page),
    )
    .route("/dashboard/signatures/{id}/erase", web::post().to(erase));
}

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
