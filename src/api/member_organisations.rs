//! `/api/v1/coalitions/{slug}/organisations`: the organisations of the directory that are members
//! of a coalition. Reading needs the viewer role in the coalition, linking and unlinking the
//! coordinator role.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::CoalitionChange;
use super::extract::{About, ApiQuery, Item};
use super::organisations::OrganisationJson;
use super::{utc, PageQuery, Reply};
use crate::domain::Permission;
use crate::service::organisations::{self, LinkFields, MemberView};
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(link).service(unlink);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberOrganisationJson {
    pub organisation: OrganisationJson,
    /// When it was linked to the coalition.
    pub linked_at: DateTime<Utc>,
}

impl From<MemberView> for MemberOrganisationJson {
    fn from(m: MemberView) -> Self {
        MemberOrganisationJson {
            organisation: OrganisationJson::from(m.organisation),
            linked_at: utc(m.linked_at),
        }
    }
}

/// A coalition's member organisations, by name.
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/organisations", tag = "coalitions", params(("slug" = String, Path), PageQuery), security(("api_token" = [])),
    responses((status = 200, body = Page<MemberOrganisationJson>), super::Refused, super::Invalid))]
#[get("/coalitions/{slug}/organisations")]
pub async fn list(coalition: About, page: ApiQuery<PageQuery>) -> Reply {
    let page = page.parse()?;
    let result = coalition
        .read(move |conn, actor, slug| organisations::members(conn, actor, slug, page))
        .await?;
    Ok(HttpResponse::Ok().json(result.map(MemberOrganisationJson::from)))
}

/// Link an organisation of the directory to the coalition: `{"organisation": "slug-or-id"}`.
/// 201 when it was linked now, 200 when it already was (nothing changes).
#[utoipa::path(post, path = "/api/v1/coalitions/{slug}/organisations", tag = "coalitions", params(("slug" = String, Path)), request_body = LinkFields, security(("api_token" = [])),
    responses((status = 201, body = MemberOrganisationJson), (status = 200, description = "Already a member", body = MemberOrganisationJson), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, description = "No such coalition", body = super::ErrorBody),
        (status = 422, description = "No organisation has this slug or id", body = super::ErrorBody)))]
#[post("/coalitions/{slug}/organisations")]
pub async fn link(change: CoalitionChange<LinkFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageDirectory).await?;
    let organisation = body.parse()?;
    let (member, linked_now) = caller
        .write_only(move |conn, _, actor| organisations::link(conn, actor, &slug, &organisation))
        .await?;
    let mut response = if linked_now {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response.json(MemberOrganisationJson::from(member)))
}

/// Take an organisation off the coalition's members (it stays in the directory). 204 whether
/// or not it was a member.
#[utoipa::path(post, path = "/api/v1/coalitions/{slug}/organisations/{organisation}/unlink", tag = "coalitions",
    params(("slug" = String, Path), ("organisation" = String, Path, description = "Slug or id")), security(("api_token" = [])),
    responses((status = 204, description = "Not a member (any more)"), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, description = "No such coalition or organisation", body = super::ErrorBody)))]
#[post("/coalitions/{slug}/organisations/{organisation}/unlink")]
pub async fn unlink(member: Item) -> Reply {
    member.write_only(organisations::unlink).await?;
    Ok(HttpResponse::NoContent().finish())
}
