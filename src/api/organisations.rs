//! `/api/v1/organisations`: the signatory directory. Reading and writing it needs a token: the
//! directory shows who a coalition works with, which is not public by itself (a letter's public
//! list of signatories is). Who may change what is decided in `service::organisations`.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::{ApiJson, ApiQuery, Authenticated};
use super::{nullable, text, utc, PageQuery};
use crate::db::models::Country;
use crate::domain::{CountryCode, EmailDomain, OrgName, Permission, Verification, Website};
use crate::error::{AppError, FieldCollector};
use crate::service::countries;
use crate::service::organisations::{
    self, NewOrganisationInput, OrganisationFilter, OrganisationUpdate, OrganisationView,
};
use crate::service::Page;
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(show)
        .service(update)
        .service(merge);
}

const DESCRIPTION_MAX: usize = 2000;

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

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationJson {
    #[validate(required(message = "is required"))]
    name: Option<String>,
    /// An alpha-2 or alpha-3 code, or an English name.
    #[validate(required(message = "is required"))]
    country: Option<String>,
    website: Option<String>,
    email_domain: Option<String>,
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    description: Option<String>,
    verification: Option<String>,
}

impl NewOrganisationJson {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<NewOrganisationInput, AppError> {
        let mut errors = FieldCollector::new();
        if let Err(e) = self.validate() {
            errors.merge_validator(e);
        }
        let name = errors.given("name", self.name.as_deref(), OrgName::parse);
        let country = errors.given("country", self.country.as_deref(), |c| {
            countries::parse_in(all, c)
        });
        let website = errors.optional("website", self.website.as_deref(), Website::parse);
        let email_domain = errors.optional(
            "email_domain",
            self.email_domain.as_deref(),
            EmailDomain::parse,
        );
        let description = self
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let verification = errors
            .optional("verification", self.verification.as_deref(), str::parse)
            .unwrap_or(Verification::Unverified);
        errors.finish()?;
        match (name, country) {
            (Some(name), Some(country)) => Ok(NewOrganisationInput {
                name,
                country,
                website,
                email_domain,
                description: description.map(str::to_string),
                verification,
            }),
            _ => Err(AppError::field("name", "is required")),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = NewOrganisationJson, security(("api_token" = [])),
    responses((status = 201, body = OrganisationJson), (status = 401, body = super::ErrorBody),
        (status = 409, description = "Same normalised name in the same country", body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
#[post("/organisations")]
pub async fn create(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    body: ApiJson<NewOrganisationJson>,
) -> Result<HttpResponse, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    let body = body.0;
    let all = state.countries.get(&state.db).await?;
    let view = state
        .db
        .write(move |conn| organisations::create(conn, &actor, body.parse(&all)?))
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
    responses((status = 200, body = Page<OrganisationJson>), (status = 401, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
#[get("/organisations")]
pub async fn list(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    page: ApiQuery<PageQuery>,
    query: ApiQuery<ListQuery>,
) -> Result<HttpResponse, AppError> {
    actor.require_anywhere(Permission::ReadPrivate)?;
    let page = page.parse()?;
    let query = query.into_inner();
    let mut errors = FieldCollector::new();
    let country = errors.optional("country", query.country.as_deref(), CountryCode::parse);
    let q = errors
        .optional("q", query.q.as_deref(), OrgName::parse)
        .map(|n| n.normalized());
    errors.finish()?;
    let filter = OrganisationFilter { country, q };
    let result = state
        .db
        .run(move |conn| {
            let mut page = organisations::list(conn, &filter, page)?;
            organisations::seen_by(conn, &actor, &mut page.items)?;
            Ok(page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(result.map(OrganisationJson::from)))
}

#[utoipa::path(get, path = "/api/v1/organisations/{slug}", tag = "organisations", params(("slug" = String, Path, description = "Slug or id")), security(("api_token" = [])),
    responses((status = 200, body = OrganisationJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[get("/organisations/{slug}")]
pub async fn show(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    actor.require_anywhere(Permission::ReadPrivate)?;
    let slug = slug.into_inner();
    let view = state
        .db
        .run(move |conn| organisations::find_for(conn, &actor, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(OrganisationJson::from(view)))
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatchJson {
    name: Option<String>,
    country: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    email_domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    description: Option<Option<String>>,
    verification: Option<String>,
}

impl OrganisationPatchJson {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<OrganisationUpdate, AppError> {
        let mut errors = FieldCollector::new();
        if let Err(e) = self.validate() {
            errors.merge_validator(e);
        }
        let changes = OrganisationUpdate {
            name: errors.given("name", self.name.as_deref(), OrgName::parse),
            country: errors.given("country", self.country.as_deref(), |c| {
                countries::parse_in(all, c)
            }),
            website: self
                .website
                .map(|w| errors.optional("website", w.as_deref(), Website::parse)),
            email_domain: self
                .email_domain
                .map(|d| errors.optional("email_domain", d.as_deref(), EmailDomain::parse)),
            description: self
                .description
                .map(|d| d.as_deref().and_then(|d| text(DESCRIPTION_MAX)(d).ok())),
            verification: errors.optional("verification", self.verification.as_deref(), str::parse),
        };
        if self.country.as_deref().is_some_and(|c| c.trim().is_empty()) {
            errors.add("country", "must not be blank");
        }
        errors.finish()?;
        Ok(changes)
    }
}

#[utoipa::path(patch, path = "/api/v1/organisations/{slug}", tag = "organisations", params(("slug" = String, Path)), request_body = OrganisationPatchJson, security(("api_token" = [])),
    responses((status = 200, body = OrganisationJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "`organisation_exists`: the name is taken in that country; `organisation_shared`: another coalition has the organisation, so only the operator may change what it is called", body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)))]
#[patch("/organisations/{slug}")]
pub async fn update(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: ApiJson<OrganisationPatchJson>,
) -> Result<HttpResponse, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    let slug = slug.into_inner();
    let body = body.0;
    let all = state.countries.get(&state.db).await?;
    let ledger = state.ledger.clone();
    let view = state
        .db
        .write(move |conn| organisations::update(conn, &ledger, &actor, &slug, body.parse(&all)?))
        .await?;
    state.versions.clear();
    Ok(HttpResponse::Ok().json(OrganisationJson::from(view)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeJson {
    /// The organisation to keep: its slug or id.
    into: Option<String>,
}

impl MergeJson {
    /// The slug or id of the organisation to keep (the dashboard's form uses this too).
    pub fn parse(self) -> Result<String, AppError> {
        let mut errors = FieldCollector::new();
        let into = errors.required("into", self.into.as_deref(), text(200));
        errors.finish()?;
        into.ok_or_else(|| AppError::field("into", "is required"))
    }
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
    request_body = MergeJson, security(("api_token" = [])),
    responses((status = 200, body = MergeResultJson), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, description = "No such duplicate", body = super::ErrorBody),
        (status = 409, description = "`organisation_shared`: either organisation is another coalition's (the operator's to merge); `list_frozen`, `invitation_conflict`", body = super::ErrorBody),
        (status = 422, description = "`into` missing, unknown, or the duplicate itself", body = super::ErrorBody)))]
#[post("/organisations/{slug}/merge")]
pub async fn merge(
    Authenticated(actor): Authenticated,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: ApiJson<MergeJson>,
) -> Result<HttpResponse, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    let into = body.0.parse()?;
    let slug = slug.into_inner();
    let ledger = state.ledger.clone();
    let outcome = state
        .db
        .write(move |conn| organisations::merge(conn, &ledger, &actor, &slug, &into))
        .await?;
    state.versions.clear();
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
