//! `undersigned verify`: check a letter's ledger and list from the outside, as a journalist
//! would, with nothing but what the service publishes (docs/VERIFY.md).
//!
//! From a URL (the letter's page or its API address) it fetches the service's public key, the
//! whole ledger, the whole list, the letter with its versions and translations, the whole change
//! feed and its Atom feed. From a FILE it reads a saved ledger (the answer of
//! `…/ledger?all=true`), and whichever of the others were saved (`--list`, `--letter`,
//! `--versions`, `--translations`, `--changes`, `--atom`). Then it
//! 1. checks that the ledger's key is the service's (or the one pinned with `--key`);
//! 2. replays the chain, naming the first entry that does not check;
//! 3. checks that the head is the chain's end and that its signature is the key's;
//! 4. checks that the list is exactly what the entries add up to (websites too, from entry
//!    format 2 on);
//! 5. checks that every text served hashes to a `text` entry, the letter showing its latest
//!    version (issue 18, finding 8);
//! 6. checks the change feed against the entries, and the Atom feed against the change feed
//!    (issue 18, finding 8);
//! 7. given an earlier head (`--since`), checks that the ledger extends it and lists the changes
//!    made since.

mod fetch;
use fetch::*;
mod wire;
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use wire::*;

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::api::changes::{atom_title, ATOM_ENTRIES, MAX_LIMIT as FEED_PAGE};
use crate::api::ledger::{LedgerPage, PublicKeyJson};
use crate::domain::ledger::{
    compare_feed, compare_list, compare_texts, format_time, verify_head, Action, Entry,
    FeedCoverage, FeedItem, Head, ListRow, Replay, ServedText, GENESIS,
};

/// What to check: `undersigned verify`'s arguments.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Options {
    /// The letter's URL (its page or API address), or a saved `…/ledger?all=true` file.
    pub source: String,
    /// An earlier head to compare with: a saved letter JSON, ledger JSON or head.
    #[arg(long)]
    pub since: Option<PathBuf>,
    /// With a saved ledger: the saved list (`…/signatories?all=true`) to check against it.
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// The service's public key (64 hex digits) to trust, instead of the one it publishes.
    #[arg(long)]
    pub key: Option<String>,
    /// With a saved ledger: the saved letter (`/api/v1/letters/SLUG`), whose text to check.
    #[arg(long)]
    pub letter: Option<PathBuf>,
    /// With --letter: its saved versions (`…/versions`).
    #[arg(long)]
    pub versions: Option<PathBuf>,
    /// With --letter: its saved translations (`…/translations`).
    #[arg(long)]
    pub translations: Option<PathBuf>,
    /// With a saved ledger: a saved page of the change feed (`…/changes`).
    #[arg(long)]
    pub changes: Option<PathBuf>,
    /// With --changes: the saved Atom feed (`…/changes.atom`).
    #[arg(long)]
    pub atom: Option<PathBuf>,
}

/// The outcome: each check with its result, and the changes since the earlier head.
#[derive(Debug, Default)]
pub struct Report {
    pub letter: String,
    pub length: i64,
    pub head: String,
    pub checks: Vec<(String, Result<(), String>)>,
    /// What changed since the earlier head, one line per entry.
    pub changes: Vec<String>,
    /// Organisations listed now, and those joined and left since the earlier head.
    pub listed: usize,
    pub joined: usize,
    pub left: usize,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|(_, result)| result.is_ok())
    }

    /// The first failed check's message.
    pub fn failure(&self) -> Option<&str> {
        self.checks
            .iter()
            .find_map(|(_, r)| r.as_ref().err().map(String::as_str))
    }

    fn check(&mut self, what: &str, result: Result<(), String>) {
        self.checks.push((what.to_string(), result));
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "letter {}", self.letter)?;
        writeln!(f, "ledger: {} entries, head {}", self.length, self.head)?;
        for (what, result) in &self.checks {
            match result {
                Ok(()) => writeln!(f, "ok    {what}")?,
                Err(problem) => writeln!(f, "FAIL  {what}: {problem}")?,
            }
        }
        if !self.changes.is_empty() {
            writeln!(
                f,
                "since the earlier head: {} joined, {} left; {} listed now",
                self.joined, self.left, self.listed
            )?;
            for change in &self.changes {
                writeln!(f, "  {change}")?;
            }
        }
        write!(
            f,
            "{}",
            if self.ok() {
                "VERIFIED"
            } else {
                "NOT VERIFIED"
            }
        )
    }
}

/// Check everything `options` names. `Err` means the check could not run (unreachable service,
/// unreadable file); a failed check is in the report.
pub async fn verify(options: &Options) -> anyhow::Result<Report> {
    let since = options.since.as_ref().map(read_head).transpose()?;
    if !options.source.starts_with("http://") && !options.source.starts_with("https://") {
        let page: LedgerPage = read_json(&PathBuf::from(&options.source))?;
        let served = read_served(options)?;
        return Ok(check(&page, options.key.as_deref(), served, since.as_ref()));
    }
    let (base, slug) = parse_letter_url(&options.source)?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("undersigned-verify/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let published: PublicKeyJson = get_json(
        &client,
        &format!("{base}/.well-known/undersigned-ledger-key"),
    )
    .await?;
    let key = match &options.key {
        Some(pinned) if !pinned.trim().eq_ignore_ascii_case(&published.public_key) => {
            let mut report = Report::default();
            report.check(
                "the service's key is the one you pinned",
                Err(format!(
                    "the service publishes {}, not {}",
                    published.public_key,
                    pinned.trim()
                )),
            );
            return Ok(report);
        }
        _ => published.public_key,
    };
    // The ledger and what it is compared with are several requests: a change between them is
    // retried, not reported.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let page: LedgerPage = get_json(
            &client,
            &format!("{base}/api/v1/letters/{slug}/ledger?all=true"),
        )
        .await?;
        let list: ListJson = get_json(
            &client,
            &format!("{base}/api/v1/letters/{slug}/signatories?all=true"),
        )
        .await?;
        let served = Served {
            list: Some(list.items),
            texts: Some(get_texts(&client, &base, &slug).await?),
            feed: Some(get_feed(&client, &base, &slug).await?),
        };
        let report = check(&page, Some(&key), served, since.as_ref());
        if report.ok() || attempts == 3 {
            return Ok(report);
        }
        let again: LedgerPage = get_json(
            &client,
            &format!("{base}/api/v1/letters/{slug}/ledger?limit=1"),
        )
        .await?;
        if again.head == page.head {
            return Ok(report);
        }
    }
}

/// Check a ledger (and what the service serves besides, and an earlier head) against a key: the
/// document's own when none is given.
pub fn check(page: &LedgerPage, key: Option<&str>, served: Served, since: Option<&Head>) -> Report {
    let mut report = Report {
        letter: format!("{} ({})", page.letter.slug, page.letter.id),
        length: page.head.length,
        head: page.head.hash.clone(),
        ..Report::default()
    };
    let key = match key {
        Some(key) => {
            let same = key.trim().eq_ignore_ascii_case(&page.public_key);
            report.check(
                "the ledger names the service's key",
                same.then_some(()).ok_or(format!(
                    "it names {}, the service's is {key}",
                    page.public_key
                )),
            );
            key.trim().to_string()
        }
        None => {
            report.check(
                "key taken from the ledger file itself (pass --key to pin the service's)",
                Ok(()),
            );
            page.public_key.clone()
        }
    };
    let letter_id = &page.letter.id;
    let mut replay = Replay::new(letter_id);
    let mut chain = Ok(());
    for entry in &page.entries {
        if let Err(e) = replay.apply(entry) {
            chain = Err(e.to_string());
            break;
        }
    }
    let chain_ok = chain.is_ok();
    report.check("every entry follows the one before it", chain);
    if !chain_ok {
        return report;
    }
    let head = &page.head;
    let ends = if head.letter != *letter_id {
        Err(format!("the head is for letter {}", head.letter))
    } else if (replay.length, replay.head.as_str()) != (head.length, head.hash.as_str()) {
        Err(format!(
            "the entries end at {} (length {}), the head says {} (length {})",
            replay.head, replay.length, head.hash, head.length
        ))
    } else {
        Ok(())
    };
    report.check("the head is the end of the entries", ends);
    report.check("the head is signed by the key", verify_head(&key, head));
    if let Some(list) = served.list {
        let problems = compare_list(&replay.listed, list.into_iter().map(ListedJson::row));
        report.check(
            &format!(
                "the list is what the ledger says ({} organisations)",
                replay.listed.len()
            ),
            summed_up(problems),
        );
    }
    if let Some(texts) = served.texts {
        let mut problems = Vec::new();
        if let Some(id) = texts.letter.id.as_ref().filter(|id| *id != letter_id) {
            problems.push(format!("the letter's JSON is of letter {id}"));
        }
        let versions: Vec<ServedText> = (texts.versions.iter().enumerate())
            .map(|(i, v)| v.served(format!("version {}", v.version.unwrap_or(i as i64 + 1))))
            .collect();
        let translations: Vec<ServedText> = (texts.translations.iter())
            .map(|t| {
                let language = t.language.as_deref().unwrap_or("?");
                t.served(format!("the {language} translation"))
            })
            .collect();
        problems.extend(compare_texts(
            &replay.texts,
            &texts.letter.served("the letter".into()),
            &versions,
            &translations,
        ));
        report.check(
            &format!(
                "the text is what the ledger says ({} versions, {} translations)",
                versions.len(),
                translations.len()
            ),
            summed_up(problems),
        );
    }
    if let Some(feed) = served.feed {
        let items: Vec<FeedItem> = feed.items.iter().map(ChangeItemJson::item).collect();
        let problems = compare_feed(&page.entries, &items, feed.coverage);
        report.check(
            &format!(
                "the change feed is what the ledger says ({} changes)",
                items.len()
            ),
            summed_up(problems),
        );
        if let Some(atom) = &feed.atom {
            let complete = feed.coverage.from_start && feed.coverage.to_end;
            report.check(
                "the Atom feed shows the latest changes of the change feed",
                check_atom(atom, &feed.items, complete),
            );
        }
    }
    report.listed = replay.listed.len();
    if let Some(earlier) = since {
        let result = extends(&page.entries, earlier, letter_id, &key);
        let extended = result.is_ok();
        report.check(
            &format!(
                "the ledger extends the earlier head (length {})",
                earlier.length
            ),
            result,
        );
        if extended {
            let start = earlier.length as usize;
            for entry in &page.entries[start..] {
                match entry.action {
                    Action::Published => report.joined += 1,
                    Action::Withdrawn | Action::Removed => report.left += 1,
                    Action::Updated | Action::Text => {}
                }
                report.changes.push(describe(entry));
            }
        }
    }
    report
}

/// The first problem, and how many more.
fn summed_up(problems: Vec<String>) -> Result<(), String> {
    match problems.as_slice() {
        [] => Ok(()),
        [only] => Err(only.clone()),
        [first, rest @ ..] => Err(format!("{first} (and {} more)", rest.len())),
    }
}

/// Whether the Atom feed (`xml`) shows the change feed's items as the service writes them: each
/// entry (`…#change-{id}`) with its item's title and time. With the whole change feed, the entries
/// must be exactly its latest [`ATOM_ENTRIES`] items, newest first.
fn check_atom(xml: &str, items: &[ChangeItemJson], complete: bool) -> Result<(), String> {
    let feed: atom_syndication::Feed = xml
        .parse()
        .map_err(|e| format!("the Atom feed is not Atom: {e}"))?;
    let by_id: BTreeMap<i64, &ChangeItemJson> = items.iter().map(|i| (i.id, i)).collect();
    let mut shown = Vec::new();
    for entry in feed.entries() {
        let id = (entry.id().rsplit_once("#change-"))
            .and_then(|(_, n)| n.parse::<i64>().ok())
            .ok_or_else(|| format!("the Atom entry {:?} names no change", entry.id()))?;
        shown.push(id);
        let Some(item) = by_id.get(&id) else {
            if complete {
                return Err(format!("Atom entry change-{id} is not in the change feed"));
            }
            continue;
        };
        let title = atom_title(&item.action, &item.organisation, &item.country.name);
        if entry.title().as_str() != title {
            return Err(format!(
                "Atom entry change-{id} says {:?}, the change feed {title:?}",
                entry.title().as_str()
            ));
        }
        let at = entry_time(item.at.clone());
        let updated = format_time(entry.updated().naive_utc());
        if updated != at {
            return Err(format!(
                "Atom entry change-{id} is dated {updated}, the change feed {at}"
            ));
        }
    }
    if complete {
        let mut latest: Vec<i64> = items.iter().map(|i| i.id).collect();
        latest.sort_unstable_by(|a, b| b.cmp(a));
        latest.truncate(ATOM_ENTRIES as usize);
        if shown != latest {
            let missing = latest.iter().find(|id| !shown.contains(id));
            return Err(match missing {
                Some(id) => format!("the Atom feed leaves out change-{id} of the latest changes"),
                None => "the Atom feed's entries are not the latest changes, newest first".into(),
            });
        }
    }
    Ok(())
}

/// Whether `entries` (a checked chain) extends the signed head `earlier`.
fn extends(entries: &[Entry], earlier: &Head, letter_id: &str, key: &str) -> Result<(), String> {
    if earlier.letter != letter_id {
        return Err(format!("the earlier head is of letter {}", earlier.letter));
    }
    verify_head(key, earlier).map_err(|e| format!("the earlier head: {e}"))?;
    let at = match earlier.length {
        0 => GENESIS,
        n if n as usize <= entries.len() => &entries[n as usize - 1].hash,
        n => {
            return Err(format!(
            "the ledger is shorter ({} entries) than the earlier head ({n}): entries were removed",
            entries.len()
        ))
        }
    };
    if at != earlier.hash {
        return Err(format!(
            "entry {} is now {at}, the earlier head had {}: history was rewritten",
            earlier.length, earlier.hash
        ));
    }
    Ok(())
}

fn describe(entry: &Entry) -> String {
    let who = format!(
        "{} ({}) [{}]",
        entry.name, entry.country, entry.organisation
    );
    let what = match entry.action {
        Action::Published => format!("+ {who} joined"),
        Action::Withdrawn => format!("- {who} withdrew"),
        Action::Removed => format!("- {who} was removed"),
        Action::Updated => match &entry.website {
            Some(website) if !website.is_empty() => {
                format!("~ {who} changed ({}, {website})", entry.verification)
            }
            _ => format!("~ {who} changed ({})", entry.verification),
        },
        Action::Text => format!("* text version {}", entry.text_hash),
    };
    format!("#{} {}  {what}", entry.seq, entry.time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_urls_name_the_service_and_the_slug() {
        for (url, base) in [
            (
                "https://l.example.org/letters/free-press",
                "https://l.example.org",
            ),
            (
                "https://l.example.org/api/v1/letters/free-press/ledger?all=true",
                "https://l.example.org",
            ),
            (
                "http://127.0.0.1:8080/sub/letters/free-press#x",
                "http://127.0.0.1:8080/sub",
            ),
        ] {
            assert_eq!(
                parse_letter_url(url).unwrap(),
                (base.to_string(), "free-press".to_string())
            );
        }
        assert!(parse_letter_url("https://l.example.org/organisations/x").is_err());
        assert!(parse_letter_url("https://l.example.org/letters/").is_err());
    }
}
