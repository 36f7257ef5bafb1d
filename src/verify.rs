//! `undersigned verify`: check a letter's ledger and list from the outside, as a journalist
//! would, with nothing but what the service publishes (docs/VERIFY.md).
//!
//! From a URL (the letter's page or its API address) it fetches the service's public key, the
//! whole ledger and the whole list. From a FILE it reads a saved ledger (the answer of
//! `…/ledger?all=true`), and a saved list with `--list`. Then it
//! 1. checks that the ledger's key is the service's (or the one pinned with `--key`);
//! 2. replays the chain, naming the first entry that does not check;
//! 3. checks that the head is the chain's end and that its signature is the key's;
//! 4. checks that the list is exactly what the entries add up to (websites too, from entry
//!    format 2 on);
//! 5. given an earlier head (`--since`), checks that the ledger extends it and lists the changes
//!    made since.

use std::path::PathBuf;

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::api::ledger::{LedgerPage, PublicKeyJson};
use crate::domain::ledger::{
    compare_list, format_time, verify_head, Action, Entry, Head, ListRow, Replay, GENESIS,
};

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// A letter's URL, or a saved ledger file.
    pub source: String,
    /// A saved list (`…/signatories?all=true`) to check a saved ledger against.
    pub list: Option<PathBuf>,
    /// An earlier head: a saved letter JSON, ledger JSON or head JSON.
    pub since: Option<PathBuf>,
    /// The public key to trust (hex) instead of the one the service publishes now.
    pub key: Option<String>,
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

/// A signatory as the list endpoint shows it (the fields the ledger covers).
#[derive(Debug, Deserialize)]
pub struct ListedJson {
    name: String,
    slug: String,
    country: CountryJson,
    #[serde(default)]
    website: Option<String>,
    verification: String,
    signed_at: String,
    text_hash: String,
}

#[derive(Debug, Deserialize)]
struct CountryJson {
    code: String,
}

/// A saved list: the answer of `…/signatories?all=true`.
#[derive(Debug, Deserialize)]
pub struct ListJson {
    pub items: Vec<ListedJson>,
}

impl ListedJson {
    fn row(self) -> ListRow {
        // The list writes times as short as they can be; the ledger with six digits.
        let signed_at = chrono::DateTime::parse_from_rfc3339(&self.signed_at)
            .map(|t| format_time(t.naive_utc()))
            .unwrap_or(self.signed_at);
        ListRow {
            organisation: self.slug,
            name: self.name,
            country: self.country.code,
            verification: self.verification,
            website: self.website.unwrap_or_default(),
            text_hash: self.text_hash,
            signed_at,
        }
    }
}

/// Where a letter's URL points: the service's base URL and the letter's slug.
fn parse_letter_url(url: &str) -> anyhow::Result<(String, String)> {
    let parsed = url::Url::parse(url).with_context(|| format!("{url} is not a URL"))?;
    let path = parsed.path();
    let (before, after) = path
        .split_once("/api/v1/letters/")
        .or_else(|| path.split_once("/letters/"))
        .with_context(|| format!("{url} is not the address of a letter (…/letters/SLUG)"))?;
    let slug = after.split('/').next().unwrap_or("");
    if slug.is_empty() {
        bail!("{url} names no letter");
    }
    let mut base = parsed.clone();
    base.set_path(before);
    base.set_query(None);
    base.set_fragment(None);
    Ok((base.as_str().trim_end_matches('/').to_string(), slug.into()))
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> anyhow::Result<T> {
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("fetching {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    response
        .json()
        .await
        .with_context(|| format!("reading {url}"))
}

/// An earlier head from a saved file: a letter's JSON (its `ledger`), a ledger (its `head`), or
/// a head alone.
fn read_head(path: &PathBuf) -> anyhow::Result<Head> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let head = ["ledger", "head"]
        .iter()
        .find_map(|field| value.get(field).cloned())
        .unwrap_or(value);
    serde_json::from_value(head).with_context(|| format!("{} holds no ledger head", path.display()))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// Check everything `options` names. `Err` means the check could not run (unreachable service,
/// unreadable file); a failed check is in the report.
pub async fn verify(options: &Options) -> anyhow::Result<Report> {
    let since = options.since.as_ref().map(read_head).transpose()?;
    if !options.source.starts_with("http://") && !options.source.starts_with("https://") {
        let page: LedgerPage = read_json(&PathBuf::from(&options.source))?;
        let list = match &options.list {
            Some(path) => Some(read_json::<ListJson>(path)?.items),
            None => None,
        };
        return Ok(check(&page, options.key.as_deref(), list, since.as_ref()));
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
    // The list and the ledger are two requests: a change between them is retried, not reported.
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
        let report = check(&page, Some(&key), Some(list.items), since.as_ref());
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

/// Check a ledger (and a list, and an earlier head) against a key: the document's own when none
/// is given.
pub fn check(
    page: &LedgerPage,
    key: Option<&str>,
    list: Option<Vec<ListedJson>>,
    since: Option<&Head>,
) -> Report {
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
    if let Some(list) = list {
        let problems = compare_list(&replay.listed, list.into_iter().map(ListedJson::row));
        let result = match problems.as_slice() {
            [] => Ok(()),
            [only] => Err(only.clone()),
            [first, rest @ ..] => Err(format!("{first} (and {} more)", rest.len())),
        };
        report.check(
            &format!(
                "the list is what the ledger says ({} organisations)",
                replay.listed.len()
            ),
            result,
        );
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
