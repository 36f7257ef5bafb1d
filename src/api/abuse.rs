//! Coordinators' bulk tools against fraudulent signing: find a letter's live signatures by email
//! domain, network or time window (a preview), then reject every match in one request.

use crate::http::commands::reject;
use crate::http::Acting;
use crate::service::abuse::MatchQuery;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::extract::LetterChange;
use super::extract::{About, ApiQuery, Authenticated};
use super::moderation::SignatureJson;
use super::{PageQuery, Reply};
use crate::domain::Permission;
use crate::domain::SignatureState;
use crate::service::abuse::{self as service};
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(find).service(reject_matching);
}

/// How many match, by state.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MatchCounts {
    pending: i64,
    confirmed: i64,
    published: i64,
}

/// A preview: what `reject-matching` with the same filter would reject.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MatchPreview {
    /// Send this as `expected` to `reject-matching`.
    total: i64,
    by_state: MatchCounts,
    /// The matching signatures, newest first, paged.
    signatures: Page<SignatureJson>,
}

/// Find a letter's live signatures by email domain, network or time window: counts and the
/// matching signatures, as a preview of `reject-matching` (moderator role).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/signatures/find", tag = "moderation", params(("slug" = String, Path), MatchQuery, PageQuery),
    security(("api_token" = [])),
    responses((status = 200, body = MatchPreview),
        (status = 422, description = "A field is invalid, or no filter was given", body = super::ErrorBody), super::Refused))]
#[get("/letters/{slug}/signatures/find")]
pub async fn find(letter: About, page: ApiQuery<PageQuery>, query: ApiQuery<MatchQuery>) -> Reply {
    let (page, filter) = page.with_filters(|errors| query.parse_into(errors))?;
    let preview = letter
        .read(move |conn, actor, slug| service::find(conn, actor, slug, &filter, page))
        .await?;
    let count = |s: SignatureState| {
        preview
            .by_state
            .iter()
            .find(|(x, _)| *x == s)
            .map_or(0, |(_, n)| *n)
    };
    Ok(HttpResponse::Ok().json(MatchPreview {
        total: preview.total,
        by_state: MatchCounts {
            pending: count(SignatureState::Pending),
            confirmed: count(SignatureState::Confirmed),
            published: count(SignatureState::Published),
        },
        signatures: preview.page.map(SignatureJson::from),
    }))
}

/// The filter of a preview, why, and how many the preview found.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectMatchingJson {
    email_domain: Option<String>,
    network: Option<String>,
    since: Option<String>,
    until: Option<String>,
    state: Option<String>,
    /// Why (shown to coordinators only; in the audit log).
    reason: Option<String>,
    /// The `total` of the preview: if another number matches now, nothing changes (409).
    expected: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RejectedJson {
    rejected: i64,
    /// Of those, how many were on the public list and were taken off it.
    removed_from_list: i64,
}

/// Reject every live signature of the letter that the filter matches, with a reason (moderator
/// role): pending, confirmed and published ones (those leave the public list, with a `removed`
/// ledger entry). All or nothing; 409 `preview_changed` when the count differs from `expected`.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/signatures/reject-matching", tag = "moderation", params(("slug" = String, Path)),
    request_body = RejectMatchingJson, security(("api_token" = [])),
    responses((status = 200, body = RejectedJson),
        (status = 409, description = "The count changed since the preview (`preview_changed`), or the letter's list is final", body = super::ErrorBody),
        super::Refused, super::Invalid))]
#[post("/letters/{slug}/signatures/reject-matching")]
pub async fn reject_matching(change: LetterChange<RejectMatchingJson>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::Moderate).await?;
    let query = MatchQuery {
        email_domain: body.email_domain,
        network: body.network,
        since: body.since,
        until: body.until,
        state: body.state,
    };
    let Authenticated(Acting { actor, state }) = caller;
    let done = reject(&state, actor, &slug, &query, body.reason, body.expected).await?;
    Ok(HttpResponse::Ok().json(RejectedJson {
        rejected: done.rejected,
        removed_from_list: done.removed_from_list,
    }))
}
