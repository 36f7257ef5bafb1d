//! Importing a list of signatory organisations from the dashboard (`/dashboard/imports`): paste
//! the list (plain text or CSV), optionally pick a letter, and preview it; the preview shows
//! every line (ready, with its organisation new or existing and its signature; up for review,
//! with why and a country to choose; duplicate) and stores nothing. Its "Import" form posts the
//! same content again with the countries chosen, and redirects (303) to the page with what was
//! saved; when lines were left out for review it answers the page itself, listing them with why
//! and putting them back in the form (in the same format) to correct and import. Both forms carry the CSRF token; both call the same
//! service as the API (`service::imports`).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::db::models::Country;
use crate::domain::import::Candidate;
use crate::domain::{LetterState, Permission};
use crate::error::{AppError, FieldErrors};
use crate::http::commands::run_import;
use crate::i18n::{Arg, Lang};
use crate::service::access::UserActor;
use crate::service::dashboard;
use crate::service::imports::{
    self, ImportFields, ImportReport, LineReport, LineStatus, OrganisationOutcome,
    SignatureOutcome, Totals,
};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{see_other, PageError, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/imports" => [web::get().to(page), web::post().to(save)];
        "/dashboard/imports/preview" => web::post().to(preview);
    });
}

/// A letter that can take an import, for the letter choice.
struct LetterOption {
    slug: String,
    title: String,
    coalition: String,
    state: String,
}

/// One line of the preview, as the table shows it.
struct Row {
    line: usize,
    text: String,
    status: &'static str,
    name: String,
    country: String,
    /// What saving does with it, in words.
    outcome: String,
    issues: Vec<String>,
    /// A country to choose: the line is up for review for its country only.
    choose: bool,
    candidates: Vec<Candidate>,
    chosen: String,
}

impl Row {
    fn of(t: Lang, line: &LineReport, chosen: &BTreeMap<usize, String>, has_letter: bool) -> Row {
        let message = |id: Option<&str>| id.map(|id| t.get(id)).unwrap_or_default();
        let organisation = message(match line.organisation {
            Some(OrganisationOutcome::New) => Some("dash-import-outcome-new"),
            Some(OrganisationOutcome::Existing) => Some("dash-import-outcome-existing"),
            None => None,
        });
        let signature = message(match line.signature {
            Some(SignatureOutcome::New) => Some("dash-import-outcome-signs"),
            Some(SignatureOutcome::AlreadySigned) => Some("dash-import-outcome-signed"),
            Some(SignatureOutcome::Awaiting) => Some("dash-import-outcome-awaiting"),
            None => None,
        });
        let outcome = match line.status {
            LineStatus::Ready => {
                format!("{organisation}{}", if has_letter { &signature } else { "" })
            }
            LineStatus::Review => t.get("dash-import-outcome-review"),
            LineStatus::Duplicate => t.with1(
                "dash-import-outcome-duplicate",
                "line",
                line.duplicate_of.unwrap_or_default(),
            ),
        };
        Row {
            line: line.line,
            text: line.text.clone(),
            status: match line.status {
                LineStatus::Ready => "ready",
                LineStatus::Review => "review",
                LineStatus::Duplicate => "duplicate",
            },
            name: line.name.clone(),
            country: line.country.clone().unwrap_or_default(),
            outcome,
            issues: line.issues.iter().map(|i| i.message.clone()).collect(),
            choose: line.needs_only_a_country(),
            candidates: line
                .issues
                .iter()
                .flat_map(|i| i.candidates.iter().cloned())
                .collect(),
            chosen: chosen.get(&line.line).cloned().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "dashboard/imports.html")]
struct ImportPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    letters: Vec<LetterOption>,
    format: String,
    content: String,
    letter: String,
    errors: FormErrors,
    /// The preview's lines and totals.
    rows: Vec<Row>,
    report: Option<ImportReport>,
    /// Countries chosen for lines that are ready now (kept as hidden fields).
    kept: Vec<(usize, String)>,
    countries: &'a [Country],
    message: Option<String>,
    /// After an import: the lines it left out for review, with why.
    left_out: Vec<Row>,
}

/// The import forms as posted: the fields of [`ImportFields`], and a `country.N` per line whose
/// country was chosen.
#[derive(Debug, Deserialize)]
struct ImportForm {
    #[serde(default)]
    format: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    letter: String,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

impl ImportForm {
    fn fields(&self) -> ImportFields {
        ImportFields {
            format: self.format.clone(),
            content: self.content.clone(),
            letter: Some(self.letter.clone()),
            countries: self
                .rest
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("country.")?.to_string(), v.as_str()?)))
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
        }
    }

    fn chosen(&self) -> BTreeMap<usize, String> {
        self.fields()
            .countries
            .into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect()
    }
}

/// Letters the coordinator may import signatures into: open or closed, in coalitions where
/// they manage letters.
async fn letter_options(dash: &Dashboard) -> Result<Vec<LetterOption>, AppError> {
    let coalitions = dash.read(dashboard::overview).await?;
    Ok(coalitions
        .into_iter()
        .filter(|c| c.role.allows(Permission::ManageLetters))
        .flat_map(|c| {
            let name = c.name.clone();
            c.letters.into_iter().filter_map(move |l| {
                let importable = matches!(
                    l.state.parse(),
                    Ok(LetterState::Open) | Ok(LetterState::Closed)
                );
                importable.then(|| LetterOption {
                    slug: l.slug,
                    title: l.title,
                    coalition: name.clone(),
                    state: l.state,
                })
            })
        })
        .collect())
}

/// The page as one answer shows it.
struct Respond<'a> {
    status: StatusCode,
    /// The form's values (none: the empty form).
    form: Option<&'a ImportForm>,
    errors: FormErrors,
    /// A preview's report.
    report: Option<ImportReport>,
    message: Option<String>,
    /// After an import: the lines it left out for review.
    left_out: Vec<Row>,
}

impl<'a> Respond<'a> {
    fn new(status: StatusCode, form: Option<&'a ImportForm>) -> Respond<'a> {
        Respond {
            status,
            form,
            errors: FormErrors::default(),
            report: None,
            message: None,
            left_out: Vec::new(),
        }
    }

    async fn render(self, dash: &Dashboard) -> PageReply {
        let letters = letter_options(dash).await?;
        let countries = dash.state.countries.get(&dash.state.db).await?;
        let form = self.form;
        let chosen = form.map(ImportForm::chosen).unwrap_or_default();
        let rows: Vec<Row> = (self.report.as_ref())
            .map(|r| {
                (r.lines.iter())
                    .map(|l| Row::of(dash.t, l, &chosen, r.letter.is_some()))
                    .collect()
            })
            .unwrap_or_default();
        let kept = (chosen.iter())
            .filter(|(n, _)| !rows.iter().any(|r| r.line == **n && r.choose))
            .map(|(n, c)| (*n, c.clone()))
            .collect();
        dash.render(self.status, |csrf| ImportPage {
            me: dash.me(),
            csrf,
            t: dash.t,
            letters,
            format: form.map_or_else(|| "text".to_string(), |f| f.format.clone()),
            content: form.map(|f| f.content.clone()).unwrap_or_default(),
            letter: form.map(|f| f.letter.clone()).unwrap_or_default(),
            errors: self.errors,
            rows,
            report: self.report,
            kept,
            countries: &countries,
            message: self.message,
            left_out: self.left_out,
        })
    }
}

/// The page's query: a letter to preselect, and after an import (the page a POST redirects to,
/// so a reload imports nothing again) what it saved and left out, as numbers only: the notice
/// is written here, so an address cannot make the page say anything else.
#[derive(Deserialize)]
struct PageQuery {
    letter: Option<String>,
    saved: Option<u8>,
    organisations_new: Option<usize>,
    organisations_existing: Option<usize>,
    signatures_new: Option<usize>,
    already_signed: Option<usize>,
    awaiting: Option<usize>,
    duplicate: Option<usize>,
    /// Lines left for review, comma-separated.
    review: Option<String>,
}

impl PageQuery {
    fn message(&self, t: Lang) -> Option<String> {
        self.saved?;
        let n = |v: Option<usize>| v.unwrap_or_default();
        let done = Done {
            letter: (self.letter.as_deref())
                .and_then(|l| crate::domain::Slug::parse(l).ok())
                .map(|l| l.as_str().to_string()),
            totals: Totals {
                organisations_new: n(self.organisations_new),
                organisations_existing: n(self.organisations_existing),
                signatures_new: n(self.signatures_new),
                already_signed: n(self.already_signed),
                awaiting: n(self.awaiting),
                duplicate: n(self.duplicate),
                ..Totals::default()
            },
            review: (self.review.as_deref().unwrap_or(""))
                .split(',')
                .filter_map(|l| l.trim().parse::<usize>().ok())
                .collect(),
        };
        Some(done.notice(t))
    }
}

/// What an import saved and left out, for the notice that says it.
struct Done {
    letter: Option<String>,
    totals: Totals,
    /// The lines left out for review.
    review: Vec<usize>,
}

impl Done {
    fn of(report: &ImportReport) -> Done {
        Done {
            letter: report.letter.clone(),
            totals: report.totals,
            review: (report.lines.iter())
                .filter(|l| l.status == LineStatus::Review)
                .map(|l| l.line)
                .collect(),
        }
    }

    fn notice(&self, t: Lang) -> String {
        let totals = &self.totals;
        let mut text = t.with(
            "dash-import-done",
            &[
                ("new", Arg::from(totals.organisations_new)),
                ("existing", totals.organisations_existing.into()),
            ],
        );
        if let Some(letter) = &self.letter {
            text.push(' ');
            text.push_str(&t.with(
                "dash-import-done-letter",
                &[
                    ("letter", letter.as_str().into()),
                    ("new", totals.signatures_new.into()),
                    ("already", totals.already_signed.into()),
                    ("awaiting", totals.awaiting.into()),
                ],
            ));
        }
        if !self.review.is_empty() {
            let lines: Vec<String> = self.review.iter().map(usize::to_string).collect();
            text.push(' ');
            text.push_str(&t.with(
                "dash-import-done-review",
                &[
                    ("count", self.review.len().into()),
                    ("lines", lines.join(", ").into()),
                ],
            ));
        }
        if totals.duplicate > 0 {
            text.push(' ');
            text.push_str(&t.with1("dash-import-done-repeated", "count", totals.duplicate));
        }
        text
    }
}

async fn page(dash: Dashboard, query: web::Query<PageQuery>) -> PageReply {
    dash.actor.require_anywhere(Permission::ManageDirectory)?;
    let form = ImportForm {
        format: "text".into(),
        content: String::new(),
        letter: query.letter.clone().unwrap_or_default(),
        rest: BTreeMap::new(),
    };
    let page = Respond {
        message: query.message(dash.t),
        ..Respond::new(StatusCode::OK, Some(&form))
    };
    page.render(&dash).await
}

/// A failed post shown on its form: invalid fields (422), a letter that takes no import (409,
/// under the letter, as the directory's forms show a duplicate), or content over the limit (413).
/// Anything else is an error page.
fn on_form(e: AppError) -> Result<(StatusCode, FormErrors), PageError> {
    match e {
        AppError::PayloadTooLarge { limit } => {
            let mut fields = FieldErrors::new();
            fields.insert(
                "content".into(),
                vec![format!("is larger than the limit of {limit} bytes").into()],
            );
            Ok((StatusCode::PAYLOAD_TOO_LARGE, FormErrors(fields)))
        }
        other => super::directory::on_form(other, "letter"),
    }
}

async fn preview(dash: Dashboard, pairs: Pairs) -> PageReply {
    let form = dash.post::<ImportForm>(pairs.0)?.data;
    let result = match form.fields().parse() {
        Ok(request) => {
            dash.read(move |conn, actor| imports::preview(conn, actor, &request))
                .await
        }
        Err(e) => Err(e),
    };
    let (status, errors, report) = match result {
        Ok(report) => (StatusCode::OK, FormErrors::default(), Some(report)),
        Err(e) => {
            let (status, errors) = on_form(e)?;
            (status, errors, None)
        }
    };
    let page = Respond {
        errors,
        report,
        ..Respond::new(status, Some(&form))
    };
    page.render(&dash).await
}

/// Where an import redirects: the page, with what it saved and left out.
fn result_address(report: &ImportReport) -> Result<String, AppError> {
    let t = &report.totals;
    let review: Vec<String> = report
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Review)
        .map(|l| l.line.to_string())
        .collect();
    let query = serde_urlencoded::to_string([
        ("saved", "1".to_string()),
        ("letter", report.letter.clone().unwrap_or_default()),
        ("organisations_new", t.organisations_new.to_string()),
        (
            "organisations_existing",
            t.organisations_existing.to_string(),
        ),
        ("signatures_new", t.signatures_new.to_string()),
        ("already_signed", t.already_signed.to_string()),
        ("awaiting", t.awaiting.to_string()),
        ("duplicate", t.duplicate.to_string()),
        ("review", review.join(",")),
    ])
    .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(format!("/dashboard/imports?{query}"))
}

async fn save(dash: Dashboard, pairs: Pairs) -> PageReply {
    let form = dash.post::<ImportForm>(pairs.0)?.data;
    let result = match form.fields().parse() {
        Ok(request) => run_import(&dash.state, dash.actor.clone(), request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) if report.totals.review == 0 => Ok(see_other(result_address(&report)?)),
        // Lines were left out: the page itself, not a redirect, so that their text is not lost:
        // listed with why, and in the form again to be corrected and imported on their own.
        // (Posting it again imports nothing twice: what was saved is found.)
        Ok(report) => {
            let again = ImportForm {
                format: form.format.clone(),
                content: report.left_out_content()?,
                letter: form.letter.clone(),
                rest: BTreeMap::new(),
            };
            let message = Done::of(&report).notice(dash.t);
            let left_out = (report.lines.iter())
                .filter(|l| l.status == LineStatus::Review)
                .map(|l| Row::of(dash.t, l, &BTreeMap::new(), report.letter.is_some()))
                .collect();
            let page = Respond {
                message: Some(message),
                left_out,
                ..Respond::new(StatusCode::OK, Some(&again))
            };
            page.render(&dash).await
        }
        Err(e) => {
            let (status, errors) = on_form(e)?;
            let page = Respond {
                errors,
                ..Respond::new(status, Some(&form))
            };
            page.render(&dash).await
        }
    }
}
