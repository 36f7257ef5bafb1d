//! Link tokens: 256-bit values in confirmation, withdrawal and invitation links, stored only as
//! SHA-256.
//!
//! A token is derived as HMAC-SHA256(secret key, purpose ":" record id). That lets the outbox
//! worker put the link into a mail when it sends it without the token ever being written to the
//! database: reading the database alone gives no working link. The key is random (generated into
//! the data folder, or configured); changing it invalidates links not yet used.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmSignature,
    WithdrawSignature,
    /// Sign a letter for the invited organisation (`/invitations/{token}`).
    Invitation,
    /// Stop a signer's updates (`/unsubscribe/{token}`), derived from the signature's id.
    Unsubscribe,
    /// The CSRF token of a signed-in browser's forms, derived from its session token's hash
    /// (`web::csrf`).
    SessionCsrf,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::ConfirmSignature => "confirm-signature",
            Purpose::WithdrawSignature => "withdraw-signature",
            Purpose::Invitation => "invitation",
            Purpose::Unsubscribe => "unsubscribe",
            Purpose::SessionCsrf => "session-csrf",
        }
    }
}

/// The service's secret key for deriving tokens.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(***)")
    }
}

impl TokenKey {
    /// A key from any secret of at least 32 characters (hashed to 32 bytes).
    pub fn from_secret(secret: &str) -> Result<TokenKey, String> {
        if secret.len() < 32 {
            return Err("the secret key must be at least 32 characters".into());
        }
        Ok(TokenKey(Sha256::digest(secret.as_bytes()).into()))
    }

    pub fn derive(&self, purpose: Purpose, id: &str) -> Token {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key size");
        mac.update(purpose.label().as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        Token(hex::encode(mac.finalize().into_bytes()))
    }

    /// A short keyed fingerprint of `value` (16 hex digits of HMAC-SHA256 over `label ":"
    /// value`): equal values match, but without the key nothing leads back to the value (a
    /// network, see `domain::abuse::network`).
    pub fn keyed_hash(&self, label: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key size");
        mac.update(label.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..8])
    }
}

/// A link token: 64 lowercase hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({}…)", &self.0[..6])
    }
}

impl Token {
    /// A new random token (256 bits), for sessions, API tokens and setup links.
    pub fn random() -> Token {
        Token(random_token())
    }

    pub fn parse(input: &str) -> Result<Token, String> {
        let code = super::text::fixed_code(input, 64, u8::is_ascii_hexdigit)
            .ok_or("is not a valid link token")?;
        Ok(Token(code.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: SHA-256 of the token, hex.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// Whether two secrets are equal, in time that depends only on their lengths (never on where
/// they first differ): every comparison of a presented secret with the expected one goes through
/// here (the CSRF field with its cookie, the admin token's digest, the setup link's hash). Tokens found by their stored
/// SHA-256 (sessions, API tokens, link tokens) are looked up by hash instead: the lookup's timing
/// depends on a hash the presenter cannot steer, not on the secret.
pub fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    presented.ct_eq(expected).into()
}

/// A random token of 256 bits, URL-safe (hex).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_secret_compares_whole_values() {
        assert!(same_secret(b"0123abcd", b"0123abcd"));
        assert!(!same_secret(b"0123abcd", b"0123abce"));
        assert!(!same_secret(b"x123abcd", b"0123abcd"));
        assert!(!same_secret(b"0123abc", b"0123abcd"));
        assert!(!same_secret(b"", b"0123abcd"));
    }

    /// The comparisons of presented secrets call [`same_secret`], never `==` (which stops at the
    /// first differing byte): this fails if one is changed back.
    #[test]
    fn secret_comparisons_are_constant_time() {
        let csrf = include_str!("../web/csrf.rs");
        assert!(csrf.contains("same_secret(submitted.as_bytes(), expected.as_bytes())"));
        assert!(!csrf.contains("expected == submitted") && !csrf.contains("submitted == expected"));
        let state = include_str!("../http/state.rs");
        assert!(state.contains("same_secret(&digest, expected)"));
        assert!(!state.contains("digest == ") && !state.contains("== digest"));
        // The setup link is looked up by its hash, like every other stored token.
        let accounts = include_str!("../service/accounts/setup.rs");
        assert!(accounts.contains("setup_links::token_hash.eq(token.hash())"));
    }

    #[test]
    fn tokens_depend_on_key_purpose_and_id() {
        let key = TokenKey::from_secret(&"k".repeat(32)).unwrap();
        let other = TokenKey::from_secret(&"j".repeat(32)).unwrap();
        let t = key.derive(Purpose::ConfirmSignature, "id-1");
        assert_eq!(t.as_str().len(), 64);
        assert_eq!(t, key.derive(Purpose::ConfirmSignature, "id-1"));
        assert_ne!(t, key.derive(Purpose::WithdrawSignature, "id-1"));
        assert_ne!(t, key.derive(Purpose::Invitation, "id-1"));
        assert_ne!(t, key.derive(Purpose::Unsubscribe, "id-1"));
        assert_ne!(t, key.derive(Purpose::SessionCsrf, "id-1"));
        assert_ne!(t, key.derive(Purpose::ConfirmSignature, "id-2"));
        assert_ne!(t, other.derive(Purpose::ConfirmSignature, "id-1"));
        assert_ne!(t.hash(), t.as_str());
        assert_eq!(Token::parse(t.as_str()).unwrap(), t);
        assert!(Token::parse("short").is_err());
        assert!(!format!("{t:?}").contains(&t.as_str()[6..]));
    }

    #[test]
    fn keyed_hashes_depend_on_key_label_and_value() {
        let key = TokenKey::from_secret(&"k".repeat(32)).unwrap();
        let other = TokenKey::from_secret(&"j".repeat(32)).unwrap();
        let h = key.keyed_hash("network", "203.0.113.0/24");
        assert_eq!(h.len(), 16);
        assert_eq!(h, key.keyed_hash("network", "203.0.113.0/24"));
        assert_ne!(h, key.keyed_hash("network", "203.0.114.0/24"));
        assert_ne!(h, key.keyed_hash("other", "203.0.113.0/24"));
        assert_ne!(h, other.keyed_hash("network", "203.0.113.0/24"));
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKey::from_secret("too short").is_err());
    }
}
