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
    /// What an outbox row is: which template renders it.
    MailKind { SignatureConfirmation => "signature_confirmation" }
);

string_enum!(
    /// An outbox row's delivery state.
    MailState { Queued => "queued", Sent => "sent", Dead => "dead" }
);
