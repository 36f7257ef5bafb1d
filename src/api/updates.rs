//! Updates to signers through the API: send one to a letter's confirmed signatories, list
//! those sent. See `service::updates`.

use crate::http::state::After;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::About;
use super::extract::LetterChange;
use super::{utc, Reply};
use crate::db::models::LetterUpdate;
use crate::domain::Permission;
use crate::service::updates::{self, UpdateRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(send).service(list);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UpdateJson {
    id: String,
    subject: String,
    /// Markdown.
    body: String,
    /// How many signers it was queued for.
    recipients: i64,
    created_at: DateTime<Utc>,
}

impl From<LetterUpdate> for UpdateJson {
    fn from(u: LetterUpdate) -> Self {
        UpdateJson {
            id: u.id,
            subject: u.subject,
            body: u.body,
            recipients: u.recipients,
            created_at: utc(u.created_at),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UpdateListJson {
    /// Newest first.
    items: Vec<UpdateJson>,
}

/// Send an update to the letter's confirmed signatories (confirmed or published, not
/// unsubscribed, not erased): one mail each through the outbox, with an unsubscribe link and a
/// one-click `List-Unsubscribe` header. At most `updates_per_letter_per_day` per letter in 24
/// hours: beyond, 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/updates", tag = "updates", params(("slug" = String, Path)),
    request_body = UpdateRequest, security(("api_token" = [])),
    responses((status = 201, body = UpdateJson), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Needs the coordinator role in the letter's coalition", body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 409, description = "`letter_is_draft`, or `no_recipients`", body = super::ErrorBody),
        (status = 422, description = "Per field: `subject`, `body`", body = super::ErrorBody),
        (status = 429, description = "Too many updates for this letter in 24 hours (`Retry-After`)", body = super::ErrorBody)))]
#[post("/letters/{slug}/updates")]
pub async fn send(change: LetterChange<UpdateRequest>) -> Reply {
    let (caller, slug, request) = change.allowed(Permission::ManageLetters).await?;
    let per_day = caller.state.updates_per_letter_per_day;
    let (_, update) = caller
        .write(
            move |conn, keys, actor| {
                updates::send(conn, &keys.tokens, actor, &slug, &request, per_day)
            },
            |_| After::nothing().and_mail(),
        )
        .await?;
    Ok(HttpResponse::Created().json(UpdateJson::from(update)))
}

/// The updates sent to a letter's signatories, newest first (viewers too).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/updates", tag = "updates", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, body = UpdateListJson), super::Refused))]
#[get("/letters/{slug}/updates")]
pub async fn list(letter: About) -> Reply {
    let (_, items) = letter.read(updates::list).await?;
    Ok(HttpResponse::Ok().json(UpdateListJson {
        items: items.into_iter().map(UpdateJson::from).collect(),
    }))
}
