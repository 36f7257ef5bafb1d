//! The pages behind the links in mails: confirm (`/signatures/confirm/{token}`) and withdraw
//! (`/signatures/withdraw/{token}`). Opening a link (GET) only shows a page with a button, since
//! mail scanners open links; the button's POST makes the change.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::domain::token::{Purpose, Token};
use crate::domain::SignatureState;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::signatures::{self, SignatureChange, SignatureView};
use crate::web::csrf::{self, Csrf};
use crate::web::{render, ButtonForm, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/signatures/confirm/{token}", web::get().to(confirm_page))
        .route("/signatures/confirm/{token}", web::post().to(confirm))
        .route("/signatures/withdraw/{token}", web::get().to(withdraw_page))
        .route("/signatures/withdraw/{token}", web::post().to(withdraw));
}

#[derive(Template)]
#[template(path = "signature_action.html")]
struct ActionPage<'a> {
    heading: &'a str,
    view: &'a SignatureView,
    explanation: &'a str,
    /// The button, when there is something to do.
    button: Option<&'a str>,
    action: &'a str,
    csrf: &'a str,
}

fn token(raw: &str) -> Result<Token, AppError> {
    Token::parse(raw).map_err(|_| AppError::not_found("this link"))
}

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

/// The page for a link: the signature, an explanation and, when there is something to do, a
/// button that posts back to the same path with the CSRF token.
fn action_page(
    req: &HttpRequest,
    state: &AppState,
    heading: &str,
    view: &SignatureView,
    explanation: &str,
    button: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let csrf = Csrf::for_request(req, state);
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &ActionPage {
            heading,
            view,
            explanation,
            button,
            action: req.path(),
            csrf: &csrf.token,
        },
    )
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

async fn confirm_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let view = load(&state, Purpose::ConfirmSignature, raw.into_inner()).await?;
    if view.link_expired() || view.state() == SignatureState::Expired {
        return Err(
            AppError::Gone("this confirmation link has expired; please sign again".into()).into(),
        );
    }
    let (explanation, button) = match view.state() {
        SignatureState::Pending => (
            "Press the button to confirm that your organisation signs this letter.",
            Some("Confirm the signature"),
        ),
        SignatureState::Published => ("This signature is confirmed and published.", None),
        SignatureState::Confirmed => (
            "This signature is confirmed and waits for the letter's coordinators.",
            None,
        ),
        _ => ("This signature was withdrawn or not accepted.", None),
    };
    action_page(
        &req,
        &state,
        "Confirm your signature",
        &view,
        explanation,
        button,
    )
}

async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    let view = post_action(&req, &state, &raw, &form, signatures::confirm).await?;
    let explanation = match view.state() {
        SignatureState::Published => {
            "Thank you: the signature is confirmed and your organisation is now listed."
        }
        _ if view.signature.contests.is_some() => "Thank you: the signature is confirmed. The letter already has a signature for your organisation from another address; the letter's coordinators will see both and decide which one stands.",
        _ => "Thank you: the signature is confirmed. The letter's coordinators will review it before it is listed.",
    };
    action_page(
        &req,
        &state,
        "Signature confirmed",
        &view,
        explanation,
        None,
    )
}

async fn withdraw_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let view = load(&state, Purpose::WithdrawSignature, raw.into_inner()).await?;
    let (explanation, button) = if view.state().is_live() {
        (
            "Press the button to withdraw your organisation's signature. It will no longer be listed.",
            Some("Withdraw the signature"),
        )
    } else {
        ("This signature is no longer active.", None)
    };
    action_page(
        &req,
        &state,
        "Withdraw your signature",
        &view,
        explanation,
        button,
    )
}

async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    let view = post_action(&req, &state, &raw, &form, signatures::withdraw).await?;
    let explanation = "The signature is withdrawn and no longer listed.";
    action_page(
        &req,
        &state,
        "Signature withdrawn",
        &view,
        explanation,
        None,
    )
}
