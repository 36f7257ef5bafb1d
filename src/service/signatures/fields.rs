//! A sign request as typed in the form or sent as JSON, and its parsing into a [`SignInput`].

#[allow(unused_imports)]
use super::*;

/// A sign request as typed in the form or sent as JSON, before parsing.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignFields {
    #[serde(default)]
    pub organisation_name: String,
    /// An alpha-2 or alpha-3 code, or an English name.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub representative_role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub comment: String,
    /// Consent to the privacy notice; must be given.
    #[serde(default)]
    pub consent: bool,
    /// The language of the text the signer read, when it is one of the letter's translations
    /// (default: the letter's own language).
    #[serde(default)]
    pub language: String,
    /// The language mails to the signer are written in: `en`, `fr`, `de` or `es` (default, or
    /// any other value: the letter's own language when it is one of these, else English).
    #[serde(default)]
    pub interface: String,
}

pub const PERSON_MAX: usize = 200;

pub const COMMENT_MAX: usize = 1000;

impl SignFields {
    /// Parse every field, naming each one that fails.
    pub fn parse(&self, countries: &[Country]) -> Result<SignInput, AppError> {
        use crate::error::FieldCollector;
        let (text, line) = (crate::domain::text::text, crate::domain::text::line);
        let mut errors = FieldCollector::new();
        let organisation_name =
            errors.check("organisation_name", OrgName::parse(&self.organisation_name));
        let country = if self.country.trim().is_empty() {
            errors.add("country", crate::domain::problem::Problem::Required);
            None
        } else {
            errors.check(
                "country",
                crate::service::countries::parse_in(countries, &self.country),
            )
        };
        let website = errors.optional("website", Some(&self.website), Website::parse);
        let representative_name = errors.check(
            "representative_name",
            line(PERSON_MAX)(&self.representative_name),
        );
        let representative_role = errors.check(
            "representative_role",
            line(PERSON_MAX)(&self.representative_role),
        );
        let email = errors.check("email", EmailAddress::parse(&self.email));
        let comment = errors.optional("comment", Some(&self.comment), text(COMMENT_MAX));
        let language = errors.optional(
            "language",
            Some(&self.language),
            crate::domain::LanguageTag::parse,
        );
        if !self.consent {
            errors.add("consent", crate::domain::problem::Problem::NoConsent);
        }
        errors.finish()?;
        match (
            organisation_name,
            country,
            representative_name,
            representative_role,
            email,
        ) {
            (Some(organisation_name), Some(country), Some(name), Some(role), Some(email)) => {
                Ok(SignInput {
                    organisation_name,
                    country,
                    website,
                    representative_name: name,
                    representative_role: role,
                    email,
                    comment,
                    language,
                    network: None,
                    interface: crate::i18n::Lang::parse(&self.interface),
                })
            }
            _ => Err(AppError::field("organisation_name", "is required")),
        }
    }
}
