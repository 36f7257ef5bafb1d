//! A coalition's member organisations: listing, linking and unlinking them.

use super::*;
#[allow(unused_imports)]
use crate::service::{coalitions, OnePage};

/// A member organisation of a coalition, with when it was linked.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub organisation: OrganisationView,
    pub linked_at: chrono::NaiveDateTime,
}

/// The organisation a request body names: a field error (not a 404) when there is none.
pub(super) fn named(
    conn: &mut DbConnection,
    field: &str,
    slug_or_id: &str,
) -> Result<Organisation, AppError> {
    match find(conn, slug_or_id) {
        Ok(view) => Ok(view.organisation),
        Err(AppError::NotFound(_)) => Err(AppError::field(
            field,
            format!("no organisation has the slug or id {slug_or_id:?}"),
        )),
        Err(other) => Err(other),
    }
}

/// What a coordinator typed to name an organisation in a form, as the key to find it by: the
/// same text when it is a slug or an id (or names nothing: the caller's lookup then says so),
/// the id of the one organisation with that name (spelt as [`OrgName::normalized`] spells
/// names), or a field error on `field` listing the countries when several organisations share
/// the name. Forms take names; the API takes slugs and ids only.
pub fn by_typed_name(
    conn: &mut DbConnection,
    field: &str,
    typed: &str,
) -> Result<String, AppError> {
    let typed = typed.trim();
    if typed.is_empty() || find(conn, typed).is_ok() {
        return Ok(typed.to_string());
    }
    let Ok(name) = OrgName::parse(typed) else {
        return Ok(typed.to_string());
    };
    let named: Vec<(String, String)> = organisations::table
        .filter(organisations::normalized_name.eq(name.normalized()))
        .select((organisations::id, organisations::country_code))
        .order(organisations::country_code.asc())
        .load(conn)?;
    match named.as_slice() {
        [(id, _)] => Ok(id.clone()),
        [] => Ok(typed.to_string()),
        several => {
            let countries: Vec<&str> = several.iter().map(|(_, c)| c.as_str()).collect();
            Err(AppError::field(
                field,
                format!(
                    "names organisations in {}: use the one in the directory you mean",
                    countries.join(", ")
                ),
            ))
        }
    }
}

pub(super) fn record_membership(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &Coalition,
    organisation: &Organisation,
    action: &'static str,
) -> Result<(), AppError> {
    let details = audit::naming(organisation, json!({"coalition": coalition.slug}));
    Event::new(action, ("organisation", &organisation.id), details)
        .in_coalition(&coalition.id)
        .record(conn, actor)
}

/// A coalition's member organisations, by name (viewer role or more).
pub fn members(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    page: PageRequest,
) -> Result<Page<MemberView>, AppError> {
    let coalition =
        crate::service::coalitions::find_for(conn, actor, coalition, Permission::ReadPrivate)?;
    let total = coalition_organisations::table
        .filter(coalition_organisations::coalition_id.eq(&coalition.id))
        .count()
        .get_result(conn)?;
    let rows: Vec<(Organisation, Country, chrono::NaiveDateTime)> = coalition_organisations::table
        .inner_join(organisations::table.inner_join(countries::table))
        .filter(coalition_organisations::coalition_id.eq(&coalition.id))
        .select((
            Organisation::as_select(),
            Country::as_select(),
            coalition_organisations::created_at,
        ))
        .order((
            organisations::normalized_name.asc(),
            organisations::id.asc(),
        ))
        .one_page(page)
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(organisation, country, linked_at)| MemberView {
            organisation: OrganisationView {
                organisation,
                country,
            },
            linked_at,
        })
        .collect();
    Ok(Page::new(items, page, total))
}

/// Link an organisation of the directory to a coalition as a member (coordinator role or
/// more). Linking one that is already a member changes nothing; the flag says whether this call
/// linked it.
pub fn link(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    organisation: &str,
) -> Result<(MemberView, bool), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find_for(conn, actor, coalition, Permission::ManageDirectory)?;
        let organisation = named(conn, "organisation", organisation)?;
        let existing = coalition_organisations::table
            .find((&coalition.id, &organisation.id))
            .select(coalition_organisations::created_at)
            .first::<chrono::NaiveDateTime>(conn)
            .optional()?;
        let (linked_at, linked_now) = match existing {
            Some(at) => (at, false),
            None => {
                let row = CoalitionOrganisation {
                    coalition_id: coalition.id.clone(),
                    organisation_id: organisation.id.clone(),
                    created_at: now(),
                };
                diesel::insert_into(coalition_organisations::table)
                    .values(&row)
                    .execute(conn)?;
                record_membership(
                    conn,
                    actor,
                    &coalition,
                    &organisation,
                    "organisation.linked",
                )?;
                (row.created_at, true)
            }
        };
        let view = find(conn, &organisation.id)?;
        Ok((
            MemberView {
                organisation: view,
                linked_at,
            },
            linked_now,
        ))
    })
}

/// Take an organisation off a coalition's members (coordinator role or more); the organisation
/// stays in the directory. Unlinking one that is not a member changes nothing; returns whether
/// this call unlinked it.
pub fn unlink(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    organisation: &str,
) -> Result<bool, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find_for(conn, actor, coalition, Permission::ManageDirectory)?;
        let organisation = find(conn, organisation)?.organisation;
        let removed =
            diesel::delete(coalition_organisations::table.find((&coalition.id, &organisation.id)))
                .execute(conn)?;
        if removed > 0 {
            record_membership(
                conn,
                actor,
                &coalition,
                &organisation,
                "organisation.unlinked",
            )?;
        }
        Ok(removed > 0)
    })
}
