//! Campaign inputs as typed in the forms or sent as JSON, and their parsing.

#[allow(unused_imports)]
use super::*;

pub(super) const TITLE_MAX: usize = 300;

pub(super) const DESCRIPTION_MAX: usize = 20_000;

pub(super) const EVENT_BODY_MAX: usize = 20_000;

/// Events in a campaign's JSON and on its page; the rest are paged at `/timeline`.
pub const TIMELINE_SHOWN: i64 = 50;

/// A goal date: `YYYY-MM-DD`, kept as midnight UTC.
pub(super) fn date(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .map_err(|_| "must be a date such as 2027-03-31".to_string())
}

/// When an event happened: a date (`2027-03-31`) or an RFC 3339 time.
pub(super) fn when(s: &str) -> Result<NaiveDateTime, String> {
    date(s).or_else(|_| timestamp(s)).map_err(|_| {
        "must be a date such as 2027-03-31 or a time such as 2027-03-31T14:00:00Z".into()
    })
}

/// A number in JSON, or the text of a form field (blank: none).
#[derive(Deserialize, Clone, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Count {
    Number(i64),
    Text(String),
}

pub(super) fn goal_number(
    field: &str,
    errors: &mut FieldCollector,
    n: Option<Count>,
) -> Option<i32> {
    let n = match n? {
        Count::Number(n) => n,
        Count::Text(t) if t.trim().is_empty() => return None,
        Count::Text(t) => match t.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.add(field, "must be a whole number above 0");
                return None;
            }
        },
    };
    match i32::try_from(n) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errors.add(field, "must be a whole number above 0");
            None
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub organisations: Option<Count>,
    pub countries: Option<Count>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignFields {
    /// Default: derived from the title.
    pub slug: Option<String>,
    pub coalition: Option<String>,
    pub title: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    pub goal: Option<GoalInput>,
}

impl NewCampaignFields {
    pub fn parse(self) -> Result<NewCampaignInput, AppError> {
        let mut errors = FieldCollector::new();
        let slug = errors.optional("slug", self.slug.as_deref(), Slug::parse);
        let coalition = errors.required("coalition", self.coalition.as_deref(), Slug::parse);
        let title = errors.required("title", self.title.as_deref(), line(TITLE_MAX));
        let description = errors
            .optional(
                "description",
                self.description.as_deref().filter(|d| !d.trim().is_empty()),
                text(DESCRIPTION_MAX),
            )
            .unwrap_or_default();
        let goal = match self.goal {
            None => Goal::default(),
            Some(g) => Goal {
                organisations: goal_number("goal.organisations", &mut errors, g.organisations),
                countries: goal_number("goal.countries", &mut errors, g.countries),
                date: errors.optional(
                    "goal.date",
                    g.date.as_deref().filter(|d| !d.trim().is_empty()),
                    date,
                ),
            },
        };
        errors.finish()?;
        match (coalition, title) {
            (Some(coalition), Some(title)) => Ok(NewCampaignInput {
                slug,
                coalition,
                title,
                description,
                goal,
            }),
            _ => Err(AppError::field("title", "is required")),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignPatchFields {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Each part: a value sets it, `null` clears it, absent leaves it.
    pub goal: Option<GoalPatch>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatch {
    #[serde(default, deserialize_with = "nullable")]
    pub organisations: Option<Option<Count>>,
    #[serde(default, deserialize_with = "nullable")]
    pub countries: Option<Option<Count>>,
    #[serde(default, deserialize_with = "nullable")]
    pub date: Option<Option<String>>,
}

impl CampaignPatchFields {
    pub fn parse(self) -> Result<CampaignUpdate, AppError> {
        let mut errors = FieldCollector::new();
        let title = (self.title.as_deref()).and_then(|t| errors.check("title", line(TITLE_MAX)(t)));
        let description = self.description.map(|d| {
            if d.trim().is_empty() {
                String::new()
            } else {
                errors
                    .check("description", text(DESCRIPTION_MAX)(&d))
                    .unwrap_or_default()
            }
        });
        let mut changes = CampaignUpdate {
            title,
            description,
            ..CampaignUpdate::default()
        };
        if let Some(g) = self.goal {
            changes.goal_organisations = g
                .organisations
                .map(|n| goal_number("goal.organisations", &mut errors, n));
            changes.goal_countries = g
                .countries
                .map(|n| goal_number("goal.countries", &mut errors, n));
            changes.goal_date = g.date.map(|d| {
                errors.optional(
                    "goal.date",
                    d.as_deref().filter(|d| !d.trim().is_empty()),
                    date,
                )
            });
        }
        errors.finish()?;
        Ok(changes)
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEventFields {
    /// `milestone`, `response` or `note` (the service records `opened` and `delivered`).
    pub kind: Option<String>,
    pub title: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    /// A date (`2027-03-31`) or an RFC 3339 time; default now.
    pub occurred_at: Option<String>,
    /// The slug of one of the campaign's letters it is about.
    pub letter: Option<String>,
}

/// The event form and JSON, parsed.
pub fn parse_event(body: NewEventFields) -> Result<NewEventInput, AppError> {
    let mut errors = FieldCollector::new();
    let kind: Option<EventKind> = errors.required("kind", body.kind.as_deref(), str::parse);
    if kind.is_some_and(|k| !k.is_posted()) {
        errors.add(
            "kind",
            "opened and delivered events are recorded by the service; post a milestone, response or note",
        );
    }
    let title = errors.required("title", body.title.as_deref(), line(TITLE_MAX));
    let text_body = errors
        .optional(
            "body",
            body.body.as_deref().filter(|b| !b.trim().is_empty()),
            text(EVENT_BODY_MAX),
        )
        .unwrap_or_default();
    let occurred_at = errors.optional(
        "occurred_at",
        body.occurred_at.as_deref().filter(|s| !s.trim().is_empty()),
        when,
    );
    let letter = errors
        .optional(
            "letter",
            body.letter.as_deref().filter(|s| !s.trim().is_empty()),
            Slug::parse,
        )
        .map(|s| s.as_str().to_string());
    errors.finish()?;
    match (kind, title) {
        (Some(kind), Some(title)) => Ok(NewEventInput {
            kind,
            title,
            body: text_body,
            occurred_at,
            letter,
        }),
        _ => Err(AppError::field("title", "is required")),
    }
}
