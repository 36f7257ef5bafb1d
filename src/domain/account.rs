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
    DECOY.get_or_init(|| Password(crate::service::random_token()).hash())
}

#[cfg(test)]
mod tests {
    use super::*;

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
