//! Signing through the API: sign a letter, confirm and withdraw with the tokens from the mails,
//! read the published signatories, and (for admins) the outbox.

use crate::http::state::After;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{ApiJson, ApiQuery, Authenticated};
use super::{utc, PageQuery};
use crate::domain::token::Token;
use crate::domain::MailState;
use crate::error::{AppError, FieldCollector};
use crate::http::{rate_limit::Limits, AppState};
use crate::service::signatures::{self, SignFields, SignatureView};
use crate::service::{outbox, Page};

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    cfg.service(
        web::resource("/letters/{slug}/signatures")
            // Per IP here; per letter in the handler (`AppState::signing_allowed`).
            .wrap(limits.sign.middleware())
            .route(web::post().to(sign))
            .route(web::get().to(super::moderation::list)),
    )
    .service(confirm)
    .service(withdraw)
    .service(outbox_list)
    .service(outbox_retry);
}

/// The one answer to every accepted sign request, whatever happened behind it.
pub const NEUTRAL_MESSAGE: &str = "If this signature needs confirming, an email has been sent to the address given. Open the link in it to confirm.";

/// The answer to every accepted sign request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignAccepted {
    /// Always `check_your_email`.
    pub status: &'static str,
    pub message: &'static str,
}

/// Sign a letter for an organisation. Always 202 with the same body when the input is valid and
/// the letter is open, so the answer never reveals who has signed.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/signatures", tag = "signing", params(("slug" = String, Path)), request_body = SignFields,
    responses((status = 202, description = "Always the same neutral answer", body = SignAccepted), (status = 404, body = super::ErrorBody),
        (status = 409, description = "The letter is not open", body = super::ErrorBody), (status = 422, body = super::ErrorBody),
        (status = 429, description = "Too many sign requests from this address or for this letter, or too many unconfirmed signatures from this email domain in the last hour (with Retry-After)", body = super::ErrorBody)))]
pub async fn sign(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: ApiJson<SignFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    state.signing_allowed(&slug).await?;
    let fields = body.0;
    let policy = state.signing.clone();
    let all = state.countries.get(&state.db).await?;
    let network = crate::http::rate_limit::client_network(&req, &state.key);
    let outcome = state
        .command(
            move |conn, keys| {
                let mut input = fields.parse(&all)?;
                input.network = network;
                signatures::sign(conn, &keys.tokens, &policy, &slug, input)
            },
            |_| After::nothing().and_mail(),
        )
        .await?;
    tracing::info!(?outcome, "sign request");
    state.metrics.signed(&outcome);
    Ok(HttpResponse::Accepted().json(SignAccepted {
        status: "check_your_email",
        message: NEUTRAL_MESSAGE,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkTokenJson {
    /// The 64 hex digits at the end of the link in the mail.
    token: Option<String>,
}

fn parse_token(body: LinkTokenJson) -> Result<Token, AppError> {
    let mut errors = FieldCollector::new();
    let token = errors.required("token", body.token.as_deref(), Token::parse);
    errors.finish()?;
    token.ok_or_else(|| AppError::field("token", "is required"))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignatureStateJson {
    state: String,
    letter: String,
    organisation: String,
    confirmed_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
}

impl From<SignatureView> for SignatureStateJson {
    fn from(v: SignatureView) -> Self {
        SignatureStateJson {
            state: v.signature.state,
            letter: v.letter.slug,
            organisation: v.organisation.name,
            confirmed_at: v.signature.confirmed_at.map(utc),
            published_at: v.signature.published_at.map(utc),
            withdrawn_at: v.signature.withdrawn_at.map(utc),
        }
    }
}

/// Confirm with the token from the confirmation mail.
#[utoipa::path(post, path = "/api/v1/signatures/confirm", tag = "signing", request_body = LinkTokenJson,
    responses((status = 200, body = SignatureStateJson), (status = 404, description = "Unknown token", body = super::ErrorBody),
        (status = 409, description = "Withdrawn, rejected, or the letter closed", body = super::ErrorBody), (status = 410, description = "The link expired", body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)))]
#[post("/signatures/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    body: ApiJson<LinkTokenJson>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .change_signature(parse_token(body.0)?, signatures::confirm)
        .await?;
    Ok(HttpResponse::Ok().json(SignatureStateJson::from(view)))
}

/// Withdraw with the token from any mail about the signature.
#[utoipa::path(post, path = "/api/v1/signatures/withdraw", tag = "signing", request_body = LinkTokenJson,
    responses((status = 200, body = SignatureStateJson), (status = 404, description = "Unknown token", body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
#[post("/signatures/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    body: ApiJson<LinkTokenJson>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .change_signature(parse_token(body.0)?, signatures::withdraw)
        .await?;
    Ok(HttpResponse::Ok().json(SignatureStateJson::from(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `queued`, `sent` or `dead`.
    state: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OutboxJson {
    id: String,
    kind: String,
    recipient: String,
    state: String,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl From<crate::db::models::OutboxMail> for OutboxJson {
    fn from(m: crate::db::models::OutboxMail) -> Self {
        OutboxJson {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            state: m.state,
            attempts: m.attempts,
            next_attempt_at: utc(m.next_attempt_at),
            last_error: m.last_error,
            created_at: utc(m.created_at),
            sent_at: m.sent_at.map(utc),
        }
    }
}

/// Every mail the service sent or will send; `?state=dead` shows the ones that failed for good.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "mail", params(PageQuery, OutboxQuery), security(("api_token" = [])),
    responses((status = 200, body = Page<OutboxJson>), (status = 401, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
#[get("/outbox")]
pub async fn outbox_list(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let page = page.parse()?;
    let mut errors = FieldCollector::new();
    let mail_state: Option<MailState> =
        errors.optional("state", query.state.as_deref(), str::parse);
    errors.finish()?;
    let result = state
        .db
        .run(move |conn| outbox::list(conn, &actor, mail_state, page))
        .await?;
    Ok(HttpResponse::Ok().json(result.map(OutboxJson::from)))
}

/// Send a dead mail again, with a fresh round of attempts (coordinator role in the coalition of
/// the letter it is about).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "mail", params(("id" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = OutboxJson), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, description = "The mail is not dead", body = super::ErrorBody)))]
#[post("/outbox/{id}/retry")]
pub async fn outbox_retry(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mail = state
        .command(
            move |conn, _| outbox::retry(conn, &actor, &id),
            |_| After::nothing().and_mail(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(OutboxJson::from(mail)))
}
