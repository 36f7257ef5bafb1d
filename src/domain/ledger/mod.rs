//! A letter's ledger: every change to its public list, in a hash chain that anyone can check.
//!
//! Each entry is hashed (SHA-256) over a canonical encoding of its fields, which include the hash
//! of the entry before it, so changing, removing or reordering any entry breaks every hash after
//! it. The service signs each head (letter, length, hash) with its Ed25519 key when it appends the
//! entry, and keeps the signature, so whoever can change the database but does not hold the key
//! cannot produce a head that checks. `docs/VERIFY.md` states the algorithm for re-implementers;
//! this module is the reference, used both by the service and by `undersigned verify`.
//!
//! Encoding: the fields in a fixed order, each as a netstring (`<byte length>:<bytes>,`), after a
//! tag naming the format. Text is UTF-8; numbers are decimal; times are RFC 3339 in UTC with
//! exactly six fractional digits and `Z`.
//!
//! Entry formats: format 1 (`undersigned-ledger-entry-v1`) has no website; format 2
//! (`undersigned-ledger-entry-v2`, written since issue 18, finding 8) adds the organisation's
//! published website after `verification`. Each entry says its format and is hashed in it, so old
//! entries keep their hashes and a chain may hold both; the format never goes back within a chain.

mod compare;
pub use compare::*;
use std::collections::BTreeMap;

use ed25519_dalek::{Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::string_enum;

/// The `prev_hash` of a letter's first entry, and the hash of an empty ledger.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const ENTRY_TAG_V1: &str = "undersigned-ledger-entry-v1";
const ENTRY_TAG_V2: &str = "undersigned-ledger-entry-v2";
/// The entry format the service writes: 2, with the website.
pub const FORMAT: u32 = 2;
const HEAD_TAG: &str = "undersigned-ledger-head-v1";

string_enum!(
    /// What an entry records.
    Action {
        /// A text version of the letter (the one it opened with, or a later explicit version).
        Text => "text",
        /// An organisation joined the public list.
        Published => "published",
        /// A signer withdrew: the organisation left the list.
        Withdrawn => "withdrawn",
        /// Coordinators took the organisation off the list.
        Removed => "removed",
        /// A listed organisation's public details changed (name, country, website, verification).
        Updated => "updated",
    }
);

/// One ledger entry, exactly as the API serves it and the hash covers it. Text entries leave the
/// organisation fields empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Entry {
    /// 1 for the letter's first entry, then one more each.
    pub seq: i64,
    /// The entry's format: 1 (no website) or 2 (with `website`); 1 when absent, as in ledgers
    /// saved before format 2.
    #[serde(default = "format_v1")]
    #[schema(example = 2)]
    pub format: u32,
    /// When the change happened: RFC 3339, UTC, six fractional digits, `Z`.
    pub time: String,
    #[schema(value_type = String, example = "published")]
    pub action: Action,
    /// The organisation's stable identifier (its slug), as in the signatory list.
    pub organisation: String,
    /// Its name, as listed after this change.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2 or a listed territory code).
    pub country: String,
    /// How the organisation was checked (`unverified`, `domain`, `coordinator`, or `invitation`
    /// for a signature made through an invitation link).
    pub verification: String,
    /// Format 2 only: the organisation's website as listed after this change (empty when it has
    /// none, and for `text`). Absent in format 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// SHA-256 of the letter text: the version the signer saw, or the new version.
    pub text_hash: String,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 of this entry's canonical encoding, lowercase hex.
    pub hash: String,
}

fn format_v1() -> u32 {
    1
}

/// The time format of entries.
pub fn format_time(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn netstring(out: &mut Vec<u8>, field: &str) {
    out.extend_from_slice(field.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(field.as_bytes());
    out.push(b',');
}

fn encode(fields: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.iter().map(|f| f.len() + 8).sum());
    for field in fields {
        netstring(&mut out, field);
    }
    out
}

impl Entry {
    /// The bytes the hash covers, in the entry's format (format 1 leaves the website out; any
    /// other format is encoded as 2, and [`Replay::apply`] refuses formats it does not know).
    pub fn canonical(&self, letter_id: &str) -> Vec<u8> {
        let seq = self.seq.to_string();
        let (tag, website) = match self.format {
            1 => (ENTRY_TAG_V1, None),
            _ => (ENTRY_TAG_V2, Some(self.website.as_deref().unwrap_or(""))),
        };
        let mut fields = vec![
            tag,
            letter_id,
            &seq,
            &self.time,
            self.action.as_str(),
            &self.organisation,
            &self.name,
            &self.country,
            &self.verification,
        ];
        fields.extend(website);
        fields.extend([self.text_hash.as_str(), self.prev_hash.as_str()]);
        encode(&fields)
    }

    /// The hash this entry should carry.
    pub fn compute_hash(&self, letter_id: &str) -> String {
        hex::encode(Sha256::digest(self.canonical(letter_id)))
    }

    /// Fill in `hash` from the other fields.
    pub fn sealed(mut self, letter_id: &str) -> Entry {
        self.hash = self.compute_hash(letter_id);
        self
    }
}

/// The state of a ledger after some entries: what a signed head vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Head {
    /// The letter's id.
    pub letter: String,
    /// How many entries the ledger holds.
    pub length: i64,
    /// The last entry's hash ([`GENESIS`] when there is none).
    pub hash: String,
    /// Ed25519 signature of the head by the service's key, lowercase hex (128 digits).
    pub signature: String,
}

/// The bytes a head's signature covers.
pub fn head_message(letter_id: &str, length: i64, hash: &str) -> Vec<u8> {
    encode(&[HEAD_TAG, letter_id, &length.to_string(), hash])
}

/// The service's signing key.
#[derive(Clone)]
pub struct LedgerKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LedgerKey({})", self.public_hex())
    }
}

impl LedgerKey {
    /// A new random key.
    pub fn generate() -> LedgerKey {
        LedgerKey(ed25519_dalek::SigningKey::from_bytes(&rand::random()))
    }

    /// A key from its 32-byte seed in hex (how it is kept and configured).
    pub fn from_hex(seed: &str) -> Result<LedgerKey, String> {
        let bytes: [u8; 32] = hex::decode(seed.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("must be 64 hexadecimal digits (a 32-byte Ed25519 seed)")?;
        Ok(LedgerKey(ed25519_dalek::SigningKey::from_bytes(&bytes)))
    }

    /// The seed in hex, to keep the key in a file.
    pub fn seed_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The public key in hex (64 digits), as published.
    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    /// Sign the head `(letter, length, hash)`.
    pub fn sign_head(&self, letter_id: &str, length: i64, hash: &str) -> Head {
        let signature = self.0.sign(&head_message(letter_id, length, hash));
        Head {
            letter: letter_id.to_string(),
            length,
            hash: hash.to_string(),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

/// Check a head's signature against a public key (hex).
pub fn verify_head(public_key_hex: &str, head: &Head) -> Result<(), String> {
    let key: [u8; 32] = hex::decode(public_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the public key is not 64 hexadecimal digits")?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&key)
        .map_err(|_| "the public key is not a valid Ed25519 key")?;
    let signature: [u8; 64] = hex::decode(&head.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the head's signature is not 128 hexadecimal digits")?;
    key.verify(
        &head_message(&head.letter, head.length, &head.hash),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .map_err(|_| {
        format!(
            "the signature of head {} (length {}) does not match the service's key",
            head.hash, head.length
        )
    })
}

/// An organisation on the list, as the ledger says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub country: String,
    pub verification: String,
    /// Its website as the ledger says it is (empty: none); `None` when the latest entry about it
    /// is in format 1, which does not record websites.
    pub website: Option<String>,
    pub text_hash: String,
    /// When it was published (the `published` entry's time).
    pub since: String,
}

/// Why a ledger does not check, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainError {
    /// The position (1-based) of the first entry that does not check.
    pub position: i64,
    pub problem: String,
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {}: {}", self.position, self.problem)
    }
}

/// A ledger replayed entry by entry: it checks each entry against the chain so far and keeps the
/// list the entries add up to.
#[derive(Debug, Clone)]
pub struct Replay {
    pub letter_id: String,
    pub length: i64,
    pub head: String,
    /// The latest text version.
    pub text_hash: Option<String>,
    /// Every text entry's hash, in order.
    pub texts: Vec<String>,
    /// The organisations on the list, by identifier.
    pub listed: BTreeMap<String, Listed>,
    /// The format of the latest entry (0 before the first).
    pub format: u32,
}

impl Replay {
    pub fn new(letter_id: &str) -> Replay {
        Replay {
            letter_id: letter_id.to_string(),
            length: 0,
            head: GENESIS.to_string(),
            text_hash: None,
            texts: Vec::new(),
            listed: BTreeMap::new(),
            format: 0,
        }
    }

    /// Check the next entry and apply it.
    pub fn apply(&mut self, entry: &Entry) -> Result<(), ChainError> {
        let position = self.length + 1;
        let fail = |problem: String| Err(ChainError { position, problem });
        if entry.seq != position {
            return fail(format!(
                "has sequence number {} where {position} was expected (an entry was removed, \
                 added or moved)",
                entry.seq
            ));
        }
        if entry.prev_hash != self.head {
            return fail(format!(
                "does not follow the entry before it: its prev_hash is {}, the chain's hash is {}",
                entry.prev_hash, self.head
            ));
        }
        match (entry.format, &entry.website) {
            (1, Some(_)) => {
                return fail("is in format 1, which has no website, but carries one".into())
            }
            (2, None) => return fail("is in format 2 but has no website".into()),
            (1 | 2, _) => {}
            (other, _) => {
                return fail(format!(
                    "is in entry format {other}, which this program does not know (1 or 2)"
                ))
            }
        }
        if entry.format < self.format {
            return fail(format!(
                "is in format {} after an entry in format {} (a chain's format never goes back)",
                entry.format, self.format
            ));
        }
        let computed = entry.compute_hash(&self.letter_id);
        if entry.hash != computed {
            return fail(format!(
                "was altered: its contents hash to {computed}, not to its hash {}",
                entry.hash
            ));
        }
        if chrono::DateTime::parse_from_rfc3339(&entry.time).is_err() {
            return fail(format!("has a time that is not RFC 3339: {:?}", entry.time));
        }
        let org = &entry.organisation;
        match entry.action {
            Action::Text => {
                self.text_hash = Some(entry.text_hash.clone());
                self.texts.push(entry.text_hash.clone());
            }
            Action::Published => {
                if self.listed.contains_key(org) {
                    return fail(format!("publishes {org}, which is already listed"));
                }
                self.listed.insert(
                    org.clone(),
                    Listed {
                        name: entry.name.clone(),
                        country: entry.country.clone(),
                        verification: entry.verification.clone(),
                        website: entry.website.clone(),
                        text_hash: entry.text_hash.clone(),
                        since: entry.time.clone(),
                    },
                );
            }
            Action::Withdrawn | Action::Removed => {
                if self.listed.remove(org).is_none() {
                    return fail(format!("takes {org} off the list, where it is not"));
                }
            }
            Action::Updated => match self.listed.get_mut(org) {
                Some(listed) => {
                    listed.name = entry.name.clone();
                    listed.country = entry.country.clone();
                    listed.verification = entry.verification.clone();
                    listed.website = entry.website.clone();
                }
                None => return fail(format!("updates {org}, which is not listed")),
            },
        }
        self.length = position;
        self.head = entry.hash.clone();
        self.format = entry.format;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
