//! `/api/v1/outbox`: every mail the service sent or will send, for the coordinators of the
//! letters it is about, and sending a dead one again.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{About, ApiQuery, Authenticated};
use super::{utc, PageQuery, Reply};
use crate::domain::MailState;
use crate::service::outbox;
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(outbox_list).service(outbox_retry);
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
    responses((status = 200, body = Page<OutboxJson>), (status = 401, body = super::ErrorBody), super::Invalid))]
#[get("/outbox")]
pub async fn outbox_list(
    caller: Authenticated,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<OutboxQuery>,
) -> Reply {
    let (page, mail_state) = page.with_filters(|errors| {
        errors.optional::<MailState, _>("state", query.state.as_deref(), str::parse)
    })?;
    let result = caller
        .read(move |conn, actor| outbox::list(conn, actor, mail_state, page))
        .await?;
    Ok(HttpResponse::Ok().json(result.map(OutboxJson::from)))
}

/// Send a dead mail again, with a fresh round of attempts (coordinator role in the coalition of
/// the letter it is about).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "mail", params(("id" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = OutboxJson), (status = 409, description = "The mail is not dead", body = super::ErrorBody),
        super::Refused))]
#[post("/outbox/{id}/retry")]
pub async fn outbox_retry(mail: About) -> Reply {
    let mail = mail.write_and_mail(outbox::retry).await?;
    Ok(HttpResponse::Ok().json(OutboxJson::from(mail)))
}
