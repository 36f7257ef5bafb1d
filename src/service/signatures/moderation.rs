//! Moderation by the letter's coordinators, and their list of its signatures.

#[allow(unused_imports)]
use super::*;

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
        let view = letters::find_for(conn, actor, letter, crate::domain::Permission::Moderate)?;
        let letter = view.letter;
        let state: LetterState = letter.state.parse().unwrap_or(LetterState::Draft);
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
                Ok(s) if s.signature.letter_id == letter.id => {
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
                    record(
                        conn,
                        actor,
                        &letter,
                        id,
                        &s.organisation,
                        "signature.approved",
                    )?;
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
    let filtered = || {
        let mut q = signatures::table
            .inner_join(organisations::table)
            .filter(signatures::letter_id.eq(letter_id.clone()))
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
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select((Signature::as_select(), Organisation::as_select()))
        .order((signatures::created_at.desc(), signatures::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .load::<(Signature, Organisation)>(conn)?;
    let items = rows
        .into_iter()
        .map(|(signature, organisation)| SignatureView {
            signature,
            letter: view.letter.clone(),
            organisation,
            verified_now: false,
            changed_now: false,
        })
        .collect();
    Ok(crate::service::Page::new(items, page, total))
}
