//! Signing: a sign request becomes a pending signature (and its confirmation mail), a resent mail, a held signature, or nothing new.

#[allow(unused_imports)]
use super::*;
use crate::db::pool::MultiBackend;

/// Sign `letter_slug` for an organisation: in one transaction, find or create the organisation,
/// then create a pending signature and queue its confirmation mail, or re-send the confirmation
/// of the organisation's unconfirmed signature to its own address when that address asks again
/// (up to the cap), or do nothing.
pub fn sign(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter_slug: &str,
    input: SignInput,
) -> Result<SignOutcome, AppError> {
    let result = crate::db::write_transaction(conn, |conn| {
        let letter = letters::find(conn, letter_slug, Audience::Public)?.letter;
        ensure_open(&letter)?;
        let live = match find_organisation(conn, &input)? {
            Some(organisation) => live_signature(conn, &letter.id, &organisation.id)?,
            None => None,
        };
        let email_key = crate::domain::abuse::email_key(input.email.as_str());
        match live {
            None => {
                if let Some(own) = own_live_signature(conn, &letter, &email_key)? {
                    return tell_already_signed(conn, policy, &own);
                }
                check_domain_cap(conn, policy, &input)?;
                let organisation = find_or_create_organisation(conn, &input)?;
                insert_signature(conn, key, policy, &letter, &organisation, input, None)?;
                Ok(SignOutcome::Created)
            }
            Some(sig)
                if sig.state == SignatureState::Pending.as_str()
                    && sig.confirm_expires_at <= now() =>
            {
                check_domain_cap(conn, policy, &input)?;
                mark_expired(conn, &sig.id)?;
                let organisation = find_or_create_organisation(conn, &input)?;
                insert_signature(conn, key, policy, &letter, &organisation, input, None)?;
                Ok(SignOutcome::Created)
            }
            // The address that signed: its link again while unconfirmed, up to the cap.
            Some(sig) if sig.email_key == email_key => resend(conn, policy, &sig),
            // Issue 18, finding 5: another mailbox at another domain (or at a free-mail
            // provider) is held for the coalition to decide; it never re-sends this signer's
            // link, nor vanishes.
            Some(sig) if contests(&sig, &email_key) => {
                hold(conn, key, policy, &letter, &sig, input, &email_key)
            }
            // A colleague's address at the same domain: the organisation signs already.
            Some(sig) => {
                let language = super::mail_language(input.interface, &letter);
                tell_already_listed(conn, policy, &sig, &input.email, &language)
            }
        }
    });
    match result {
        // A concurrent request signed for the same organisation first: same neutral answer.
        Err(AppError::Conflict {
            code: "conflict", ..
        })
        | Err(AppError::Conflict {
            code: "organisation_exists",
            ..
        }) => Ok(SignOutcome::Unchanged),
        other => other,
    }
}

/// The organisation's live signature on a letter that is not held: the one that counts (at most
/// one, by the `signatures_live_idx` unique index).
pub(super) fn live_signature(
    conn: &mut DbConnection,
    letter_id: &str,
    organisation_id: &str,
) -> Result<Option<Signature>, AppError> {
    Ok(signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::organisation_id.eq(organisation_id))
        .filter(is_live())
        .filter(signatures::contests.is_null())
        .select(Signature::as_select())
        .first(conn)
        .optional()?)
}

/// Re-send an unconfirmed signature's link to its own address, up to the cap; to a confirmed
/// one's, the mail that says it signed already.
pub(super) fn resend(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    sig: &Signature,
) -> Result<SignOutcome, AppError> {
    if sig.state != SignatureState::Pending.as_str() {
        return tell_already_signed(conn, policy, sig);
    }
    if !count_a_send(conn, policy, sig)? {
        return Ok(SignOutcome::Unchanged);
    }
    outbox::enqueue(
        conn,
        MailKind::SignatureConfirmation,
        &sig.email,
        Some(&sig.id),
    )?;
    Ok(SignOutcome::Resent)
}

/// Count one more mail to a signature's own address against the re-send cap; false (and
/// nothing counted) once the cap is reached.
fn count_a_send(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    sig: &Signature,
) -> Result<bool, AppError> {
    if sig.confirmations_sent >= policy.max_confirmation_sends {
        return Ok(false);
    }
    diesel::update(signatures::table.find(&sig.id))
        .set((
            signatures::confirmations_sent.eq(sig.confirmations_sent + 1),
            signatures::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The address of the live signature `own` asked to sign its letter again (for the same
/// organisation once confirmed, or for another): a mail to it that says what it signed, with its
/// withdraw link, up to the re-send cap (issue 22: the page says the same in every case, so the
/// mailbox must learn the truth).
fn tell_already_signed(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    own: &Signature,
) -> Result<SignOutcome, AppError> {
    if !count_a_send(conn, policy, own)? {
        return Ok(SignOutcome::Unchanged);
    }
    outbox::enqueue(conn, MailKind::AlreadySigned, &own.email, Some(&own.id))?;
    Ok(SignOutcome::Told)
}

/// A colleague at the domain of the organisation's live signature `sig` asked to sign: a mail to
/// the colleague's address that the organisation is on the letter already (since when), naming
/// no one, in the language the colleague asked in, up to the re-send cap per address and
/// signature.
fn tell_already_listed(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    sig: &Signature,
    email: &crate::domain::EmailAddress,
    language: &str,
) -> Result<SignOutcome, AppError> {
    use crate::db::schema::outbox as mails;
    let recipient = email.as_str();
    let told: i64 = mails::table
        .filter(mails::kind.eq(MailKind::AlreadyListed.as_str()))
        .filter(mails::signature_id.eq(&sig.id))
        .filter(mails::recipient.eq(recipient))
        .count()
        .get_result(conn)?;
    if told >= i64::from(policy.max_confirmation_sends) {
        return Ok(SignOutcome::Unchanged);
    }
    outbox::enqueue_in(conn, MailKind::AlreadyListed, recipient, &sig.id, language)?;
    Ok(SignOutcome::Told)
}

/// Whether a sign request from the address `email_key` contests the organisation's live
/// signature `sig` rather than joining it: its mailbox is at another domain, or at a free-mail
/// provider (where a shared domain says nothing about who writes). A colleague at the same
/// domain does not contest: the organisation signs already.
pub(super) fn contests(sig: &Signature, email_key: &str) -> bool {
    let domain = crate::domain::abuse::email_domain(email_key);
    domain != sig.email_domain || crate::domain::abuse::is_free_mail(&domain)
}

/// A second signer for an organisation whose live signature `contested` came from another
/// mailbox (issue 18, finding 5): a held signature that names it, with a confirmation mail that
/// tells the signer so. Its own address asking again gets its link again, up to the cap; the
/// address rules and the domain caps apply as to any new signature.
pub(super) fn hold(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter: &Letter,
    contested: &Signature,
    input: SignInput,
    email_key: &str,
) -> Result<SignOutcome, AppError> {
    if let Some(own) = own_live_signature(conn, letter, email_key)? {
        let pending = own.state == SignatureState::Pending.as_str();
        if pending && own.confirm_expires_at <= now() {
            mark_expired(conn, &own.id)?;
        } else if pending && own.organisation_id == contested.organisation_id {
            return resend(conn, policy, &own);
        } else {
            return tell_already_signed(conn, policy, &own);
        }
    }
    check_domain_cap(conn, policy, &input)?;
    let organisation = organisations::table
        .find(&contested.organisation_id)
        .select(Organisation::as_select())
        .first(conn)?;
    insert_signature(
        conn,
        key,
        policy,
        letter,
        &organisation,
        input,
        Some(contested.id.clone()),
    )?;
    Ok(SignOutcome::Held)
}

/// The live signature on `letter` of an address that reaches the mailbox `email_key`
/// (`domain::abuse::email_key`), if any: one address signs a letter for one organisation, so a
/// troll cannot list many invented organisations from `me+1@`, `m.e@`, … An expired or
/// withdrawn signature frees the address.
pub(super) fn own_live_signature(
    conn: &mut DbConnection,
    letter: &Letter,
    email_key: &str,
) -> Result<Option<Signature>, AppError> {
    Ok(signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::email_key.eq(email_key))
        .filter(is_live())
        .select(Signature::as_select())
        .first(conn)
        .optional()?)
}

/// Refuse (429) a new signature for an address at a domain that has had too many in the last
/// hour, across all letters, so that one domain with a catch-all mailbox cannot flood the lists
/// and nobody can flood a domain's mailboxes:
///
/// - `unconfirmed_per_domain_per_hour` still-unconfirmed signatures at the domain **from the
///   sender's network** (`SignInput::network`). Keyed by both, so an attacker who fills the cap
///   for a victim's domain holds up only their own network, never the victim's signers (issue 18,
///   finding 9: keyed by the domain alone, 50 requests from one address locked a domain out of
///   every letter for an hour, renewably).
/// - `mails_per_domain_per_hour` new signatures at the domain from all networks together: each
///   sends one confirmation mail, so this bounds the mail one domain receives. Only a sender
///   with many networks can reach it.
///
/// Free-mail providers are left out (their domain says nothing about the sender; the address
/// key and the rate limits still apply). The answer says nothing about any organisation.
pub(super) fn check_domain_cap(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    input: &SignInput,
) -> Result<(), AppError> {
    let domain =
        crate::domain::abuse::email_domain(&crate::domain::abuse::email_key(input.email.as_str()));
    if crate::domain::abuse::is_free_mail(&domain) {
        return Ok(());
    }
    let since = now() - Duration::hours(1);
    let at_domain = || {
        signatures::table
            .filter(signatures::email_domain.eq(domain.clone()))
            .filter(signatures::created_at.gt(since))
            .into_boxed::<MultiBackend>()
    };
    // No network (a caller that does not know it) is a network of its own.
    let network = input.network.clone().unwrap_or_default();
    let from_network = || {
        at_domain()
            .filter(signatures::state.eq(SignatureState::Pending.as_str()))
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Text>("coalesce(network, '')")
                    .eq(network.clone()),
            )
    };
    let refusal = |what: &str, wait: i64| AppError::RateLimited {
        message: format!(
            "too many {what} addresses at {domain} in the last hour; try again in {} min",
            wait / 60 + 1
        ),
        retry_after_secs: u64::try_from(wait).unwrap_or(3600),
    };
    let cap = policy.unconfirmed_per_domain_per_hour;
    if let Some(wait) = wait_at_cap(conn, cap, from_network)? {
        return Err(refusal(
            "unconfirmed signatures from your network for",
            wait,
        ));
    }
    if let Some(wait) = wait_at_cap(conn, policy.mails_per_domain_per_hour, at_domain)? {
        return Err(refusal("confirmation mails to", wait));
    }
    Ok(())
}

/// Once the signatures of the last hour that `window` finds number `cap` or more (0: no cap),
/// the seconds until the oldest of them is an hour old; `None` below the cap.
fn wait_at_cap<'a>(
    conn: &mut DbConnection,
    cap: u32,
    window: impl Fn() -> signatures::BoxedQuery<'a, MultiBackend>,
) -> Result<Option<i64>, AppError> {
    if cap == 0 {
        return Ok(None);
    }
    let count: i64 = window().count().get_result(conn)?;
    if count < i64::from(cap) {
        return Ok(None);
    }
    let oldest: Option<chrono::NaiveDateTime> = window()
        .select(diesel::dsl::min(signatures::created_at))
        .first(conn)?;
    Ok(Some(oldest.map_or(3600, |t| {
        (t + Duration::hours(1) - now()).num_seconds().max(1)
    })))
}

/// A sign request whose honeypot field was filled: checked like a real one (valid input, the
/// letter open), so the answer is the same, but nothing is written and no mail goes out.
pub fn trap(conn: &mut DbConnection, letter_slug: &str) -> Result<SignOutcome, AppError> {
    let letter = letters::find(conn, letter_slug, Audience::Public)?.letter;
    ensure_open(&letter)?;
    Ok(SignOutcome::Trapped)
}
