//! Fetching a letter's key, ledger, list, texts and feed over HTTP, or reading saved files.

#[allow(unused_imports)]
use super::*;

/// Where a letter's URL points: the service's base URL and the letter's slug.
pub(super) fn parse_letter_url(url: &str) -> anyhow::Result<(String, String)> {
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
pub(super) async fn get(client: &reqwest::Client, url: &str) -> anyhow::Result<reqwest::Response> {
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

pub(super) async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> anyhow::Result<T> {
    (get(client, url).await?)
        .json()
        .await
        .with_context(|| format!("reading {url}"))
}

pub(super) async fn get_text(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    (get(client, url).await?)
        .text()
        .await
        .with_context(|| format!("reading {url}"))
}

/// The whole change feed, page by page from the start.
pub(super) async fn get_feed(
    client: &reqwest::Client,
    base: &str,
    slug: &str,
) -> anyhow::Result<Feed> {
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
pub(super) async fn get_texts(
    client: &reqwest::Client,
    base: &str,
    slug: &str,
) -> anyhow::Result<Texts> {
    let letter = format!("{base}/api/v1/letters/{slug}");
    Ok(Texts {
        letter: get_json(client, &letter).await?,
        versions: get_json(client, &format!("{letter}/versions")).await?,
        translations: get_json(client, &format!("{letter}/translations")).await?,
    })
}

/// What was saved besides the ledger.
pub(super) fn read_served(options: &Options) -> anyhow::Result<Served> {
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
pub(super) fn read_head(path: &PathBuf) -> anyhow::Result<Head> {
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

pub(super) fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}
