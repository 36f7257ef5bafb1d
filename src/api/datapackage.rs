//! `/api/v1/letters/{slug}/datapackage.json`: the data dictionary of a letter's public list, as a
//! Frictionless Data Package (<https://specs.frictionlessdata.io/data-package/>) with one tabular
//! data resource, the CSV: every column in order with its type and meaning, the values of
//! `verification`, the formula prefix, the licence. CI validates it, and the CSV it points to,
//! with the `frictionless` tool. The `Link` headers that point to it and to the list's licence
//! ([`data_links`]) go on the JSON and CSV lists.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::LetterData;
use super::{utc, Reply};
use crate::domain::licence::Licence;
use crate::domain::{SignatureVerification, Verification};
use crate::http::AppState;
use crate::service::letters::{self, Audience};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(datapackage);
}

/// Where a letter's data package is, absolute.
pub fn datapackage_url(public_url: &str, slug: &str) -> String {
    format!("{public_url}/api/v1/letters/{slug}/datapackage.json")
}

/// The `Link` of a list's answers (RFC 8288): its data dictionary (`describedby`) and its
/// licence (`license`, IANA's relation).
pub fn data_links(state: &AppState, slug: &str) -> String {
    format!(
        "<{}>; rel=\"describedby\", <{}>; rel=\"license\"",
        datapackage_url(&state.public_url, slug),
        state.data_licence.url
    )
}

/// A Frictionless Data Package (tabular): a letter's public list of signatories.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DataPackage {
    /// `tabular-data-package`.
    pub profile: &'static str,
    /// The letter's slug.
    pub name: String,
    /// The letter's title.
    pub title: String,
    pub description: String,
    /// The letter's page.
    pub homepage: String,
    /// The time of the list's latest change (or of the letter's, if later): the package as of
    /// then.
    pub created: DateTime<Utc>,
    /// The list's licence (the instance's `data_licence`).
    pub licenses: Vec<PackageLicence>,
    /// The letter's page, where the list is collected.
    pub sources: Vec<PackageSource>,
    /// One resource, `signatories`: the CSV.
    pub resources: Vec<PackageResource>,
}

/// A licence as a data package names it: `name` is its SPDX identifier, `path` its text.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackageLicence {
    pub name: String,
    pub path: String,
    pub title: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackageSource {
    pub title: String,
    pub path: String,
}

/// The CSV of the list (`tabular-data-resource`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackageResource {
    pub profile: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: String,
    /// The CSV's absolute URL (`/api/v1/letters/{slug}/signatories.csv`).
    pub path: String,
    pub format: &'static str,
    pub mediatype: &'static str,
    pub encoding: &'static str,
    pub dialect: CsvDialect,
    pub schema: TableSchema,
    pub licenses: Vec<PackageLicence>,
}

/// How the CSV is written (CSV Dialect).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CsvDialect {
    pub delimiter: &'static str,
    pub line_terminator: &'static str,
    pub quote_char: &'static str,
    pub double_quote: bool,
    pub header: bool,
    pub skip_initial_space: bool,
}

/// The columns (Table Schema).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    /// Every column of the CSV, in order.
    pub fields: Vec<TableField>,
    /// Only an empty cell is missing: `NA` (Namibia) is a value.
    pub missing_values: Vec<&'static str>,
    pub primary_key: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TableField {
    pub name: &'static str,
    pub title: &'static str,
    /// `string` or `datetime`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub description: String,
    pub constraints: FieldConstraints,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct FieldConstraints {
    pub required: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<&'static str>>,
}

/// What the CSV does to a cell a spreadsheet would run as a formula (`domain::spreadsheet`).
pub const FORMULA_RULE: &str = "A cell that starts with =, +, -, @, a tab or a carriage return \
    is written with an apostrophe (') before it, so that no spreadsheet runs it as a formula: \
    every cell, though in practice only names are so written. To get the value, remove the \
    apostrophe from a cell that starts with an apostrophe followed by one of those characters.";

/// The values of `verification`, as listed: the organisation's own (`Verification`), or the
/// signature's (`SignatureVerification`).
pub fn verification_values() -> Vec<&'static str> {
    let own = Verification::ALL.iter().map(|v| v.as_str());
    own.chain(SignatureVerification::ALL.iter().map(|v| v.as_str()))
        .collect()
}

/// The CSV's columns, in the order of its header (`signatories::CSV_HEADER`; a test keeps them
/// in step).
pub fn columns() -> Vec<TableField> {
    let field = |name, title, description: &str, required| TableField {
        name,
        title,
        kind: "string",
        format: None,
        description: description.to_string(),
        constraints: FieldConstraints {
            required,
            ..FieldConstraints::default()
        },
    };
    let mut name = field(
        "name",
        "Organisation",
        "The organisation's name as it signed.",
        true,
    );
    name.description = format!("{} {FORMULA_RULE}", name.description);
    let mut slug = field(
        "slug",
        "Identifier",
        "The organisation's stable identifier in this service: one row per organisation.",
        true,
    );
    slug.constraints.unique = true;
    slug.constraints.pattern = Some("[a-z0-9]+(-[a-z0-9]+)*");
    let mut country_code = field(
        "country_code",
        "Country code",
        "The organisation's country: an ISO 3166-1 alpha-2 code in capitals. Read it as text: \
         NA is Namibia, not a missing value (in pandas: keep_default_na=False, na_values=[\"\"]).",
        true,
    );
    country_code.constraints.pattern = Some("[A-Z]{2}");
    let country_name = field(
        "country_name",
        "Country",
        "The country's ISO 3166 English name, the same whatever language the pages show.",
        true,
    );
    let mut website = field(
        "website",
        "Website",
        "The organisation's website; empty when it gave none.",
        false,
    );
    website.format = Some("uri");
    let mut verification = field(
        "verification",
        "Verification",
        "How the organisation's identity was checked: unverified (it signed and confirmed an \
         email address), domain (someone signing for it confirmed an address at its website's \
         registrable domain, never a free-mail provider's), coordinator (checked by a \
         coordinator of the letter's coalition), invitation (this signature was made through a \
         personal link the coalition mailed to the organisation), imported (the coalition \
         imported the signature from a list it collected; nobody confirmed it by mail). The \
         list of values may grow with a new minor version of the API.",
        true,
    );
    verification.constraints.values = Some(verification_values());
    let mut signed_at = field(
        "signed_at",
        "Signed at",
        "When the signature was published (confirmed by email, or approved): UTC, RFC 3339 with \
         microseconds.",
        true,
    );
    signed_at.kind = "datetime";
    let mut text_hash = field(
        "text_hash",
        "Text signed",
        "SHA-256, in hexadecimal, of the letter's text the signer saw (the title, a blank line \
         and the body of that version or translation): the letter's JSON and versions name it.",
        true,
    );
    text_hash.constraints.pattern = Some("[0-9a-f]{64}");
    let verified_domain = field(
        "verified_domain",
        "Verified domain",
        "With verification domain, the registrable domain that was proved (the website's); \
         empty otherwise.",
        false,
    );
    let mut country_alpha3 = field(
        "country_alpha3",
        "Country code (alpha-3)",
        "The same country as country_code, by its ISO 3166-1 alpha-3 code (NAM for Namibia): a \
         column no CSV reader takes for a missing value, for those that read NA as one.",
        true,
    );
    country_alpha3.constraints.pattern = Some("[A-Z]{3}");
    vec![
        name,
        slug,
        country_code,
        country_name,
        website,
        verification,
        signed_at,
        text_hash,
        verified_domain,
        country_alpha3,
    ]
}

/// A letter's data package, from its public URL and what the letter says.
fn package(
    public_url: &str,
    data_licence: &Licence,
    letter: &crate::db::models::Letter,
    created: DateTime<Utc>,
) -> DataPackage {
    let page = format!("{public_url}/letters/{}", letter.slug);
    let licence = || PackageLicence {
        name: data_licence.id.clone(),
        path: data_licence.url.clone(),
        title: data_licence.title.clone(),
    };
    let text = match letter.text_licence.as_deref().and_then(Licence::known) {
        Some(l) => format!("under {} ({})", l.title, l.url),
        None => "with all rights reserved by its coalition".into(),
    };
    DataPackage {
        profile: "tabular-data-package",
        name: letter.slug.clone(),
        title: letter.title.clone(),
        description: format!(
            "The organisations that signed the open letter \"{}\" to {}: its public list, one row \
             per organisation, with no personal data. The list is published under {}; the \
             letter's text, which is not part of this package, {text} (see the letter's JSON). \
             These are the data's licences, not the licence of the software that serves them.",
            letter.title, letter.recipient_name, data_licence.title
        ),
        homepage: page.clone(),
        created,
        licenses: vec![licence()],
        sources: vec![PackageSource {
            title: "The letter's page, where organisations sign".into(),
            path: page,
        }],
        resources: vec![PackageResource {
            profile: "tabular-data-resource",
            name: "signatories",
            title: "Signatories",
            description: format!(
                "The published signatories, by country code then name (the order of the API's \
                 lists). UTF-8, no byte order mark (?bom=true adds one for spreadsheets). \
                 {FORMULA_RULE}"
            ),
            path: format!(
                "{public_url}/api/v1/letters/{}/signatories.csv",
                letter.slug
            ),
            format: "csv",
            mediatype: "text/csv",
            encoding: "utf-8",
            dialect: CsvDialect {
                delimiter: ",",
                line_terminator: "\n",
                quote_char: "\"",
                double_quote: true,
                header: true,
                skip_initial_space: false,
            },
            schema: TableSchema {
                fields: columns(),
                missing_values: vec![""],
                primary_key: vec!["slug"],
            },
            licenses: vec![licence()],
        }],
    }
}

/// A letter's data dictionary: a Frictionless Data Package describing its CSV (every column in
/// order, its type and meaning, the values of `verification`, the formula prefix) with the
/// list's licence. Validate it, and the list, with `frictionless validate <this URL>`.
#[utoipa::path(
    get,
    path = "/api/v1/letters/{slug}/datapackage.json",
    tag = "open data",
    params(("slug" = String, Path, description = "The letter's slug")),
    responses(
        (status = 200, description = "A Frictionless Data Package (tabular) for the list's CSV", body = DataPackage,
         headers(("ETag" = String), ("Last-Modified" = String))),
        (status = 304, description = "Not modified since the ETag or date given"),
        (status = 404, description = "No public letter has this slug", body = super::ErrorBody),
    )
)]
#[get("/letters/{slug}/datapackage.json")]
pub async fn datapackage(letter: LetterData) -> Reply {
    let v = letter.version().await?;
    let validators = v.of_letter("datapackage", &[]);
    let state = &letter.state;
    letter
        .serve(&validators, async {
            let id = v.letter_id.clone();
            let letter = state
                .db
                .run(move |conn| Ok(letters::find(conn, &id, Audience::Public)?.letter))
                .await?;
            let body = package(
                &state.public_url,
                &state.data_licence,
                &letter,
                utc(v.last_modified),
            );
            crate::http::cache::Rendered::json(&body)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_csv_is_described_in_its_order() {
        let described: Vec<&str> = columns().iter().map(|f| f.name).collect();
        let header: Vec<&str> = super::super::signatories::CSV_HEADER
            .trim_end()
            .split(',')
            .collect();
        assert_eq!(described, header);
        assert!(columns().iter().all(|f| !f.description.is_empty()));
    }

    #[test]
    fn verification_lists_every_public_value() {
        assert_eq!(
            verification_values(),
            [
                "unverified",
                "domain",
                "coordinator",
                "invitation",
                "imported"
            ]
        );
    }

    #[test]
    fn the_formula_rule_names_what_the_csv_defuses() {
        for c in ['=', '+', '-', '@', '\t', '\r'] {
            let cell = crate::domain::spreadsheet::cell(&format!("{c}x"));
            assert_eq!(cell, format!("'{c}x"));
        }
        assert_eq!(crate::domain::spreadsheet::cell("x=1"), "x=1");
        assert!(FORMULA_RULE.contains("starts with =, +, -, @, a tab or a carriage return"));
    }
}
