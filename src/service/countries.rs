//! Countries: seeding from ISO 3166-1, listing, resolving names, and the territories the
//! operator adds and removes.

use crate::db::query::FirstOrNotFound;
use crate::domain::text::line;
use diesel::prelude::*;
use serde::Deserialize;
use validator::Validate;

use crate::db::models::Country;
use crate::db::schema::{countries, letter_country_counts, organisations, public_signatories};
use crate::db::DbConnection;
use crate::domain::country::{collision, name_key, resolve, Resolution};
use crate::domain::CountryCode;
use crate::error::{AppError, FieldCollector};

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
        let row = Country {
            code: c.alpha2.to_string(),
            alpha3: c.alpha3.to_string(),
            name: c.name.to_string(),
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

/// What a territory may be, whoever adds it: why each field is refused, as a field error. Its
/// codes and its name (with every variant `resolve` reads) must not already name a country or
/// territory, which would make that one ambiguous, or take it over, for every coalition's sign
/// requests and imports (issue 18, finding 7). Codes that are taken exactly are a conflict
/// (409 `country_exists`), checked by the caller.
fn check_names(t: &NewTerritory, existing: &[Country]) -> Result<(), AppError> {
    let mut errors = FieldCollector::new();
    let taken = |c: &Country| format!("{} ({})", c.code, c.name);
    if name_key(&t.name).is_empty() {
        errors.add("name", "must contain a letter or digit");
    } else if let Some(c) = collision(&t.name, existing) {
        errors.add(
            "name",
            format!(
                "{:?} already reads as {}: a territory's name may not be a country's name or one \
                 of its variants",
                t.name,
                taken(c)
            ),
        );
    }
    let exact = |code: &str| {
        existing
            .iter()
            .any(|c| c.code.eq_ignore_ascii_case(code) || c.alpha3.eq_ignore_ascii_case(code))
    };
    for (field, code) in [("code", t.code.as_str()), ("alpha3", t.alpha3.as_str())] {
        if exact(code) {
            continue;
        }
        if let Some(c) = collision(code, existing) {
            errors.add(
                field,
                format!(
                    "{code:?} already reads as {}: choose another code",
                    taken(c)
                ),
            );
        }
    }
    errors.finish()
}

/// Add a territory that ISO 3166-1 lacks (e.g. XK, XKX, Kosovo): the operator only, since every
/// coalition's country lists share it.
pub fn add_territory(
    conn: &mut DbConnection,
    actor: &super::access::Actor,
    t: NewTerritory,
) -> Result<Country, AppError> {
    actor.require_operator("adding a territory")?;
    crate::db::write_transaction(conn, |conn| {
        let existing = all(conn)?;
        let taken = existing
            .iter()
            .any(|c| c.code == t.code.as_str() || c.alpha3 == t.alpha3);
        if taken {
            return Err(AppError::conflict(
                "country_exists",
                format!(
                    "a country with code {} or {} already exists",
                    t.code.as_str(),
                    t.alpha3
                ),
            ));
        }
        check_names(&t, &existing)?;
        super::audit::Event::new(
            "country.added",
            ("country", t.code.as_str()),
            serde_json::json!({"alpha3": t.alpha3, "name": t.name}),
        )
        .record(conn, actor)?;
        diesel::insert_into(countries::table)
            .values(&Country {
                code: t.code.as_str().to_string(),
                alpha3: t.alpha3.clone(),
                name: t.name.clone(),
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

/// Remove a territory the operator added (the operator only). An ISO 3166-1 country is never
/// removed, nor a territory in use: an organisation in it, or a row of a public list (a
/// delivered letter keeps the country its signatories had) — both 409, and nothing changes.
/// Its empty count rows go with it. Returns the removed row.
pub fn remove_territory(
    conn: &mut DbConnection,
    actor: &super::access::Actor,
    code: &str,
) -> Result<Country, AppError> {
    actor.require_operator("removing a territory")?;
    let code =
        CountryCode::parse(code).map_err(|_| AppError::not_found(format!("country {code:?}")))?;
    crate::db::write_transaction(conn, |conn| {
        let country = countries::table
            .find(code.as_str())
            .select(Country::as_select())
            .first_or_not_found(conn, format!("country {:?}", code.as_str()))?;
        if country.is_iso == 1 {
            return Err(AppError::conflict(
                "iso_country",
                format!(
                    "{} ({}) is an ISO 3166-1 country: only territories added by the operator \
                     can be removed",
                    country.code, country.name
                ),
            ));
        }
        let organisations: i64 = organisations::table
            .filter(organisations::country_code.eq(&country.code))
            .count()
            .get_result(conn)?;
        let listed: i64 = public_signatories::table
            .filter(public_signatories::country_code.eq(&country.code))
            .count()
            .get_result(conn)?;
        if organisations > 0 || listed > 0 {
            return Err(AppError::conflict(
                "territory_in_use",
                format!(
                    "{} ({}) is in use: {organisations} organisation(s) in the directory and \
                     {listed} signatory row(s) of public lists are in it; move the organisations \
                     to another country first (a delivered letter's list keeps it for good)",
                    country.code, country.name
                ),
            ));
        }
        // Only empty shards can be left: every count mirrors a public row.
        diesel::delete(
            letter_country_counts::table
                .filter(letter_country_counts::country_code.eq(&country.code)),
        )
        .execute(conn)?;
        diesel::delete(countries::table.find(&country.code)).execute(conn)?;
        super::audit::Event::new(
            "country.removed",
            ("country", &country.code),
            serde_json::json!({"alpha3": country.alpha3, "name": country.name}),
        )
        .record(conn, actor)?;
        Ok(country)
    })
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTerritoryFields {
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

impl NewTerritoryFields {
    /// The fields as given elsewhere (the command line's options).
    pub fn new(code: String, alpha3: String, name: String) -> NewTerritoryFields {
        NewTerritoryFields {
            code: Some(code),
            alpha3: Some(alpha3),
            name: Some(name),
        }
    }

    /// Check every field (the dashboard's form uses this too).
    pub fn parse(self) -> Result<NewTerritory, AppError> {
        let mut errors = FieldCollector::validated(&self);
        let code = errors.given("code", self.code.as_deref(), CountryCode::parse);
        let name = errors.given("name", self.name.as_deref(), line(100));
        let alpha3 = self
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
        Ok(NewTerritory { code, alpha3, name })
    }
}
