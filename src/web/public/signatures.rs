//! The pages behind the links in mails: confirm (`/signatures/confirm/{token}`) and withdraw
//! (`/signatures/withdraw/{token}`). Opening a link (GET) only shows a page with a button, since
//! mail scanners open links; the button's POST makes the change.

use crate::web::{Button, PathParam};
use crate::web::{PageReply, Visit};
use actix_web::{web, HttpRequest};

use crate::domain::token::Purpose;
use crate::domain::SignatureState;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::signatures::{self, SignatureChange, SignatureView};
use crate::web::csrf;
use crate::web::{ButtonForm, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/signatures/confirm/{token}" => [web::get().to(confirm_page), web::post().to(confirm)];
        "/signatures/withdraw/{token}" => [web::get().to(withdraw_page), web::post().to(withdraw)];
    });
}

use super::action_page;

use super::link_token as token;

async fn load(
    state: &web::Data<AppState>,
    purpose: Purpose,
    raw: String,
) -> Result<SignatureView, AppError> {
    let token = token(&raw)?;
    state
        .db
        .run(move |conn| signatures::find_by_token(conn, purpose, &token))
        .await
}

/// A button's POST: check the CSRF token, then run `change` with the link's token.
async fn post_action(
    req: &HttpRequest,
    state: &AppState,
    raw: &str,
    form: &ButtonForm,
    change: SignatureChange,
) -> Result<SignatureView, PageError> {
    csrf::verify(req, &form.csrf_token)?;
    Ok(state.change_signature(token(raw)?, change).await?)
}

async fn confirm_page(Visit { req, state }: Visit, raw: PathParam) -> PageReply {
    let view = load(&state, Purpose::ConfirmSignature, raw.into_inner()).await?;
    if view.link_expired() || view.state() == SignatureState::Expired {
        let t = super::signer_lang(&req, &view);
        return Err(AppError::Gone(t.get("link-expired")).into());
    }
    let (explanation, button) = match view.state() {
        SignatureState::Pending => ("confirm-explain", Some("confirm-button")),
        SignatureState::Published => ("confirm-published", None),
        SignatureState::Confirmed => ("confirm-waiting", None),
        _ => ("confirm-ended", None),
    };
    action_page(&req, &state, "confirm-heading", &view, explanation, button)
}

async fn confirm(Visit { req, state }: Visit, raw: PathParam, form: Button) -> PageReply {
    let view = post_action(&req, &state, &raw, &form, signatures::confirm).await?;
    let explanation = match view.state() {
        SignatureState::Published => "confirmed-listed",
        _ if view.signature.contests.is_some() => "confirmed-held",
        _ => "confirmed-review",
    };
    action_page(&req, &state, "confirmed-heading", &view, explanation, None)
}

async fn withdraw_page(Visit { req, state }: Visit, raw: PathParam) -> PageReply {
    let view = load(&state, Purpose::WithdrawSignature, raw.into_inner()).await?;
    let (explanation, button) = if view.state().is_live() {
        ("withdraw-explain", Some("withdraw-button"))
    } else {
        ("withdraw-ended", None)
    };
    action_page(&req, &state, "withdraw-heading", &view, explanation, button)
}

async fn withdraw(Visit { req, state }: Visit, raw: PathParam, form: Button) -> PageReply {
    let view = post_action(&req, &state, &raw, &form, signatures::withdraw).await?;
    action_page(&req, &state, "withdrawn-heading", &view, "withdrawn", None)
}
