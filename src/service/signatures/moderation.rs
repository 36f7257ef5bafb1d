//! Moderation by the letter's coordinators, and their list of its signatures.

use super::*;
#[allow(unused_imports)]
use crate::service::OnePage;

/// A coordinator's decision on confirmed signatures of a `manual` letter.
#[derive(Debug, Clone)]
pub enum Decision {
    Approve,
    Reject { reason: String },
}

/// Approve or reject confirmed signatures of a letter (the moderator role): all of them or, if
/// any is unknown or not awaiting moderation, none. Approved ones are published at once.
pub fn moderate(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    letter: &str,
    ids: &[String],
    decision: &Decision,
) -> Result<Vec<SignatureView>, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let (view, found) = awaiting(conn, actor, letter, ids)?;
        let letter = view.letter;
        let now = now();
        let mut done = Vec::with_capacity(found.len());
        for s in found {
            let id = &s.signature.id.clone();
            match decision {
                Decision::Approve => {
                    let s = if s.signature.contests.is_some() {
                        replace_contested(conn, key, actor, &letter, &s)?;
                        find_by_id(conn, id)?
                    } else {
                        s
                    };
                    diesel::update(signatures::table.find(id))
                        .set((
                            signatures::state.eq(SignatureState::Published.as_str()),
                            signatures::published_at.eq(Some(now)),
                            signatures::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    public_list::publish(conn, key, &s.signature, &s.organisation, now)?;
                    s.event("signature.approved").record(conn, actor)?;
                }
                Decision::Reject { reason } => {
                    reject(conn, actor, &letter, id, &s.organisation, reason, None)?;
                }
            }
            done.push(find_by_id(conn, id)?);
        }
        Ok(done)
    })
}

/// The signatures `ids` of `letter` if each awaits moderation (`confirmed`) and the letter may
/// still be moderated (open or closed) by `actor`, or the error [`moderate`] would give: what a
/// rejection's confirm page lists before anything changes.
pub fn awaiting(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    ids: &[String],
) -> Result<(letters::LetterView, Vec<SignatureView>), AppError> {
    let view = letters::find_for(conn, actor, letter, crate::domain::Permission::Moderate)?;
    let state: LetterState = view.letter.state.parse().unwrap_or(LetterState::Draft);
    if !matches!(state, LetterState::Open | LetterState::Closed) {
        return Err(AppError::conflict(
            "letter_finished",
            format!("signatures of a {state} letter can no longer be moderated"),
        ));
    }
    let mut found = Vec::with_capacity(ids.len());
    let mut errors = crate::error::FieldCollector::new();
    for (i, id) in ids.iter().enumerate() {
        match find_by_id(conn, id) {
            Ok(s) if s.signature.letter_id == view.letter.id => {
                if s.state() == SignatureState::Confirmed {
                    found.push(s);
                } else {
                    errors.add(
                        &format!("ids[{i}]"),
                        format!("is {}, not awaiting moderation", s.state()),
                    );
                }
            }
            _ => errors.add(&format!("ids[{i}]"), "is not a signature of this letter"),
        }
    }
    if ids.is_empty() {
        errors.add("ids", "must name at least one signature");
    }
    errors.finish()?;
    Ok((view, found))
}

/// What coordinators filter a letter's signatures by.
#[derive(Debug, Default, Clone)]
pub struct SignatureFilter {
    pub state: Option<SignatureState>,
    pub country: Option<CountryCode>,
    /// Words the organisation's normalised name must contain.
    pub q: Option<String>,
}

/// A letter's signatures with their private details (the viewer role), newest first.
pub fn list_for_letter(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    filter: &SignatureFilter,
    page: crate::service::PageRequest,
) -> Result<crate::service::Page<SignatureView>, AppError> {
    let view = letters::find_for(conn, actor, letter, crate::domain::Permission::ReadPrivate)?;
    let letter_id = view.letter.id.clone();
    let filtered = || filtered(&letter_id, filter);
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select((Signature::as_select(), Organisation::as_select()))
        .order((signatures::created_at.desc(), signatures::id.desc()))
        .one_page(page)
        .load::<(Signature, Organisation)>(conn)?;
    let items = rows
        .into_iter()
        .map(|row| SignatureView::listed(&view.letter, row))
        .collect();
    Ok(crate::service::Page::new(items, page, total))
}

/// A letter's signatures (with their organisations) that match `filter`.
fn filtered<'a>(
    letter_id: &str,
    filter: &SignatureFilter,
) -> diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<signatures::table, organisations::table>,
    crate::db::pool::MultiBackend,
> {
    let mut q = signatures::table
        .inner_join(organisations::table)
        .filter(signatures::letter_id.eq(letter_id.to_string()))
        .into_boxed::<crate::db::pool::MultiBackend>();
    if let Some(state) = filter.state {
        q = q.filter(signatures::state.eq(state.as_str()));
    }
    if let Some(country) = &filter.country {
        q = q.filter(organisations::country_code.eq(country.as_str().to_string()));
    }
    if let Some(words) = &filter.q {
        for word in words.split_whitespace() {
            q = q.filter(organisations::normalized_name.like(format!("%{word}%")));
        }
    }
    q
}

/// Signatures one "all that match" selection takes at most.
pub const SELECT_ALL_MAX: i64 = 1000;

/// How many of a letter's signatures await moderation and match `filter` (its state ignored): the
/// count "select all that match" offers. The caller has read the letter as a coordinator.
pub fn count_awaiting(
    conn: &mut DbConnection,
    letter_id: &str,
    filter: &SignatureFilter,
) -> Result<i64, AppError> {
    let filter = SignatureFilter {
        state: Some(SignatureState::Confirmed),
        ..filter.clone()
    };
    Ok(filtered(letter_id, &filter).count().get_result(conn)?)
}

/// The ids of a letter's signatures awaiting moderation (`confirmed`) that match `filter` (its
/// country and name words; its state is ignored), oldest first: what "select all that match"
/// selects, for [`moderate`]. At most [`SELECT_ALL_MAX`]; more is a field error on `scope`.
pub fn awaiting_ids(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    filter: &SignatureFilter,
) -> Result<Vec<String>, AppError> {
    let view = letters::find_for(conn, actor, letter, crate::domain::Permission::Moderate)?;
    let filter = SignatureFilter {
        state: Some(SignatureState::Confirmed),
        ..filter.clone()
    };
    let ids: Vec<String> = filtered(&view.letter.id, &filter)
        .select(signatures::id)
        .order((signatures::created_at.asc(), signatures::id.asc()))
        .limit(SELECT_ALL_MAX + 1)
        .load(conn)?;
    if ids.len() as i64 > SELECT_ALL_MAX {
        return Err(AppError::field(
            "scope",
            format!(
                "selects more than {SELECT_ALL_MAX} signatures: filter by country or name first"
            ),
        ));
    }
    Ok(ids)
}

/// The countries of a letter's signatories (any state), by code with their names, in name order:
/// the choices of the coordinators' country filter.
pub fn countries_of_letter(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
) -> Result<Vec<(String, String)>, AppError> {
    use crate::db::schema::countries;
    let view = letters::find_for(conn, actor, letter, crate::domain::Permission::ReadPrivate)?;
    let rows = signatures::table
        .inner_join(organisations::table.inner_join(countries::table))
        .filter(signatures::letter_id.eq(&view.letter.id))
        .select((countries::code, countries::name))
        .distinct()
        .order(countries::name.asc())
        .load::<(String, String)>(conn)?;
    Ok(rows)
}
