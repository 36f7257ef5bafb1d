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

/// One published signatory as the list shows it, for comparing with the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub organisation: String,
    pub name: String,
    pub country: String,
    pub verification: String,
    /// Its website (empty when it has none).
    pub website: String,
    pub text_hash: String,
    /// `signed_at`, in the entries' time format.
    pub signed_at: String,
}

/// Where a published list differs from what its ledger implies; empty when they agree.
pub fn compare_list(
    listed: &BTreeMap<String, Listed>,
    rows: impl IntoIterator<Item = ListRow>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for row in rows {
        if !seen.insert(row.organisation.clone()) {
            problems.push(format!("{} is listed twice", row.organisation));
            continue;
        }
        let Some(expected) = listed.get(&row.organisation) else {
            problems.push(format!(
                "{} ({}) is listed, but no ledger entry published it",
                row.organisation, row.name
            ));
            continue;
        };
        let fields = [
            ("name", &row.name, &expected.name),
            ("country", &row.country, &expected.country),
            ("verification", &row.verification, &expected.verification),
            ("text_hash", &row.text_hash, &expected.text_hash),
            ("signed_at", &row.signed_at, &expected.since),
        ];
        // Issue 18, finding 8: the website, wherever the ledger records it (format 2).
        let website = expected
            .website
            .as_ref()
            .map(|w| ("website", &row.website, w));
        for (field, shown, logged) in fields.into_iter().chain(website) {
            if shown != logged {
                problems.push(format!(
                    "{}: the list shows {field} {shown:?}, the ledger {logged:?}",
                    row.organisation
                ));
            }
        }
    }
    for (organisation, expected) in listed {
        if !seen.contains(organisation) {
            problems.push(format!(
                "{organisation} ({}) should be listed according to the ledger, but is not",
                expected.name
            ));
        }
    }
    problems
}

/// The change feed's action for an entry's (`None` for `text`, which the feed leaves out).
pub fn feed_action(action: Action) -> Option<&'static str> {
    match action {
        Action::Published => Some("added"),
        Action::Withdrawn | Action::Removed => Some("withdrawn"),
        Action::Updated => Some("updated"),
        Action::Text => None,
    }
}

/// One item of the change feed (`…/changes`), for comparing with the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub id: i64,
    /// `added`, `withdrawn` or `updated`.
    pub action: String,
    pub organisation: String,
    pub name: String,
    pub country: String,
    /// `at`, in the entries' time format.
    pub time: String,
}

/// What part of the feed `items` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedCoverage {
    /// The items start at the feed's first change (a walk from `after=0`).
    pub from_start: bool,
    /// Nothing follows the last item (`more` was false).
    pub to_end: bool,
}

/// Where the change feed differs from the ledger; empty when they agree (issue 18, finding 8).
/// Every item must be the change of one entry (the same organisation, feed action and time, and
/// the same name and country); and every entry other than `text` in the stretch the items cover
/// (from the first item's time, or the start, to the last item's time, or the end) must be in
/// the feed.
pub fn compare_feed(entries: &[Entry], items: &[FeedItem], coverage: FeedCoverage) -> Vec<String> {
    let mut problems = Vec::new();
    let mut unmatched: BTreeMap<(&str, &str, &str), Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        if let Some(action) = feed_action(entry.action) {
            let key = (entry.organisation.as_str(), action, entry.time.as_str());
            unmatched.entry(key).or_default().push(entry);
        }
    }
    for item in items {
        let key = (
            item.organisation.as_str(),
            item.action.as_str(),
            item.time.as_str(),
        );
        let Some(entry) = unmatched.get_mut(&key).and_then(|found| found.pop()) else {
            problems.push(format!(
                "feed item {} ({} {} at {}) is the change of no ledger entry",
                item.id, item.action, item.organisation, item.time
            ));
            continue;
        };
        for (field, shown, logged) in [
            ("name", &item.name, &entry.name),
            ("country", &item.country, &entry.country),
        ] {
            if shown != logged {
                problems.push(format!(
                    "feed item {} shows {field} {shown:?}, ledger entry {} {logged:?}",
                    item.id, entry.seq
                ));
            }
        }
    }
    let first = items.iter().map(|i| i.time.as_str()).min();
    let last = items.iter().map(|i| i.time.as_str()).max();
    let mut missing: Vec<&Entry> = unmatched
        .into_values()
        .flatten()
        .filter(|e| coverage.from_start || first.is_some_and(|t| e.time.as_str() >= t))
        .filter(|e| coverage.to_end || last.is_some_and(|t| e.time.as_str() <= t))
        .collect();
    missing.sort_by_key(|e| e.seq);
    for entry in missing {
        problems.push(format!(
            "ledger entry {} ({} {} at {}) is missing from the feed",
            entry.seq, entry.action, entry.organisation, entry.time
        ));
    }
    problems
}

/// A text the service serves (the letter, a version, a translation) with the hash it claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedText {
    /// What it is, for messages: `the letter`, `version 2`, `the fr translation`.
    pub label: String,
    pub title: String,
    pub body: String,
    pub text_hash: String,
}

/// Where the texts the service serves differ from the ledger's `text` entries (`texts`, in
/// order); empty when they agree (issue 18, finding 8). Each text must hash (as
/// [`super::letter::text_hash`]) to its `text_hash`, which must be a text entry; the versions
/// (oldest first) must be in the ledger in their order, and the letter must show the latest.
pub fn compare_texts(
    texts: &[String],
    letter: &ServedText,
    versions: &[ServedText],
    translations: &[ServedText],
) -> Vec<String> {
    let mut problems = Vec::new();
    // Whether a text hashes to the hash it claims.
    let sound = |text: &ServedText, problems: &mut Vec<String>| {
        let actual = super::letter::text_hash(&text.title, &text.body);
        if actual != text.text_hash {
            problems.push(format!(
                "{}: its title and body hash to {actual}, not to its text_hash {}: the text was \
                 changed",
                text.label, text.text_hash
            ));
        }
        actual == text.text_hash
    };
    let in_no_entry = |text: &ServedText| {
        format!(
            "{}: its text (hash {}) is in no text entry of the ledger",
            text.label, text.text_hash
        )
    };
    for text in std::iter::once(letter).chain(translations) {
        if sound(text, &mut problems) && !texts.contains(&text.text_hash) {
            problems.push(in_no_entry(text));
        }
    }
    // Versions in order: each one's entry after the one before's (a version may repeat an
    // earlier text, so search after it).
    let mut after = 0;
    let mut previous: Option<&str> = None;
    for version in versions {
        if !sound(version, &mut problems) {
            continue;
        }
        match texts[after..].iter().position(|t| *t == version.text_hash) {
            Some(i) => after += i + 1,
            None if texts.contains(&version.text_hash) => problems.push(format!(
                "{}: its text entry is not after {}'s in the ledger",
                version.label,
                previous.unwrap_or("the version before")
            )),
            None => problems.push(in_no_entry(version)),
        }
        previous = Some(&version.label);
    }
    if let Some(latest) = versions.last() {
        if (&latest.title, &latest.body, &latest.text_hash)
            != (&letter.title, &letter.body, &letter.text_hash)
        {
            problems.push(format!(
                "{} shows a text that is not its latest version ({})",
                letter.label, latest.label
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "0192f1c2-0000-7000-8000-000000000001";

    fn entry(seq: i64, action: Action, org: &str, prev: &str) -> Entry {
        Entry {
            seq,
            format: FORMAT,
            time: format!("2026-11-28T10:00:0{seq}.000001Z"),
            action,
            organisation: org.into(),
            name: format!("{org} name"),
            country: "FR".into(),
            verification: "unverified".into(),
            website: Some(format!("https://{org}.example/")),
            text_hash: "ab".repeat(32),
            prev_hash: prev.into(),
            hash: String::new(),
        }
        .sealed(LETTER)
    }

    fn chain() -> Vec<Entry> {
        let a = entry(1, Action::Text, "", GENESIS);
        let b = entry(2, Action::Published, "acme", &a.hash);
        let c = entry(3, Action::Published, "beta", &b.hash);
        let d = entry(4, Action::Withdrawn, "acme", &c.hash);
        vec![a, b, c, d]
    }

    fn replay(entries: &[Entry]) -> Result<Replay, ChainError> {
        let mut replay = Replay::new(LETTER);
        for e in entries {
            replay.apply(e)?;
        }
        Ok(replay)
    }

    /// An entry as format 1 wrote it: no website.
    fn v1(mut e: Entry) -> Entry {
        e.format = 1;
        e.website = None;
        e
    }

    #[test]
    fn the_encoding_is_netstrings_in_a_fixed_order() {
        let e = v1(entry(1, Action::Text, "", GENESIS));
        let text = String::from_utf8(e.canonical(LETTER)).unwrap();
        assert!(text.starts_with("27:undersigned-ledger-entry-v1,36:0192f1c2-"));
        assert!(text.contains(",1:1,27:2026-11-28T10:00:01.000001Z,4:text,0:,"));
        assert!(text.ends_with(&format!("64:{GENESIS},")));
        // Field boundaries cannot be shifted: moving text between two fields changes the hash.
        let mut moved = e.clone();
        moved.name = "x".into();
        moved.country = String::new();
        let mut other = e.clone();
        other.name = String::new();
        other.country = "x".into();
        assert_ne!(moved.compute_hash(LETTER), other.compute_hash(LETTER));
        assert_ne!(e.compute_hash(LETTER), e.compute_hash("another letter"));
    }

    /// The vectors of docs/VERIFY.md, computed there by an independent implementation.
    #[test]
    fn the_documented_test_vectors_hold() {
        let letter = "0192f1c2-5e0a-7c3d-9a41-2f1e8d7b6c5a";
        let text_hash = crate::domain::letter::text_hash("Stop spyware", "Dear CEO,");
        assert_eq!(
            text_hash,
            "2ad0c16b5345e59cb29fa641e7f85394191d13dc4e6c46f38bd3305ff8f2b7d1"
        );
        let first = Entry {
            seq: 1,
            format: 1,
            time: "2026-11-20T10:00:00.000000Z".into(),
            action: Action::Text,
            organisation: String::new(),
            name: String::new(),
            country: String::new(),
            verification: String::new(),
            website: None,
            text_hash: text_hash.clone(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
        .sealed(letter);
        assert_eq!(
            first.hash,
            "6ca756ad9e557093a4c5d86bc838f44df26763e5e4b08e04350332f0ec939c47"
        );
        let second = Entry {
            seq: 2,
            format: 1,
            time: "2026-11-20T10:04:31.220981Z".into(),
            action: Action::Published,
            organisation: "access-now".into(),
            name: "Access Now".into(),
            country: "US".into(),
            verification: "domain".into(),
            website: None,
            text_hash: text_hash.clone(),
            prev_hash: first.hash.clone(),
            hash: String::new(),
        }
        .sealed(letter);
        assert_eq!(
            second.hash,
            "97eae92cbc06b87ad148fcc9fef798f29874b3fea560f27f515e0e16d7fec1b0"
        );
        // RFC 8032's first test key.
        let key =
            LedgerKey::from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap();
        assert_eq!(
            key.public_hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let head = key.sign_head(letter, 2, &second.hash);
        assert_eq!(
            head.signature,
            "b814c164c53a223c9a6dd5d2e27327800781f68563bacdb80a427503df95ba9a\
             b7aa685be6020644c406c04f65b1e78d48cb3041ebe5b308252b7aa951b9f70b"
        );

        // Format 2 (issue 18, finding 8): the same two entries with the website.
        let first2 = Entry {
            format: 2,
            website: Some(String::new()),
            hash: String::new(),
            ..first.clone()
        }
        .sealed(letter);
        assert_eq!(
            first2.hash,
            "c4f6dbcb096d87d1c60928da78b63d09d3a4bcef228ff328907a963935addcfc"
        );
        let second2 = Entry {
            format: 2,
            website: Some("https://www.accessnow.org/".into()),
            prev_hash: first2.hash.clone(),
            hash: String::new(),
            ..second.clone()
        }
        .sealed(letter);
        assert_eq!(
            second2.hash,
            "ded07504a35a37fbb957b55695c2154f965056a16418136e49e4d104793cf944"
        );
        assert_eq!(
            key.sign_head(letter, 2, &second2.hash).signature,
            "1bef3eb8d3649c4f003199d1eb3b4d938571155ea704ebc9fb5a779f63c3926a\
             4e003848fb252441886038fe08e52092ed899d9e1702546c8f87e9e81f75b803"
        );
        // A mixed chain: the two format-1 entries, then a format-2 update of the website.
        let third = Entry {
            seq: 3,
            format: 2,
            time: "2026-11-21T08:30:00.000000Z".into(),
            action: Action::Updated,
            website: Some("https://accessnow.org/".into()),
            prev_hash: second.hash.clone(),
            hash: String::new(),
            ..second.clone()
        }
        .sealed(letter);
        assert_eq!(
            third.hash,
            "b4cf836b9bba4c48209ee355ae5a235e19b0873995ed01d1ac731a89883cb9d7"
        );
        let mut replay = Replay::new(letter);
        for e in [&first, &second, &third] {
            replay.apply(e).unwrap();
        }
        let listed = &replay.listed["access-now"];
        assert_eq!(listed.website.as_deref(), Some("https://accessnow.org/"));
    }

    #[test]
    fn a_sound_chain_replays_to_its_list() {
        let replay = replay(&chain()).unwrap();
        assert_eq!(replay.length, 4);
        assert_eq!(replay.head, chain()[3].hash);
        assert_eq!(replay.listed.keys().collect::<Vec<_>>(), ["beta"]);
        assert_eq!(replay.text_hash.as_deref(), Some("ab".repeat(32).as_str()));
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_entry() {
        let fields: Vec<fn(&mut Entry)> = vec![
            |e| e.time = "2026-11-28T10:00:09.000001Z".into(),
            |e| e.action = Action::Removed,
            |e| e.organisation = "other".into(),
            |e| e.name = "Forged".into(),
            |e| e.country = "DE".into(),
            |e| e.verification = "domain".into(),
            |e| e.website = Some("https://forged.example/".into()),
            |e| e.website = None,
            |e| e.format = 1,
            |e| e.format = 3,
            |e| e.text_hash = "cd".repeat(32),
            |e| e.prev_hash = GENESIS.into(),
            |e| e.hash = "ef".repeat(32),
            |e| e.seq = 7,
        ];
        for change in fields {
            let mut entries = chain();
            change(&mut entries[2]);
            assert_eq!(replay(&entries).unwrap_err().position, 3, "{entries:?}");
        }
        let mut removed = chain();
        removed.remove(1);
        assert_eq!(replay(&removed).unwrap_err().position, 2);
        let mut swapped = chain();
        swapped.swap(1, 2);
        assert_eq!(replay(&swapped).unwrap_err().position, 2);
        // Renumbered after a removal: the chain of hashes still breaks there.
        let mut renumbered = chain();
        renumbered.remove(1);
        renumbered[1].seq = 2;
        assert_eq!(replay(&renumbered).unwrap_err().position, 2);
    }

    #[test]
    fn a_rehashed_chain_still_breaks_on_meaning() {
        let a = entry(1, Action::Text, "", GENESIS);
        let b = entry(2, Action::Withdrawn, "ghost", &a.hash);
        let err = replay(&[a, b]).unwrap_err();
        assert_eq!(err.position, 2);
        assert!(err.problem.contains("not"), "{err}");
    }

    #[test]
    fn heads_are_signed_and_checked() {
        let key = LedgerKey::generate();
        let head = key.sign_head(LETTER, 4, &chain()[3].hash);
        assert_eq!(verify_head(&key.public_hex(), &head), Ok(()));
        let again = LedgerKey::from_hex(&key.seed_hex()).unwrap();
        assert_eq!(again.public_hex(), key.public_hex());
        for tampered in [
            Head {
                length: 3,
                ..head.clone()
            },
            Head {
                hash: GENESIS.into(),
                ..head.clone()
            },
            Head {
                letter: "other".into(),
                ..head.clone()
            },
        ] {
            assert!(verify_head(&key.public_hex(), &tampered).is_err());
        }
        let stranger = LedgerKey::generate();
        assert!(verify_head(&stranger.public_hex(), &head).is_err());
        assert!(LedgerKey::from_hex("abc").is_err());
    }

    #[test]
    fn the_list_must_be_what_the_ledger_implies() {
        let replay = replay(&chain()).unwrap();
        let beta = |name: &str| ListRow {
            organisation: "beta".into(),
            name: name.into(),
            country: "FR".into(),
            verification: "unverified".into(),
            website: "https://beta.example/".into(),
            text_hash: "ab".repeat(32),
            signed_at: "2026-11-28T10:00:03.000001Z".into(),
        };
        assert!(compare_list(&replay.listed, [beta("beta name")]).is_empty());
        assert_eq!(compare_list(&replay.listed, [beta("Forged")]).len(), 1);
        // Issue 18, finding 8: a website the ledger does not say is caught.
        let moved = ListRow {
            website: "https://forged.example/".into(),
            ..beta("beta name")
        };
        let problems = compare_list(&replay.listed, [moved]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("website"), "{problems:?}");
        assert_eq!(compare_list(&replay.listed, []).len(), 1);
        let intruder = ListRow {
            organisation: "intruder".into(),
            ..beta("Intruder")
        };
        let problems = compare_list(&replay.listed, [beta("beta name"), intruder]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("no ledger entry"), "{problems:?}");
    }

    /// Issue 18, finding 8: old format-1 entries verify as before, format 2 may follow them, and
    /// a website is compared only where the ledger records it.
    #[test]
    fn format_1_entries_still_verify_and_format_2_may_follow_but_never_precede_them() {
        let a = v1(entry(1, Action::Text, "", GENESIS)).sealed(LETTER);
        let b = v1(entry(2, Action::Published, "acme", &a.hash)).sealed(LETTER);
        let c = entry(3, Action::Published, "beta", &b.hash);
        let mixed = replay(&[a.clone(), b.clone(), c.clone()]).unwrap();
        assert_eq!(
            mixed.listed["acme"].website, None,
            "format 1 records no website"
        );
        assert_eq!(
            mixed.listed["beta"].website.as_deref(),
            Some("https://beta.example/")
        );
        let row = |org: &str, website: &str, at: &str| ListRow {
            organisation: org.into(),
            name: format!("{org} name"),
            country: "FR".into(),
            verification: "unverified".into(),
            website: website.into(),
            text_hash: "ab".repeat(32),
            signed_at: at.into(),
        };
        let rows = |acme: &str, beta: &str| {
            [
                row("acme", acme, "2026-11-28T10:00:02.000001Z"),
                row("beta", beta, "2026-11-28T10:00:03.000001Z"),
            ]
        };
        let problems = compare_list(&mixed.listed, rows("", "https://beta.example/"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            compare_list(&mixed.listed, rows("", "https://forged.example/")).len(),
            1
        );
        // A format-2 update brings acme's website under the ledger.
        let d = entry(4, Action::Updated, "acme", &c.hash);
        let updated = replay(&[a.clone(), b.clone(), c.clone(), d]).unwrap();
        let problems = compare_list(&updated.listed, rows("", "https://beta.example/"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("acme: the list shows website"),
            "{problems:?}"
        );

        // The format never goes back.
        let back = v1(entry(4, Action::Published, "gamma", &c.hash)).sealed(LETTER);
        let err = replay(&[a, b, c, back]).unwrap_err();
        assert_eq!(err.position, 4);
        assert!(err.problem.contains("never goes back"), "{err}");
    }

    fn item(id: i64, action: &str, e: &Entry) -> FeedItem {
        FeedItem {
            id,
            action: action.into(),
            organisation: e.organisation.clone(),
            name: e.name.clone(),
            country: e.country.clone(),
            time: e.time.clone(),
        }
    }

    /// Issue 18, finding 8: the change feed is checked against the ledger.
    #[test]
    fn the_feed_must_be_the_ledgers_changes() {
        let entries = chain();
        let feed = vec![
            item(10, "added", &entries[1]),
            item(11, "added", &entries[2]),
            item(12, "withdrawn", &entries[3]),
        ];
        let whole = FeedCoverage {
            from_start: true,
            to_end: true,
        };
        assert!(compare_feed(&entries, &feed, whole).is_empty());
        // An item removed, altered or made up.
        let mut removed = feed.clone();
        removed.remove(1);
        let problems = compare_feed(&entries, &removed, whole);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("ledger entry 3 (published beta"),
            "{problems:?}"
        );
        let mut renamed = feed.clone();
        renamed[0].name = "Forged".into();
        let problems = compare_feed(&entries, &renamed, whole);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("feed item 10 shows name \"Forged\""),
            "{problems:?}"
        );
        let mut moved = feed.clone();
        moved[2].action = "added".into();
        let problems = compare_feed(&entries, &moved, whole);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("feed item 12"), "{problems:?}");
        // A page covers only its stretch: entries before its first item are not missing...
        let page = FeedCoverage {
            from_start: false,
            to_end: true,
        };
        assert!(compare_feed(&entries, &feed[1..], page).is_empty());
        // ...but one inside it or after it (when nothing follows) is.
        let problems = compare_feed(&entries, &feed[..2], page);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("ledger entry 4"), "{problems:?}");
        let partial = FeedCoverage {
            from_start: false,
            to_end: false,
        };
        assert!(compare_feed(&entries, &feed[..2], partial).is_empty());
        let gap = [feed[0].clone(), feed[2].clone()];
        assert_eq!(compare_feed(&entries, &gap, partial).len(), 1);
    }

    /// Issue 18, finding 8: the texts served must be the ledger's texts.
    #[test]
    fn served_texts_must_hash_to_the_ledgers_text_entries() {
        let text = |label: &str, title: &str, body: &str| ServedText {
            label: label.into(),
            title: title.into(),
            body: body.into(),
            text_hash: crate::domain::letter::text_hash(title, body),
        };
        let v1 = text("version 1", "Stop spyware", "Dear CEO,");
        let v2 = text("version 2", "Stop spyware", "Dear CEO, now.");
        let fr = text("the fr translation", "Arrêtez", "Madame,");
        let letter = ServedText {
            label: "the letter".into(),
            ..v2.clone()
        };
        let texts = vec![
            v1.text_hash.clone(),
            fr.text_hash.clone(),
            v2.text_hash.clone(),
        ];
        let versions = [v1.clone(), v2.clone()];
        let translations = [fr.clone()];
        let problems = compare_texts(&texts, &letter, &versions, &translations);
        assert!(problems.is_empty(), "{problems:?}");
        // The body changed behind the hash: caught by hashing.
        let edited = ServedText {
            body: "Dear CEO, forged.".into(),
            ..letter.clone()
        };
        let problems = compare_texts(&texts, &edited, &versions, &translations);
        assert!(
            problems[0].contains("the letter: its title and body hash to"),
            "{problems:?}"
        );
        // The body and its hash changed, with the latest version: no text entry has it.
        let forged = text("version 2", "Stop spyware", "Forged.");
        let forged_letter = ServedText {
            label: "the letter".into(),
            ..forged.clone()
        };
        let problems = compare_texts(&texts, &forged_letter, &[v1.clone(), forged], &translations);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems.iter().all(|p| p.contains("is in no text entry")),
            "{problems:?}"
        );
        // Versions out of the ledger's order; a letter showing an older version.
        let problems = compare_texts(&texts, &letter, &[v2.clone(), v1.clone()], &translations);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("version 1: its text entry is not after")),
            "{problems:?}"
        );
        let old = ServedText {
            label: "the letter".into(),
            ..v1.clone()
        };
        let problems = compare_texts(&texts, &old, &versions, &translations);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("not its latest version"),
            "{problems:?}"
        );
    }
}
