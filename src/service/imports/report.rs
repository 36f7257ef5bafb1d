//! What an import did or would do, line by line and in total.

#[allow(unused_imports)]
use super::*;

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Resolved: it is (or would be) imported.
    Ready,
    /// Skipped until a coordinator settles its `issues`.
    Review,
    /// The same organisation as an earlier line (`duplicate_of`): skipped.
    Duplicate,
}

/// What happens (or happened) to a line's organisation in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationOutcome {
    /// Not in the directory: created by saving.
    New,
    /// In the directory already (same normalised name and country): left as it is.
    Existing,
}

/// What happens (or happened) on the letter for a line's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignatureOutcome {
    /// No live signature: a published, `imported` signature is made by saving.
    New,
    /// Published already: left as it is.
    AlreadySigned,
    /// A signature waits for its signer's confirmation or for moderation: left as it is.
    Awaiting,
}

/// One line of the list and what importing does with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineReport {
    /// Its line number in the content, from 1.
    pub line: usize,
    /// The line as written.
    pub text: String,
    pub status: LineStatus,
    /// The organisation's name as read from the line.
    pub name: String,
    /// The country as written, if any.
    pub country_as_written: Option<String>,
    /// The resolved country code (for `ready` and `duplicate` lines).
    pub country: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    /// Why a `review` line is skipped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<Issue>,
    /// For a `duplicate` line: the line it repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationOutcome>,
    /// The organisation's slug, once it is in the directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_slug: Option<String>,
    /// With a letter: its signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureOutcome>,
}

impl LineReport {
    /// Whether choosing a country would settle every issue of this line.
    pub fn needs_only_a_country(&self) -> bool {
        self.status == LineStatus::Review && self.issues.iter().all(Issue::is_country)
    }
}

/// How many lines went which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub lines: usize,
    pub ready: usize,
    pub review: usize,
    pub duplicate: usize,
    pub organisations_new: usize,
    pub organisations_existing: usize,
    pub signatures_new: usize,
    pub already_signed: usize,
    pub awaiting: usize,
}

impl Totals {
    pub(super) fn of(lines: &[LineReport]) -> Totals {
        let mut t = Totals {
            lines: lines.len(),
            ..Totals::default()
        };
        for l in lines {
            match l.status {
                LineStatus::Ready => t.ready += 1,
                LineStatus::Review => t.review += 1,
                LineStatus::Duplicate => t.duplicate += 1,
            }
            match l.organisation {
                Some(OrganisationOutcome::New) => t.organisations_new += 1,
                Some(OrganisationOutcome::Existing) => t.organisations_existing += 1,
                None => {}
            }
            match l.signature {
                Some(SignatureOutcome::New) => t.signatures_new += 1,
                Some(SignatureOutcome::AlreadySigned) => t.already_signed += 1,
                Some(SignatureOutcome::Awaiting) => t.awaiting += 1,
                None => {}
            }
        }
        t
    }
}

/// What a preview or an import found and did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// `false` for a preview (nothing was stored), `true` once saved.
    pub saved: bool,
    /// `csv` or `text`.
    #[schema(value_type = String)]
    pub format: Format,
    /// The letter signed, if any (its slug).
    pub letter: Option<String>,
    pub totals: Totals,
    pub lines: Vec<LineReport>,
}

impl ImportReport {
    /// The lines left out for review, written again in the import's format so that they can be
    /// corrected and imported on their own: plain text as the lines were written; CSV under a
    /// header row of the columns the import reads (a quoted field that spanned lines stays one
    /// field). Empty when no line was left out.
    pub fn left_out_content(&self) -> Result<String, AppError> {
        let left_out = self.lines.iter().filter(|l| l.status == LineStatus::Review);
        match self.format {
            Format::Text => Ok(left_out.map(|l| format!("{}\n", l.text)).collect()),
            Format::Csv => {
                let mut rows = left_out.peekable();
                if rows.peek().is_none() {
                    return Ok(String::new());
                }
                let mut writer = csv::Writer::from_writer(Vec::new());
                writer
                    .write_record(["name", "country", "website", "email"])
                    .map_err(|e| AppError::Unexpected(e.into()))?;
                for l in rows {
                    let field = |v: &Option<String>| v.clone().unwrap_or_default();
                    writer
                        .write_record([
                            l.name.clone(),
                            field(&l.country_as_written),
                            field(&l.website),
                            field(&l.email),
                        ])
                        .map_err(|e| AppError::Unexpected(e.into()))?;
                }
                let bytes = writer
                    .into_inner()
                    .map_err(|e| AppError::Unexpected(e.into()))?;
                String::from_utf8(bytes).map_err(|e| AppError::Unexpected(e.into()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, status: LineStatus, text: &str, name: &str, country: &str) -> LineReport {
        LineReport {
            line: n,
            text: text.into(),
            status,
            name: name.into(),
            country_as_written: Some(country.into()),
            country: None,
            website: None,
            email: Some(format!("{n}@example.org")),
            issues: Vec::new(),
            duplicate_of: None,
            organisation: None,
            organisation_slug: None,
            signature: None,
        }
    }

    fn report(format: Format) -> ImportReport {
        let lines = vec![
            line(2, LineStatus::Ready, "Access Now, US", "Access Now", "US"),
            line(
                3,
                LineStatus::Review,
                "Rights, Watch, Congo",
                "Rights, Watch",
                "Congo",
            ),
            line(
                4,
                LineStatus::Duplicate,
                "Access Now, US",
                "Access Now",
                "US",
            ),
            line(
                5,
                LineStatus::Review,
                "Atlantis Institute, Atlantis",
                "Atlantis Institute",
                "Atlantis",
            ),
        ];
        ImportReport {
            saved: true,
            format,
            letter: None,
            totals: Totals::of(&lines),
            lines,
        }
    }

    #[test]
    fn the_lines_left_out_are_written_again_in_the_import_s_format() {
        let text = report(Format::Text).left_out_content().unwrap();
        assert_eq!(text, "Rights, Watch, Congo\nAtlantis Institute, Atlantis\n");
        // CSV: under the header the import reads, a name with a comma quoted.
        let csv = report(Format::Csv).left_out_content().unwrap();
        assert_eq!(
            csv,
            "name,country,website,email\n\"Rights, Watch\",Congo,,3@example.org\nAtlantis Institute,Atlantis,,5@example.org\n"
        );
        let parsed = import::parse(Format::Csv, &csv, rust_iso3166::ALL).unwrap();
        let names: Vec<&str> = parsed.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["Rights, Watch", "Atlantis Institute"],
            "it reads back as it was"
        );
        let mut none = report(Format::Csv);
        none.lines.retain(|l| l.status != LineStatus::Review);
        assert_eq!(none.left_out_content().unwrap(), "");
    }
}
