//! `/api/v1/countries`: the country list, lookup by code or name, and adding territories.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::{Admin, ApiJson};
use super::text;
use crate::db::models::Country;
use crate::domain::CountryCode;
use crate::error::{AppError, FieldCollector};
use crate::service::countries::{self, NewTerritory};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(lookup).service(add_territory);
}

#[derive(Serialize)]
pub struct CountryJson {
    pub code: String,
    pub alpha3: String,
    pub name: String,
    pub numeric: Option<i32>,
    /// `false` for territories added by coordinators (e.g. XK Kosovo).
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

/// Every country, by name (about 250: not paginated).
#[get("/countries")]
async fn list(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let all = state.db.run(countries::all).await?;
    let items: Vec<CountryJson> = all.into_iter().map(CountryJson::from).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "total": items.len() })))
}

/// One country by alpha-2, alpha-3 or English name ("the Netherlands", "Czech Republic").
#[get("/countries/{query}")]
async fn lookup(
    state: web::Data<AppState>,
    query: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let country = state
        .db
        .run(move |conn| countries::lookup(conn, &query))
        .await?;
    Ok(HttpResponse::Ok().json(CountryJson::from(country)))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct NewTerritoryJson {
    #[validate(required(message = "is required"))]
    code: Option<String>,
    #[validate(
        required(message = "is required"),
        length(equal = 3, message = "must be three letters")
    )]
    alpha3: Option<String>,
    #[validate(required(message = "is required"))]
    name: Option<String>,
}

/// Add a territory ISO 3166-1 lacks.
#[post("/countries")]
async fn add_territory(
    _: Admin,
    state: web::Data<AppState>,
    body: ApiJson<NewTerritoryJson>,
) -> Result<HttpResponse, AppError> {
    let body = body.0;
    let mut errors = FieldCollector::new();
    if let Err(e) = body.validate() {
        errors.merge_validator(e);
    }
    let code = errors.given("code", body.code.as_deref(), CountryCode::parse);
    let name = errors.given("name", body.name.as_deref(), text(100));
    let alpha3 = body
        .alpha3
        .as_deref()
        .map(str::trim)
        .map(str::to_ascii_uppercase);
    if let Some(a) = &alpha3 {
        if !a.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.add("alpha3", "must be three letters");
        }
    }
    errors.finish()?;
    let (Some(code), Some(alpha3), Some(name)) = (code, alpha3, name) else {
        return Err(AppError::field(
            "body",
            "code, alpha3 and name are required",
        ));
    };
    let country = state
        .db
        .run(move |conn| countries::add_territory(conn, NewTerritory { code, alpha3, name }))
        .await?;
    Ok(HttpResponse::Created().json(CountryJson::from(country)))
}
