//! A letter's signatures for its coordinators, with their private details, and moderation:
//! approving or rejecting confirmed signatures of `manual` letters.

use crate::http::state::After;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::LetterChange;
use super::extract::{About, ApiQuery};
use super::{text, utc, PageQuery, Reply};
use crate::domain::CountryCode;
use crate::domain::Permission;
use crate::error::FieldCollector;
use crate::http::Acting;
use crate::service::signatures::{self, Decision, SignatureFilter, SignatureView};
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(approve).service(reject);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SignatureOrganisation {
    slug: String,
    name: String,
    country: String,
    verification: String,
}

/// A signature as its letter's coordinators see it (private: contact email, comment).
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignatureJson {
    id: String,
    /// `pending`, `confirmed` (awaiting moderation), `published`, `rejected`, `withdrawn`,
    /// `expired`.
    state: String,
    organisation: SignatureOrganisation,
    representative_name: String,
    representative_role: String,
    email: String,
    comment: Option<String>,
    /// `invitation` when it was made through an invitation's link (the signature's own
    /// verification); `null` otherwise, when the organisation's applies.
    verified_by: Option<String>,
    /// The version of the letter's text the signer saw, and its hash.
    letter_version: i32,
    text_hash: String,
    created_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    rejected_at: Option<DateTime<Utc>>,
    rejection_reason: Option<String>,
    /// A keyed hash of the network the sign request came from (16 hex digits; `null` when not
    /// signed through the public form or API): the same for requests from one /24 or /48,
    /// never the address. Filter by it with `signatures/find`.
    network: Option<String>,
    /// A held signature (issue 18, finding 5): the id of the organisation's live signature it
    /// contests, made from a mailbox at another domain (or at a free-mail provider). It is never
    /// listed by itself: approving it rejects the contested one and lists this one; rejecting it
    /// leaves the contested one as it is.
    contests: Option<String>,
}

impl From<SignatureView> for SignatureJson {
    fn from(v: SignatureView) -> Self {
        let (s, o) = (v.signature, v.organisation);
        SignatureJson {
            id: s.id,
            state: s.state,
            organisation: SignatureOrganisation {
                slug: o.slug,
                name: o.name,
                country: o.country_code,
                verification: o.verification,
            },
            representative_name: s.representative_name,
            representative_role: s.representative_role,
            email: s.email,
            comment: s.comment,
            verified_by: s.verification,
            letter_version: s.letter_version,
            text_hash: s.text_hash,
            created_at: utc(s.created_at),
            confirmed_at: s.confirmed_at.map(utc),
            published_at: s.published_at.map(utc),
            withdrawn_at: s.withdrawn_at.map(utc),
            rejected_at: s.rejected_at.map(utc),
            rejection_reason: s.rejection_reason,
            network: s.network,
            contests: s.contests,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignatureQuery {
    /// Only this state; `confirmed` is the moderation queue.
    state: Option<String>,
    /// Only organisations of this country.
    country: Option<String>,
    /// Words the organisation's name must contain.
    q: Option<String>,
}

/// A letter's signatures, newest first, with the signers' private details (viewer role).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/signatures", tag = "moderation", params(("slug" = String, Path), PageQuery, SignatureQuery),
    security(("api_token" = [])),
    responses((status = 200, body = Page<SignatureJson>), super::Refused, super::Invalid))]
pub async fn list(
    letter: About,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<SignatureQuery>,
) -> Reply {
    let (page, filter) = page.with_filters(|errors| SignatureFilter {
        state: errors.optional("state", query.state.as_deref(), str::parse),
        country: errors.optional("country", query.country.as_deref(), CountryCode::parse),
        q: super::name_search(errors, query.q.as_deref()),
    })?;
    let result = letter
        .read(move |conn, actor, slug| {
            signatures::list_for_letter(conn, actor, slug, &filter, page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(SignatureJson::from)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionJson {
    /// The signatures to decide on (all or none are changed).
    ids: Option<Vec<String>>,
    /// Why, when rejecting: required to reject (up to 500 characters; `422` with a message on
    /// `reason` without it), ignored when approving. Kept as the signature's `rejection_reason`
    /// and in its `signature.rejected` audit entry; shown to coordinators only.
    reason: Option<String>,
}

async fn decide(caller: &Acting, slug: String, ids: Vec<String>, decision: Decision) -> Reply {
    let decided = caller
        .write(
            move |conn, keys, actor| {
                signatures::moderate(conn, &keys.ledger, actor, &slug, &ids, &decision)
            },
            |decided| {
                decided
                    .first()
                    .map_or(After::nothing(), |s| After::letter(&s.letter.slug))
            },
        )
        .await?;
    super::json_each(decided, SignatureJson::from)
}

/// Approve confirmed signatures: they are published at once (moderator role).
#[utoipa::path(post, path = "/api/v1/letters/{slug}/signatures/approve", tag = "moderation", params(("slug" = String, Path)), request_body = DecisionJson,
    security(("api_token" = [])),
    responses((status = 200, body = Vec<SignatureJson>), (status = 409, body = super::ErrorBody),
        (status = 422, description = "An id is unknown or not awaiting moderation; nothing changed", body = super::ErrorBody),
        super::Refused))]
#[post("/letters/{slug}/signatures/approve")]
pub async fn approve(change: LetterChange<DecisionJson>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::Moderate).await?;
    let ids = body.ids.unwrap_or_default();
    decide(&caller, slug, ids, Decision::Approve).await
}

/// Reject confirmed signatures, with a reason (moderator role): `{"ids": [...], "reason": "..."}`;
/// the reason is required, and is recorded on each signature and in its audit entry.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/signatures/reject", tag = "moderation", params(("slug" = String, Path)), request_body = DecisionJson,
    security(("api_token" = [])),
    responses((status = 200, body = Vec<SignatureJson>), (status = 409, body = super::ErrorBody), super::Refused, super::Invalid))]
#[post("/letters/{slug}/signatures/reject")]
pub async fn reject(change: LetterChange<DecisionJson>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::Moderate).await?;
    let reason = FieldCollector::only("reason", body.reason.as_deref(), text(500))?;
    let decision = Decision::Reject { reason };
    decide(&caller, slug, body.ids.unwrap_or_default(), decision).await
}
