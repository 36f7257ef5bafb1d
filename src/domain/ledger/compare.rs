//! Comparing what a server shows (its list, change feed and texts) with what its ledger says.

#[allow(unused_imports)]
use super::*;

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
/// [`crate::domain::letter::text_hash`]) to its `text_hash`, which must be a text entry; the versions
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
        let actual = crate::domain::letter::text_hash(&text.title, &text.body);
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
