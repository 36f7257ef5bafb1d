//! Confirming and withdrawing through a mail's links, and completing a signature: listed on an `auto` letter, waiting on a `manual` one; held signatures and those they contest.

#[allow(unused_imports)]
use super::*;

/// A change made through one of a signature's links ([`confirm`], [`withdraw`]).
pub type SignatureChange =
    fn(&mut DbConnection, &LedgerKey, &Token) -> Result<SignatureView, AppError>;

/// Confirm a signature through its link: published at once on an `auto` letter, waiting for a
/// coordinator on `manual`. Confirming twice is harmless.
pub fn confirm(
    conn: &mut DbConnection,
    key: &LedgerKey,
    token: &Token,
) -> Result<SignatureView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_by_token(conn, Purpose::ConfirmSignature, token)?;
        match view.state() {
            SignatureState::Confirmed | SignatureState::Published => return Ok(view),
            SignatureState::Pending => {}
            SignatureState::Withdrawn => {
                return Err(AppError::conflict(
                    "signature_withdrawn",
                    "this signature was withdrawn; sign again to add it back",
                ))
            }
            SignatureState::Rejected => {
                return Err(AppError::conflict(
                    "signature_rejected",
                    "this signature was not accepted by the letter's coordinators",
                ))
            }
            SignatureState::Expired => {
                return Err(AppError::Gone(
                    "this confirmation link has expired; sign again".into(),
                ))
            }
        }
        if view.link_expired() {
            mark_expired(conn, &view.signature.id)?;
            return Err(AppError::Gone(
                "this confirmation link has expired; sign again".into(),
            ));
        }
        complete(conn, key, view)
    })
}

/// Take a pending signature to `published` (on an `auto` letter, listing it in the same
/// transaction: public list, counts, change feed, ledger) or to `confirmed` (waiting for a
/// coordinator on a `manual` one). Its address proves the organisation's domain when it is at
/// the organisation's website (`domain::verification`), before it is listed. Confirming by
/// mail and signing through an invitation both end here.
pub(crate) fn complete(
    conn: &mut DbConnection,
    key: &LedgerKey,
    mut view: SignatureView,
) -> Result<SignatureView, AppError> {
    ensure_open(&view.letter)?;
    if view.signature.contests.is_some() {
        match live_signature(conn, &view.letter.id, &view.organisation.id)? {
            Some(contested) => return hold_confirmed(conn, view, &contested),
            // The signature it contested was withdrawn or expired meanwhile: an ordinary one.
            None => {
                diesel::update(signatures::table.find(&view.signature.id))
                    .set(signatures::contests.eq(None::<String>))
                    .execute(conn)?;
                view.signature.contests = None;
            }
        }
    }
    // Before publishing, so that the new public row shows the verification.
    let verified_now = crate::service::organisations::verify_by_confirmed_email(
        conn,
        key,
        &view.organisation,
        &view.signature.email,
    )?;
    let now = now();
    let moderation: Moderation = view.letter.moderation.parse().unwrap_or(Moderation::Manual);
    // Issue 18, finding 5: an address that does not prove the domain the organisation was
    // verified by would be listed under that badge; it waits for the coordinators instead, even
    // on an `auto` letter. (Invitations and imports were checked by the coalition.)
    let unproven = !verified_now
        && view.signature.verification.is_none()
        && !proves_verified_domain(&view.organisation, &view.signature.email);
    let (state, published_at) = match moderation {
        Moderation::Auto if !unproven => (SignatureState::Published, Some(now)),
        _ => (SignatureState::Confirmed, None),
    };
    diesel::update(
        signatures::table
            .find(&view.signature.id)
            .filter(signatures::state.eq(SignatureState::Pending.as_str())),
    )
    .set((
        signatures::state.eq(state.as_str()),
        signatures::confirmed_at.eq(Some(now)),
        signatures::published_at.eq(published_at),
        signatures::updated_at.eq(now),
    ))
    .execute(conn)?;
    let confirmed = find_by_id(conn, &view.signature.id)?;
    let action = match state {
        SignatureState::Published => "signature.confirmed_and_published",
        _ if unproven => "signature.confirmed_unproven_domain",
        _ => "signature.confirmed",
    };
    confirmed.event(action).record(conn, &Actor::Public)?;
    if state == SignatureState::Published {
        public_list::publish(
            conn,
            key,
            &confirmed.signature,
            &confirmed.organisation,
            now,
        )?;
    }
    Ok(SignatureView {
        verified_now,
        changed_now: true,
        ..confirmed
    })
}

/// Whether a signature from `email` may carry the organisation's badge: the organisation is not
/// verified by its domain, or the address is at that domain.
pub(super) fn proves_verified_domain(organisation: &Organisation, email: &str) -> bool {
    if organisation.verification != Verification::Domain.as_str() {
        return true;
    }
    organisation
        .website
        .as_deref()
        .and_then(|w| url::Url::parse(w).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .is_some_and(|host| crate::domain::verification::email_proves_domain(email, &host))
}

/// Confirm a held signature: `confirmed`, never listed by itself, whatever the letter's
/// moderation, until the coalition approves it in place of `contested` ([`moderate`]). Its
/// address proves nothing about the organisation until then. The contested signature's mailbox
/// is told (the domain of the other address, never the address).
pub(super) fn hold_confirmed(
    conn: &mut DbConnection,
    view: SignatureView,
    contested: &Signature,
) -> Result<SignatureView, AppError> {
    let now = now();
    diesel::update(
        signatures::table
            .find(&view.signature.id)
            .filter(signatures::state.eq(SignatureState::Pending.as_str())),
    )
    .set((
        signatures::state.eq(SignatureState::Confirmed.as_str()),
        signatures::confirmed_at.eq(Some(now)),
        signatures::contests.eq(Some(&contested.id)),
        signatures::updated_at.eq(now),
    ))
    .execute(conn)?;
    view.event("signature.confirmed_held")
        .record(conn, &Actor::Public)?;
    if !contested.email.is_empty() {
        outbox::enqueue(
            conn,
            MailKind::SignatureContested,
            &contested.email,
            Some(&view.signature.id),
        )?;
    }
    Ok(SignatureView {
        changed_now: true,
        ..find_by_id(conn, &view.signature.id)?
    })
}

/// Approving a held signature: the organisation's live signature it contested (or whichever
/// took its place) is rejected and taken off the list, signatures held against that one now
/// contest this, and this one is the organisation's: its address may verify the organisation's
/// domain. The caller publishes it.
pub(super) fn replace_contested(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    letter: &Letter,
    held: &SignatureView,
) -> Result<(), AppError> {
    let now = now();
    if let Some(contested) = live_signature(conn, &letter.id, &held.organisation.id)? {
        let reason = "replaced by a contesting signature for the organisation that the \
                      coalition approved";
        reject(
            conn,
            actor,
            letter,
            &contested.id,
            &held.organisation,
            reason,
            Some(&held.signature.id),
        )?;
        if contested.state == SignatureState::Published.as_str() {
            public_list::unpublish(conn, key, &contested.id, now)?;
        }
        diesel::update(
            signatures::table
                .filter(signatures::contests.eq(&contested.id))
                .filter(signatures::id.ne(&held.signature.id)),
        )
        .set(signatures::contests.eq(Some(&held.signature.id)))
        .execute(conn)?;
    }
    diesel::update(signatures::table.find(&held.signature.id))
        .set(signatures::contests.eq(None::<String>))
        .execute(conn)?;
    crate::service::organisations::verify_by_confirmed_email(
        conn,
        key,
        &held.organisation,
        &held.signature.email,
    )?;
    Ok(())
}

/// Mark a signature rejected at `now` with its reason (no log: the callers write theirs).
pub(crate) fn set_rejected(
    conn: &mut DbConnection,
    signature_id: &str,
    reason: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(signatures::table.find(signature_id))
        .set((
            signatures::state.eq(SignatureState::Rejected.as_str()),
            signatures::rejected_at.eq(Some(now)),
            signatures::rejection_reason.eq(Some(reason)),
            signatures::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Reject a signature with its reason and log it, naming the signature that replaced it if one
/// did (a held signature the coalition approved).
pub(super) fn reject(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &Letter,
    signature_id: &str,
    organisation: &Organisation,
    reason: &str,
    replaced_by: Option<&str>,
) -> Result<(), AppError> {
    set_rejected(conn, signature_id, reason, now())?;
    let mut details = audit::naming(organisation, serde_json::json!({"reason": reason}));
    if let Some(replacement) = replaced_by {
        details["replaced_by"] = replacement.into();
    }
    Event::new("signature.rejected", ("signature", signature_id), details)
        .on_letter(&letter.coalition_id, &letter.id)
        .record(conn, actor)
}

/// Withdraw a signature through the link in any of its mails. Withdrawing twice is harmless.
pub fn withdraw(
    conn: &mut DbConnection,
    key: &LedgerKey,
    token: &Token,
) -> Result<SignatureView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_by_token(conn, Purpose::WithdrawSignature, token)?;
        let letter_state: LetterState = view.letter.state.parse().unwrap_or(LetterState::Draft);
        if view.state() == SignatureState::Published && letter_state.list_is_frozen() {
            return Err(AppError::conflict(
                "list_frozen",
                "this letter was delivered with its list, which can no longer change; the \
                 coalition can still erase your name and email on request",
            ));
        }
        let live = view.state().is_live();
        if live {
            let now = now();
            diesel::update(signatures::table.find(&view.signature.id))
                .set((
                    signatures::state.eq(SignatureState::Withdrawn.as_str()),
                    signatures::withdrawn_at.eq(Some(now)),
                    signatures::updated_at.eq(now),
                ))
                .execute(conn)?;
            public_list::unpublish(conn, key, &view.signature.id, now)?;
            view.event("signature.withdrawn")
                .record(conn, &Actor::Public)?;
        }
        Ok(SignatureView {
            changed_now: live,
            ..find_by_id(conn, &view.signature.id)?
        })
    })
}
