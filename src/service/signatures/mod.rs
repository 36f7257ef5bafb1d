//! Signing a letter, confirming by email, withdrawing, and the public list of signatories.

mod moderation;
pub use moderation::*;
mod links;
pub use links::*;
mod sign;
pub use sign::*;
mod fields;
use chrono::Duration;
use diesel::prelude::*;
pub use fields::*;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, Audience};
use super::{new_id, now, outbox, public_list};
use crate::db::models::{Country, Letter, Organisation, Signature};
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
    /// The language of the signer's interface: mails to them are written in it.
    pub interface: Option<crate::i18n::Lang>,
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
    /// Nothing new to sign: a mail told the address what is already so, since the page says the
    /// same in every case (issue 22): this address already signs the letter
    /// ([`MailKind::AlreadySigned`]), or a colleague's signature lists the organisation
    /// ([`MailKind::AlreadyListed`]). Up to the re-send cap, as confirmations.
    Told,
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
    /// The language mails to the signer are written in.
    pub mail_language: String,
}

/// The language of the mails to a signer: their interface's, else the letter's own when the
/// interface has it, else English.
pub(crate) fn mail_language(interface: Option<crate::i18n::Lang>, letter: &Letter) -> String {
    interface
        .unwrap_or_else(|| crate::i18n::Lang::negotiate(None, None, None, &letter.language))
        .code()
        .to_string()
}

/// Insert a pending signature and log it, noting the network the request came from and the
/// signature it contests (a held one); the caller mails its confirmation, or completes it at
/// once ([`complete`]) when it was checked otherwise (an invitation, `verification`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_pending(
    conn: &mut DbConnection,
    key: &TokenKey,
    policy: &SigningPolicy,
    letter: &Letter,
    organisation: &Organisation,
    signer: Signer,
    verification: Option<SignatureVerification>,
    network: Option<String>,
    contests: Option<String>,
) -> Result<Signature, AppError> {
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
    event(letter, &row.id, organisation, action).record(conn, &Actor::Public)?;
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
) -> Signature {
    let id = new_id();
    let now = now();
    let email_key = crate::domain::abuse::email_key(&signer.email);
    Signature {
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
        mail_language: signer.mail_language,
        confirm_expires_at,
        confirmations_sent: i32::from(verification.is_none()),
        created_at: now,
        updated_at: now,
        letter_version: letter.version,
        verification: verification.map(|v| v.as_str().to_string()),
        confirmed_at: None,
        published_at: None,
        withdrawn_at: None,
        rejection_reason: None,
        rejected_at: None,
        unsubscribed_at: None,
        unsubscribe_token_hash: None,
        erased_at: None,
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
        mail_language: mail_language(input.interface, letter),
    };
    let row = insert_pending(
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

/// `action` on a signature of `letter`, for its log, naming the organisation (never the contact).
fn event<'a>(
    letter: &'a Letter,
    signature_id: &'a str,
    organisation: &Organisation,
    action: &'static str,
) -> Event<'a> {
    let details = audit::naming(organisation, serde_json::json!({}));
    Event::new(action, ("signature", signature_id), details)
        .on_letter(&letter.coalition_id, &letter.id)
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

    /// A signature of `letter` as a list shows it (this call changed nothing).
    pub fn listed(letter: &Letter, (signature, organisation): (Signature, Organisation)) -> Self {
        SignatureView {
            signature,
            letter: letter.clone(),
            organisation,
            verified_now: false,
            changed_now: false,
        }
    }

    /// `action` on this signature, for its letter's log.
    fn event(&self, action: &'static str) -> Event<'_> {
        event(&self.letter, &self.signature.id, &self.organisation, action)
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
