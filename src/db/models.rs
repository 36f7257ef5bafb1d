//! Row models: `X` is read from a table, `NewX` is inserted, `XChanges` updates.
//!
//! Ids are UUIDs stored as text; times are UTC `NaiveDateTime`; enums are stored as their
//! lowercase names and parsed back by the domain types.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    api_tokens, audit_log, campaigns, coalition_organisations, coalitions, countries, deliveries,
    invitations, ledger_entries, letter_country_counts, letter_previews, letter_translations,
    letter_versions, letters, member_invitations, memberships, organisation_checks, organisations,
    outbox, public_signatories, sessions, signature_events, signatures, timeline_events, users,
};

/// A country or territory; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = countries)]
pub struct Country {
    pub code: String,
    pub alpha3: String,
    pub name: String,
    pub numeric_code: Option<i32>,
    pub is_iso: i32,
    pub created_at: NaiveDateTime,
}

impl crate::domain::country::CountryNames for Country {
    fn code(&self) -> &str {
        &self.code
    }
    fn alpha3(&self) -> &str {
        &self.alpha3
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// A coalition; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coalitions)]
pub struct Coalition {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An organisation as stored; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub normalized_name: String,
    pub country_code: String,
    pub website: Option<String>,
    pub email_domain: Option<String>,
    pub description: Option<String>,
    pub verification: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// `OrgName::skeleton`: look-alike names share it (issue 18, finding 10).
    pub name_skeleton: String,
}

/// An update: `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub normalized_name: Option<String>,
    pub name_skeleton: Option<String>,
    pub country_code: Option<String>,
    pub website: Option<Option<String>>,
    pub email_domain: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub verification: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A letter; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letters)]
pub struct Letter {
    pub id: String,
    pub slug: String,
    pub coalition_id: String,
    pub title: String,
    pub body: String,
    pub recipient_name: String,
    pub recipient_email: Option<String>,
    pub place_and_date: Option<String>,
    pub language: String,
    pub state: String,
    pub moderation: String,
    pub visibility: String,
    pub deadline: Option<NaiveDateTime>,
    pub text_hash: String,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// The campaign this letter belongs to, if any.
    pub campaign_id: Option<String>,
    /// The SPDX identifier of its text's licence (`domain::licence`); `None`: all rights
    /// reserved by its coalition.
    pub text_licence: Option<String>,
    /// A draft's opening time (UTC): the deadline worker opens it then.
    pub opens_at: Option<NaiveDateTime>,
}

/// An update: `None` leaves a column alone; `Some(None)` clears a nullable one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = letters)]
pub struct LetterChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub recipient_name: Option<String>,
    pub recipient_email: Option<Option<String>>,
    pub place_and_date: Option<Option<String>>,
    pub language: Option<String>,
    pub state: Option<String>,
    pub moderation: Option<String>,
    pub visibility: Option<String>,
    pub deadline: Option<Option<NaiveDateTime>>,
    pub text_hash: Option<String>,
    pub opened_at: Option<Option<NaiveDateTime>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub delivered_at: Option<Option<NaiveDateTime>>,
    pub archived_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
    pub version: Option<i32>,
    pub campaign_id: Option<Option<String>>,
    pub text_licence: Option<Option<String>>,
    pub opens_at: Option<Option<NaiveDateTime>>,
}

/// A secret link to a draft for partners (`/preview/{token}`); only the token's SHA-256 is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letter_previews)]
pub struct LetterPreview {
    pub id: String,
    pub letter_id: String,
    pub label: Option<String>,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A signature; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signatures)]
pub struct Signature {
    pub id: String,
    pub letter_id: String,
    pub organisation_id: String,
    pub state: String,
    pub representative_name: String,
    pub representative_role: String,
    pub email: String,
    pub comment: Option<String>,
    pub text_hash: String,
    pub confirm_token_hash: String,
    pub withdraw_token_hash: String,
    pub confirm_expires_at: NaiveDateTime,
    pub confirmations_sent: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub rejected_at: Option<NaiveDateTime>,
    pub letter_version: i32,
    /// `invitation` when made through an invitation link, `imported` when a coordinator
    /// imported it; `None`: the organisation's applies.
    pub verification: Option<String>,
    /// The signer followed an update's unsubscribe link.
    pub unsubscribed_at: Option<NaiveDateTime>,
    pub unsubscribe_token_hash: Option<String>,
    /// The signer's name and email were erased.
    pub erased_at: Option<NaiveDateTime>,
    /// The address as compared for duplicates (`domain::abuse::email_key`); private.
    pub email_key: String,
    /// The domain of `email_key`; private.
    pub email_domain: String,
    /// A keyed hash of the network the sign request came from (`domain::abuse::network`).
    pub network: Option<String>,
    /// A held signature: the id of the organisation's live signature it contests (issue 18,
    /// finding 5). Never listed by itself; the coalition decides which one stands.
    pub contests: Option<String>,
    /// The language mails to the signer are written in (`i18n::LANGUAGES`).
    pub mail_language: String,
}

/// A mail waiting in (or gone through) the outbox; also what queueing one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub signature_id: Option<String>,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub invitation_id: Option<String>,
    pub delivery_id: Option<String>,
    pub update_id: Option<String>,
    /// The language to write the mail in, when not its signature's (`signatures.mail_language`).
    pub language: Option<String>,
}

/// A published signatory as the public sees it: no person, no email.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = public_signatories)]
pub struct PublicSignatory {
    pub signature_id: String,
    pub letter_id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub organisation_slug: String,
    pub sort_name: String,
    pub country_code: String,
    pub website: Option<String>,
    pub verification: String,
    pub text_hash: String,
    pub signed_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = signature_events)]
pub struct SignatureEvent {
    pub id: i64,
    pub letter_id: String,
    pub signature_id: String,
    pub action: String,
    pub organisation_name: String,
    pub organisation_slug: String,
    pub country_code: String,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = signature_events)]
pub struct NewSignatureEvent<'a> {
    pub letter_id: &'a str,
    pub signature_id: &'a str,
    pub action: &'a str,
    pub organisation_name: &'a str,
    pub organisation_slug: &'a str,
    pub country_code: &'a str,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = letter_country_counts)]
pub struct CountShard<'a> {
    pub letter_id: &'a str,
    pub country_code: &'a str,
    pub shard: i32,
    pub count: i64,
}

/// One entry of a letter's ledger (see `domain::ledger`), with the signature of the head it made.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ledger_entries)]
pub struct LedgerRow {
    pub letter_id: String,
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub action: String,
    pub organisation_slug: String,
    pub organisation_name: String,
    pub country_code: String,
    pub verification: String,
    pub text_hash: String,
    /// The entry format (`domain::ledger::FORMAT`): 1 for entries written before websites were
    /// logged, 2 since.
    pub format: i32,
    /// Format 2: the published website (empty for none); NULL in format 1.
    pub website: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// Empty for an entry inside a bulk append, whose end alone is signed.
    pub head_signature: String,
}

/// A coordinator's account; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// When it stops working (issue 18, finding 12).
    pub expires_at: NaiveDateTime,
}

/// An owner's offer of a role to an email address, until its account accepts or declines it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = member_invitations)]
pub struct MemberInvitation {
    pub id: String,
    pub coalition_id: String,
    pub email: String,
    pub role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    pub coalition_id: String,
    pub user_id: String,
    pub role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub coalition_id: Option<String>,
    pub letter_id: Option<String>,
    pub subject_kind: String,
    pub subject_id: String,
    pub action: String,
    pub details: String,
}

/// One version of a letter's text since it opened.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letter_versions)]
pub struct LetterVersion {
    pub letter_id: String,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub text_hash: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A letter's text in another language.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = letter_translations)]
pub struct Translation {
    pub letter_id: String,
    pub language: String,
    pub title: String,
    pub body: String,
    pub text_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An organisation that is a member of a coalition.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coalition_organisations)]
pub struct CoalitionOrganisation {
    pub coalition_id: String,
    pub organisation_id: String,
    pub created_at: NaiveDateTime,
}

/// A coalition's own check of an organisation (`coordinator` verification on its letters).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisation_checks)]
pub struct OrganisationCheck {
    pub organisation_id: String,
    pub coalition_id: String,
    pub checked_at: NaiveDateTime,
    pub checked_by: Option<String>,
}

/// An invitation to sign a letter; also what a new one inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: String,
    pub letter_id: String,
    pub organisation_id: String,
    /// Private: never in a public response.
    pub email: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub sent_at: NaiveDateTime,
    pub opened_at: Option<NaiveDateTime>,
    pub signed_at: Option<NaiveDateTime>,
    pub signature_id: Option<String>,
    pub reminded_at: Option<NaiveDateTime>,
    pub reminders: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: String,
    pub slug: String,
    pub coalition_id: String,
    pub title: String,
    pub description: String,
    pub goal_organisations: Option<i32>,
    pub goal_countries: Option<i32>,
    pub goal_date: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = campaigns)]
pub struct CampaignChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub goal_organisations: Option<Option<i32>>,
    pub goal_countries: Option<Option<i32>>,
    pub goal_date: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One event of a public timeline (a campaign's, a letter's).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = timeline_events)]
pub struct TimelineEvent {
    pub id: String,
    pub campaign_id: Option<String>,
    pub letter_id: Option<String>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub occurred_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A letter's delivery to its recipient.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    pub id: String,
    pub letter_id: String,
    /// Private: the address it was mailed to.
    pub recipient_email: Option<String>,
    pub signatories: i64,
    pub countries: i64,
    pub ledger_seq: i64,
    pub ledger_hash: String,
    pub note: Option<String>,
    pub delivered_at: NaiveDateTime,
}

/// An update coordinators sent to a letter's confirmed signatories; also what sending inserts.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::letter_updates)]
pub struct LetterUpdate {
    pub id: String,
    pub letter_id: String,
    pub subject: String,
    /// Markdown, rendered like a letter's body.
    pub body: String,
    /// How many signers it was queued for.
    pub recipients: i64,
    pub created_at: NaiveDateTime,
}
