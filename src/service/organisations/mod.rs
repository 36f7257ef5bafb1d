//! The organisation directory: create, read, update, list; the member organisations of a
//! coalition; and merging two duplicates.
//!
//! Who may change what (issue 18, finding 3). The directory is shared by every coalition, so
//! what an organisation is called everywhere — its name, country, website, email domain,
//! description and its own verification — may be changed by a coordinator only while no other
//! coalition has it on its letters (a signature in any state, an invitation) or among its
//! members ([`coalitions_using`]); once it is shared, only the operator (admin token) changes
//! it, and a coordinator gets 409 `organisation_shared`. Merging is refused likewise when either
//! organisation is shared. A coordinator's check (`verification: coordinator`) belongs to the
//! coalitions where they manage the directory (`organisation_checks`) and shows as `coordinator`
//! only on those coalitions' letters and to their members. Every change is audited in the
//! directory's log and in the log of every coalition that has the organisation.

mod sharing;
pub use sharing::*;
mod merge;
pub use merge::*;
mod members;
pub use members::*;
mod fields;
use crate::db::query::{insert_unique, FirstOrNotFound};
use crate::service::OnePage;
use diesel::prelude::*;
pub use fields::*;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

use crate::domain::text::{line, nullable, text};
use crate::error::FieldCollector;

use super::access::Actor;
use super::audit::{self, Event};

use super::{new_id, now, Page, PageRequest};
use crate::db::models::{
    Coalition, CoalitionOrganisation, Country, Organisation, OrganisationChanges,
    OrganisationCheck, Signature,
};
use crate::db::pool::MultiBackend;
use crate::db::schema::{
    coalition_organisations, countries, invitations, letters, organisation_checks, organisations,
    signatures,
};
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::{
    CountryCode, EmailDomain, LetterState, OrgName, Permission, SignatureState, Slug, Verification,
    Website,
};
use crate::error::AppError;

/// An organisation with its country.
#[derive(Debug, Clone)]
pub struct OrganisationView {
    pub organisation: Organisation,
    pub country: Country,
}

pub struct NewOrganisationInput {
    pub name: OrgName,
    pub country: CountryCode,
    pub website: Option<Website>,
    pub email_domain: Option<EmailDomain>,
    pub description: Option<String>,
    pub verification: Verification,
}

/// `None` leaves a field alone; `Some(None)` clears an optional one.
#[derive(Default)]
pub struct OrganisationUpdate {
    pub name: Option<OrgName>,
    pub country: Option<CountryCode>,
    pub website: Option<Option<Website>>,
    pub email_domain: Option<Option<EmailDomain>>,
    pub description: Option<Option<String>>,
    pub verification: Option<Verification>,
}

#[derive(Default)]
pub struct OrganisationFilter {
    pub country: Option<CountryCode>,
    /// Words the normalised name must contain.
    pub q: Option<String>,
}

fn duplicate(name: &OrgName, country: &CountryCode) -> AppError {
    AppError::conflict(
        "organisation_exists",
        format!(
            "an organisation named {:?} in {} (or a name that looks the same) already exists",
            name.as_str(),
            country.as_str()
        ),
    )
}

/// Whether another organisation in `country` has this name, spelt alike (`OrgName::normalized`)
/// or looking alike (`OrgName::skeleton`, issue 18 finding 10).
fn exists_with_name(
    conn: &mut DbConnection,
    name: &OrgName,
    country: &str,
    except_id: Option<&str>,
) -> Result<bool, AppError> {
    // Statically typed, so that it stays prepared; no id is empty.
    let same_name = organisations::table
        .filter(
            organisations::normalized_name
                .eq(name.normalized())
                .or(organisations::name_skeleton.eq(name.skeleton())),
        )
        .filter(organisations::country_code.eq(country))
        .filter(organisations::id.ne(except_id.unwrap_or("")));
    crate::db::query::any_row(conn, same_name)
}

/// A free slug for a new organisation: from its name, then name-country, then numbered.
fn free_slug(
    conn: &mut DbConnection,
    name: &OrgName,
    country: &CountryCode,
) -> Result<Slug, AppError> {
    let base = Slug::derive(name.as_str())
        .or_else(|| Slug::derive(&format!("organisation {}", country.as_str())))
        .ok_or_else(|| AppError::field("name", "must contain a letter or digit"))?;
    let with_country = Slug::derive(&format!("{} {}", base.as_str(), country.as_str()))
        .unwrap_or_else(|| base.clone());
    let mut candidates = vec![base.clone(), with_country.clone()];
    candidates.extend((2..100).map(|n| with_country.with_suffix(n)));
    for candidate in candidates {
        let taken: i64 = organisations::table
            .filter(organisations::slug.eq(candidate.as_str()))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Ok(base.with_suffix(rand::random::<u32>() % 1_000_000))
}

/// Show each organisation as `actor` sees it: `coordinator` where one of the coalitions whose
/// private data they may read checked it, its own verification otherwise.
pub fn seen_by(
    conn: &mut DbConnection,
    actor: &Actor,
    views: &mut [OrganisationView],
) -> Result<(), AppError> {
    let readable: Vec<String> = match actor {
        Actor::User(u) => u.coalitions_allowing(Permission::ReadPrivate),
        _ => return Ok(()),
    };
    let ids: Vec<&str> = views.iter().map(|v| v.organisation.id.as_str()).collect();
    let checked: Vec<String> = organisation_checks::table
        .filter(organisation_checks::organisation_id.eq_any(&ids))
        .filter(organisation_checks::coalition_id.eq_any(&readable))
        .select(organisation_checks::organisation_id)
        .load(conn)?;
    for view in views.iter_mut() {
        if checked.contains(&view.organisation.id) {
            view.organisation.verification = Verification::Coordinator.as_str().to_string();
        }
    }
    Ok(())
}

/// [`find`], as `actor` sees it ([`seen_by`]).
pub fn find_for(
    conn: &mut DbConnection,
    actor: &Actor,
    slug_or_id: &str,
) -> Result<OrganisationView, AppError> {
    let mut view = [find(conn, slug_or_id)?];
    seen_by(conn, actor, &mut view)?;
    let [view] = view;
    Ok(view)
}

/// Audit a change in the directory's log and in the log of every coalition in `using`.
fn record_everywhere(
    conn: &mut DbConnection,
    actor: &Actor,
    organisation: &Organisation,
    action: &'static str,
    details: serde_json::Value,
    using: &[String],
) -> Result<(), AppError> {
    record(conn, actor, organisation, action, details.clone())?;
    for coalition_id in using {
        event(organisation, action, details.clone())
            .in_coalition(coalition_id)
            .record(conn, actor)?;
    }
    Ok(())
}

/// Add an organisation to the shared directory (coordinators of any coalition).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewOrganisationInput,
) -> Result<OrganisationView, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    crate::db::write_transaction(conn, |conn| {
        if exists_with_name(conn, &input.name, input.country.as_str(), None)? {
            return Err(duplicate(&input.name, &input.country));
        }
        // A coordinator's check is their coalitions', not the organisation's.
        let checked = input.verification == Verification::Coordinator;
        if checked && checking_coalitions(actor).is_empty() {
            return Err(check_needs_a_coalition());
        }
        let input = NewOrganisationInput {
            verification: if checked {
                Verification::Unverified
            } else {
                input.verification
            },
            ..input
        };
        let organisation = insert(conn, input)?;
        record(
            conn,
            actor,
            &organisation,
            "organisation.created",
            json!({"name": organisation.name, "country": organisation.country_code}),
        )?;
        if checked {
            set_checks(conn, actor, &organisation, true)?;
        }
        find_for(conn, actor, &organisation.id)
    })
}

/// Audit a change in the directory's log.
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    organisation: &Organisation,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    event(organisation, action, details).record(conn, actor)
}

/// `action` on `organisation`, in the directory's log until it is placed in a coalition's.
fn event<'a>(
    organisation: &'a Organisation,
    action: &'static str,
    details: serde_json::Value,
) -> Event<'a> {
    Event::new(action, ("organisation", &organisation.id), details)
}

/// Add an organisation within the caller's transaction, without looking for a duplicate first
/// (the sign path has just looked); one that appears meanwhile is refused by the unique index,
/// as a duplicate.
pub fn insert(
    conn: &mut DbConnection,
    input: NewOrganisationInput,
) -> Result<Organisation, AppError> {
    let slug = free_slug(conn, &input.name, &input.country)?;
    let now = now();
    let email_domain = input
        .email_domain
        .map(|d| d.as_str().to_string())
        .or_else(|| input.website.as_ref().and_then(Website::domain));
    let row = Organisation {
        id: new_id(),
        slug: slug.as_str().to_string(),
        name: input.name.as_str().to_string(),
        normalized_name: input.name.normalized(),
        country_code: input.country.as_str().to_string(),
        website: input.website.map(|w| w.as_str().to_string()),
        email_domain,
        description: input.description,
        verification: input.verification.as_str().to_string(),
        created_at: now,
        updated_at: now,
        name_skeleton: input.name.skeleton(),
    };
    insert_unique(conn, organisations::table, &row, || {
        duplicate(&input.name, &input.country)
    })?;
    Ok(row)
}

/// Mark an organisation verified by domain when the address one of its signers has just
/// confirmed is at its website's registrable domain (see `domain::verification`); its rows in
/// every public list follow. Only an unverified organisation changes: a coordinator's
/// verification stays. Returns whether it changed.
pub fn verify_by_confirmed_email(
    conn: &mut DbConnection,
    key: &LedgerKey,
    organisation: &Organisation,
    email: &str,
) -> Result<bool, AppError> {
    let host = organisation
        .website
        .as_deref()
        .and_then(|w| url::Url::parse(w).ok())
        .and_then(|u| u.host_str().map(str::to_string));
    let proves = host.is_some_and(|h| crate::domain::verification::email_proves_domain(email, &h));
    if !proves || organisation.verification != Verification::Unverified.as_str() {
        return Ok(false);
    }
    diesel::update(organisations::table.find(&organisation.id))
        .set((
            organisations::verification.eq(Verification::Domain.as_str()),
            organisations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let verified = find(conn, &organisation.id)?.organisation;
    super::public_list::refresh_organisation(conn, key, &verified)?;
    Ok(true)
}

/// An organisation by slug or id.
pub fn find(conn: &mut DbConnection, slug_or_id: &str) -> Result<OrganisationView, AppError> {
    organisations::table
        .inner_join(countries::table)
        .filter(
            organisations::slug
                .eq(slug_or_id)
                .or(organisations::id.eq(slug_or_id)),
        )
        .select((Organisation::as_select(), Country::as_select()))
        .first_or_not_found(conn, format!("organisation {slug_or_id:?}"))
        .map(|(organisation, country)| OrganisationView {
            organisation,
            country,
        })
}

/// Edit an organisation of the shared directory; the change shows in every list it is on. What
/// it is called everywhere may be changed only by the operator once another coalition has it
/// (see the module's documentation); fields given with their current value change nothing. A
/// coordinator's `verification: coordinator` sets their coalitions' check, and `unverified` or
/// `domain` clears it (and sets the organisation's own verification when that differs).
pub fn update(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    update: OrganisationUpdate,
) -> Result<OrganisationView, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    crate::db::write_transaction(conn, |conn| {
        let current = find(conn, slug_or_id)?.organisation;
        let name = match &update.name {
            Some(n) => n.clone(),
            None => OrgName::parse(&current.name).map_err(|e| anyhow::anyhow!(e))?,
        };
        let country = match &update.country {
            Some(c) => c.clone(),
            None => CountryCode::parse(&current.country_code).map_err(|e| anyhow::anyhow!(e))?,
        };
        let checked = update.verification == Some(Verification::Coordinator);
        if checked && checking_coalitions(actor).is_empty() {
            return Err(check_needs_a_coalition());
        }
        // Only what differs from the current row is a change.
        let changes = OrganisationChanges {
            name: update
                .name
                .as_ref()
                .map(|n| n.as_str().to_string())
                .filter(|n| *n != current.name),
            normalized_name: None,
            name_skeleton: None,
            country_code: update
                .country
                .as_ref()
                .map(|c| c.as_str().to_string())
                .filter(|c| *c != current.country_code),
            website: update
                .website
                .map(|w| w.map(|w| w.as_str().to_string()))
                .filter(|w| *w != current.website),
            email_domain: update
                .email_domain
                .map(|d| d.map(|d| d.as_str().to_string()))
                .filter(|d| *d != current.email_domain),
            description: update.description.filter(|d| *d != current.description),
            verification: update
                .verification
                .filter(|v| *v != Verification::Coordinator)
                .map(|v| v.as_str().to_string())
                .filter(|v| *v != current.verification),
            updated_at: Some(now()),
        };
        let changes = OrganisationChanges {
            normalized_name: changes.name.as_ref().map(|_| name.normalized()),
            name_skeleton: changes.name.as_ref().map(|_| name.skeleton()),
            ..changes
        };
        let shared_change = changes.name.is_some()
            || changes.country_code.is_some()
            || changes.website.is_some()
            || changes.email_domain.is_some()
            || changes.description.is_some()
            || changes.verification.is_some();
        let using = coalitions_using(conn, &current.id)?;
        if shared_change {
            require_unshared(actor, &current, &using)?;
            if (changes.name.is_some() || changes.country_code.is_some())
                && exists_with_name(conn, &name, country.as_str(), Some(&current.id))?
            {
                return Err(duplicate(&name, &country));
            }
            diesel::update(organisations::table.find(&current.id))
                .set(&changes)
                .execute(conn)?;
        }
        let checks_changed = match update.verification {
            Some(v) => set_checks(conn, actor, &current, v == Verification::Coordinator)?,
            None => Vec::new(),
        };
        let updated = find(conn, &current.id)?;
        if shared_change || !checks_changed.is_empty() {
            super::public_list::refresh_organisation(conn, key, &updated.organisation)?;
        }
        if shared_change {
            let action = match &changes.verification {
                Some(_) => "organisation.verification_changed",
                None => "organisation.updated",
            };
            let o = &updated.organisation;
            record_everywhere(
                conn,
                actor,
                o,
                action,
                json!({"before": {"name": current.name, "country": current.country_code,
                                  "website": current.website, "email_domain": current.email_domain,
                                  "verification": current.verification},
                       "after": {"name": o.name, "country": o.country_code, "website": o.website,
                                 "email_domain": o.email_domain, "verification": o.verification}}),
                &using,
            )?;
        }
        find_for(conn, actor, &current.id)
    })
}

fn filtered<'a>(filter: &'a OrganisationFilter) -> organisations::BoxedQuery<'a, MultiBackend> {
    let mut query = organisations::table.into_boxed::<MultiBackend>();
    if let Some(country) = &filter.country {
        query = query.filter(organisations::country_code.eq(country.as_str()));
    }
    if let Some(q) = &filter.q {
        for word in q.split_whitespace() {
            query = query.filter(organisations::normalized_name.like(format!("%{word}%")));
        }
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filter: &OrganisationFilter,
    page: PageRequest,
) -> Result<Page<OrganisationView>, AppError> {
    let total = filtered(filter).count().get_result(conn)?;
    let ids: Vec<String> = filtered(filter)
        .select(organisations::id)
        .order((
            organisations::normalized_name.asc(),
            organisations::id.asc(),
        ))
        .one_page(page)
        .load(conn)?;
    let rows: Vec<(Organisation, Country)> = organisations::table
        .inner_join(countries::table)
        .filter(organisations::id.eq_any(&ids))
        .select((Organisation::as_select(), Country::as_select()))
        .order((
            organisations::normalized_name.asc(),
            organisations::id.asc(),
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(organisation, country)| OrganisationView {
            organisation,
            country,
        })
        .collect();
    Ok(Page::new(items, page, total))
}
