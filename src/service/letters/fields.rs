//! Letter inputs as typed in the forms or sent as JSON, and their parsing.

#[allow(unused_imports)]
use super::*;

pub const TITLE_MAX: usize = 300;

pub const BODY_MAX: usize = 100_000;

pub(super) const NAME_MAX: usize = 200;

pub(super) fn future_timestamp(s: &str) -> Result<chrono::NaiveDateTime, String> {
    let t = timestamp(s)?;
    if t <= crate::service::now() {
        return Err("must be in the future".into());
    }
    Ok(t)
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLetterFields {
    pub slug: Option<String>,
    #[validate(required(message = "is required"))]
    coalition: Option<String>,
    #[validate(required(message = "is required"))]
    title: Option<String>,
    #[validate(required(message = "is required"))]
    body: Option<String>,
    #[validate(required(message = "is required"))]
    recipient_name: Option<String>,
    recipient_email: Option<String>,
    place_and_date: Option<String>,
    language: Option<String>,
    moderation: Option<String>,
    visibility: Option<String>,
    deadline: Option<String>,
    /// When the draft opens by itself (UTC, in the future, before the deadline): its
    /// invitations are mailed then. None: it opens when a coordinator opens it.
    opens_at: Option<String>,
    /// The slug of one of the coalition's campaigns.
    campaign: Option<String>,
    /// The licence of the letter's text, as an SPDX identifier: `CC0-1.0`, `CC-BY-4.0`,
    /// `CC-BY-SA-4.0`, `CC-BY-NC-4.0`, `CC-BY-ND-4.0`, `CC-BY-NC-SA-4.0` or `CC-BY-NC-ND-4.0`.
    /// None: all rights reserved by the coalition.
    text_licence: Option<String>,
}

impl NewLetterFields {
    pub fn parse(self) -> Result<NewLetterInput, AppError> {
        let mut errors = FieldCollector::validated(&self);
        let slug = errors.optional("slug", self.slug.as_deref(), Slug::parse);
        let coalition = errors.given("coalition", self.coalition.as_deref(), Slug::parse);
        let title = errors.given("title", self.title.as_deref(), line(TITLE_MAX));
        let body = errors.given("body", self.body.as_deref(), text(BODY_MAX));
        let recipient_name = errors.given(
            "recipient_name",
            self.recipient_name.as_deref(),
            line(NAME_MAX),
        );
        let recipient_email = errors.optional(
            "recipient_email",
            self.recipient_email.as_deref(),
            EmailAddress::parse,
        );
        let place_and_date = errors.optional(
            "place_and_date",
            self.place_and_date.as_deref(),
            line(NAME_MAX),
        );
        let language = errors
            .optional("language", self.language.as_deref(), LanguageTag::parse)
            .or_else(|| LanguageTag::parse("en").ok());
        let moderation = errors
            .optional("moderation", self.moderation.as_deref(), str::parse)
            .unwrap_or(Moderation::Auto);
        let visibility = errors
            .optional("visibility", self.visibility.as_deref(), str::parse)
            .unwrap_or(Visibility::Public);
        let deadline = errors.optional("deadline", self.deadline.as_deref(), future_timestamp);
        let opens_at = errors.optional("opens_at", self.opens_at.as_deref(), future_timestamp);
        let campaign = errors.optional("campaign", self.campaign.as_deref(), Slug::parse);
        let text_licence = errors.optional(
            "text_licence",
            self.text_licence.as_deref(),
            Licence::for_text,
        );
        errors.finish()?;
        match (coalition, title, body, recipient_name, language) {
            (Some(coalition), Some(title), Some(body), Some(recipient_name), Some(language)) => {
                Ok(NewLetterInput {
                    slug,
                    coalition,
                    title,
                    body,
                    recipient_name,
                    recipient_email,
                    place_and_date,
                    language,
                    moderation,
                    visibility,
                    deadline,
                    opens_at,
                    campaign,
                    text_licence,
                })
            }
            _ => Err(AppError::field("body", "a required field is missing")),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterPatchFields {
    title: Option<String>,
    body: Option<String>,
    recipient_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    recipient_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    place_and_date: Option<Option<String>>,
    language: Option<String>,
    moderation: Option<String>,
    visibility: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    deadline: Option<Option<String>>,
    /// When the draft opens by itself (UTC, in the future, before the deadline); `null`: when a
    /// coordinator opens it. Only while the letter is a draft.
    #[serde(default, deserialize_with = "nullable")]
    opens_at: Option<Option<String>>,
    /// The slug of one of the coalition's campaigns; `null` takes the letter out of its campaign.
    #[serde(default, deserialize_with = "nullable")]
    campaign: Option<Option<String>>,
    /// The licence of the letter's text (an SPDX identifier, as when creating it); `null`: all
    /// rights reserved by the coalition. It may change while the letter is open.
    #[serde(default, deserialize_with = "nullable")]
    text_licence: Option<Option<String>>,
}

impl LetterPatchFields {
    pub fn parse(self) -> Result<LetterUpdate, AppError> {
        let mut errors = FieldCollector::new();
        let changes = LetterUpdate {
            title: self
                .title
                .as_deref()
                .and_then(|t| errors.check("title", line(TITLE_MAX)(t))),
            body: self
                .body
                .as_deref()
                .and_then(|b| errors.check("body", text(BODY_MAX)(b))),
            recipient_name: self
                .recipient_name
                .as_deref()
                .and_then(|n| errors.check("recipient_name", line(NAME_MAX)(n))),
            recipient_email: self
                .recipient_email
                .map(|e| errors.optional("recipient_email", e.as_deref(), EmailAddress::parse)),
            place_and_date: self
                .place_and_date
                .map(|p| errors.optional("place_and_date", p.as_deref(), line(NAME_MAX))),
            language: self
                .language
                .as_deref()
                .and_then(|l| errors.check("language", LanguageTag::parse(l))),
            moderation: self
                .moderation
                .as_deref()
                .and_then(|m| errors.check("moderation", m.parse())),
            visibility: self
                .visibility
                .as_deref()
                .and_then(|v| errors.check("visibility", v.parse())),
            deadline: self
                .deadline
                .map(|d| errors.optional("deadline", d.as_deref(), future_timestamp)),
            opens_at: self
                .opens_at
                .map(|d| errors.optional("opens_at", d.as_deref(), future_timestamp)),
            campaign: self
                .campaign
                .map(|c| errors.optional("campaign", c.as_deref(), Slug::parse)),
            text_licence: self
                .text_licence
                .map(|l| errors.optional("text_licence", l.as_deref(), Licence::for_text)),
        };
        errors.finish()?;
        Ok(changes)
    }
}
