//! Signature states and the kinds of mail the outbox sends.

use super::string_enum;

string_enum!(
    /// `pending` (email not confirmed) → `confirmed` → `published`; or `rejected`, `withdrawn`,
    /// `expired`. The first three are "live": one live signature per (letter, organisation).
    SignatureState {
        Pending => "pending",
        Confirmed => "confirmed",
        Published => "published",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        Expired => "expired",
    }
);

impl SignatureState {
    pub const LIVE: [SignatureState; 3] = [
        SignatureState::Pending,
        SignatureState::Confirmed,
        SignatureState::Published,
    ];

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

string_enum!(
    /// How one signature was checked, beyond its organisation's own verification
    /// (`domain::Verification`). The public list shows this value when a signature has one, and
    /// the organisation's otherwise.
    SignatureVerification {
        /// Made through the personal link of a coordinator's invitation, sent to an address the
        /// coalition chose for the organisation.
        Invitation => "invitation",
        /// Imported by a coordinator from a list of signatories the coalition collected
        /// (`service::imports`): the coalition vouches for it; no one confirmed it by mail.
        Imported => "imported",
    }
);

string_enum!(
    /// What an outbox row is: which template renders it.
    MailKind {
        SignatureConfirmation => "signature_confirmation",
        /// To the signer of an organisation's live signature: another mailbox confirmed a
        /// signature for the same organisation, held for the coalition to decide.
        SignatureContested => "signature_contested",
        /// To an address that asked to sign a letter it already signs (for this organisation or
        /// another): what it signed, and its withdraw link.
        AlreadySigned => "signature_already_signed",
        /// To a colleague's address at the organisation's domain: the organisation is already on
        /// the letter; ask the colleague or write to the coalition. Names no one.
        AlreadyListed => "signature_already_listed",
        /// A coordinator's invitation to sign, with its personal link.
        Invitation => "invitation",
        /// A reminder of an invitation not signed yet.
        InvitationReminder => "invitation_reminder",
        /// The letter with its list, to its recipient.
        Delivery => "letter_delivery",
        /// A coordinators' update to a letter's confirmed signatories, with an unsubscribe link.
        Update => "letter_update",
    }
);

string_enum!(
    /// An outbox row's delivery state.
    MailState { Queued => "queued", Sent => "sent", Dead => "dead" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_uses_the_same_words_as_the_database() {
        // Found by domain::properties: serde's `rename_all = "lowercase"` wrote
        // "signatureconfirmation" and "delivery" where `as_str` (the database) says otherwise.
        for &kind in MailKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<MailKind>(&json).unwrap(), kind);
        }
        assert_eq!(
            serde_json::to_string(&MailKind::Delivery).unwrap(),
            "\"letter_delivery\""
        );
    }
}
