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

use diesel::prelude::*;
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
    Ok(organisations::table
        .filter(
            organisations::normalized_name
                .eq(name.normalized())
                .or(organisations::name_skeleton.eq(name.skeleton())),
        )
        .filter(organisations::country_code.eq(country))
        .filter(organisations::id.ne(except_id.unwrap_or("")))
        .count()
        .get_result::<i64>(conn)?
        > 0)
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

/// The coalitions (ids, sorted) whose letters or members have an organisation: a signature in
/// any state or an invitation on one of their letters, or a member link.
pub fn coalitions_using(
    conn: &mut DbConnection,
    organisation_id: &str,
) -> Result<Vec<String>, AppError> {
    let mut ids: Vec<String> = signatures::table
        .inner_join(letters::table)
        .filter(signatures::organisation_id.eq(organisation_id))
        .select(letters::coalition_id)
        .distinct()
        .load(conn)?;
    ids.extend(
        invitations::table
            .inner_join(letters::table)
            .filter(invitations::organisation_id.eq(organisation_id))
            .select(letters::coalition_id)
            .distinct()
            .load::<String>(conn)?,
    );
    ids.extend(
        coalition_organisations::table
            .filter(coalition_organisations::organisation_id.eq(organisation_id))
            .select(coalition_organisations::coalition_id)
            .load::<String>(conn)?,
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Refuse a change to what `organisation` is called everywhere unless the operator asks, or
/// every coalition that has it (`using`) is one where the actor manages the directory. The
/// message names no other coalition: who works with whom is theirs to tell.
fn require_unshared(
    actor: &Actor,
    organisation: &Organisation,
    using: &[String],
) -> Result<(), AppError> {
    if matches!(actor, Actor::Operator | Actor::System)
        || using
            .iter()
            .all(|c| actor.can(c, Permission::ManageDirectory))
    {
        return Ok(());
    }
    Err(AppError::conflict(
        "organisation_shared",
        format!(
            "{:?} is on another coalition's letters or members: its name, country, website, \
             email domain, description and verification are shared with that coalition, so only \
             the operator of this service (admin token) may change them. Ask the operator; your \
             own coalition's check (verification \"coordinator\") you may still set or clear",
            organisation.name
        ),
    ))
}

/// The coalitions whose checks an actor makes: those where a coordinator manages the directory.
fn checking_coalitions(actor: &Actor) -> Vec<String> {
    match actor {
        Actor::User(u) => u
            .roles
            .iter()
            .filter(|(_, r)| r.allows(Permission::ManageDirectory))
            .map(|(c, _)| c.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn check_needs_a_coalition() -> AppError {
    AppError::field(
        "verification",
        "\"coordinator\" is a coalition's own check: a coordinator of the coalition sets it, \
         with their own account",
    )
}

/// Record (or, with `checked` false, take back) the actor's coalitions' check of an
/// organisation, each audited in its coalition. Returns the coalitions whose check changed.
fn set_checks(
    conn: &mut DbConnection,
    actor: &Actor,
    organisation: &Organisation,
    checked: bool,
) -> Result<Vec<String>, AppError> {
    let user_id = match actor {
        Actor::User(u) => Some(u.id.clone()),
        _ => None,
    };
    let mut changed = Vec::new();
    for coalition_id in checking_coalitions(actor) {
        let key = organisation_checks::table.find((&organisation.id, &coalition_id));
        let had = key.count().get_result::<i64>(conn)? > 0;
        if had == checked {
            continue;
        }
        if checked {
            diesel::insert_into(organisation_checks::table)
                .values(&OrganisationCheck {
                    organisation_id: organisation.id.clone(),
                    coalition_id: coalition_id.clone(),
                    checked_at: now(),
                    checked_by: user_id.clone(),
                })
                .execute(conn)?;
        } else {
            diesel::delete(key).execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Event {
                coalition_id: Some(&coalition_id),
                letter_id: None,
                subject_kind: "organisation",
                subject_id: &organisation.id,
                action: "organisation.verification_changed",
                details: json!({"name": organisation.name, "country": organisation.country_code,
                                "checked_by_this_coalition": checked}),
            },
        )?;
        changed.push(coalition_id);
    }
    Ok(changed)
}

/// Show each organisation as `actor` sees it: `coordinator` where one of the coalitions whose
/// private data they may read checked it, its own verification otherwise.
pub fn seen_by(
    conn: &mut DbConnection,
    actor: &Actor,
    views: &mut [OrganisationView],
) -> Result<(), AppError> {
    let readable: Vec<String> = match actor {
        Actor::User(u) => u
            .roles
            .iter()
            .filter(|(_, r)| r.allows(Permission::ReadPrivate))
            .map(|(c, _)| c.clone())
            .collect(),
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
        audit::record(
            conn,
            actor,
            Event {
                coalition_id: Some(coalition_id),
                letter_id: None,
                subject_kind: "organisation",
                subject_id: &organisation.id,
                action,
                details: details.clone(),
            },
        )?;
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

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    organisation: &Organisation,
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: None,
            letter_id: None,
            subject_kind: "organisation",
            subject_id: &organisation.id,
            action,
            details,
        },
    )
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
    diesel::insert_into(organisations::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict { .. } => duplicate(&input.name, &input.country),
            other => other,
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
        .first(conn)
        .optional()?
        .map(|(organisation, country)| OrganisationView {
            organisation,
            country,
        })
        .ok_or_else(|| AppError::not_found(format!("organisation {slug_or_id:?}")))
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
        .limit(page.per_page)
        .offset(page.offset())
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

/// A member organisation of a coalition, with when it was linked.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub organisation: OrganisationView,
    pub linked_at: chrono::NaiveDateTime,
}

/// The organisation a request body names: a field error (not a 404) when there is none.
fn named(conn: &mut DbConnection, field: &str, slug_or_id: &str) -> Result<Organisation, AppError> {
    match find(conn, slug_or_id) {
        Ok(view) => Ok(view.organisation),
        Err(AppError::NotFound(_)) => Err(AppError::field(
            field,
            format!("no organisation has the slug or id {slug_or_id:?}"),
        )),
        Err(other) => Err(other),
    }
}

fn record_membership(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &Coalition,
    organisation: &Organisation,
    action: &'static str,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&coalition.id),
            letter_id: None,
            subject_kind: "organisation",
            subject_id: &organisation.id,
            action,
            details: json!({
                "organisation": organisation.name,
                "country": organisation.country_code,
                "coalition": coalition.slug,
            }),
        },
    )
}

/// A coalition's member organisations, by name (viewer role or more).
pub fn members(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    page: PageRequest,
) -> Result<Page<MemberView>, AppError> {
    let coalition = super::coalitions::find(conn, coalition)?;
    actor.require(&coalition, Permission::ReadPrivate)?;
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
        .limit(page.per_page)
        .offset(page.offset())
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
        let coalition = super::coalitions::find(conn, coalition)?;
        actor.require(&coalition, Permission::ManageDirectory)?;
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
        let coalition = super::coalitions::find(conn, coalition)?;
        actor.require(&coalition, Permission::ManageDirectory)?;
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

/// What a merge did.
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    /// The organisation that stays.
    pub kept: OrganisationView,
    /// The duplicate, as it was before it was deleted.
    pub merged: Organisation,
    /// Signatures of the duplicate that now belong to the kept organisation (all of them).
    pub moved: usize,
    /// Live signatures that stopped being live because the other organisation of the pair had
    /// one on the same letter that was kept (marked `withdrawn`).
    pub superseded: usize,
    /// The slugs of the letters whose public list changed.
    pub letters: Vec<String>,
}

/// How far a live signature has got: a merge keeps the furthest of two on one letter.
fn progress(signature: &Signature) -> u8 {
    match signature.state.parse() {
        Ok(SignatureState::Published) => 3,
        Ok(SignatureState::Confirmed) => 2,
        Ok(SignatureState::Pending) => 1,
        _ => 0,
    }
}

/// A live signature gives way to the other organisation's on the same letter: it becomes
/// `withdrawn` (so it is no longer live), and leaves the public list, as `removed` in the ledger,
/// if it was on it.
fn supersede(
    conn: &mut DbConnection,
    key: &LedgerKey,
    signature: &Signature,
    at: chrono::NaiveDateTime,
) -> Result<bool, AppError> {
    diesel::update(signatures::table.find(&signature.id))
        .set((
            signatures::state.eq(SignatureState::Withdrawn.as_str()),
            signatures::withdrawn_at.eq(Some(at)),
            signatures::updated_at.eq(at),
        ))
        .execute(conn)?;
    let listed = signature.state == SignatureState::Published.as_str();
    if listed {
        super::public_list::remove(conn, key, &signature.id, at)?;
    }
    Ok(listed)
}

/// Merge the duplicate organisation `duplicate` into `into`, in one transaction (a directory
/// permission, in any coalition):
///
/// - Every signature of the duplicate moves to the kept organisation. Where both have a live
///   signature (pending, confirmed, published) on one letter, the one further along is kept
///   (published before confirmed before pending; the kept organisation's on a tie) and the other
///   becomes `withdrawn`, so no letter has two live signatures of one organisation.
/// - The public lists follow, through the same functions as every other change: a published
///   signature that moves leaves the list under the duplicate's name (`removed` in the ledger and
///   `withdrawn` in the change feed) and joins it under the kept organisation's (`published`,
///   listed since the merge); a superseded published one is `removed`. Counts by country follow.
///   Ledgers are appended in letter-id order.
/// - The duplicate's coalition links move to the kept organisation, and its row is deleted.
/// - The audit log gets `organisation.merged` for the directory, for each letter whose
///   signatures changed and for each coalition whose members changed.
pub fn merge(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    duplicate: &str,
    into: &str,
) -> Result<MergeOutcome, AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    crate::db::write_transaction(conn, |conn| {
        let merged = find(conn, duplicate)?.organisation;
        let kept = named(conn, "into", into)?;
        if kept.id == merged.id {
            return Err(AppError::field(
                "into",
                "is the organisation being merged: name the one to keep",
            ));
        }
        // Either side on another coalition's letters or members: the operator's to merge.
        let merged_using = coalitions_using(conn, &merged.id)?;
        let kept_using = coalitions_using(conn, &kept.id)?;
        require_unshared(actor, &merged, &merged_using)?;
        require_unshared(actor, &kept, &kept_using)?;
        let at = now();
        // By letter, so that the ledgers are locked in one order.
        let theirs: Vec<Signature> = signatures::table
            .filter(signatures::organisation_id.eq(&merged.id))
            .order((signatures::letter_id.asc(), signatures::created_at.asc()))
            .select(Signature::as_select())
            .load(conn)?;
        let letter_ids: Vec<String> = {
            let mut ids: Vec<String> = theirs.iter().map(|s| s.letter_id.clone()).collect();
            ids.dedup();
            ids
        };
        // A delivered letter keeps the list it was delivered with.
        let frozen: Vec<String> = letters::table
            .filter(letters::id.eq_any(&letter_ids))
            .filter(letters::state.eq_any(LetterState::FROZEN.map(LetterState::as_str)))
            .select(letters::slug)
            .load(conn)?;
        if !frozen.is_empty() {
            return Err(AppError::conflict(
                "list_frozen",
                format!(
                    "{} signed letters that were already delivered ({}), whose lists can no \
                     longer change: keep both organisations",
                    merged.name,
                    frozen.join(", ")
                ),
            ));
        }
        let ours: Vec<Signature> = signatures::table
            .filter(signatures::organisation_id.eq(&kept.id))
            .filter(signatures::letter_id.eq_any(&letter_ids))
            .filter(signatures::state.eq_any(SignatureState::LIVE.map(SignatureState::as_str)))
            // Held signatures (issue 18, finding 5) are outside the one-live-signature rule:
            // they move with their organisation and are never a rival.
            .filter(signatures::contests.is_null())
            .select(Signature::as_select())
            .load(conn)?;
        let mut changes: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
        let mut listed_letters = std::collections::BTreeSet::new();
        let mut superseded = 0;
        for signature in &theirs {
            let mut note = |key: &str, id: &str| {
                let entry = changes
                    .entry(signature.letter_id.clone())
                    .or_insert_with(|| json!({"moved": [], "superseded": []}));
                if let Some(list) = entry[key].as_array_mut() {
                    list.push(json!(id));
                }
            };
            let live = progress(signature) > 0 && signature.contests.is_none();
            let rival = ours
                .iter()
                .find(|o| o.letter_id == signature.letter_id)
                .filter(|_| live);
            let mut republish = signature.state == SignatureState::Published.as_str();
            if let Some(rival) = rival {
                superseded += 1;
                if progress(signature) > progress(rival) {
                    supersede(conn, key, rival, at)?;
                    note("superseded", &rival.id);
                } else {
                    if supersede(conn, key, signature, at)? {
                        listed_letters.insert(signature.letter_id.clone());
                    }
                    note("superseded", &signature.id);
                    republish = false;
                }
            }
            if republish {
                // Listed under the duplicate's name until now; under the kept one's from now on.
                super::public_list::remove(conn, key, &signature.id, at)?;
            }
            diesel::update(signatures::table.find(&signature.id))
                .set((
                    signatures::organisation_id.eq(&kept.id),
                    signatures::updated_at.eq(at),
                ))
                .execute(conn)?;
            if republish {
                let moved = Signature {
                    organisation_id: kept.id.clone(),
                    ..signature.clone()
                };
                super::public_list::publish(conn, key, &moved, &kept, at)?;
                listed_letters.insert(signature.letter_id.clone());
            }
            note("moved", &signature.id);
        }

        // Member links: the kept organisation joins every coalition the duplicate was in.
        let links: Vec<CoalitionOrganisation> = coalition_organisations::table
            .filter(coalition_organisations::organisation_id.eq(&merged.id))
            .select(CoalitionOrganisation::as_select())
            .load(conn)?;
        for link in &links {
            let already = coalition_organisations::table
                .find((&link.coalition_id, &kept.id))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !already {
                diesel::insert_into(coalition_organisations::table)
                    .values(&CoalitionOrganisation {
                        organisation_id: kept.id.clone(),
                        ..link.clone()
                    })
                    .execute(conn)?;
            }
        }
        diesel::delete(
            coalition_organisations::table
                .filter(coalition_organisations::organisation_id.eq(&merged.id)),
        )
        .execute(conn)?;
        // Invitations move over, unless both were invited to the same letter: the two personal
        // links cannot become one, so that merge is refused (and nothing above is kept).
        let kept_invited: Vec<String> = invitations::table
            .filter(invitations::organisation_id.eq(&kept.id))
            .select(invitations::letter_id)
            .load(conn)?;
        let both_invited: Vec<String> = invitations::table
            .filter(invitations::organisation_id.eq(&merged.id))
            .filter(invitations::letter_id.eq_any(&kept_invited))
            .select(invitations::letter_id)
            .load(conn)?;
        if !both_invited.is_empty() {
            return Err(AppError::conflict(
                "invitation_conflict",
                "both organisations were invited to the same letter; their invitations cannot be merged",
            ));
        }
        diesel::update(invitations::table.filter(invitations::organisation_id.eq(&merged.id)))
            .set(invitations::organisation_id.eq(&kept.id))
            .execute(conn)?;
        // The duplicate's coalition checks become the kept organisation's.
        let checks: Vec<OrganisationCheck> = organisation_checks::table
            .filter(organisation_checks::organisation_id.eq(&merged.id))
            .select(OrganisationCheck::as_select())
            .load(conn)?;
        for check in checks {
            let already = organisation_checks::table
                .find((&kept.id, &check.coalition_id))
                .count()
                .get_result::<i64>(conn)?
                > 0;
            if !already {
                diesel::insert_into(organisation_checks::table)
                    .values(&OrganisationCheck {
                        organisation_id: kept.id.clone(),
                        ..check
                    })
                    .execute(conn)?;
            }
        }
        diesel::delete(
            organisation_checks::table.filter(organisation_checks::organisation_id.eq(&merged.id)),
        )
        .execute(conn)?;
        diesel::delete(organisations::table.find(&merged.id)).execute(conn)?;

        let names = json!({
            "merged": {"id": merged.id, "slug": merged.slug, "name": merged.name, "country": merged.country_code},
            "into": {"id": kept.id, "slug": kept.slug, "name": kept.name, "country": kept.country_code},
        });
        let with = |extra: serde_json::Value| {
            let mut details = names.clone();
            if let (Some(d), Some(e)) = (details.as_object_mut(), extra.as_object()) {
                d.extend(e.clone());
            }
            details
        };
        let letter_rows: Vec<(String, String, String)> = letters::table
            .filter(letters::id.eq_any(changes.keys().cloned().collect::<Vec<_>>()))
            .order(letters::id.asc())
            .select((letters::id, letters::slug, letters::coalition_id))
            .load(conn)?;
        let mut merged_event = |coalition_id: Option<&str>, letter_id: Option<&str>, details| {
            audit::record(
                conn,
                actor,
                Event {
                    coalition_id,
                    letter_id,
                    subject_kind: "organisation",
                    subject_id: &kept.id,
                    action: "organisation.merged",
                    details,
                },
            )
        };
        for (letter_id, _, coalition_id) in &letter_rows {
            let details = with(changes[letter_id].clone());
            merged_event(Some(coalition_id), Some(letter_id), details)?;
        }
        for link in &links {
            merged_event(
                Some(&link.coalition_id),
                None,
                with(json!({"members": true})),
            )?;
        }
        // Every other coalition that had either organisation (an invitation, a signature that
        // did not change, a member of the kept one) hears of it too.
        let told: Vec<&String> = letter_rows
            .iter()
            .map(|(_, _, c)| c)
            .chain(links.iter().map(|l| &l.coalition_id))
            .collect();
        let mut others: Vec<&String> = merged_using
            .iter()
            .chain(kept_using.iter())
            .filter(|c| !told.contains(c))
            .collect();
        others.sort();
        others.dedup();
        for coalition_id in others {
            merged_event(Some(coalition_id), None, with(json!({})))?;
        }
        merged_event(
            None,
            None,
            with(json!({
                "signatures_moved": theirs.len(),
                "signatures_superseded": superseded,
                "letters": letter_rows.iter().map(|(_, slug, _)| slug).collect::<Vec<_>>(),
                "coalitions": links.len(),
            })),
        )?;
        Ok(MergeOutcome {
            kept: find_for(conn, actor, &kept.id)?,
            merged,
            moved: theirs.len(),
            superseded,
            letters: letter_rows
                .into_iter()
                .filter(|(id, _, _)| listed_letters.contains(id))
                .map(|(_, slug, _)| slug)
                .collect(),
        })
    })
}

const DESCRIPTION_MAX: usize = 2000;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationFields {
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

impl NewOrganisationFields {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<NewOrganisationInput, AppError> {
        let mut errors = FieldCollector::new();
        if let Err(e) = self.validate() {
            errors.merge_validator(e);
        }
        let name = errors.given("name", self.name.as_deref(), OrgName::parse);
        let country = errors.given("country", self.country.as_deref(), |c| {
            super::countries::parse_in(all, c)
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

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatchFields {
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

impl OrganisationPatchFields {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<OrganisationUpdate, AppError> {
        let mut errors = FieldCollector::new();
        if let Err(e) = self.validate() {
            errors.merge_validator(e);
        }
        let changes = OrganisationUpdate {
            name: errors.given("name", self.name.as_deref(), OrgName::parse),
            country: errors.given("country", self.country.as_deref(), |c| {
                super::countries::parse_in(all, c)
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeFields {
    /// The organisation to keep: its slug or id.
    into: Option<String>,
}

impl MergeFields {
    /// The slug or id of the organisation to keep (the dashboard's form uses this too).
    pub fn parse(self) -> Result<String, AppError> {
        let mut errors = FieldCollector::new();
        let into = errors.required("into", self.into.as_deref(), text(200));
        errors.finish()?;
        into.ok_or_else(|| AppError::field("into", "is required"))
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkFields {
    /// The organisation's slug or id in the directory.
    organisation: Option<String>,
}

impl LinkFields {
    /// The slug or id of the organisation to link (the dashboard's form uses this too).
    pub fn parse(self) -> Result<String, AppError> {
        let mut errors = FieldCollector::new();
        let organisation = errors.required("organisation", self.organisation.as_deref(), line(200));
        errors.finish()?;
        organisation.ok_or_else(|| AppError::field("organisation", "is required"))
    }
}
