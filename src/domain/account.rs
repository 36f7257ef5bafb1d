//! Coordinators' accounts: roles per coalition, what each role may do, and passwords.
//!
//! The permission matrix lives in one place, [`Role::allows`]; every service checks a
//! [`Permission`] through `service::access`, and `tests/api/permissions.rs` walks the matrix
//! through the real API.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::string_enum;

string_enum!(
    /// A coordinator's role in one coalition.
    Role {
        /// Everything a coordinator may, and manages the coalition's coordinators.
        Owner => "owner",
        /// Letters, the directory, moderation and invitations.
        Coordinator => "coordinator",
        /// Reads the coalition's private data (drafts, pending signatures, contact emails, the
        /// outbox and the audit log) and changes nothing.
        Viewer => "viewer",
    }
);

/// What a request needs to be allowed in a coalition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Drafts, pending signatures, contact emails, the outbox, the audit log.
    ReadPrivate,
    /// Create, edit and move letters through their life cycle.
    ManageLetters,
    /// Add and edit organisations in the directory (shared ones and territories are the
    /// operator's: `service::organisations`, `service::countries`).
    ManageDirectory,
    /// Approve or reject signatures.
    Moderate,
    /// Invite organisations to sign.
    Invite,
    /// Add, change and remove the coalition's coordinators.
    ManageMembers,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ReadPrivate,
        Permission::ManageLetters,
        Permission::ManageDirectory,
        Permission::Moderate,
        Permission::Invite,
        Permission::ManageMembers,
    ];

    /// The least role that has it, for error messages.
    pub fn least_role(self) -> Role {
        [Role::Viewer, Role::Coordinator, Role::Owner]
            .into_iter()
            .find(|r| r.allows(self))
            .unwrap_or(Role::Owner)
    }
}

impl Role {
    /// The permission matrix.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Coordinator => !matches!(permission, ManageMembers),
            Role::Viewer => matches!(permission, ReadPrivate),
        }
    }
}

/// A password as typed: 10 to 200 characters (NIST SP 800-63B: length, not composition rules).
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN: usize = 12;
    pub const MAX: usize = 200;

    pub fn parse(input: &str) -> Result<Password, String> {
        let n = input.chars().count();
        if n < Self::MIN {
            Err(format!("must be at least {} characters", Self::MIN))
        } else if n > Self::MAX {
            Err(format!("must be at most {} characters", Self::MAX))
        } else {
            Ok(Password(input.to_string()))
        }
    }

    /// An argon2id PHC string with a random salt (OWASP's parameters: 19 MiB, 2 passes).
    pub fn hash(&self) -> String {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .expect("16 bytes make a valid salt");
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .expect("argon2 hashes any password within its length limits")
            .to_string()
    }

    /// Whether `input` is the password behind `phc`. A malformed hash matches nothing.
    pub fn matches(input: &str, phc: &str) -> bool {
        #[cfg(test)]
        tests::VERIFICATIONS.with(|n| n.set(n.get() + 1));
        PasswordHash::new(phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(input.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

/// A hash that no password matches, checked when an email is unknown so that a failed sign-in
/// takes as long whether or not the account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| Password(super::token::random_token()).hash())
}

/// Whether `input` signs in to an account whose stored hash is `stored` (`None`: no account has
/// the email). Exactly one argon2 verification either way — against the decoy hash when there is
/// no account — so a wrong password costs as long as an unknown email and the timing does not
/// tell which emails have accounts (issue 18, finding 4).
pub fn sign_in_matches(input: &str, stored: Option<&str>) -> bool {
    let matched = Password::matches(input, stored.unwrap_or_else(|| decoy_hash()));
    matched && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// How many argon2 verifications this thread has run ([`Password::matches`]).
        pub(super) static VERIFICATIONS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }

    /// The verifications `f` runs.
    fn verifications(f: impl FnOnce() -> bool) -> (bool, u32) {
        let before = VERIFICATIONS.with(|n| n.get());
        let result = f();
        (result, VERIFICATIONS.with(|n| n.get()) - before)
    }

    // Issue 18, finding 4: a known email with a wrong password ran argon2 twice (57 ms against
    // 26 ms for an unknown email), so timing told which emails have accounts. Every sign-in
    // attempt now runs exactly one verification.
    #[test]
    fn every_sign_in_attempt_runs_argon2_exactly_once() {
        let stored = Password::parse("correct horse battery").unwrap().hash();
        let _ = decoy_hash(); // made once, before counting
        assert_eq!(
            verifications(|| sign_in_matches("correct horse battery", Some(&stored))),
            (true, 1),
            "right password"
        );
        assert_eq!(
            verifications(|| sign_in_matches("wrong password here", Some(&stored))),
            (false, 1),
            "known email, wrong password"
        );
        assert_eq!(
            verifications(|| sign_in_matches("correct horse battery", None)),
            (false, 1),
            "unknown email"
        );
    }

    #[test]
    fn the_matrix_grows_with_the_role() {
        for &p in Permission::ALL {
            assert!(Role::Owner.allows(p));
            if Role::Viewer.allows(p) {
                assert!(Role::Coordinator.allows(p), "{p:?}");
            }
        }
        assert!(!Role::Coordinator.allows(Permission::ManageMembers));
        assert!(Role::Coordinator.allows(Permission::Moderate));
        assert!(Role::Viewer.allows(Permission::ReadPrivate));
        assert!(!Role::Viewer.allows(Permission::ManageLetters));
        assert_eq!(Permission::ManageMembers.least_role(), Role::Owner);
        assert_eq!(Permission::ReadPrivate.least_role(), Role::Viewer);
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let p = Password::parse("correct horse battery").unwrap();
        let h = p.hash();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(Password::matches("correct horse battery", &h));
        assert!(!Password::matches("correct horse battery!", &h));
        assert!(!Password::matches("anything", "not a hash"));
        assert_ne!(h, p.hash(), "salted");
        assert!(Password::parse("short").is_err());
        assert!(!format!("{p:?}").contains("horse"));
        assert!(!Password::matches("", decoy_hash()));
    }
}
