//! Domain types: newtypes that parse outside input once, and the state enums.
//!
//! Handlers never pass a raw `String` from a request to a service: they parse it into one of
//! these types first, and a failed parse becomes a per-field message (see `crate::error`).

pub mod abuse;
pub mod account;
pub mod campaign;
pub mod country;
pub mod import;
pub mod ledger;
pub mod letter;
pub mod licence;
pub mod markdown;
pub mod organisation;
pub mod problem;
pub mod signature;
pub mod spreadsheet;
pub mod text;
pub mod token;
pub mod verification;

#[cfg(test)]
mod properties;

pub use account::{Password, Permission, Role};
pub use country::CountryCode;
pub use letter::{LetterState, Moderation, Visibility};
pub use organisation::{OrgName, Verification};
pub use signature::{MailKind, MailState, SignatureState, SignatureVerification};
pub use text::{EmailAddress, EmailDomain, LanguageTag, Slug, Website};

/// Declares a fieldless enum stored and serialised as a lowercase string, with `as_str`,
/// `FromStr` (with a message listing the allowed values), `ALL`, and serde impls that use the
/// same words as `as_str` (so `MailKind::Delivery` is `"letter_delivery"` in JSON as in the
/// database, not serde's `"delivery"`).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "must be one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use string_enum;
