//! Invitations through the API: invite organisations of the directory to sign a letter, follow
//! how far the invitations got, and remind those that have not signed.

use crate::http::state::After;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::LetterChange;
use super::extract::{About, ApiJson, ApiQuery};
use super::{utc, PageQuery, Reply};
use crate::domain::Permission;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::invitations::{
    self, Counts, InvitationFields, InvitationRow, InviteOutcome, RemindOutcome,
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(invite)
        .service(list)
        .service(remind)
        .service(sign);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitedOrganisationJson {
    slug: String,
    name: String,
    /// ISO 3166-1 alpha-2 (or a listed territory's code).
    country: String,
}

/// An invitation as coordinators see it (the address is private to the coalition).
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    id: String,
    organisation: InvitedOrganisationJson,
    email: String,
    /// `invited`, `opened` or `signed`.
    #[schema(example = "opened")]
    state: String,
    created_at: DateTime<Utc>,
    /// When the invitation mail was last queued.
    sent_at: DateTime<Utc>,
    opened_at: Option<DateTime<Utc>>,
    /// When the organisation signed through the link.
    signed_at: Option<DateTime<Utc>>,
    reminders: i32,
    reminded_at: Option<DateTime<Utc>>,
    /// Only in the answer to an invitation request: what it did for this organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<InviteOutcome>,
}

impl InvitationJson {
    fn new(row: InvitationRow, outcome: Option<InviteOutcome>) -> InvitationJson {
        let state = row.state().as_str().to_string();
        let i = row.invitation;
        InvitationJson {
            id: i.id,
            organisation: InvitedOrganisationJson {
                slug: row.organisation.slug,
                name: row.organisation.name,
                country: row.organisation.country_code,
            },
            email: i.email,
            state,
            created_at: utc(i.created_at),
            sent_at: utc(i.sent_at),
            opened_at: i.opened_at.map(utc),
            signed_at: i.signed_at.map(utc),
            reminders: i.reminders,
            reminded_at: i.reminded_at.map(utc),
            outcome,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteJson {
    /// Up to 200 organisations, each with the address its invitation goes to.
    #[serde(default)]
    invitations: Vec<InvitationFields>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitedJson {
    /// One per organisation of the request, in its order.
    invitations: Vec<InvitationJson>,
    /// The letter's counts after the request.
    counts: Counts,
}

/// Invite organisations of the directory to sign an open letter: one mail each with a personal
/// link. An organisation invited before gets its invitation again (at the address given now),
/// unless it has signed. A bad item (`invitations[2].email`) fails the request and stores
/// nothing.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/invitations", tag = "invitations", params(("slug" = String, Path)),
    request_body = InviteJson, security(("api_token" = [])),
    responses((status = 200, body = InvitedJson), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Needs the coordinator role in the letter's coalition", body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, description = "The letter is not open", body = super::ErrorBody),
        (status = 422, description = "Per item: `invitations[i].organisation`, `invitations[i].email`", body = super::ErrorBody)))]
#[post("/letters/{slug}/invitations")]
pub async fn invite(change: LetterChange<InviteJson>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::Invite).await?;
    let items = body.invitations;
    let (done, counts) = caller
        .write(
            move |conn, keys, actor| {
                let done = invitations::invite(conn, &keys.tokens, actor, &slug, &items)?;
                let letter_id = done
                    .first()
                    .map(|(_, row)| row.invitation.letter_id.clone())
                    .unwrap_or_default();
                Ok((done, invitations::counts(conn, &letter_id)?))
            },
            |_| After::nothing().and_mail(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(InvitedJson {
        invitations: done
            .into_iter()
            .map(|(outcome, row)| InvitationJson::new(row, Some(outcome)))
            .collect(),
        counts,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationPageJson {
    items: Vec<InvitationJson>,
    page: i64,
    per_page: i64,
    /// Invitations of the letter (= `counts.invited`).
    total: i64,
    counts: Counts,
}

/// A letter's invitations, oldest first, with how far they got (`counts`: invited, opened,
/// signed). Anyone who may read the coalition's private data (viewers too).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/invitations", tag = "invitations", params(("slug" = String, Path), PageQuery),
    security(("api_token" = [])),
    responses((status = 200, body = InvitationPageJson), super::Refused, super::Invalid))]
#[get("/letters/{slug}/invitations")]
pub async fn list(letter: About, page: ApiQuery<PageQuery>) -> Reply {
    let page = page.parse()?;
    let (_, found, counts) = letter
        .read(move |conn, actor, slug| invitations::list(conn, actor, slug, page))
        .await?;
    let found = found.map(|row| InvitationJson::new(row, None));
    Ok(HttpResponse::Ok().json(InvitationPageJson {
        items: found.items,
        page: found.page,
        per_page: found.per_page,
        total: found.total,
        counts,
    }))
}

/// Remind every invited organisation that has not signed: at most one reminder a day per
/// invitation, and three in all.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/invitations/remind", tag = "invitations", params(("slug" = String, Path)),
    security(("api_token" = [])),
    responses((status = 200, body = RemindOutcome), (status = 409, description = "The letter is not open", body = super::ErrorBody),
        super::Refused))]
#[post("/letters/{slug}/invitations/remind")]
pub async fn remind(letter: About) -> Reply {
    let outcome = letter.write_and_mail(invitations::remind).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationSignJson {
    /// The token in the invitation's link (`/invitations/{token}`).
    token: Option<String>,
    #[serde(default)]
    representative_name: String,
    #[serde(default)]
    representative_role: String,
    #[serde(default)]
    comment: String,
    /// Consent to the privacy notice; must be given.
    #[serde(default)]
    consent: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationSignedJson {
    /// `published` (an `auto` letter), `confirmed` (waiting for the coordinators of a `manual`
    /// one), or `already_signed`.
    status: String,
    letter: String,
    organisation: String,
}

/// Sign through an invitation's link: no confirmation mail is needed, since the link went to
/// the invited address; the signature is marked verified by invitation.
#[utoipa::path(post, path = "/api/v1/invitations/sign", tag = "invitations", request_body = InvitationSignJson,
    responses((status = 200, body = InvitationSignedJson),
        (status = 404, description = "No invitation has this token", body = super::ErrorBody),
        (status = 409, description = "The letter is not open", body = super::ErrorBody), super::Invalid))]
#[post("/invitations/sign")]
pub async fn sign(state: web::Data<AppState>, body: ApiJson<InvitationSignJson>) -> Reply {
    let body = body.0;
    let mut errors = crate::error::FieldCollector::new();
    let token = errors.required(
        "token",
        body.token.as_deref(),
        crate::domain::token::Token::parse,
    );
    let input = invitations::InvitationSignFields {
        representative_name: body.representative_name,
        representative_role: body.representative_role,
        comment: body.comment,
        consent: body.consent,
    }
    .parse();
    if let Err(AppError::Validation(fields)) = &input {
        for (field, messages) in fields {
            for m in messages {
                errors.add(field, m.clone());
            }
        }
    }
    errors.finish()?;
    let (Some(token), Ok(input)) = (token, input) else {
        return Err(AppError::field("token", "is required"));
    };
    let signed = state.sign_by_invitation(token, input).await?;
    Ok(HttpResponse::Ok().json(InvitationSignedJson {
        status: match &signed.signature {
            None => "already_signed".to_string(),
            Some(s) => s.state().as_str().to_string(),
        },
        letter: signed.view.letter.letter.slug.clone(),
        organisation: signed.view.organisation.slug.clone(),
    }))
}
