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

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::api::changes::{atom_title, ATOM_ENTRIES, MAX_LIMIT as FEED_PAGE};
use crate::api::ledger::{LedgerPage, PublicKeyJson};
use crate::domain::ledger::{
    compare_feed, compare_list, compare_texts, format_time, verify_head, Action, Entry,
    FeedCoverage, FeedItem, Head, ListRow, Replay, ServedText, GENESIS,
};

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A letter's URL, or a saved ledger file.
    pub source: String,
    /// A saved list (`…/signatories?all=true`) to check a saved ledger against.
    pub list: Option<PathBuf>,
    /// An earlier head: a saved letter JSON, ledger JSON or head JSON.
    pub since: Option<PathBuf>,
    /// The public key to trust (hex) instead of the one the service publishes now.
    pub key: Option<String>,
    /// A saved letter (`/api/v1/letters/{slug}`), whose text to check against a saved ledger.
    pub letter: Option<PathBuf>,
    /// Its saved versions (`…/versions`), with `letter`.
    pub versions: Option<PathBuf>,
    /// Its saved translations (`…/translations`), with `letter`.
    pub translations: Option<PathBuf>,
    /// A saved page of the change feed (`…/changes`).
    pub changes: Option<PathBuf>,
    /// A saved Atom feed (`…/changes.atom`), checked against the saved change feed.
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

/// A signatory as the list endpoint shows it (the fields the ledger covers).
#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
struct CountryJson {
    code: String,
}

/// A saved list: the answer of `…/signatories?all=true`.
#[derive(Debug, Deserialize)]
pub struct ListJson {
    pub items: Vec<ListedJson>,
}

/// A time as the entries write it: the API writes times as short as they can be, the ledger with
/// six digits.
fn entry_time(time: String) -> String {
    chrono::DateTime::parse_from_rfc3339(&time)
        .map(|t| format_time(t.naive_utc()))
        .unwrap_or(time)
}

impl ListedJson {
    fn row(self) -> ListRow {
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
    id: Option<String>,
    /// The version's number (versions; the letter's current one in the letter).
    #[serde(default)]
    version: Option<i64>,
    /// The translation's language (the letter's own in the letter).
    #[serde(default)]
    language: Option<String>,
    title: String,
    body: String,
    text_hash: String,
}

impl TextJson {
    fn served(&self, label: String) -> ServedText {
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
    id: i64,
    action: String,
    organisation: String,
    organisation_slug: String,
    country: CountryNameJson,
    at: String,
}

#[derive(Debug, Clone, Deserialize)]
struct CountryNameJson {
    code: String,
    #[serde(default)]
    name: String,
}

impl ChangeItemJson {
    fn item(&self) -> FeedItem {
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

/// A successful answer to `GET url`.
async fn get(client: &reqwest::Client, url: &str) -> anyhow::Result<reqwest::Response> {
    let response = client
        .get(url)
        .send()
        .await
        .with_context(|| format!("fetching {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url} answered {status}");
    }
    Ok(response)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> anyhow::Result<T> {
    (get(client, url).await?)
        .json()
        .await
        .with_context(|| format!("reading {url}"))
}

async fn get_text(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    (get(client, url).await?)
        .text()
        .await
        .with_context(|| format!("reading {url}"))
}

/// The whole change feed, page by page from the start.
async fn get_feed(client: &reqwest::Client, base: &str, slug: &str) -> anyhow::Result<Feed> {
    let (mut items, mut after) = (Vec::new(), 0);
    loop {
        let page: ChangesJson = get_json(
            client,
            &format!("{base}/api/v1/letters/{slug}/changes?after={after}&limit={FEED_PAGE}"),
        )
        .await?;
        let more = page.more && page.cursor > after;
        after = page.cursor;
        items.extend(page.items);
        if !more {
            break;
        }
    }
    let atom = get_text(
        client,
        &format!("{base}/api/v1/letters/{slug}/changes.atom"),
    )
    .await?;
    Ok(Feed {
        items,
        coverage: FeedCoverage {
            from_start: true,
            to_end: true,
        },
        atom: Some(atom),
    })
}

/// The letter's texts as the service serves them.
async fn get_texts(client: &reqwest::Client, base: &str, slug: &str) -> anyhow::Result<Texts> {
    let letter = format!("{base}/api/v1/letters/{slug}");
    Ok(Texts {
        letter: get_json(client, &letter).await?,
        versions: get_json(client, &format!("{letter}/versions")).await?,
        translations: get_json(client, &format!("{letter}/translations")).await?,
    })
}

/// What was saved besides the ledger.
fn read_served(options: &Options) -> anyhow::Result<Served> {
    let list = match &options.list {
        Some(path) => Some(read_json::<ListJson>(path)?.items),
        None => None,
    };
    let texts = match &options.letter {
        Some(path) => Some(Texts {
            letter: read_json(path)?,
            versions: options
                .versions
                .as_ref()
                .map(read_json)
                .transpose()?
                .unwrap_or_default(),
            translations: (options.translations.as_ref().map(read_json).transpose()?)
                .unwrap_or_default(),
        }),
        None if options.versions.is_some() || options.translations.is_some() => {
            bail!("--versions and --translations need the saved letter (--letter)")
        }
        None => None,
    };
    let feed = match &options.changes {
        Some(path) => {
            let page: ChangesJson = read_json(path)?;
            let atom = (options.atom.as_ref())
                .map(|p| {
                    std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
                })
                .transpose()?;
            Some(Feed {
                items: page.items,
                // A saved page may start anywhere; it covers from its first item.
                coverage: FeedCoverage {
                    from_start: false,
                    to_end: !page.more,
                },
                atom,
            })
        }
        None if options.atom.is_some() => {
            bail!("--atom is checked against the saved change feed (--changes)")
        }
        None => None,
    };
    Ok(Served { list, texts, feed })
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
