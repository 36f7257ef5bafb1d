//! Signing through the API: sign a letter, confirm and withdraw with the tokens from the mails,
//! read the published signatories.

use crate::http::state::After;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::ApiJson;
use super::{utc, Reply};
use crate::domain::token::Token;
use crate::error::{AppError, FieldCollector};
use crate::http::{rate_limit::Limits, AppState};
use crate::service::signatures::{self, SignFields, SignatureChange, SignatureView};

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    cfg.service(
        web::resource("/letters/{slug}/signatures")
            // Per IP here; per letter in the handler (`AppState::signing_allowed`).
            .wrap(limits.sign.middleware())
            .route(web::post().to(sign))
            .route(web::get().to(super::moderation::list)),
    )
    .service(confirm)
    .service(withdraw);
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
    responses((status = 202, description = "Always the same neutral answer", body = SignAccepted),
        (status = 404, body = super::ErrorBody), (status = 409, description = "The letter is not open", body = super::ErrorBody),
        (status = 429, description = "Too many sign requests from this address or for this letter, or too many unconfirmed signatures from this email domain in the last hour (with Retry-After)", body = super::ErrorBody),
        super::Invalid))]
pub async fn sign(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: ApiJson<SignFields>,
) -> Reply {
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
    FieldCollector::only("token", body.token.as_deref(), Token::parse)
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
        (status = 409, description = "Withdrawn, rejected, or the letter closed", body = super::ErrorBody),
        (status = 410, description = "The link expired", body = super::ErrorBody), super::Invalid))]
#[post("/signatures/confirm")]
pub async fn confirm(state: web::Data<AppState>, body: ApiJson<LinkTokenJson>) -> Reply {
    by_link(&state, body, signatures::confirm).await
}

/// Withdraw with the token from any mail about the signature.
#[utoipa::path(post, path = "/api/v1/signatures/withdraw", tag = "signing", request_body = LinkTokenJson,
    responses((status = 200, body = SignatureStateJson), (status = 404, description = "Unknown token", body = super::ErrorBody),
        super::Invalid))]
#[post("/signatures/withdraw")]
pub async fn withdraw(state: web::Data<AppState>, body: ApiJson<LinkTokenJson>) -> Reply {
    by_link(&state, body, signatures::withdraw).await
}

/// Make `change` to the signature whose mailed link's token the body holds; its new state.
async fn by_link(state: &AppState, body: ApiJson<LinkTokenJson>, change: SignatureChange) -> Reply {
    let view = state.change_signature(parse_token(body.0)?, change).await?;
    Ok(HttpResponse::Ok().json(SignatureStateJson::from(view)))
}
