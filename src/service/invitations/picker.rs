//! Choosing whom to invite without knowing slugs (issue 24, item 2): a search of the directory by
//! name that shows each organisation's country and the address it was last invited at, and
//! adding a new organisation to the directory and inviting it in one step.

#[allow(unused_imports)]
use super::*;
use crate::db::schema::letters as letters_table;
use crate::domain::OrgName;
use crate::service::organisations::{self as directory, NewOrganisationInput, OrganisationFilter};

/// Organisations one search shows at most.
pub const MAX_CANDIDATES: i64 = 50;

/// An organisation a coordinator may tick to invite.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub organisation: Organisation,
    pub country: Country,
    /// The address it was last invited at by this coalition (to fill in), if ever.
    pub last_address: Option<String>,
    /// It has an invitation to this letter already (inviting again re-sends it).
    pub invited_here: bool,
}

/// What a search found: the organisations and how many matched in all.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub items: Vec<Candidate>,
    pub total: i64,
}

/// Organisations to invite to a letter: those of the shared directory whose name contains every
/// word of `q` (spelt as [`OrgName::normalized`] spells names: case and punctuation do not
/// matter), or, when `q` is blank, the coalition's member organisations; by name, at most
/// [`MAX_CANDIDATES`]. A `q` that is not a name is a field error on `q`.
pub fn search(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
    q: &str,
) -> Result<(LetterView, Candidates), AppError> {
    let letter = letters::find_for(conn, actor, letter_slug, Permission::Invite)?;
    let page = PageRequest {
        page: 1,
        per_page: MAX_CANDIDATES,
    };
    let found: Vec<(Organisation, Country)>;
    let total: i64;
    if q.trim().is_empty() {
        let members = directory::members(conn, actor, &letter.coalition.slug, page)?;
        total = members.total;
        found = (members.items.into_iter())
            .map(|m| (m.organisation.organisation, m.organisation.country))
            .collect();
    } else {
        let name = OrgName::parse(q).map_err(|p| AppError::field("q", p))?;
        let filter = OrganisationFilter {
            country: None,
            q: Some(name.normalized()),
        };
        let list = directory::list(conn, &filter, page)?;
        total = list.total;
        found = (list.items.into_iter())
            .map(|v| (v.organisation, v.country))
            .collect();
    }
    let ids: Vec<&str> = found.iter().map(|(o, _)| o.id.as_str()).collect();
    // The addresses this coalition invited them at, newest first.
    let addresses: Vec<(String, String, String)> = invitations::table
        .inner_join(letters_table::table)
        .filter(letters_table::coalition_id.eq(&letter.coalition.id))
        .filter(invitations::organisation_id.eq_any(&ids))
        .order(invitations::sent_at.desc())
        .select((
            invitations::organisation_id,
            invitations::email,
            invitations::letter_id,
        ))
        .load(conn)?;
    let items = found
        .into_iter()
        .map(|(organisation, country)| {
            let mine = addresses.iter().filter(|(o, _, _)| *o == organisation.id);
            let last_address = mine.clone().next().map(|(_, e, _)| e.clone());
            let invited_here = mine.clone().any(|(_, _, l)| *l == letter.letter.id);
            Candidate {
                organisation,
                country,
                last_address,
                invited_here,
            }
        })
        .collect();
    Ok((letter, Candidates { items, total }))
}

/// An organisation new to the directory, as typed beside the search, with its address.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewInviteeFields {
    pub name: Option<String>,
    /// An ISO code (or an English name).
    pub country: Option<String>,
    pub email: Option<String>,
}

/// Add an organisation to the directory, link it to the letter's coalition as a member, and
/// invite it, in one transaction: nothing is stored when any step fails. Field errors name
/// `new.name`, `new.country` and `new.email`; an organisation of the same name (or one that
/// looks the same) in that country is a field error on `new.name`, not a second entry.
pub fn add_and_invite(
    conn: &mut DbConnection,
    key: &TokenKey,
    actor: &Actor,
    letter_slug: &str,
    countries: &[Country],
    fields: NewInviteeFields,
) -> Result<(InviteOutcome, InvitationRow), AppError> {
    let mut errors = FieldCollector::new();
    let name = errors.required("new.name", fields.name.as_deref(), OrgName::parse);
    let country = match fields.country.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add("new.country", crate::domain::problem::Problem::Required);
            None
        }
        Some(c) => errors.check(
            "new.country",
            crate::service::countries::parse_in(countries, c),
        ),
    };
    let email = errors.required("new.email", fields.email.as_deref(), EmailAddress::parse);
    crate::db::write_transaction(conn, |conn| {
        // The letter and the caller's right to invite first: an outsider learns nothing more.
        let letter = letters::find_for(conn, actor, letter_slug, Permission::Invite)?;
        signing::ensure_open(&letter.letter)?;
        errors.finish()?;
        let (Some(name), Some(country), Some(email)) = (name, country, email) else {
            return Err(AppError::field("new.name", "is required"));
        };
        let input = NewOrganisationInput {
            name: name.clone(),
            country: country.clone(),
            website: None,
            email_domain: None,
            description: None,
            verification: crate::domain::Verification::Unverified,
        };
        let created = match directory::create(conn, actor, input) {
            Ok(view) => view.organisation,
            Err(AppError::Conflict { .. }) => {
                return Err(AppError::field(
                    "new.name",
                    format!(
                        "is in the directory already in {}: search for it above and tick it",
                        country.as_str()
                    ),
                ))
            }
            Err(e) => return Err(e),
        };
        directory::link(conn, actor, &letter.coalition.slug, &created.id)?;
        let item = InvitationFields {
            organisation: Some(created.id.clone()),
            email: Some(email.as_str().to_string()),
        };
        invite(conn, key, actor, letter_slug, &[item])?
            .pop()
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no invitation made")))
    })
}

/// The "paste many" list's organisations named by name as well as by slug or id
/// ([`directory::by_typed_name`]); a name several organisations share is a field error on that
/// item's organisation.
pub fn by_name(
    conn: &mut DbConnection,
    mut items: Vec<InvitationFields>,
) -> Result<Vec<InvitationFields>, AppError> {
    let mut errors = FieldCollector::new();
    for (i, item) in items.iter_mut().enumerate() {
        let Some(typed) = item.organisation.clone() else {
            continue;
        };
        let field = format!("invitations[{i}].organisation");
        match directory::by_typed_name(conn, &field, &typed) {
            Ok(key) => item.organisation = Some(key),
            Err(AppError::Validation(fields)) => {
                for message in fields.into_values().flatten() {
                    errors.add(&field, message);
                }
            }
            Err(e) => return Err(e),
        }
    }
    errors.finish()?;
    Ok(items)
}
