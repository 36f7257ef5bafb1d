//! `/dashboard/signatures/{id}/erase`: erasing a signatory's personal data, behind a
//! confirmation page.

use crate::web::PathParam;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::domain::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::access::UserActor;
use crate::service::erasure;
use crate::service::erasure::EraseFields;
use crate::service::letters::{self, LetterView};
use crate::service::signatures::{self, SignatureView};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{see_other, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/signatures/{id}/erase" => [web::get().to(erase_page), web::post().to(erase)];
    });
}

#[derive(Template)]
#[template(path = "dashboard/erase.html")]
struct ErasePage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: &'a SignatureView,
    letter: &'a LetterView,
    errors: FormErrors,
}

/// The signature and its letter, if the actor may erase it.
async fn erasable(dash: &Dashboard, id: String) -> Result<(SignatureView, LetterView), AppError> {
    dash.read(move |conn, actor| {
        let view = signatures::find_by_id(conn, &id)?;
        let letter = letters::find_for(conn, actor, &view.letter.id, Permission::Moderate)?;
        Ok((view, letter))
    })
    .await
}

async fn erase_response(
    dash: &Dashboard,
    id: String,
    status: StatusCode,
    errors: FormErrors,
) -> PageReply {
    let (view, letter) = erasable(dash, id).await?;
    dash.render(status, |csrf| ErasePage {
        me: dash.me(),
        csrf,
        t: dash.t,
        view: &view,
        letter: &letter,
        errors,
    })
}

async fn erase_page(dash: Dashboard, id: PathParam) -> PageReply {
    erase_response(
        &dash,
        id.into_inner(),
        StatusCode::OK,
        FormErrors::default(),
    )
    .await
}

async fn erase(dash: Dashboard, id: PathParam, pairs: Pairs) -> PageReply {
    let id = id.into_inner();
    let posted = dash.post::<EraseFields>(pairs.0)?;
    let reason = match posted.data.reason() {
        Ok(reason) => reason,
        Err(e) => {
            let errors = FormErrors::of(Some(e))?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return erase_response(&dash, id, status, errors).await;
        }
    };
    let erased = dash
        .write_only(move |conn, _, actor| erasure::erase(conn, actor, &id, reason.as_deref()))
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{}/signatures",
        erased.letter_slug
    )))
}
