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
