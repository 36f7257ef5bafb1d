//! The directory's inputs as typed in the forms or sent as JSON, and their parsing.

#[allow(unused_imports)]
use super::*;

pub(super) const DESCRIPTION_MAX: usize = 2000;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationFields {
    #[validate(required(message = "is required"))]
    name: Option<String>,
    /// An alpha-2 or alpha-3 code, or an English name.
    #[validate(required(message = "is required"))]
    country: Option<String>,
    website: Option<String>,
    email_domain: Option<String>,
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    description: Option<String>,
    verification: Option<String>,
}

impl NewOrganisationFields {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<NewOrganisationInput, AppError> {
        let mut errors = FieldCollector::validated(&self);
        let name = errors.given("name", self.name.as_deref(), OrgName::parse);
        let country = errors.given("country", self.country.as_deref(), |c| {
            crate::service::countries::parse_in(all, c)
        });
        let website = errors.optional("website", self.website.as_deref(), Website::parse);
        let email_domain = errors.optional(
            "email_domain",
            self.email_domain.as_deref(),
            EmailDomain::parse,
        );
        let description = self
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty());
        let verification = errors
            .optional("verification", self.verification.as_deref(), str::parse)
            .unwrap_or(Verification::Unverified);
        errors.finish()?;
        match (name, country) {
            (Some(name), Some(country)) => Ok(NewOrganisationInput {
                name,
                country,
                website,
                email_domain,
                description: description.map(str::to_string),
                verification,
            }),
            _ => Err(AppError::field("name", "is required")),
        }
    }
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatchFields {
    name: Option<String>,
    country: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    website: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    email_domain: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    description: Option<Option<String>>,
    verification: Option<String>,
}

impl OrganisationPatchFields {
    /// Check every field against `all` countries (the dashboard's form uses this too).
    pub fn parse(self, all: &[Country]) -> Result<OrganisationUpdate, AppError> {
        let mut errors = FieldCollector::validated(&self);
        let changes = OrganisationUpdate {
            name: errors.given("name", self.name.as_deref(), OrgName::parse),
            country: errors.given("country", self.country.as_deref(), |c| {
                crate::service::countries::parse_in(all, c)
            }),
            website: self
                .website
                .map(|w| errors.optional("website", w.as_deref(), Website::parse)),
            email_domain: self
                .email_domain
                .map(|d| errors.optional("email_domain", d.as_deref(), EmailDomain::parse)),
            description: self
                .description
                .map(|d| d.as_deref().and_then(|d| text(DESCRIPTION_MAX)(d).ok())),
            verification: errors.optional("verification", self.verification.as_deref(), str::parse),
        };
        if self.country.as_deref().is_some_and(|c| c.trim().is_empty()) {
            errors.add("country", "must not be blank");
        }
        errors.finish()?;
        Ok(changes)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeFields {
    /// The organisation to keep: its slug or id.
    into: Option<String>,
}

impl MergeFields {
    /// The slug or id of the organisation to keep (the dashboard's form uses this too).
    pub fn parse(self) -> Result<String, AppError> {
        FieldCollector::only("into", self.into.as_deref(), text(200))
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkFields {
    /// The organisation's slug or id in the directory.
    organisation: Option<String>,
}

impl LinkFields {
    /// The slug or id of the organisation to link (the dashboard's form uses this too).
    pub fn parse(self) -> Result<String, AppError> {
        FieldCollector::only("organisation", self.organisation.as_deref(), line(200))
    }
}
