//! Invitations: a coordinator invites organisations of the directory to sign a letter, each at an
//! email address the coalition chose; each gets a personal link through the outbox. The link's
//! token is derived from the invitation's id (`Purpose::Invitation`), so it identifies the
//! organisation: signing through it asks only for the representative, needs no confirmation mail
//! (the link arrived at the invited address) and marks the signature `invitation`-verified.
//!
//! States, as coordinators see them: `invited` (the mail is queued or sent), `opened` (the link
//! was opened; a GET records that, and nothing else), `signed` (the organisation has a confirmed
//! or published signature on the letter, through the link or not). Inviting an organisation again
//! re-sends its invitation (to the new address, if one is given) unless it has signed: one
//! invitation per (letter, organisation). Reminders go to invitations not signed, at most
//! [`MAX_REMINDERS`] each and at most one per [`REMINDER_INTERVAL_HOURS`] hours.

mod picker;
mod through_link;
use crate::db::query::FirstOrNotFound;
use crate::service::OnePage;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
pub use picker::*;
use serde::Deserialize;
use serde_json::json;
pub use through_link::*;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, Audience, LetterView};
use super::signatures::{self as signing, SignatureView, Signer, SigningPolicy};
use super::{new_id, now, outbox, Page, PageRequest};
use crate::db::models::{Country, Invitation, Organisation, Signature};
use crate::db::pool::MultiBackend;
use crate::db::schema::{countries, invitations, organisations, signatures};
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::token::{Purpose, Token, TokenKey};
use crate::domain::{
    string_enum, EmailAddress, LetterState, MailKind, Permission, SignatureState,
    SignatureVerification,
};
use crate::error::{AppError, FieldCollector};

/// Organisations one request may invite.
pub const MAX_PER_REQUEST: usize = 200;
/// Reminders one invitation gets at most.
pub const MAX_REMINDERS: i32 = 3;
/// Hours between two reminders of one invitation, at least.
pub const REMINDER_INTERVAL_HOURS: i64 = 24;

string_enum!(
    /// Where an invitation stands.
    InvitationState {
        /// The invitation mail is queued or sent; the link was not opened.
        Invited => "invited",
        /// The link was opened, and the organisation has not signed.
        Opened => "opened",
        /// The organisation has a confirmed or published signature on the letter.
        Signed => "signed",
    }
);

/// An invitation with its organisation (and country) and whether the organisation has signed.
#[derive(Debug, Clone)]
pub struct InvitationRow {
    pub invitation: Invitation,
    pub organisation: Organisation,
    pub country: Country,
    /// The state of the organisation's confirmed or published signature on the letter, if any.
    pub signature_state: Option<String>,
}

impl InvitationRow {
    pub fn state(&self) -> InvitationState {
        if self.signature_state.is_some() {
            InvitationState::Signed
        } else if self.invitation.opened_at.is_some() {
            InvitationState::Opened
        } else {
            InvitationState::Invited
        }
    }
}

/// How far a letter's invitations got: each count includes the next (a signed invitation was
/// opened, unless the organisation signed another way, and was invited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Every invitation of the letter.
    pub invited: i64,
    /// Those whose link was opened.
    pub opened: i64,
    /// Those whose organisation signed.
    pub signed: i64,
}

/// An invitation as its pages and mails show it.
#[derive(Debug, Clone)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub letter: LetterView,
    pub organisation: Organisation,
    pub country: Country,
    /// The organisation's live signature on the letter (any way it was made), if any.
    pub signature: Option<Signature>,
}

impl InvitationView {
    /// Whether the organisation has signed (confirmed or published).
    pub fn signed(&self) -> bool {
        self.signature.as_ref().is_some_and(|s| {
            s.state == SignatureState::Confirmed.as_str()
                || s.state == SignatureState::Published.as_str()
        })
    }

    /// Whether that signature was made through this invitation (so its link may withdraw it).
    pub fn signed_here(&self) -> bool {
        self.signed()
            && self.signature.as_ref().map(|s| &s.id) == self.invitation.signature_id.as_ref()
    }
}

type StateIs = diesel::dsl::Eq<signatures::state, &'static str>;
type SignedOn = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::Eq<signatures::letter_id, invitations::letter_id>,
        diesel::dsl::Eq<signatures::organisation_id, invitations::organisation_id>,
    >,
    diesel::dsl::Or<StateIs, StateIs>,
>;

/// Joins an invitation to its organisation's confirmed or published signature on the letter
/// (at most one: one live signature per letter and organisation).
fn signed_on() -> SignedOn {
    signatures::letter_id
        .eq(invitations::letter_id)
        .and(signatures::organisation_id.eq(invitations::organisation_id))
        .and(
            signatures::state
                .eq(SignatureState::Confirmed.as_str())
                .or(signatures::state.eq(SignatureState::Published.as_str())),
        )
}

/// One invitation as sent in a request, before parsing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationFields {
    /// The organisation's slug (or id) in the directory.
    pub organisation: Option<String>,
    /// Where the invitation goes (kept private).
    pub email: Option<String>,
}

/// What inviting did for one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InviteOutcome {
    /// A new invitation, mailed (when the letter opens, for a draft with an opening time).
    Invited,
    /// The organisation's invitation was mailed again.
    Resent,
    /// The organisation has signed: nothing was sent.
    AlreadySigned,
}

/// Parse and resolve every item, naming each failing field as `invitations[i].field`.
fn resolve(
    conn: &mut DbConnection,
    items: &[InvitationFields],
) -> Result<Vec<(Organisation, EmailAddress)>, AppError> {
    let mut errors = FieldCollector::new();
    if items.is_empty() {
        errors.add("invitations", "must name at least one organisation");
    } else if items.len() > MAX_PER_REQUEST {
        errors.add(
            "invitations",
            format!("at most {MAX_PER_REQUEST} organisations at a time"),
        );
    }
    errors.finish()?;
    let mut errors = FieldCollector::new();
    let mut resolved = Vec::with_capacity(items.len());
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| format!("invitations[{i}].{name}");
        let email = errors.required(&field("email"), item.email.as_deref(), EmailAddress::parse);
        let organisation = match item.organisation.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add(&field("organisation"), "is required");
                None
            }
            Some(key) => match super::organisations::find(conn, key) {
                Ok(view) => Some(view.organisation),
                Err(AppError::NotFound(_)) => {
                    errors.add(
                        &field("organisation"),
                        "is not in the directory (no organisation has this slug or id)",
                    );
                    None
                }
                Err(e) => return Err(e),
            },
        };
        if let Some(org) = &organisation {
            if let Some((_, first)) = seen.iter().find(|(id, _)| *id == org.id) {
                errors.add(
                    &field("organisation"),
                    format!("is named already in invitations[{first}]"),
                );
            } else {
                seen.push((org.id.clone(), i));
            }
        }
        if let (Some(org), Some(email)) = (organisation, email) {
            resolved.push((org, email));
        }
    }
    errors.finish()?;
    Ok(resolved)
}

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &LetterView,
    invitation_id: &str,
    organisation: &Organisation,
    action: &'static str,
    extra: serde_json::Value,
) -> Result<(), AppError> {
    let details = audit::naming(organisation, extra);
    Event::new(action, ("invitation", invitation_id), details)
        .on_letter(&letter.coalition.id, &letter.letter.id)
        .record(conn, actor)
}

fn has_signed(
    conn: &mut DbConnection,
    letter_id: &str,
    organisation_id: &str,
) -> Result<bool, AppError> {
    let n: i64 = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::organisation_id.eq(organisation_id))
        .filter(
            signatures::state
                .eq(SignatureState::Confirmed.as_str())
                .or(signatures::state.eq(SignatureState::Published.as_str())),
        )
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Invite organisations of the directory to sign an open letter (or a draft with an opening time,
/// whose invitations are kept and mailed when it opens), each at an address: in one
/// transaction, an invitation and its mail each, or the invitation mailed again (to the address
/// given now) for an organisation invited before, or nothing for one that has signed. Any bad
/// item fails the whole request before anything is stored.
pub fn invite(
    conn: &mut DbConnection,
    key: &TokenKey,
    actor: &Actor,
    letter_slug: &str,
    items: &[InvitationFields],
) -> Result<Vec<(InviteOutcome, InvitationRow)>, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let letter = letters::find_for(conn, actor, letter_slug, Permission::Invite)?;
        let scheduled = accepts_invitations(&letter.letter)?;
        let resolved = resolve(conn, items)?;
        let now = now();
        let mut done = Vec::with_capacity(resolved.len());
        for (organisation, email) in resolved {
            let existing = invitations::table
                .filter(invitations::letter_id.eq(&letter.letter.id))
                .filter(invitations::organisation_id.eq(&organisation.id))
                .select(Invitation::as_select())
                .first(conn)
                .optional()?;
            let (outcome, id) = match existing {
                Some(inv) if has_signed(conn, &letter.letter.id, &organisation.id)? => {
                    (InviteOutcome::AlreadySigned, inv.id)
                }
                Some(inv) => {
                    diesel::update(invitations::table.find(&inv.id))
                        .set((
                            invitations::email.eq(email.as_str()),
                            invitations::sent_at.eq(now),
                        ))
                        .execute(conn)?;
                    (InviteOutcome::Resent, inv.id)
                }
                None => {
                    let id = new_id();
                    let row = Invitation {
                        token_hash: key.derive(Purpose::Invitation, &id).hash(),
                        id: id.clone(),
                        letter_id: letter.letter.id.clone(),
                        organisation_id: organisation.id.clone(),
                        email: email.as_str().to_string(),
                        created_at: now,
                        sent_at: now,
                        opened_at: None,
                        signed_at: None,
                        signature_id: None,
                        reminded_at: None,
                        reminders: 0,
                    };
                    diesel::insert_into(invitations::table)
                        .values(&row)
                        .execute(conn)?;
                    (InviteOutcome::Invited, id)
                }
            };
            if outcome != InviteOutcome::AlreadySigned {
                let (action, details) = if scheduled {
                    // Stored now, mailed when the letter opens ([`mail_scheduled`]).
                    let details = json!({"opens_at": letter.letter.opens_at});
                    ("invitation.scheduled", details)
                } else {
                    outbox::enqueue_invitation(conn, MailKind::Invitation, email.as_str(), &id)?;
                    let details = json!({"resent": outcome == InviteOutcome::Resent});
                    ("invitation.sent", details)
                };
                record(conn, actor, &letter, &id, &organisation, action, details)?;
            }
            let row = rows(conn, |q| q.filter(invitations::id.eq(id.clone())))?
                .pop()
                .ok_or_else(|| AppError::not_found("invitation"))?;
            done.push((outcome, row));
        }
        Ok(done)
    })
}

/// Whether `letter` takes invitations now, and whether they wait for its opening: an open
/// letter's are mailed at once (`false`); a draft with an opening time keeps them and mails them
/// when it opens (`true`). Anything else is refused (409).
pub fn accepts_invitations(letter: &crate::db::models::Letter) -> Result<bool, AppError> {
    if letter.state == LetterState::Draft.as_str() && letter.opens_at.is_some() {
        return Ok(true);
    }
    signing::ensure_open(letter).map_err(|_| {
        AppError::conflict(
            "letter_not_open",
            format!(
                "invitations can be sent while the letter is open, or added to a draft with an \
                 opening time (mailed when it opens); this one is {}",
                letter.state
            ),
        )
    })?;
    Ok(false)
}

/// Mail the invitations a draft kept until it opened (every invitation of the letter: a draft
/// mails none), stamping them sent at `now`; called by `letters::move_to` in the transaction that
/// opens the letter, whoever opens it (a coordinator, or the deadline worker at its opening
/// time). Returns how many were queued.
pub(crate) fn mail_scheduled(
    conn: &mut DbConnection,
    letter_id: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let kept: Vec<(String, String)> = invitations::table
        .filter(invitations::letter_id.eq(letter_id))
        .order((invitations::created_at.asc(), invitations::id.asc()))
        .select((invitations::id, invitations::email))
        .load(conn)?;
    for (id, email) in &kept {
        diesel::update(invitations::table.find(id))
            .set(invitations::sent_at.eq(now))
            .execute(conn)?;
        outbox::enqueue_invitation(conn, MailKind::Invitation, email, id)?;
    }
    Ok(kept.len())
}

type Boxed = invitations::BoxedQuery<'static, MultiBackend>;

/// Invitations with their organisation and signed state, oldest first.
fn rows(
    conn: &mut DbConnection,
    filter: impl FnOnce(Boxed) -> Boxed,
) -> Result<Vec<InvitationRow>, AppError> {
    let ids: Vec<String> = filter(invitations::table.into_boxed())
        .select(invitations::id)
        .load(conn)?;
    let found: Vec<(Invitation, Organisation, Country, Option<String>)> = invitations::table
        .inner_join(organisations::table.inner_join(countries::table))
        .left_join(signatures::table.on(signed_on()))
        .filter(invitations::id.eq_any(&ids))
        .order((invitations::created_at.asc(), invitations::id.asc()))
        .select((
            Invitation::as_select(),
            Organisation::as_select(),
            Country::as_select(),
            signatures::state.nullable(),
        ))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(
            |(invitation, organisation, country, signature_state)| InvitationRow {
                invitation,
                organisation,
                country,
                signature_state,
            },
        )
        .collect())
}

/// How far a letter's invitations got.
pub fn counts(conn: &mut DbConnection, letter_id: &str) -> Result<Counts, AppError> {
    let invited = invitations::table
        .filter(invitations::letter_id.eq(letter_id))
        .count()
        .get_result(conn)?;
    let opened = invitations::table
        .filter(invitations::letter_id.eq(letter_id))
        .filter(invitations::opened_at.is_not_null())
        .count()
        .get_result(conn)?;
    let signed = invitations::table
        .inner_join(signatures::table.on(signed_on()))
        .filter(invitations::letter_id.eq(letter_id))
        .count()
        .get_result(conn)?;
    Ok(Counts {
        invited,
        opened,
        signed,
    })
}

/// A page of a letter's invitations (oldest first) and its counts, for those who may read the
/// coalition's private data.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
    page: PageRequest,
) -> Result<(LetterView, Page<InvitationRow>, Counts), AppError> {
    let letter = letters::find_for(conn, actor, letter_slug, Permission::ReadPrivate)?;
    let id = letter.letter.id.clone();
    let counts = counts(conn, &id)?;
    let items = rows(conn, |q| {
        q.filter(invitations::letter_id.eq(id))
            .order((invitations::created_at.asc(), invitations::id.asc()))
            .one_page(page)
    })?;
    Ok((letter, Page::new(items, page, counts.invited), counts))
}

/// What a round of reminders did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RemindOutcome {
    /// Reminders queued now.
    pub reminded: i64,
    /// Invitations whose organisation has signed: no reminder.
    pub signed: i64,
    /// Reminded less than 24 hours ago: not yet.
    pub too_soon: i64,
    /// Reminded the most times already.
    pub at_cap: i64,
}

/// Queue a reminder for every invitation of an open letter whose organisation has not signed,
/// unless it was reminded within [`REMINDER_INTERVAL_HOURS`] or [`MAX_REMINDERS`] times already.
pub fn remind(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
) -> Result<RemindOutcome, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let letter = letters::find_for(conn, actor, letter_slug, Permission::Invite)?;
        signing::ensure_open(&letter.letter)?;
        let id = letter.letter.id.clone();
        let all = rows(conn, |q| q.filter(invitations::letter_id.eq(id)))?;
        let now = now();
        let due_before: NaiveDateTime = now - Duration::hours(REMINDER_INTERVAL_HOURS);
        let mut outcome = RemindOutcome::default();
        for row in all {
            let inv = &row.invitation;
            if row.state() == InvitationState::Signed {
                outcome.signed += 1;
            } else if inv.reminders >= MAX_REMINDERS {
                outcome.at_cap += 1;
            } else if inv.reminded_at.is_some_and(|at| at > due_before) {
                outcome.too_soon += 1;
            } else {
                diesel::update(invitations::table.find(&inv.id))
                    .set((
                        invitations::reminders.eq(inv.reminders + 1),
                        invitations::reminded_at.eq(Some(now)),
                    ))
                    .execute(conn)?;
                outbox::enqueue_invitation(
                    conn,
                    MailKind::InvitationReminder,
                    &inv.email,
                    &inv.id,
                )?;
                record(
                    conn,
                    actor,
                    &letter,
                    &inv.id,
                    &row.organisation,
                    "invitation.reminded",
                    json!({"reminder": inv.reminders + 1}),
                )?;
                outcome.reminded += 1;
            }
        }
        Ok(outcome)
    })
}

fn view_of(conn: &mut DbConnection, invitation: Invitation) -> Result<InvitationView, AppError> {
    let letter = letters::find(conn, &invitation.letter_id, Audience::Admin)?;
    let view = super::organisations::find(conn, &invitation.organisation_id)?;
    let signature = signatures::table
        .filter(signatures::letter_id.eq(&invitation.letter_id))
        .filter(signatures::organisation_id.eq(&invitation.organisation_id))
        .filter(signing::is_live())
        .select(Signature::as_select())
        .first(conn)
        .optional()?;
    Ok(InvitationView {
        invitation,
        letter,
        organisation: view.organisation,
        country: view.country,
        signature,
    })
}

/// The invitation a link token belongs to; unknown tokens are 404.
pub fn find_by_token(conn: &mut DbConnection, token: &Token) -> Result<InvitationView, AppError> {
    let invitation = invitations::table
        .filter(invitations::token_hash.eq(token.hash()))
        .select(Invitation::as_select())
        .first_or_not_found(conn, "this link")?;
    view_of(conn, invitation)
}

/// The invitation an outbox mail is about.
pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<InvitationView, AppError> {
    let invitation = invitations::table
        .find(id)
        .select(Invitation::as_select())
        .first_or_not_found(conn, "invitation")?;
    view_of(conn, invitation)
}
