//! `/api/v1/coalitions`: the networks that author letters.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::{ApiJson, ApiQuery, Authenticated};
use super::{utc, PageQuery, Reply};
use crate::db::models::Coalition;
use crate::http::caching;
use crate::http::AppState;
use crate::service::coalitions::{self, NewCoalitionFields};
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

#[utoipa::path(post, path = "/api/v1/coalitions", tag = "coalitions", request_body = NewCoalitionFields, security(("api_token" = []), ("admin_token" = [])),
    responses((status = 201, body = CoalitionJson), (status = 401, body = super::ErrorBody),
        (status = 409, description = "Slug taken", body = super::ErrorBody), super::Invalid))]
#[post("/coalitions")]
pub async fn create(caller: Authenticated, body: ApiJson<NewCoalitionFields>) -> Reply {
    let (input, owner) = body.0.parse()?;
    let coalition = caller
        .write_only(move |conn, _, actor| coalitions::create(conn, actor, input, owner.as_ref()))
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
