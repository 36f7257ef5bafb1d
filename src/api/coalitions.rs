//! `/api/v1/coalitions`: the networks that author letters.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::{ApiJson, ApiQuery, Authenticated};
use super::{line, utc, PageQuery, Reply};
use crate::db::models::Coalition;
use crate::domain::{EmailAddress, Slug, Website};
use crate::error::{AppError, FieldCollector};
use crate::http::caching;
use crate::http::AppState;
use crate::service::coalitions::{self, NewCoalitionInput};
use crate::service::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(create).service(show);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CoalitionJson {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Coalition> for CoalitionJson {
    fn from(c: Coalition) -> Self {
        CoalitionJson {
            id: c.id,
            slug: c.slug,
            name: c.name,
            website: c.website,
            created_at: utc(c.created_at),
        }
    }
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCoalitionJson {
    slug: Option<String>,
    #[validate(required(message = "is required"))]
    name: Option<String>,
    website: Option<String>,
    /// With the admin token only: the email of the existing account that will own it. A
    /// coordinator who creates a coalition owns it.
    owner: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/coalitions", tag = "coalitions", request_body = NewCoalitionJson, security(("api_token" = []), ("admin_token" = [])),
    responses((status = 201, body = CoalitionJson), (status = 401, body = super::ErrorBody),
        (status = 409, description = "Slug taken", body = super::ErrorBody), super::Invalid))]
#[post("/coalitions")]
pub async fn create(caller: Authenticated, body: ApiJson<NewCoalitionJson>) -> Reply {
    let body = body.0;
    let mut errors = FieldCollector::new();
    if let Err(e) = body.validate() {
        errors.merge_validator(e);
    }
    let name = errors.given("name", body.name.as_deref(), line(200));
    let website = errors.optional("website", body.website.as_deref(), Website::parse);
    let owner = errors.optional("owner", body.owner.as_deref(), EmailAddress::parse);
    let slug = match (&body.slug, &name) {
        (Some(s), _) => errors.check("slug", Slug::parse(s)),
        (None, Some(n)) => errors.check(
            "slug",
            Slug::derive(n).ok_or_else(|| "is required when the name has no letters".to_string()),
        ),
        (None, None) => None,
    };
    errors.finish()?;
    let (Some(slug), Some(name)) = (slug, name) else {
        return Err(AppError::field("name", "is required"));
    };
    let coalition = caller
        .write_only(move |conn, _, actor| {
            coalitions::create(
                conn,
                actor,
                NewCoalitionInput {
                    slug,
                    name,
                    website,
                },
                owner.as_ref(),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(CoalitionJson::from(coalition)))
}

#[utoipa::path(get, path = "/api/v1/coalitions", tag = "coalitions", params(PageQuery),
    responses((status = 200, body = Page<CoalitionJson>), (status = 304, description = "Not modified")))]
#[get("/coalitions")]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: ApiQuery<PageQuery>,
) -> Reply {
    let page = page.parse()?;
    let result = state
        .db
        .run(move |conn| coalitions::list(conn, page))
        .await?;
    let last_modified = result
        .items
        .iter()
        .map(|c| c.updated_at)
        .max()
        .unwrap_or_default();
    Ok(caching::json(
        &req,
        &result.map(CoalitionJson::from),
        last_modified,
    ))
}

#[utoipa::path(get, path = "/api/v1/coalitions/{slug}", tag = "coalitions", params(("slug" = String, Path)),
    responses((status = 200, body = CoalitionJson), (status = 404, body = super::ErrorBody)))]
#[get("/coalitions/{slug}")]
pub async fn show(req: HttpRequest, state: web::Data<AppState>, slug: web::Path<String>) -> Reply {
    let (find, json) = (coalitions::find, CoalitionJson::from);
    super::find_json(
        &req,
        &state,
        slug.into_inner(),
        find,
        |c| c.updated_at,
        json,
    )
    .await
}
