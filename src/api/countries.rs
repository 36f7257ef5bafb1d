//! `/api/v1/countries`: the country list, lookup by code or name, and the territories the
//! operator adds and removes (admin token).

use crate::service::countries::NewTerritoryFields;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::extract::{ApiJson, Authenticated};
use super::Reply;
use crate::db::models::Country;
use crate::http::caching;
use crate::http::AppState;
use crate::service::countries::{self};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(lookup)
        .service(add_territory)
        .service(remove_territory);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CountryJson {
    pub code: String,
    pub alpha3: String,
    pub name: String,
    pub numeric: Option<i32>,
    /// `false` for territories added by the operator (e.g. XK Kosovo).
    pub iso: bool,
}

impl From<Country> for CountryJson {
    fn from(c: Country) -> Self {
        CountryJson {
            code: c.code,
            alpha3: c.alpha3,
            name: c.name,
            numeric: c.numeric_code,
            iso: c.is_iso == 1,
        }
    }
}

/// Every country, by name.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CountryList {
    pub items: Vec<CountryJson>,
    pub total: usize,
}

/// Every country, by name (about 250: not paginated).
#[utoipa::path(get, path = "/api/v1/countries", tag = "countries",
    responses((status = 200, body = CountryList, headers(("ETag" = String), ("Last-Modified" = String))), (status = 304, description = "Not modified")))]
#[get("/countries")]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Reply {
    let all = state.countries.get(&state.db).await?;
    let last_modified = all.iter().map(|c| c.created_at).max().unwrap_or_default();
    let items: Vec<CountryJson> = all.iter().cloned().map(CountryJson::from).collect();
    let body = CountryList {
        total: items.len(),
        items,
    };
    Ok(caching::json(&req, &body, last_modified))
}

/// One country by alpha-2, alpha-3 or English name ("the Netherlands", "Czech Republic").
#[utoipa::path(get, path = "/api/v1/countries/{query}", tag = "countries",
    params(("query" = String, Path, description = "Alpha-2 or alpha-3 code, or an English name")),
    responses((status = 200, body = CountryJson), (status = 404, description = "Unknown", body = super::ErrorBody),
        (status = 409, description = "Ambiguous: the message names the candidates", body = super::ErrorBody)))]
#[get("/countries/{query}")]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Path<String>,
) -> Reply {
    let (find, json) = (countries::lookup, CountryJson::from);
    super::find_json(
        &req,
        &state,
        query.into_inner(),
        find,
        |c| c.created_at,
        json,
    )
    .await
}

/// Add a territory ISO 3166-1 lacks (the operator: admin token). Its name may not be a
/// country's name or a variant of one, nor its codes read as another country (422 per field).
#[utoipa::path(post, path = "/api/v1/countries", tag = "countries", request_body = NewTerritoryFields, security(("admin_token" = [])),
    responses((status = 201, body = CountryJson), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Not the operator", body = super::ErrorBody), (status = 409, description = "Code taken", body = super::ErrorBody),
        (status = 422, description = "Invalid, or a name or code that already reads as a country", body = super::ErrorBody)))]
#[post("/countries")]
pub async fn add_territory(caller: Authenticated, body: ApiJson<NewTerritoryFields>) -> Reply {
    caller.actor.require_operator("adding a territory")?;
    let territory = body.0.parse()?;
    let country = caller
        .write_only(move |conn, _, actor| countries::add_territory(conn, actor, territory))
        .await?;
    caller.state.countries.clear();
    Ok(HttpResponse::Created().json(CountryJson::from(country)))
}

/// Remove a territory the operator added (admin token): 409 for an ISO country or a territory
/// in use (organisations in it, or rows of a public list).
#[utoipa::path(delete, path = "/api/v1/countries/{code}", tag = "countries", params(("code" = String, Path, description = "The territory's two-letter code")),
    security(("admin_token" = [])),
    responses((status = 204, description = "Removed"), (status = 401, body = super::ErrorBody),
        (status = 403, description = "Not the operator", body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, description = "An ISO 3166-1 country, or a territory in use", body = super::ErrorBody)))]
#[delete("/countries/{code}")]
pub async fn remove_territory(caller: Authenticated, code: web::Path<String>) -> Reply {
    caller.actor.require_operator("removing a territory")?;
    let code = code.into_inner();
    caller
        .write_only(move |conn, _, actor| countries::remove_territory(conn, actor, &code))
        .await?;
    caller.state.countries.clear();
    Ok(HttpResponse::NoContent().finish())
}
