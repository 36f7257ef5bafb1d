//! Signing a letter, confirming by email, withdrawing, and the public list of signatories.

use chrono::Duration;
use diesel::prelude::*;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, Audience};
use super::{new_id, now, outbox, public_list};
use crate::db::models::{Country, Letter, NewSignature, Organisation, Signature};
use crate::db::schema::{organisations, signatures};
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::token::{Purpose, Token, TokenKey};
use crate::domain::{
    CountryCode, EmailAddress, LetterState, MailKind, Moderation, OrgName, SignatureState,
    SignatureVerification, Verification, Website,
};
use crate::error::AppError;

/// The rules a sign request runs under (from the settings).
#[derive(Debug, Clone)]
pub struct SigningPolicy {
    pub confirm_ttl: Duration,
    pub max_confirmation_sends: i32,
    /// Unconfirmed signatures addresses at one email domain may have made in the last hour from
    /// one sender network, across all letters (free-mail providers aside); 0 means no cap.
    pub unconfirmed_per_domain_per_hour: u32,
    /// New signatures (each one confirmation mail) for addresses at one email domain in the last
    /// hour from all networks together: the bound on mail to one domain; 0 means no bound.
    pub mails_per_domain_per_hour: u32,
}

pub struct SignInput {
    pub organisation_name: OrgName,
    pub country: CountryCode,
    pub website: Option<Website>,
    pub representative_name: String,
    pub representative_role: String,
    pub email: EmailAddress,
    pub comment: Option<String>,
    /// The language of the text the signer read, when it was a translation.
    pub language: Option<crate::domain::LanguageTag>,
    /// The keyed hash of the client's network (`domain::abuse::network`), set by the handler.
    pub network: Option<String>,
}

/// What a sign request did. Only for logs and tests: every caller answers the same neutral
/// "check your email", so no response reveals whether an organisation has signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutcome {
    /// A new pending signature and its confirmation mail.
    Created,
    /// The organisation's pending signature got its confirmation mail again: asked for by the
    /// address that made it (the same `domain::abuse::email_key`), never by another.
    Resent,
    /// Nothing changed: already confirmed, the re-send cap was reached, or the address (as
    /// compared by `domain::abuse::email_key`) already signs this letter for another
    /// organisation.
    Unchanged,
    /// The form's honeypot field was filled: a bot. Nothing stored, nothing sent.
    Trapped,
    /// The organisation has a live signature from a mailbox at another domain (or at a free-mail
    /// provider, whose domain proves nothing): a held signature and its confirmation mail, which
    /// says so. Once confirmed it is never listed by itself; the coalition decides (issue 18,
    /// finding 5).
    Held,
}

type StateIs = diesel::dsl::Eq<signatures::state, &'static str>;
type IsLive = diesel::dsl::Or<diesel::dsl::Or<StateIs, StateIs>, StateIs>;

/// A signature that still counts (pending, confirmed or published). Written as `=`s rather than
/// `IN (…)`: diesel does not keep a query with `eq_any` prepared, and this one runs on every sign
/// request.
pub(crate) fn is_live() -> IsLive {
    let [a, b, c] = SignatureState::LIVE.map(SignatureState::as_str);
    signatures::state
        .eq(a)
        .or(signatures::state.eq(b))
        .or(signatures::state.eq(c))
}

/// The organisation a sign request names: the one spelt alike (`OrgName::normalized`), else one
/// whose name looks alike (`OrgName::skeleton`: `TeIl MAMA` signs for `Tell MAMA`, and then
/// contests its signature rather than listing a look-alike beside it; issue 18, finding 10).
fn find_organisation(
    conn: &mut DbConnection,
    input: &SignInput,
) -> Result<Option<Organisation>, AppError> {
    let normalized = input.organisation_name.normalized();
    let spelt_alike = organisations::table
        .filter(organisations::normalized_name.eq(&normalized))
        .filter(organisations::country_code.eq(input.country.as_str()))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?;
    if spelt_alike.is_some() {
        return Ok(spelt_alike);
    }
    Ok(organisations::table
        .filter(organisations::name_skeleton.eq(input.organisation_name.skeleton()))
        .filter(organisations::country_code.eq(input.country.as_str()))
        .select(Organisation::as_select())
        .order(organisations::created_at.asc())
        .first(conn)
        .optional()?)
}

fn find_or_create_organisation(
    conn: &mut DbConnection,
    input: &SignInput,
) -> Result<Organisation, AppError> {
    if let Some(org) = find_organisation(conn, input)? {
        return Ok(org);
    }
    super::organisations::insert(
        conn,
        super::organisations::NewOrganisationInput {
            name: input.organisation_name.clone(),
            country: input.country.clone(),
            website: input.website.clone(),
            email_domain: None,
            description: None,
            verification: Verification::Unverified,
        },
    )
}

/// Who signs for the organisation, as kept with the signature (private).
pub(crate) struct Signer {
    pub representative_name: String,
    pub representative_role: String,
    pub email: String,
    pub comment: Option<String>,
    /// The hash of the text the signer saw (the letter's, or a translation's).
    pub text_hash: String,
}

/// Insert a pending signature and log it; the caller mails its confirmation, or completes it at
/// once ([`complete`]) when it was checked otherwise (an invitation, `verification`).
pub(crate) fn insert_pending(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter: &Letter,
    organisation: &Organisation,
    signer: Signer,
    verification: Option<SignatureVerification>,
) -> Result<NewSignature, AppError> {
    insert_pending_from(
        conn,
        key,
        policy,
        letter,
        organisation,
        signer,
        verification,
        None,
        None,
    )
}

/// [`insert_pending`], noting the network the request came from and the signature it contests
/// (a held one).
#[allow(clippy::too_many_arguments)]
fn insert_pending_from(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter: &Letter,
    organisation: &Organisation,
    signer: Signer,
    verification: Option<SignatureVerification>,
    network: Option<String>,
    contests: Option<String>,
) -> Result<NewSignature, AppError> {
    let mut row = new_row(
        key,
        letter,
        organisation,
        signer,
        SignatureState::Pending,
        now() + policy.confirm_ttl,
        verification,
    );
    row.network = network;
    let action = if contests.is_some() {
        "signature.created_held"
    } else {
        "signature.created"
    };
    row.contests = contests;
    diesel::insert_into(signatures::table)
        .values(&row)
        .execute(conn)?;
    record(conn, &Actor::Public, letter, &row.id, organisation, action)?;
    Ok(row)
}

/// A new signature's row in `state`, with the hashes of its links' tokens (derived from its id).
/// One that was checked otherwise than by mail (`verification`) counts no confirmation mail.
pub(crate) fn new_row(
    key: &TokenKey,
    letter: &Letter,
    organisation: &Organisation,
    signer: Signer,
    state: SignatureState,
    confirm_expires_at: chrono::NaiveDateTime,
    verification: Option<SignatureVerification>,
) -> NewSignature {
    let id = new_id();
    let now = now();
    let email_key = crate::domain::abuse::email_key(&signer.email);
    NewSignature {
        email_domain: crate::domain::abuse::email_domain(&email_key),
        email_key,
        network: None,
        contests: None,
        confirm_token_hash: key.derive(Purpose::ConfirmSignature, &id).hash(),
        withdraw_token_hash: key.derive(Purpose::WithdrawSignature, &id).hash(),
        id,
        letter_id: letter.id.clone(),
        organisation_id: organisation.id.clone(),
        state: state.as_str().to_string(),
        representative_name: signer.representative_name,
        representative_role: signer.representative_role,
        email: signer.email,
        comment: signer.comment,
        text_hash: signer.text_hash,
        confirm_expires_at,
        confirmations_sent: i32::from(verification.is_none()),
        created_at: now,
        updated_at: now,
        letter_version: letter.version,
        verification: verification.map(|v| v.as_str().to_string()),
    }
}

/// Insert a pending signature for a sign request and queue its confirmation mail; a held one
/// when it `contests` the organisation's live signature.
fn insert_signature(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter: &Letter,
    organisation: &Organisation,
    input: SignInput,
    contests: Option<String>,
) -> Result<(), AppError> {
    let signer = Signer {
        text_hash: seen_text(conn, letter, input.language.as_ref())?,
        representative_name: input.representative_name,
        representative_role: input.representative_role,
        email: input.email.as_str().to_string(),
        comment: input.comment,
    };
    let row = insert_pending_from(
        conn,
        key,
        policy,
        letter,
        organisation,
        signer,
        None,
        input.network,
        contests,
    )?;
    outbox::enqueue(
        conn,
        MailKind::SignatureConfirmation,
        &row.email,
        Some(&row.id),
    )?;
    Ok(())
}

/// Log a change to a signature in the audit log, naming its organisation (never the contact).
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &Letter,
    signature_id: &str,
    organisation: &Organisation,
    action: &'static str,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&letter.coalition_id),
            letter_id: Some(&letter.id),
            subject_kind: "signature",
            subject_id: signature_id,
            action,
            details: serde_json::json!({
                "organisation": organisation.name,
                "country": organisation.country_code,
            }),
        },
    )
}

/// The hash of the text the signer saw: the letter's, or its translation's.
fn seen_text(
    conn: &mut DbConnection,
    letter: &Letter,
    language: Option<&crate::domain::LanguageTag>,
) -> Result<String, AppError> {
    match language {
        Some(lang) if !lang.as_str().eq_ignore_ascii_case(&letter.language) => {
            super::translations::list(conn, &letter.id)?
                .into_iter()
                .find(|t| t.language.eq_ignore_ascii_case(lang.as_str()))
                .map(|t| t.text_hash)
                .ok_or_else(|| {
                    AppError::field(
                        "language",
                        format!("the letter has no translation into {}", lang.as_str()),
                    )
                })
        }
        _ => Ok(letter.text_hash.clone()),
    }
}

/// Refuse (409) unless the letter is open and before its deadline.
pub(crate) fn ensure_open(letter: &Letter) -> Result<(), AppError> {
    let state: LetterState = letter.state.parse().unwrap_or(LetterState::Draft);
    if state != LetterState::Open {
        return Err(AppError::conflict(
            "letter_not_open",
            format!("this letter is {state} and does not accept signatures"),
        ));
    }
    if letter.deadline.is_some_and(|d| d <= now()) {
        return Err(AppError::conflict(
            "letter_not_open",
            "the signing deadline of this letter has passed",
        ));
    }
    Ok(())
}

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
                if own_live_signature(conn, &letter, &email_key)?.is_some() {
                    return Ok(SignOutcome::Unchanged);
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
            Some(_) => Ok(SignOutcome::Unchanged),
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
fn live_signature(
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

/// Re-send an unconfirmed signature's link to its own address, up to the cap; nothing for one
/// already confirmed.
fn resend(
    conn: &mut DbConnection,
    policy: &SigningPolicy,
    sig: &Signature,
) -> Result<SignOutcome, AppError> {
    if sig.state != SignatureState::Pending.as_str()
        || sig.confirmations_sent >= policy.max_confirmation_sends
    {
        return Ok(SignOutcome::Unchanged);
    }
    diesel::update(signatures::table.find(&sig.id))
        .set((
            signatures::confirmations_sent.eq(sig.confirmations_sent + 1),
            signatures::updated_at.eq(now()),
        ))
        .execute(conn)?;
    outbox::enqueue(
        conn,
        MailKind::SignatureConfirmation,
        &sig.email,
        Some(&sig.id),
    )?;
    Ok(SignOutcome::Resent)
}

/// Whether a sign request from the address `email_key` contests the organisation's live
/// signature `sig` rather than joining it: its mailbox is at another domain, or at a free-mail
/// provider (where a shared domain says nothing about who writes). A colleague at the same
/// domain does not contest: the organisation signs already.
fn contests(sig: &Signature, email_key: &str) -> bool {
    let domain = crate::domain::abuse::email_domain(email_key);
    domain != sig.email_domain || crate::domain::abuse::is_free_mail(&domain)
}

/// A second signer for an organisation whose live signature `contested` came from another
/// mailbox (issue 18, finding 5): a held signature that names it, with a confirmation mail that
/// tells the signer so. Its own address asking again gets its link again, up to the cap; the
/// address rules and the domain caps apply as to any new signature.
fn hold(
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
            return Ok(SignOutcome::Unchanged);
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
fn own_live_signature(
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
fn check_domain_cap(
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
    };
    let wait_for_oldest = |oldest: Option<chrono::NaiveDateTime>| {
        oldest.map_or(3600, |t| {
            (t + Duration::hours(1) - now()).num_seconds().max(1)
        })
    };
    let refusal = |what: String, wait: i64| AppError::RateLimited {
        message: format!(
            "too many {what} addresses at {domain} in the last hour; try again in {} min",
            wait / 60 + 1
        ),
        retry_after_secs: u64::try_from(wait).unwrap_or(3600),
    };
    let cap = policy.unconfirmed_per_domain_per_hour;
    if cap > 0 {
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
        let count: i64 = from_network().count().get_result(conn)?;
        if count >= i64::from(cap) {
            let oldest = from_network()
                .select(diesel::dsl::min(signatures::created_at))
                .first(conn)?;
            return Err(refusal(
                "unconfirmed signatures from your network for".into(),
                wait_for_oldest(oldest),
            ));
        }
    }
    let bound = policy.mails_per_domain_per_hour;
    if bound > 0 {
        let count: i64 = at_domain().count().get_result(conn)?;
        if count >= i64::from(bound) {
            let oldest = at_domain()
                .select(diesel::dsl::min(signatures::created_at))
                .first(conn)?;
            return Err(refusal(
                "confirmation mails to".into(),
                wait_for_oldest(oldest),
            ));
        }
    }
    Ok(())
}

/// A sign request whose honeypot field was filled: checked like a real one (valid input, the
/// letter open), so the answer is the same, but nothing is written and no mail goes out.
pub fn trap(conn: &mut DbConnection, letter_slug: &str) -> Result<SignOutcome, AppError> {
    let letter = letters::find(conn, letter_slug, Audience::Public)?.letter;
    ensure_open(&letter)?;
    Ok(SignOutcome::Trapped)
}

pub(crate) fn mark_expired(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    diesel::update(signatures::table.find(id))
        .set((
            signatures::state.eq(SignatureState::Expired.as_str()),
            signatures::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A signature with what its pages and mails show.
#[derive(Debug, Clone)]
pub struct SignatureView {
    pub signature: Signature,
    pub letter: Letter,
    pub organisation: Organisation,
    /// This change verified the organisation by its domain, so its rows in other letters'
    /// lists changed too.
    pub verified_now: bool,
    /// This call changed the signature's state (confirmed, listed or withdrawn it); `false` when
    /// it found the change already made (a link followed twice).
    pub changed_now: bool,
}

impl SignatureView {
    pub fn state(&self) -> SignatureState {
        self.signature
            .state
            .parse()
            .unwrap_or(SignatureState::Pending)
    }

    /// Whether an unconfirmed signature's link has run out.
    pub fn link_expired(&self) -> bool {
        self.state() == SignatureState::Pending && self.signature.confirm_expires_at <= now()
    }
}

fn view_by(
    conn: &mut DbConnection,
    column_is_hash: impl FnOnce(
        signatures::BoxedQuery<'static, crate::db::pool::MultiBackend>,
    ) -> signatures::BoxedQuery<'static, crate::db::pool::MultiBackend>,
) -> Result<Option<SignatureView>, AppError> {
    let signature = column_is_hash(signatures::table.into_boxed())
        .select(Signature::as_select())
        .first(conn)
        .optional()?;
    let Some(signature) = signature else {
        return Ok(None);
    };
    let letter = letters::find(conn, &signature.letter_id, Audience::Admin)?.letter;
    let organisation = organisations::table
        .find(&signature.organisation_id)
        .select(Organisation::as_select())
        .first(conn)?;
    Ok(Some(SignatureView {
        signature,
        letter,
        organisation,
        verified_now: false,
        changed_now: false,
    }))
}

/// The signature a link token belongs to; unknown tokens are 404.
pub fn find_by_token(
    conn: &mut DbConnection,
    purpose: Purpose,
    token: &Token,
) -> Result<SignatureView, AppError> {
    let hash = token.hash();
    let found = match purpose {
        Purpose::ConfirmSignature => view_by(conn, move |q| {
            q.filter(signatures::confirm_token_hash.eq(hash))
        })?,
        Purpose::WithdrawSignature => view_by(conn, move |q| {
            q.filter(signatures::withdraw_token_hash.eq(hash))
        })?,
        // An invitation's token names an invitation (`service::invitations`), not a signature;
        // a session's CSRF token names nothing.
        Purpose::Invitation | Purpose::SessionCsrf => None,
        Purpose::Unsubscribe => view_by(conn, move |q| {
            q.filter(signatures::unsubscribe_token_hash.eq(hash))
        })?,
    };
    found.ok_or_else(|| AppError::not_found("this link"))
}

/// The signature an outbox mail is about.
pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<SignatureView, AppError> {
    let id = id.to_string();
    view_by(conn, move |q| q.filter(signatures::id.eq(id)))?
        .ok_or_else(|| AppError::not_found("signature"))
}

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
    let verified_now = super::organisations::verify_by_confirmed_email(
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
    record(
        conn,
        &Actor::Public,
        &confirmed.letter,
        &confirmed.signature.id,
        &confirmed.organisation,
        action,
    )?;
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
fn proves_verified_domain(organisation: &Organisation, email: &str) -> bool {
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
fn hold_confirmed(
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
    record(
        conn,
        &Actor::Public,
        &view.letter,
        &view.signature.id,
        &view.organisation,
        "signature.confirmed_held",
    )?;
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
fn replace_contested(
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
    super::organisations::verify_by_confirmed_email(
        conn,
        key,
        &held.organisation,
        &held.signature.email,
    )?;
    Ok(())
}

/// Reject a signature with its reason and log it, naming the signature that replaced it if one
/// did (a held signature the coalition approved).
fn reject(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &Letter,
    signature_id: &str,
    organisation: &Organisation,
    reason: &str,
    replaced_by: Option<&str>,
) -> Result<(), AppError> {
    let now = now();
    diesel::update(signatures::table.find(signature_id))
        .set((
            signatures::state.eq(SignatureState::Rejected.as_str()),
            signatures::rejected_at.eq(Some(now)),
            signatures::rejection_reason.eq(Some(reason)),
            signatures::updated_at.eq(now),
        ))
        .execute(conn)?;
    let mut details = serde_json::json!({
        "organisation": organisation.name,
        "country": organisation.country_code,
        "reason": reason,
    });
    if let Some(replacement) = replaced_by {
        details["replaced_by"] = replacement.into();
    }
    audit::record(
        conn,
        actor,
        Event {
            coalition_id: Some(&letter.coalition_id),
            letter_id: Some(&letter.id),
            subject_kind: "signature",
            subject_id: signature_id,
            action: "signature.rejected",
            details,
        },
    )
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
            record(
                conn,
                &Actor::Public,
                &view.letter,
                &view.signature.id,
                &view.organisation,
                "signature.withdrawn",
            )?;
        }
        Ok(SignatureView {
            changed_now: live,
            ..find_by_id(conn, &view.signature.id)?
        })
    })
}

/// A sign request as typed in the form or sent as JSON, before parsing.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignFields {
    #[serde(default)]
    pub organisation_name: String,
    /// An alpha-2 or alpha-3 code, or an English name.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub representative_role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub comment: String,
    /// Consent to the privacy notice; must be given.
    #[serde(default)]
    pub consent: bool,
    /// The language of the text the signer read, when it is one of the letter's translations
    /// (default: the letter's own language).
    #[serde(default)]
    pub language: String,
}

pub const PERSON_MAX: usize = 200;
pub const COMMENT_MAX: usize = 1000;

impl SignFields {
    /// Parse every field, naming each one that fails.
    pub fn parse(&self, countries: &[Country]) -> Result<SignInput, AppError> {
        use crate::error::FieldCollector;
        let (text, line) = (crate::domain::text::text, crate::domain::text::line);
        let mut errors = FieldCollector::new();
        let organisation_name =
            errors.check("organisation_name", OrgName::parse(&self.organisation_name));
        let country = if self.country.trim().is_empty() {
            errors.add("country", "is required");
            None
        } else {
            errors.check(
                "country",
                super::countries::parse_in(countries, &self.country),
            )
        };
        let website = errors.optional("website", Some(&self.website), Website::parse);
        let representative_name = errors.check(
            "representative_name",
            line(PERSON_MAX)(&self.representative_name),
        );
        let representative_role = errors.check(
            "representative_role",
            line(PERSON_MAX)(&self.representative_role),
        );
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let comment = errors.optional("comment", Some(&self.comment), text(COMMENT_MAX));
        let language = errors.optional(
            "language",
            Some(&self.language),
            crate::domain::LanguageTag::parse,
        );
        if !self.consent {
            errors.add("consent", "you must accept the privacy notice to sign");
        }
        errors.finish()?;
        match (
            organisation_name,
            country,
            representative_name,
            representative_role,
            email,
        ) {
            (Some(organisation_name), Some(country), Some(name), Some(role), Some(email)) => {
                Ok(SignInput {
                    organisation_name,
                    country,
                    website,
                    representative_name: name,
                    representative_role: role,
                    email,
                    comment,
                    language,
                    network: None,
                })
            }
            _ => Err(AppError::field("organisation_name", "is required")),
        }
    }
}

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
    page: super::PageRequest,
) -> Result<super::Page<SignatureView>, AppError> {
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
    Ok(super::Page::new(items, page, total))
}
