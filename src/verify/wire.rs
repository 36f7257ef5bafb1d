//! What the verifier reads: the JSON and Atom a server serves, as the verifier parses them.

#[allow(unused_imports)]
use super::*;

/// A signatory as the list endpoint shows it (the fields the ledger covers).
#[derive(Debug, Clone, Deserialize)]
pub struct ListedJson {
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) country: CountryJson,
    #[serde(default)]
    pub(super) website: Option<String>,
    pub(super) verification: String,
    pub(super) signed_at: String,
    pub(super) text_hash: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct CountryJson {
    pub(super) code: String,
}

/// A saved list: the answer of `…/signatories?all=true`.
#[derive(Debug, Deserialize)]
pub struct ListJson {
    pub items: Vec<ListedJson>,
}

/// A time as the entries write it: the API writes times as short as they can be, the ledger with
/// six digits.
pub(super) fn entry_time(time: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&time)
        .map(|t| format_time(t.naive_utc()))
        .unwrap_or(time)
}

impl ListedJson {
    pub(super) fn row(self) -> ListRow {
        ListRow {
            organisation: self.slug,
            name: self.name,
            country: self.country.code,
            verification: self.verification,
            website: self.website.unwrap_or_default(),
            text_hash: self.text_hash,
            signed_at: entry_time(self.signed_at),
        }
    }
}

/// A text the service serves: the letter (`/api/v1/letters/{slug}`), one of its versions
/// (`…/versions`) or translations (`…/translations`).
#[derive(Debug, Clone, Deserialize)]
pub struct TextJson {
    /// The letter's id (the letter only).
    #[serde(default)]
    pub(super) id: Option<String>,
    /// The version's number (versions; the letter's current one in the letter).
    #[serde(default)]
    pub(super) version: Option<i64>,
    /// The translation's language (the letter's own in the letter).
    #[serde(default)]
    pub(super) language: Option<String>,
    pub(super) title: String,
    pub(super) body: String,
    pub(super) text_hash: String,
}

impl TextJson {
    pub(super) fn served(&self, label: String) -> ServedText {
        ServedText {
            label,
            title: self.title.clone(),
            body: self.body.clone(),
            text_hash: self.text_hash.clone(),
        }
    }
}

/// The texts the service serves for a letter.
#[derive(Debug, Clone)]
pub struct Texts {
    pub letter: TextJson,
    pub versions: Vec<TextJson>,
    pub translations: Vec<TextJson>,
}

/// One item of the change feed (`…/changes`).
#[derive(Debug, Clone, Deserialize)]
pub struct ChangeItemJson {
    pub(super) id: i64,
    pub(super) action: String,
    pub(super) organisation: String,
    pub(super) organisation_slug: String,
    pub(super) country: CountryNameJson,
    pub(super) at: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(super) struct CountryNameJson {
    pub(super) code: String,
    #[serde(default)]
    pub(super) name: String,
}

impl ChangeItemJson {
    pub(super) fn item(&self) -> FeedItem {
        FeedItem {
            id: self.id,
            action: self.action.clone(),
            organisation: self.organisation_slug.clone(),
            name: self.organisation.clone(),
            country: self.country.code.clone(),
            time: entry_time(self.at.clone()),
        }
    }
}

/// A page of the change feed, as served.
#[derive(Debug, Deserialize)]
pub struct ChangesJson {
    pub items: Vec<ChangeItemJson>,
    pub cursor: i64,
    pub more: bool,
}

/// The change feed as fetched or saved, and the Atom feed (its XML) if any.
#[derive(Debug, Clone)]
pub struct Feed {
    pub items: Vec<ChangeItemJson>,
    pub coverage: FeedCoverage,
    pub atom: Option<String>,
}

/// What the service serves besides the ledger, each checked against it when present.
#[derive(Debug, Clone, Default)]
pub struct Served {
    pub list: Option<Vec<ListedJson>>,
    pub texts: Option<Texts>,
    pub feed: Option<Feed>,
}
