//! The pages behind the links in mails: confirm (`/signatures/confirm/{token}`) and withdraw
//! (`/signatures/withdraw/{token}`). Opening a link (GET) only shows a page with a button, since
//! mail scanners open links; the button's POST makes the change.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::csrf::{self, Csrf};
use super::{render, PageError};
use crate::domain::token::{Purpose, Token};
use crate::domain::SignatureState;
use crate::error::AppError;
use crate::service::signatures::{self, SignatureView};
use crate::startup::AppState;

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

#[derive(Deserialize)]
struct ButtonForm {
    #[serde(default)]
    csrf_token: String,
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

async fn confirm_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let raw = raw.into_inner();
    let view = load(&state, Purpose::ConfirmSignature, raw.clone()).await?;
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
    let csrf = Csrf::for_request(&req, state.secure_cookies);
    let action = format!("/signatures/confirm/{raw}");
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &ActionPage {
            heading: "Confirm your signature",
            view: &view,
            explanation,
            button,
            action: &action,
            csrf: &csrf.token,
        },
    )
}

async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    csrf::verify(&req, &form.csrf_token)?;
    let token = token(&raw)?;
    let view = state
        .db
        .run(move |conn| signatures::confirm(conn, &token))
        .await?;
    let explanation = match view.state() {
        SignatureState::Published => "Thank you: the signature is confirmed and your organisation is now listed.",
        _ => "Thank you: the signature is confirmed. The letter's coordinators will review it before it is listed.",
    };
    render(
        HttpResponse::Ok(),
        &ActionPage {
            heading: "Signature confirmed",
            view: &view,
            explanation,
            button: None,
            action: "",
            csrf: "",
        },
    )
}

async fn withdraw_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let raw = raw.into_inner();
    let view = load(&state, Purpose::WithdrawSignature, raw.clone()).await?;
    let (explanation, button) = if view.state().is_live() {
        (
            "Press the button to withdraw your organisation's signature. It will no longer be listed.",
            Some("Withdraw the signature"),
        )
    } else {
        ("This signature is no longer active.", None)
    };
    let csrf = Csrf::for_request(&req, state.secure_cookies);
    let action = format!("/signatures/withdraw/{raw}");
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &ActionPage {
            heading: "Withdraw your signature",
            view: &view,
            explanation,
            button,
            action: &action,
            csrf: &csrf.token,
        },
    )
}

async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    raw: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    csrf::verify(&req, &form.csrf_token)?;
    let token = token(&raw)?;
    let view = state
        .db
        .run(move |conn| signatures::withdraw(conn, &token))
        .await?;
    render(
        HttpResponse::Ok(),
        &ActionPage {
            heading: "Signature withdrawn",
            view: &view,
            explanation: "The signature is withdrawn and no longer listed.",
            button: None,
            action: "",
            csrf: "",
        },
    )
}
