//! Opening an invitation's link and signing through it.

#[allow(unused_imports)]
use super::*;

/// Open an invitation's link: the invitation, with its first opening recorded (a GET records
/// that and changes nothing else: mail scanners open links too).
pub fn open(conn: &mut DbConnection, token: &Token) -> Result<InvitationView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let mut view = find_by_token(conn, token)?;
        if view.invitation.opened_at.is_none() {
            let now = now();
            diesel::update(
                invitations::table
                    .find(&view.invitation.id)
                    .filter(invitations::opened_at.is_null()),
            )
            .set(invitations::opened_at.eq(Some(now)))
            .execute(conn)?;
            view.invitation.opened_at = Some(now);
            let (letter, organisation) = (view.letter.clone(), view.organisation.clone());
            record(
                conn,
                &Actor::Public,
                &letter,
                &view.invitation.id,
                &organisation,
                "invitation.opened",
                json!({}),
            )?;
        }
        Ok(view)
    })
}

/// The invitation form as posted (or `POST /api/v1/invitations/sign`'s body), before parsing:
/// the organisation is the invitation's.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InvitationSignFields {
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub representative_role: String,
    #[serde(default)]
    pub comment: String,
    /// Consent to the privacy notice; must be given.
    #[serde(default)]
    pub consent: bool,
}

/// Who signs through an invitation.
pub struct InvitationSignInput {
    pub representative_name: String,
    pub representative_role: String,
    pub comment: Option<String>,
}

impl InvitationSignFields {
    /// Parse every field, naming each one that fails (the rules of the public sign form).
    pub fn parse(&self) -> Result<InvitationSignInput, AppError> {
        let (text, line) = (crate::domain::text::text, crate::domain::text::line);
        let mut errors = FieldCollector::new();
        let name = errors.check(
            "representative_name",
            line(signing::PERSON_MAX)(&self.representative_name),
        );
        let role = errors.check(
            "representative_role",
            line(signing::PERSON_MAX)(&self.representative_role),
        );
        let comment = errors.optional("comment", Some(&self.comment), text(signing::COMMENT_MAX));
        if !self.consent {
            errors.add("consent", crate::domain::problem::Problem::NoConsent);
        }
        errors.finish()?;
        match (name, role) {
            (Some(representative_name), Some(representative_role)) => Ok(InvitationSignInput {
                representative_name,
                representative_role,
                comment,
            }),
            _ => Err(AppError::field("representative_name", "is required")),
        }
    }
}

/// What signing through an invitation did.
#[derive(Debug, Clone)]
pub struct Signed {
    pub view: InvitationView,
    /// The signature this request made; `None` when the organisation had signed already.
    pub signature: Option<SignatureView>,
}

/// Sign the letter for the invited organisation: in one transaction, a signature made at the
/// invited address, `invitation`-verified and completed at once like a confirmed one
/// ([`signing::complete`]: published on an `auto` letter, waiting for a coordinator on a
/// `manual` one), and the invitation marked signed. Signing again is harmless: an organisation
/// that has signed (through the link or not) gets nothing new. An unconfirmed signature made
/// with the public form gives way to this one.
pub fn sign(
    conn: &mut DbConnection,
    key: &TokenKey,
    ledger: &LedgerKey,
    policy: &SigningPolicy,
    token: &Token,
    input: InvitationSignInput,
) -> Result<Signed, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = find_by_token(conn, token)?;
        signing::ensure_open(&view.letter.letter)?;
        if view.signed() {
            return Ok(Signed {
                view,
                signature: None,
            });
        }
        if let Some(pending) = &view.signature {
            signing::mark_expired(conn, &pending.id)?;
            Event::new(
                "signature.superseded_by_invitation",
                ("signature", &pending.id),
                audit::naming(&view.organisation, json!({})),
            )
            .on_letter(&view.letter.coalition.id, &view.letter.letter.id)
            .record(conn, &Actor::Public)?;
        }
        let signer = Signer {
            text_hash: view.letter.letter.text_hash.clone(),
            representative_name: input.representative_name,
            representative_role: input.representative_role,
            email: view.invitation.email.clone(),
            comment: input.comment,
            mail_language: crate::service::signatures::mail_language(None, &view.letter.letter),
        };
        let row = signing::insert_pending(
            conn,
            key,
            policy,
            &view.letter.letter,
            &view.organisation,
            signer,
            Some(SignatureVerification::Invitation),
            None,
            None,
        )?;
        let pending = signing::find_by_id(conn, &row.id)?;
        let done = signing::complete(conn, ledger, pending)?;
        let now = now();
        diesel::update(invitations::table.find(&view.invitation.id))
            .set((
                invitations::signed_at.eq(Some(now)),
                invitations::signature_id.eq(Some(&row.id)),
                invitations::opened_at.eq(Some(view.invitation.opened_at.unwrap_or(now))),
            ))
            .execute(conn)?;
        record(
            conn,
            &Actor::Public,
            &view.letter,
            &view.invitation.id,
            &view.organisation,
            "invitation.signed",
            json!({"state": done.signature.state}),
        )?;
        let view = find_by_id(conn, &view.invitation.id)?;
        Ok(Signed {
            view,
            signature: Some(done),
        })
    })
}
