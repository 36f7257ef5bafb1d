//! The letter page as it is drawn: what it shows, and the sentences it composes in the
//! visitor's language.

#[allow(unused_imports)]
use super::*;
use crate::domain::licence::Licence;

#[derive(Template)]
#[template(path = "letter.html")]
pub(super) struct LetterPage {
    view: LetterView,
    /// The title and language shown: the letter's, or the translation's.
    title: String,
    language: String,
    languages: Vec<String>,
    versions: Vec<(String, i32)>,
    body_html: Arc<str>,
    groups: Vec<CountryGroup>,
    summary: ListSummary,
    /// The signed head of the letter's ledger.
    ledger: Head,
    /// How many are listed by name (all, up to `letters::PAGE_LISTS`).
    listed: usize,
    open: bool,
    /// The sign form's countries: everyday names in the page's language, in its order.
    countries: Vec<NamedCountry>,
    form: SignFields,
    errors: FieldErrors,
    csrf: String,
    campaign: Option<(String, String)>,
    delivery: Option<crate::db::models::Delivery>,
    /// The page's own address, for link previews (Open Graph) and its canonical link.
    url: String,
    /// The interface's language.
    t: Lang,
    /// The letter has no text in the interface's language: it reads in its own, with a notice.
    untranslated: bool,
    /// The public list's licence (the instance's), and the letter text's (`None`: all rights
    /// reserved by the coalition).
    data_licence: Licence,
    text_licence: Option<Licence>,
}

/// What a page listing signatories shows next to a name: the domain a badge proved, the version
/// signed when it is not the current one.
pub(super) trait ListsSignatories {
    fn view(&self) -> &LetterView;
    /// The versions of the text: (text hash, version number).
    fn versions(&self) -> &[(String, i32)];

    /// The domain a `domain` badge proved (issue 18, finding 5), shown in the badge.
    fn verified_domain(&self, verification: &str, website: &Option<String>) -> String {
        crate::domain::verification::verified_domain(verification, website.as_deref())
            .unwrap_or_default()
    }

    /// The version a signatory signed, when it is not the current text (or a translation of
    /// it): shown next to their name.
    fn older_version(&self, hash: &str) -> Option<i32> {
        self.versions()
            .iter()
            .find(|(h, _)| h == hash)
            .map(|&(_, v)| v)
            .filter(|&v| v != self.view().letter.version)
    }
}

impl ListsSignatories for LetterPage {
    fn view(&self) -> &LetterView {
        &self.view
    }
    fn versions(&self) -> &[(String, i32)] {
        &self.versions
    }
}

impl LetterPage {
    /// The messages for one field, joined, or "".
    fn err(&self, field: &str) -> String {
        crate::error::messages_in(&self.errors, field, self.t)
    }

    fn has_err(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// One sentence for link previews and search results: who it is to, and how many signed.
    fn preview_text(&self) -> String {
        let to = self
            .t
            .with1("letter-to", "recipient", &self.view.letter.recipient_name);
        match self.summary.total {
            0 => to,
            _ => format!("{to}. {}", self.count_sentence("signed-in-all")),
        }
    }

    /// `id` with the list's counts: "{ $organisations } from { $countries } …".
    fn count_sentence(&self, id: &str) -> String {
        let t = &self.t;
        let organisations = t.with1("count-organisations", "count", self.summary.total);
        let countries = t.with1("count-countries", "count", self.summary.countries.len());
        t.with(
            id,
            &[
                ("organisations", organisations.into()),
                ("countries", countries.into()),
            ],
        )
    }

    /// "Cite this list": the letter, its counts, the list's version and the address that answers
    /// that version for good (`?version=`, `api::signatories::snapshots`).
    fn citation(&self) -> String {
        let t = &self.t;
        let slug = &self.view.letter.slug;
        let base = (self.url).trim_end_matches(&format!("/letters/{slug}"));
        let version = self.summary.version;
        let date = (self.summary.changed_at)
            .map(|at| t.date(at.date_naive()))
            .unwrap_or_default();
        let args = [
            ("coalition", (&self.view.coalition.name).into()),
            ("title", (&self.title).into()),
            ("recipient", (&self.view.letter.recipient_name).into()),
            (
                "organisations",
                t.with1("count-organisations", "count", self.summary.total)
                    .into(),
            ),
            (
                "countries",
                t.with1("count-countries", "count", self.summary.countries.len())
                    .into(),
            ),
            ("version", version.to_string().into()),
            ("date", date.into()),
            (
                "url",
                format!("{base}/api/v1/letters/{slug}/signatories?version={version}").into(),
            ),
        ];
        t.with("citation", &args)
    }

    /// "40 organisations from 1 country signed so far." (or "signed." once closed).
    fn signed_sentence(&self) -> String {
        self.count_sentence(if self.open {
            "signed-so-far"
        } else {
            "signed-in-all"
        })
    }

    /// The delivery notice, with its date and counts as delivered.
    fn delivered_sentence(&self, d: &crate::db::models::Delivery) -> String {
        let t = &self.t;
        t.with(
            "delivered",
            &[
                ("recipient", (&self.view.letter.recipient_name).into()),
                ("date", t.date(d.delivered_at.date()).into()),
                (
                    "organisations",
                    t.with1("count-organisations", "count", d.signatories)
                        .into(),
                ),
                (
                    "countries",
                    t.with1("count-countries", "count", d.countries).into(),
                ),
            ],
        )
    }

    /// The sentence on the signed public record, with its number of changes.
    fn record_sentence(&self) -> String {
        let changes = self.t.with1("count-changes", "count", self.ledger.length);
        self.t.with1("record", "changes", changes)
    }

    /// The notice over a list cut short on the page.
    fn first_listed_sentence(&self) -> String {
        self.t.with(
            "first-listed",
            &[
                ("listed", self.listed.into()),
                ("total", self.summary.total.into()),
            ],
        )
    }

    /// The link to one country's whole list.
    fn all_from(&self, g: &CountryGroup) -> String {
        self.t.with(
            "all-from-country",
            &[("count", g.count.into()), ("country", (&g.name).into())],
        )
    }

    /// The languages to switch to: the interface's (by their own names), then any other
    /// language the letter has a text in (by its code).
    fn language_links(&self) -> Vec<(String, String)> {
        let mut links: Vec<(String, String)> = Lang::all()
            .map(|l| (l.code().to_string(), l.name()))
            .collect();
        for code in &self.languages {
            if !links.iter().any(|(c, _)| c.eq_ignore_ascii_case(code)) {
                links.push((code.clone(), code.clone()));
            }
        }
        links
    }

    fn is_interface_language(&self, code: &str) -> bool {
        Lang::parse(code).is_some_and(|l| l.code() == code)
    }

    /// The error summary at the top of the sign form (the GOV.UK pattern): each message with its
    /// field's label, in the form's order, and the id of the field it links to. A message about
    /// no field of the form (`organisation`, from a directory match) links to the first field.
    fn error_summary(&self) -> Vec<(&'static str, String)> {
        let item = |label: &str, message: String| {
            let args = [
                ("field", self.t.get(label).into()),
                ("message", message.into()),
            ];
            self.t.with("error-item", &args)
        };
        let mut summary: Vec<_> = SIGN_FIELDS
            .iter()
            .filter(|(field, _)| self.has_err(field))
            .map(|&(field, label)| (field, item(label, self.err(field))))
            .collect();
        for field in self.errors.keys() {
            if !SIGN_FIELDS.iter().any(|(f, _)| f == field) {
                summary.push((
                    "organisation_name",
                    item("field-organisation", self.err(field)),
                ));
            }
        }
        summary
    }
}

/// The sign form's fields in the order they appear, with their labels' message ids.
const SIGN_FIELDS: [(&str, &str); 8] = [
    ("organisation_name", "field-organisation"),
    ("country", "field-country"),
    ("website", "field-website"),
    ("representative_name", "field-name"),
    ("representative_role", "field-role"),
    ("email", "field-email"),
    ("comment", "field-comment"),
    ("consent", "field-consent"),
];

pub(super) fn letter_page(
    t: Lang,
    (public_url, data_licence): (&str, &Licence),
    data: letters::PublicPage,
    countries: &[Country],
    form: SignFields,
    errors: FieldErrors,
    csrf: String,
) -> LetterPage {
    let view = data.view;
    let slug = view.letter.slug.clone();
    let (title, language) = match &data.reading {
        Some(translation) => (translation.title.clone(), translation.language.clone()),
        None => (view.letter.title.clone(), view.letter.language.clone()),
    };
    let untranslated = !language.eq_ignore_ascii_case(t.code());
    // Everyday country names in the page's language, in its order (issue 22, item 4); the
    // service's rows keep the ISO names the open data uses.
    let names = t.country_names();
    let (mut groups, mut summary) = (data.groups, data.summary);
    for g in &mut groups {
        g.name = names.name(&g.code, &g.name);
    }
    groups.sort_by(|a, b| names.compare(&a.name, &b.name));
    for c in &mut summary.countries {
        c.name = names.name(&c.code, &c.name);
    }
    let text_licence = view.text_licence();
    LetterPage {
        body_html: data.body_html,
        title,
        language,
        languages: data.languages,
        versions: data.versions,
        listed: groups.iter().map(|g| g.signatories.len()).sum(),
        open: view.state() == crate::domain::LetterState::Open,
        view,
        groups,
        summary,
        ledger: data.ledger,
        countries: names.list(countries.iter().map(|c| (c.code.as_str(), c.name.as_str()))),
        form,
        errors,
        csrf,
        campaign: data.campaign,
        delivery: data.delivery,
        url: format!("{public_url}/letters/{}", slug),
        untranslated,
        data_licence: data_licence.clone(),
        text_licence,
        t,
    }
}
