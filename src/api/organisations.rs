//! `/api/v1/organisations`: the signatory directory. Reading and writing it needs a token: the
//! directory shows who a coalition works with, which is not public by itself (a letter's public
//! list of signatories is). Who may change what is decided in `service::organisations`.

use crate::http::state::After;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::{About, ApiJson, ApiQuery, Authenticated};
use super::{utc, PageQuery, Reply};
use crate::domain::{CountryCode, Permission};
use crate::service::organisations::{
    self, MergeFields, NewOrganisationFields, OrganisationFilter, OrganisationPatchFields,
    OrganisationView,
};
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(merge);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CountryRef {
    /// ISO 3166-1 alpha-2 code (or a code added for a territory, such as XK).
    pub code: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrganisationJson {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub country: CountryRef,
    pub website: Option<String>,
    pub email_domain: Option<String>,
    pub description: Option<String>,
    pub verification: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrganisationView> for OrganisationJson {
    fn from(v: OrganisationView) -> Self {
        let o = v.organisation;
        OrganisationJson {
            id: o.id,
            slug: o.slug,
            name: o.name,
            country: CountryRef {
                code: v.country.code,
                name: v.country.name,
            },
            website: o.website,
            email_domain: o.email_domain,
            description: o.description,
            verification: o.verification,
            created_at: utc(o.created_at),
            updated_at: utc(o.updated_at),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = NewOrganisationFields, security(("api_token" = [])),
    responses((status = 201, body = OrganisationJson), (status = 401, body = super::ErrorBody),
        (status = 409, description = "Same normalised name in the same country", body = super::ErrorBody), super::Invalid))]
#[post("/organisations")]
pub async fn create(caller: Authenticated, body: ApiJson<NewOrganisationFields>) -> Reply {
    caller.actor.require_anywhere(Permission::ManageDirectory)?;
    let body = body.0;
    let all = caller.state.countries.get(&caller.state.db).await?;
    let view = caller
        .write_only(move |conn, _, actor| organisations::create(conn, actor, body.parse(&all)?))
        .await?;
    Ok(HttpResponse::Created().json(OrganisationJson::from(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this country (alpha-2 code).
    country: Option<String>,
    /// Words the name must contain.
    q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", params(PageQuery, ListQuery), security(("api_token" = [])),
    responses((status = 200, body = Page<OrganisationJson>), (status = 401, body = super::ErrorBody), super::Invalid))]
#[get("/organisations")]
pub async fn list(
    caller: Authenticated,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<ListQuery>,
) -> Reply {
    caller.actor.require_anywhere(Permission::ReadPrivate)?;
    let (page, filter) = page.with_filters(|errors| OrganisationFilter {
        country: errors.optional("country", query.country.as_deref(), CountryCode::parse),
        q: super::name_search(errors, query.q.as_deref()),
    })?;
    let result = caller
        .read(move |conn, actor| {
            let mut page = organisations::list(conn, &filter, page)?;
            organisations::seen_by(conn, actor, &mut page.items)?;
            Ok(page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(OrganisationJson::from)))
}

#[utoipa::path(get, path = "/api/v1/organisations/{slug}", tag = "organisations", params(("slug" = String, Path, description = "Slug or id")), security(("api_token" = [])),
    responses((status = 200, body = OrganisationJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[get("/organisations/{slug}")]
pub async fn show(organisation: About) -> Reply {
    let caller = &organisation.caller;
    caller.actor.require_anywhere(Permission::ReadPrivate)?;
    let view = organisation.read(organisations::find_for).await?;
    Ok(HttpResponse::Ok().json(OrganisationJson::from(view)))
}

#[utoipa::path(patch, path = "/api/v1/organisations/{slug}", tag = "organisations", params(("slug" = String, Path)), request_body = OrganisationPatchFields, security(("api_token" = [])),
    responses((status = 200, body = OrganisationJson), (status = 401, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 409, description = "`organisation_exists`: the name is taken in that country; `organisation_shared`: another coalition has the organisation, so only the operator may change what it is called", body = super::ErrorBody),
        super::Invalid))]
#[patch("/organisations/{slug}")]
pub async fn update(organisation: About, body: ApiJson<OrganisationPatchFields>) -> Reply {
    let caller = &organisation.caller;
    caller.actor.require_anywhere(Permission::ManageDirectory)?;
    let body = body.0;
    let all = caller.state.countries.get(&caller.state.db).await?;
    let view = organisation
        .write(
            move |conn, keys, actor, slug| {
                organisations::update(conn, &keys.ledger, actor, slug, body.parse(&all)?)
            },
            |_| After::every_letter(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationJson::from(view)))
}

/// The organisation a merge deleted.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MergedRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MergeResultJson {
    /// The organisation that stays, with every signature and coalition link of the other.
    pub kept: OrganisationJson,
    /// The duplicate, now deleted.
    pub merged: MergedRef,
    /// Signatures that moved to the kept organisation.
    pub signatures_moved: usize,
    /// Live signatures that gave way to the other organisation's on the same letter (now
    /// `withdrawn`).
    pub signatures_superseded: usize,
    /// Slugs of the letters whose public list changed.
    pub letters: Vec<String>,
}

/// Merge a duplicate organisation into another: `{"into": "slug-or-id"}`. Its signatures and
/// coalition links move to the kept organisation (on a letter where both signed, the signature
/// further along stays and the other is withdrawn), public lists and ledgers follow, and the
/// duplicate is deleted.
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/merge", tag = "organisations", params(("slug" = String, Path, description = "The duplicate: slug or id")),
    request_body = MergeFields, security(("api_token" = [])),
    responses((status = 200, body = MergeResultJson), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, description = "No such duplicate", body = super::ErrorBody),
        (status = 409, description = "`organisation_shared`: either organisation is another coalition's (the operator's to merge); `list_frozen`, `invitation_conflict`", body = super::ErrorBody),
        (status = 422, description = "`into` missing, unknown, or the duplicate itself", body = super::ErrorBody)))]
#[post("/organisations/{slug}/merge")]
pub async fn merge(duplicate: About, body: ApiJson<MergeFields>) -> Reply {
    let caller = &duplicate.caller;
    caller.actor.require_anywhere(Permission::ManageDirectory)?;
    let into = body.0.parse()?;
    let outcome = duplicate
        .write(
            move |conn, keys, actor, slug| {
                organisations::merge(conn, &keys.ledger, actor, slug, &into)
            },
            |_| After::every_letter(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(MergeResultJson {
        kept: OrganisationJson::from(outcome.kept),
        merged: MergedRef {
            id: outcome.merged.id,
            slug: outcome.merged.slug,
            name: outcome.merged.name,
        },
        signatures_moved: outcome.moved,
        signatures_superseded: outcome.superseded,
        letters: outcome.letters,
    }))
}
