//! Read models of a letter that both handler layers show: the public page's data (the text in
//! the language asked for, counts for every country, the first [`PAGE_LISTS`] names grouped by
//! country, ledger head, campaign, delivery) and a letter's summary for the API ([`summarised`]).
//! Markdown is rendered here, on the blocking pool, never on the executor's threads.

use std::sync::Arc;

use super::*;
use crate::db::models::Translation;
use crate::domain::ledger::Head;
use crate::domain::markdown::to_safe_html;
use crate::service::public_list::{self, CountryGroup, ListSummary};
use crate::service::{campaigns, translations, versions};

/// Signatories the letter page and each of its country pages name; a longer list is paged.
pub const PAGE_LISTS: i64 = 1_000;

/// Everything the letter page shows.
pub struct PublicPage {
    pub view: LetterView,
    pub summary: ListSummary,
    pub ledger: Head,
    pub groups: Vec<CountryGroup>,
    /// The translation being read (`?lang=`), if any.
    pub reading: Option<Translation>,
    /// The text being read, rendered.
    pub body_html: Arc<str>,
    /// The languages it can be read in: its own first, then its translations'.
    pub languages: Vec<String>,
    /// The versions of its text: (text hash, version number).
    pub versions: Vec<(String, i32)>,
    /// Its campaign, when the public sees it: (slug, title).
    pub campaign: Option<(String, String)>,
    /// Its delivery, once delivered.
    pub delivery: Option<crate::db::models::Delivery>,
}

/// Everything the letter page shows, read in one go: the text in the first of the `wanted`
/// languages it has (else its own), counts for every country, names for the first `PAGE_LISTS`
/// signatories, grouped by country name.
pub fn public_page(
    conn: &mut crate::db::DbConnection,
    key: &LedgerKey,
    slug: &str,
    wanted: &[&str],
) -> Result<PublicPage, AppError> {
    let view = find(conn, slug, Audience::Public)?;
    let translations = translations::list(conn, &view.letter.id)?;
    // The first language wanted that the letter has a text in: its own (no translation to
    // read), or a translation's; none of them, and it reads in its own.
    let reading = wanted
        .iter()
        .filter(|lang| !lang.is_empty())
        .find_map(|lang| {
            if lang.eq_ignore_ascii_case(&view.letter.language) {
                Some(None)
            } else {
                (translations.iter())
                    .find(|t| t.language.eq_ignore_ascii_case(lang))
                    .map(|t| Some(t.clone()))
            }
        })
        .flatten();
    let mut languages = vec![view.letter.language.clone()];
    languages.extend(translations.iter().map(|t| t.language.clone()));
    let (_, history) = versions::list(conn, &Actor::Public, &view.letter.id)?;
    let versions = history
        .into_iter()
        .map(|v| (v.text_hash, v.version))
        .collect();
    let summary = public_list::summary(conn, &view.letter.id)?;
    let ledger = crate::service::ledger::head(conn, key, &view.letter.id)?;
    let groups = public_list::by_country(conn, &view.letter.id, &summary, PAGE_LISTS)?;
    let campaign = match &view.letter.campaign_id {
        Some(id) => campaigns::find(conn, id, &Audience::Public)
            .ok()
            .map(|c| (c.campaign.slug, c.campaign.title)),
        None => None,
    };
    let delivery = crate::service::deliveries::find(conn, &view.letter.id)?;
    // Rendered here, on the blocking pool, not on the async executor's threads.
    let body_html = to_safe_html(reading.as_ref().map_or(&view.letter.body, |t| &t.body));
    Ok(PublicPage {
        view,
        summary,
        ledger,
        groups,
        reading,
        body_html,
        languages,
        versions,
        campaign,
        delivery,
    })
}

/// A letter with what every answer carries of its list: the summary and the ledger's head.
pub struct Summarised {
    pub view: LetterView,
    pub signatories: ListSummary,
    pub ledger: Head,
    /// Its campaign's slug.
    pub campaign: Option<String>,
}

impl Summarised {
    /// When the letter or its list last changed.
    pub fn last_modified(&self) -> chrono::NaiveDateTime {
        let updated = self.view.letter.updated_at;
        (self.signatories.changed_at).map_or(updated, |c| c.naive_utc().max(updated))
    }
}

/// The letter `load` reads, with its list's summary, its ledger's head and its campaign.
pub fn summarised(
    conn: &mut crate::db::DbConnection,
    key: &LedgerKey,
    load: impl FnOnce(&mut crate::db::DbConnection) -> Result<LetterView, AppError>,
) -> Result<Summarised, AppError> {
    let view = load(conn)?;
    let signatories = public_list::summary(conn, &view.letter.id)?;
    let ledger = crate::service::ledger::head(conn, key, &view.letter.id)?;
    let campaign = campaigns::slug_of(conn, view.letter.campaign_id.as_deref())?;
    Ok(Summarised {
        view,
        signatories,
        ledger,
        campaign,
    })
}
