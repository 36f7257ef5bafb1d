//! One shared directory, many coalitions: which coalitions use an organisation, and who may change what they share.

#[allow(unused_imports)]
use super::*;

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
pub(super) fn require_unshared(
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
pub(super) fn checking_coalitions(actor: &Actor) -> Vec<String> {
    match actor {
        Actor::User(u) => u.coalitions_allowing(Permission::ManageDirectory),
        _ => Vec::new(),
    }
}

pub(super) fn check_needs_a_coalition() -> AppError {
    AppError::field(
        "verification",
        "\"coordinator\" is a coalition's own check: a coordinator of the coalition sets it, \
         with their own account",
    )
}

/// Record (or, with `checked` false, take back) the actor's coalitions' check of an
/// organisation, each audited in its coalition. Returns the coalitions whose check changed.
pub(super) fn set_checks(
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
        let had = crate::db::query::any_row(conn, key)?;
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
        Event::new(
            "organisation.verification_changed",
            ("organisation", &organisation.id),
            json!({"name": organisation.name, "country": organisation.country_code,
                   "checked_by_this_coalition": checked}),
        )
        .in_coalition(&coalition_id)
        .record(conn, actor)?;
        changed.push(coalition_id);
    }
    Ok(changed)
}
