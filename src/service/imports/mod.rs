//! Importing an existing list of signatory organisations (CSV or plain text, see
//! `domain::import`) into the shared directory and, optionally, as signatures on a letter.
//!
//! [`preview`] reads only: every line with what saving would do (a new organisation or an
//! existing one, a new signature or one the organisation has already) or why it must be
//! reviewed. [`apply`] does the same and saves, in transactions of [`BATCH`] lines: each missing
//! organisation is created in the directory (unverified, audited as `organisation.created`), and
//! with a letter each organisation without a live signature on it gets a **published** signature
//! marked `imported` (no representative, the CSV's email or none), listed, counted and entered
//! in the letter's ledger by `public_list::publish` as every published signature is, and audited
//! as `signature.imported`. One `import.applied` event records the counts. A live signature the
//! organisation has already (pending, awaiting moderation or published) is left as it is.
//!
//! A line is saved only when it is certain: lines up for review (no country, an unknown or
//! ambiguous one, a bad name, website or email) are skipped and reported, unless the request
//! carries a country chosen for them (`countries`, by line number). Importing the same list
//! again finds every organisation and signature and creates nothing. A failure part-way keeps
//! the batches saved before it; importing again completes the rest.

mod report;
pub use report::*;
use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::Actor;
use super::audit::{self, Event};
use super::letters::{self, Audience, LetterView};
use super::organisations::{self, NewOrganisationInput};
use super::signatures::{self as signing, Signer};
use super::{new_id, now, public_list};
use crate::db::models::{Country, Organisation, Signature};
use crate::db::schema::{organisations as orgs, signatures};
use crate::db::DbConnection;
use crate::domain::import::{self, Entry, Format, Issue, Line, Outcome};
use crate::domain::ledger::LedgerKey;
use crate::domain::token::TokenKey;
use crate::domain::{LetterState, Permission, SignatureState, SignatureVerification, Verification};
use crate::error::{AppError, FieldCollector};

/// The most content one import may hold, in bytes (the HTTP body limit, `max_body_bytes`, is
/// usually lower; the command line has only this one).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The most lines one import may hold.
pub const MAX_LINES: usize = 20_000;
/// Lines saved per transaction.
pub const BATCH: usize = 200;

/// An import as sent (the JSON body, or the dashboard's form), before parsing.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFields {
    /// `csv` (a header row names the columns: name, country, website, email) or `text` (one
    /// organisation per line, such as `Name (Country)`); default `text`.
    #[serde(default)]
    #[schema(example = "text")]
    pub format: String,
    /// The list itself.
    #[serde(default)]
    #[schema(example = "Access Now (US)\nBits of Freedom (the Netherlands)\nRights Watch (Congo)")]
    pub content: String,
    /// A letter's slug: sign it, too, for every organisation of the list.
    #[serde(default)]
    pub letter: Option<String>,
    /// Countries chosen in review, by line number (a code or an English name): `{"3": "CD"}`.
    #[serde(default)]
    pub countries: BTreeMap<String, String>,
}

/// A parsed import request.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub format: Format,
    pub content: String,
    pub letter: Option<String>,
    /// Chosen countries by line number, as written (checked against the country list later).
    pub countries: BTreeMap<usize, String>,
}

impl ImportFields {
    /// Check the fields that need no database: 413 over [`MAX_BYTES`], 422 naming each bad field.
    pub fn parse(&self) -> Result<ImportRequest, AppError> {
        if self.content.len() > MAX_BYTES {
            return Err(AppError::PayloadTooLarge { limit: MAX_BYTES });
        }
        let mut errors = FieldCollector::new();
        let format = if self.format.trim().is_empty() {
            Some(Format::Text)
        } else {
            errors.check("format", self.format.parse::<Format>())
        };
        if self.content.trim().is_empty() {
            errors.add("content", "is required");
        } else if self.content.lines().count() > MAX_LINES {
            errors.add("content", format!("must have at most {MAX_LINES} lines"));
        }
        let letter = self
            .letter
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let mut countries = BTreeMap::new();
        for (key, value) in &self.countries {
            let field = format!("countries.{key}");
            match key.trim().parse::<usize>() {
                Ok(n) if n > 0 => {
                    if !value.trim().is_empty() {
                        countries.insert(n, value.trim().to_string());
                    }
                }
                _ => errors.add(&field, "must be keyed by a line number (1, 2, …)"),
            }
        }
        errors.finish()?;
        Ok(ImportRequest {
            format: format.unwrap_or(Format::Text),
            content: self.content.clone(),
            letter,
            countries,
        })
    }
}

/// Refuse (409) unless signatures may be imported into the letter: open or closed (a list
/// collected on paper may come after the letter closed), not a draft (its text may change) nor
/// delivered or archived (its list is final).
pub fn ensure_importable(letter: &LetterView) -> Result<(), AppError> {
    match letter.state() {
        LetterState::Open | LetterState::Closed => Ok(()),
        state => Err(AppError::conflict(
            "letter_not_importable",
            format!(
                "this letter is {state}: signatures can be imported into an open or closed letter only"
            ),
        )),
    }
}

/// Check permissions, the letter and the chosen countries, then parse and resolve the lines.
fn prepare(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &ImportRequest,
) -> Result<(Option<LetterView>, Vec<Line>), AppError> {
    actor.require_anywhere(Permission::ManageDirectory)?;
    let letter = match &request.letter {
        None => None,
        Some(slug) => {
            let view = match letters::find_for(conn, actor, slug, Permission::ManageLetters) {
                Err(AppError::NotFound(_)) => {
                    return Err(AppError::field("letter", format!("no letter is {slug:?}")))
                }
                other => other?,
            };
            ensure_importable(&view)?;
            Some(view)
        }
    };
    let countries: Vec<Country> = super::countries::all(conn)?;
    let mut errors = FieldCollector::new();
    let raw = errors.check(
        "content",
        import::parse(request.format, &request.content, &countries),
    );
    let mut chosen = BTreeMap::new();
    for (line, text) in &request.countries {
        let field = format!("countries.{line}");
        if let Some(code) = errors.check(&field, super::countries::parse_in(&countries, text)) {
            chosen.insert(*line, code);
        }
        if let Some(raw) = &raw {
            if !raw.iter().any(|r| r.line == *line) {
                errors.add(
                    &field,
                    format!("the list has no organisation on line {line}"),
                );
            }
        }
    }
    errors.finish()?;
    let lines = import::resolve_lines(raw.unwrap_or_default(), &countries, &chosen);
    Ok((letter, lines))
}

fn report_of(line: &Line) -> LineReport {
    let raw = &line.raw;
    let mut report = LineReport {
        line: raw.line,
        text: raw.text.clone(),
        status: LineStatus::Review,
        name: raw.name.clone(),
        country_as_written: raw.country.clone(),
        country: None,
        website: raw.website.clone(),
        email: raw.email.clone(),
        issues: Vec::new(),
        duplicate_of: None,
        organisation: None,
        organisation_slug: None,
        signature: None,
    };
    match &line.outcome {
        Outcome::Ready(entry) => {
            report.status = LineStatus::Ready;
            report.name = entry.name.as_str().to_string();
            report.country = Some(entry.country.as_str().to_string());
            report.website = entry.website.as_ref().map(|w| w.as_str().to_string());
        }
        Outcome::Review(issues) => report.issues = issues.clone(),
        Outcome::Duplicate(first) => {
            report.status = LineStatus::Duplicate;
            report.duplicate_of = Some(*first);
        }
    }
    report
}

/// The directory's organisations with these (normalised name, country) keys.
fn existing(
    conn: &mut DbConnection,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Organisation>, AppError> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let names: Vec<&str> = chunk.iter().map(|(n, _)| n.as_str()).collect();
        let rows: Vec<Organisation> = orgs::table
            .filter(orgs::normalized_name.eq_any(&names))
            .select(Organisation::as_select())
            .load(conn)?;
        for org in rows {
            found.insert((org.normalized_name.clone(), org.country_code.clone()), org);
        }
    }
    Ok(found)
}

/// The states of the live signatures these organisations have on a letter.
fn live_states(
    conn: &mut DbConnection,
    letter_id: &str,
    organisation_ids: &[String],
) -> Result<HashMap<String, String>, AppError> {
    let mut found = HashMap::new();
    for chunk in organisation_ids.chunks(500) {
        let rows: Vec<(String, String)> = signatures::table
            .filter(signatures::letter_id.eq(letter_id))
            .filter(signatures::organisation_id.eq_any(chunk))
            .filter(signing::is_live())
            .select((signatures::organisation_id, signatures::state))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

fn signature_outcome(state: Option<&str>) -> SignatureOutcome {
    match state {
        None => SignatureOutcome::New,
        Some(s) if s == SignatureState::Published.as_str() => SignatureOutcome::AlreadySigned,
        Some(_) => SignatureOutcome::Awaiting,
    }
}

/// Every line with what saving would do with it.
fn survey(
    conn: &mut DbConnection,
    letter: Option<&LetterView>,
    lines: &[Line],
) -> Result<Vec<LineReport>, AppError> {
    let keys: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| match &l.outcome {
            Outcome::Ready(entry) => Some(entry.key()),
            _ => None,
        })
        .collect();
    let found = existing(conn, &keys)?;
    let states = match letter {
        Some(letter) => {
            let ids: Vec<String> = found.values().map(|o| o.id.clone()).collect();
            live_states(conn, &letter.letter.id, &ids)?
        }
        None => HashMap::new(),
    };
    Ok(lines
        .iter()
        .map(|line| {
            let mut report = report_of(line);
            if let Outcome::Ready(entry) = &line.outcome {
                let org = found.get(&entry.key());
                report.organisation = Some(match org {
                    Some(_) => OrganisationOutcome::Existing,
                    None => OrganisationOutcome::New,
                });
                report.organisation_slug = org.map(|o| o.slug.clone());
                if letter.is_some() {
                    let state = org.and_then(|o| states.get(&o.id)).map(String::as_str);
                    report.signature = Some(signature_outcome(state));
                }
            }
            report
        })
        .collect())
}

/// What saving would do, line by line. Stores nothing.
pub fn preview(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &ImportRequest,
) -> Result<ImportReport, AppError> {
    let (letter, lines) = prepare(conn, actor, request)?;
    let reports = survey(conn, letter.as_ref(), &lines)?;
    Ok(ImportReport {
        saved: false,
        format: request.format,
        letter: letter.map(|l| l.letter.slug),
        totals: Totals::of(&reports),
        lines: reports,
    })
}

/// The keys an import saves with: the link tokens' key (a signature's token hashes are derived
/// from its id, as for any signature) and the ledger's.
pub struct Keys<'a> {
    pub tokens: &'a TokenKey,
    pub ledger: &'a LedgerKey,
}

/// Save one ready line within the batch's transaction.
fn save(
    conn: &mut DbConnection,
    keys: &Keys<'_>,
    actor: &Actor,
    letter: Option<&LetterView>,
    entry: &Entry,
) -> Result<(Organisation, OrganisationOutcome, Option<SignatureOutcome>), AppError> {
    let found = orgs::table
        .filter(orgs::normalized_name.eq(entry.name.normalized()))
        .filter(orgs::country_code.eq(entry.country.as_str()))
        .select(Organisation::as_select())
        .first(conn)
        .optional()?;
    let (organisation, outcome) = match found {
        Some(org) => (org, OrganisationOutcome::Existing),
        None => {
            let view = organisations::create(
                conn,
                actor,
                NewOrganisationInput {
                    name: entry.name.clone(),
                    country: entry.country.clone(),
                    website: entry.website.clone(),
                    email_domain: None,
                    description: None,
                    verification: Verification::Unverified,
                },
            )?;
            (view.organisation, OrganisationOutcome::New)
        }
    };
    let Some(letter) = letter else {
        return Ok((organisation, outcome, None));
    };
    let live: Option<String> = signatures::table
        .filter(signatures::letter_id.eq(&letter.letter.id))
        .filter(signatures::organisation_id.eq(&organisation.id))
        .filter(signing::is_live())
        .select(signatures::state)
        .first(conn)
        .optional()?;
    let signed = signature_outcome(live.as_deref());
    if signed == SignatureOutcome::New {
        let now = now();
        let signer = Signer {
            representative_name: String::new(),
            representative_role: String::new(),
            email: entry
                .email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            comment: None,
            text_hash: letter.letter.text_hash.clone(),
            mail_language: crate::service::signatures::mail_language(None, &letter.letter),
        };
        let row = signing::new_row(
            keys.tokens,
            &letter.letter,
            &organisation,
            signer,
            SignatureState::Published,
            now,
            Some(SignatureVerification::Imported),
        );
        diesel::insert_into(signatures::table)
            .values(&row)
            .execute(conn)?;
        diesel::update(signatures::table.find(&row.id))
            .set((
                signatures::confirmed_at.eq(Some(now)),
                signatures::published_at.eq(Some(now)),
            ))
            .execute(conn)?;
        let signature: Signature = signatures::table
            .find(&row.id)
            .select(Signature::as_select())
            .first(conn)?;
        public_list::publish(conn, keys.ledger, &signature, &organisation, now)?;
        let details = audit::naming(&organisation, json!({}));
        Event::new("signature.imported", ("signature", &row.id), details)
            .on_letter(&letter.coalition.id, &letter.letter.id)
            .record(conn, actor)?;
    }
    Ok((organisation, outcome, Some(signed)))
}

/// Import the list: every ready line saved, in transactions of [`BATCH`] lines; `progress`
/// hears (lines saved, lines to save) after each. Review and duplicate lines are skipped and
/// reported. Ends with one `import.applied` audit event with the counts.
pub fn apply(
    conn: &mut DbConnection,
    keys: &Keys<'_>,
    actor: &Actor,
    request: &ImportRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, AppError> {
    let (letter, lines) = prepare(conn, actor, request)?;
    let mut reports = survey(conn, letter.as_ref(), &lines)?;
    let ready: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.outcome, Outcome::Ready(_)))
        .map(|(i, _)| i)
        .collect();
    let total = ready.len();
    progress(0, total);
    let mut done = 0;
    for batch in ready.chunks(BATCH) {
        let saved = crate::db::write_transaction(conn, |conn| {
            // The letter may have moved on since the last batch.
            let letter = match &letter {
                Some(l) => {
                    let now = letters::find(conn, &l.letter.id, Audience::Admin)?;
                    ensure_importable(&now)?;
                    Some(now)
                }
                None => None,
            };
            let mut saved = Vec::with_capacity(batch.len());
            for &i in batch {
                if let Outcome::Ready(entry) = &lines[i].outcome {
                    saved.push((i, save(conn, keys, actor, letter.as_ref(), entry)?));
                }
            }
            Ok(saved)
        })?;
        for (i, (organisation, outcome, signed)) in saved {
            let report = &mut reports[i];
            report.organisation = Some(outcome);
            report.organisation_slug = Some(organisation.slug);
            report.signature = signed;
        }
        done += batch.len();
        progress(done, total);
    }
    let totals = Totals::of(&reports);
    crate::db::write_transaction(conn, |conn| {
        audit::record(
            conn,
            actor,
            Event {
                coalition_id: letter.as_ref().map(|l| l.coalition.id.as_str()),
                letter_id: letter.as_ref().map(|l| l.letter.id.as_str()),
                subject_kind: "import",
                subject_id: &new_id(),
                action: "import.applied",
                details: json!({
                    "format": request.format,
                    "letter": letter.as_ref().map(|l| l.letter.slug.as_str()),
                    "totals": totals,
                }),
            },
        )
    })?;
    Ok(ImportReport {
        saved: true,
        format: request.format,
        letter: letter.map(|l| l.letter.slug),
        totals,
        lines: reports,
    })
}
