//! Merging duplicate organisations: signatures, memberships and invitations move to the one kept.

use super::*;

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
pub(super) fn progress(signature: &Signature) -> u8 {
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
pub(super) fn supersede(
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
        crate::service::public_list::remove(conn, key, &signature.id, at)?;
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
                crate::service::public_list::remove(conn, key, &signature.id, at)?;
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
                crate::service::public_list::publish(conn, key, &moved, &kept, at)?;
                listed_letters.insert(signature.letter_id.clone());
            }
            note("moved", &signature.id);
        }

        // Member links: the kept organisation joins every coalition the duplicate was in.
        let links: Vec<CoalitionOrganisation> = coalition_organisations::table
            .filter(coalition_organisations::organisation_id.eq(&merged.id))
            .select(CoalitionOrganisation::as_select())
            .load(conn)?;
        // A link (or a check, below) the kept organisation already has stays as it is.
        for link in &links {
            let moved = CoalitionOrganisation {
                organisation_id: kept.id.clone(),
                ..link.clone()
            };
            crate::on_backend!(conn, inner => diesel::insert_into(coalition_organisations::table)
                .values(&moved)
                .on_conflict((
                    coalition_organisations::coalition_id,
                    coalition_organisations::organisation_id,
                ))
                .do_nothing()
                .execute(inner))?;
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
            let moved = OrganisationCheck {
                organisation_id: kept.id.clone(),
                ..check
            };
            crate::on_backend!(conn, inner => diesel::insert_into(organisation_checks::table)
                .values(&moved)
                .on_conflict((
                    organisation_checks::organisation_id,
                    organisation_checks::coalition_id,
                ))
                .do_nothing()
                .execute(inner))?;
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
