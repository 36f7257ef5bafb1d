//! Countries: seeding from ISO 3166-1, listing, resolving names, adding territories.

use diesel::prelude::*;

use crate::db::models::{Country, NewCountry};
use crate::db::schema::countries;
use crate::db::DbConnection;
use crate::domain::country::{resolve, Resolution};
use crate::domain::CountryCode;
use crate::error::AppError;

/// Insert every ISO 3166-1 country that the table lacks; returns how many were added.
/// Safe to run on every start and from several instances at once.
pub fn seed_iso(conn: &mut DbConnection) -> Result<usize, AppError> {
    let existing: Vec<String> = countries::table.select(countries::code).load(conn)?;
    let now = super::now();
    let mut added = 0;
    for c in rust_iso3166::ALL {
        if existing.iter().any(|code| code == c.alpha2) {
            continue;
        }
        let row = NewCountry {
            code: c.alpha2,
            alpha3: c.alpha3,
            name: c.name,
            numeric_code: Some(i32::from(c.numeric)),
            is_iso: 1,
            created_at: now,
        };
        match diesel::insert_into(countries::table)
            .values(&row)
            .execute(conn)
        {
            Ok(_) => added += 1,
            // Another instance seeded it first.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(added)
}

/// Every country, by name.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Country>, AppError> {
    Ok(countries::table
        .select(Country::as_select())
        .order(countries::name.asc())
        .load(conn)?)
}

/// "CG (Congo) or CD (Congo (Democratic Republic of the))".
fn candidates(found: &[&Country]) -> String {
    found
        .iter()
        .map(|c| format!("{} ({})", c.code, c.name))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Parse a country field (a code or an English name) against `countries`: a parser for
/// `FieldCollector`, whose message says why an unknown or ambiguous input failed.
pub fn parse_in(countries: &[Country], input: &str) -> Result<CountryCode, String> {
    match resolve(input, countries) {
        Resolution::Found(c) => CountryCode::parse(&c.code),
        Resolution::Unknown => Err(format!(
            "unknown country {input:?}: use an ISO code such as FR or an English name"
        )),
        Resolution::Ambiguous(found) => Err(format!(
            "{input:?} could mean {}: use the code",
            candidates(&found)
        )),
    }
}

/// Look one country up by code or name: 404 when unknown, 409 when ambiguous.
pub fn lookup(conn: &mut DbConnection, query: &str) -> Result<Country, AppError> {
    let countries = all(conn)?;
    match resolve(query, &countries) {
        Resolution::Found(c) => Ok(c.clone()),
        Resolution::Unknown => Err(AppError::not_found(format!("country {query:?}"))),
        Resolution::Ambiguous(found) => Err(AppError::conflict(
            "ambiguous_country",
            format!("{query:?} could mean {}", candidates(&found)),
        )),
    }
}

pub struct NewTerritory {
    pub code: CountryCode,
    pub alpha3: String,
    pub name: String,
}

/// Add a territory that ISO 3166-1 lacks (e.g. XK, XKX, Kosovo).
pub fn add_territory(
    conn: &mut DbConnection,
    actor: &super::access::Actor,
    t: NewTerritory,
) -> Result<Country, AppError> {
    actor.require_anywhere(crate::domain::Permission::ManageDirectory)?;
    crate::db::write_transaction(conn, |conn| {
        super::audit::record(
            conn,
            actor,
            super::audit::Event {
                coalition_id: None,
                letter_id: None,
                subject_kind: "country",
                subject_id: t.code.as_str(),
                action: "country.added",
                details: serde_json::json!({"alpha3": t.alpha3, "name": t.name}),
            },
        )?;
        let taken: i64 = countries::table
            .filter(
                countries::code
                    .eq(t.code.as_str())
                    .or(countries::alpha3.eq(&t.alpha3)),
            )
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(AppError::conflict(
                "country_exists",
                format!(
                    "a country with code {} or {} already exists",
                    t.code.as_str(),
                    t.alpha3
                ),
            ));
        }
        diesel::insert_into(countries::table)
            .values(&NewCountry {
                code: t.code.as_str(),
                alpha3: &t.alpha3,
                name: &t.name,
                numeric_code: None,
                is_iso: 0,
                created_at: super::now(),
            })
            .execute(conn)?;
        Ok(countries::table
            .find(t.code.as_str())
            .select(Country::as_select())
            .first(conn)?)
    })
}
