//! Drafting and editing letters, and moving them through their life.

use super::*;
use crate::db::DbConnection;
#[allow(unused_imports)]
use crate::http::state::After;
use crate::service::access::Actor;
use crate::web::PathParam;

/// The letter form's values, as typed.
#[derive(Default)]
pub(super) struct LetterFormValues {
    slug: String,
    state: String,
    title: String,
    body: String,
    language: String,
    recipient_name: String,
    recipient_email: String,
    place_and_date: String,
    deadline: String,
    /// A draft's opening time, as the `datetime-local` field shows it (UTC).
    opens_at: String,
    moderation: String,
    visibility: String,
    /// The slug of its campaign (chosen by title), if any.
    campaign: String,
    /// The SPDX identifier of its text's licence; blank: all rights reserved.
    text_licence: String,
}

impl LetterFormValues {
    fn of(view: &LetterView) -> LetterFormValues {
        let l = &view.letter;
        LetterFormValues {
            slug: l.slug.clone(),
            state: l.state.clone(),
            title: l.title.clone(),
            body: l.body.clone(),
            language: l.language.clone(),
            recipient_name: l.recipient_name.clone(),
            recipient_email: l.recipient_email.clone().unwrap_or_default(),
            place_and_date: l.place_and_date.clone().unwrap_or_default(),
            deadline: l
                .deadline
                .map(|d| d.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            opens_at: l
                .opens_at
                .map(|d| d.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            moderation: l.moderation.clone(),
            visibility: l.visibility.clone(),
            campaign: String::new(),
            text_licence: l.text_licence.clone().unwrap_or_default(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> LetterFormValues {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        LetterFormValues {
            slug: get("slug"),
            state: String::new(),
            title: get("title"),
            body: get("body"),
            language: get("language"),
            recipient_name: get("recipient_name"),
            recipient_email: get("recipient_email"),
            place_and_date: get("place_and_date"),
            deadline: get("deadline"),
            opens_at: get("opens_at"),
            moderation: get("moderation"),
            visibility: get("visibility"),
            campaign: get("campaign"),
            text_licence: get("text_licence"),
        }
    }
}

pub(super) const MODERATIONS: &[&str] = &["auto", "manual"];

pub(super) const VISIBILITIES: &[&str] = &["public", "unlisted"];

#[derive(Template)]
#[template(path = "dashboard/letter_form.html")]
pub(super) struct LetterFormPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    heading: &'a str,
    action: String,
    /// For a new letter: its coalition.
    coalition: Option<String>,
    /// The text is frozen (the letter is open or later).
    frozen: bool,
    form: LetterFormValues,
    /// The coalition's campaigns to choose from: (slug, title).
    campaigns: Vec<(String, String)>,
    errors: FormErrors,
    preview: Option<Arc<str>>,
}

impl LetterFormPage<'_> {
    /// The choices of the text's licence: (SPDX identifier, label), none first.
    fn text_licences(&self) -> Vec<(String, String)> {
        let none = (String::new(), self.t.get("dash-letter-form-no-licence"));
        let known = crate::domain::licence::text_licence_ids()
            .filter_map(crate::domain::licence::Licence::known)
            .map(|l| (l.id.clone(), format!("{} ({})", l.title, l.id)));
        std::iter::once(none).chain(known).collect()
    }
}

/// A coalition's campaigns, for the letter form's choice: (slug, title), newest first.
async fn campaign_choices(
    dash: &Dashboard,
    coalition: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let coalition = coalition.to_string();
    dash.read(move |conn, _| {
        let page = PageRequest {
            page: 1,
            per_page: PageRequest::MAX_PER_PAGE,
        };
        let found =
            crate::service::campaigns::list(conn, &Audience::Admin, Some(&coalition), page)?;
        Ok((found.items.into_iter())
            .map(|c| (c.campaign.slug, c.campaign.title))
            .collect())
    })
    .await
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    coalition: Option<String>,
}

pub(super) async fn new_letter(dash: Dashboard, query: web::Query<NewQuery>) -> PageReply {
    let slug = query.into_inner().coalition.unwrap_or_default();
    let coalition = dash
        .read(move |conn, actor| {
            let c = coalitions::find_for(conn, actor, &slug, Permission::ManageLetters)?;
            Ok(c)
        })
        .await?;
    let form = LetterForm {
        heading: dash
            .t
            .with1("dash-letter-form-new-of", "coalition", &coalition.name),
        action: "/dashboard/letters".into(),
        campaigns: campaign_choices(&dash, &coalition.slug).await?,
        coalition: Some(coalition.slug),
        frozen: false,
        values: LetterFormValues {
            language: "en".into(),
            moderation: "auto".into(),
            visibility: "public".into(),
            ..LetterFormValues::default()
        },
    };
    form.show(&dash, None, None)
}

/// Deadlines and opening times typed in a `datetime-local` field are UTC.
pub(super) fn with_utc_deadline(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "deadline" | "opens_at" => (k, local_time_as_utc(&v)),
            _ => (k, v),
        })
        .collect()
}

pub(super) async fn create_letter(dash: Dashboard, pairs: Pairs) -> PageReply {
    let pairs = pairs.into_inner();
    let coalition = pairs
        .iter()
        .find(|(k, _)| k == "coalition")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // A coalition the coordinator may not see has no campaigns to show: the post is refused.
    let campaigns = campaign_choices(&dash, &coalition)
        .await
        .unwrap_or_default();
    let form = LetterForm {
        heading: dash.t.get("dash-letter-form-new"),
        action: "/dashboard/letters".into(),
        campaigns,
        coalition: Some(coalition),
        frozen: false,
        values: LetterFormValues::from_pairs(&pairs),
    };
    let create = crate::service::letters::create;
    form.post(&dash, pairs, NewLetterFields::parse, create, |_| {
        After::nothing()
    })
    .await
}

/// The letter form as a page shows it: what it is for, where it posts, and the values in it.
pub(super) struct LetterForm {
    heading: String,
    action: String,
    /// For a new letter: its coalition.
    coalition: Option<String>,
    /// The text is frozen (the letter is open or later).
    frozen: bool,
    values: LetterFormValues,
    /// The coalition's campaigns: (slug, title).
    campaigns: Vec<(String, String)>,
}

impl LetterForm {
    /// A post of this form, read as the API's `F` (its times as UTC: [`with_utc_deadline`]):
    /// "preview" shows the form again with the text as it will read; otherwise `write` saves it
    /// with the effects `after` names and the browser goes to the letter's page, or the form
    /// comes back with its messages.
    async fn post<F, I, W>(
        self,
        dash: &Dashboard,
        pairs: Vec<(String, String)>,
        parse: fn(F) -> Result<I, AppError>,
        write: W,
        after: fn(&LetterView) -> After,
    ) -> PageReply
    where
        F: serde::de::DeserializeOwned,
        I: Send + 'static,
        W: FnOnce(&mut DbConnection, &Actor, I) -> Result<LetterView, AppError> + Send + 'static,
    {
        let posted = match dash.post::<F>(with_utc_deadline(pairs)) {
            Ok(posted) => posted,
            Err(e) => return self.show(dash, Some(e), None),
        };
        let preview = posted.action.as_deref() == Some("preview");
        let input = parse(posted.data);
        if preview {
            return self.preview(dash, input.err()).await;
        }
        let write =
            move |conn: &mut DbConnection, _: &_, actor: &Actor, input| write(conn, actor, input);
        match dash.submit(input, write, after).await {
            Ok(view) => Ok(see_other(format!(
                "/dashboard/letters/{}",
                view.letter.slug
            ))),
            Err(e) => self.show(dash, Some(e), None),
        }
    }

    /// The form with the fields' messages of `error` (any other error is the error page), and
    /// the text as it will read when previewed.
    fn show(
        self,
        dash: &Dashboard,
        error: Option<AppError>,
        preview: Option<Arc<str>>,
    ) -> PageReply {
        let errors = FormErrors::of(error)?;
        dash.render(super::super::status_of(&errors), |csrf| LetterFormPage {
            me: dash.me(),
            csrf,
            t: dash.t,
            heading: &self.heading,
            action: self.action,
            coalition: self.coalition,
            frozen: self.frozen,
            form: self.values,
            campaigns: self.campaigns,
            errors,
            preview,
        })
    }

    /// The form again with its fields checked but nothing saved, and the body as it will read
    /// (rendered on the blocking pool; coordinators only: `service::letters::preview`).
    async fn preview(self, dash: &Dashboard, error: Option<AppError>) -> PageReply {
        let (actor, body) = (dash.actor.clone(), self.values.body.clone());
        let preview = Db::off_executor(move || crate::service::letters::preview(&actor, &body));
        let preview = Some(preview.await?);
        self.show(dash, error, preview)
    }
}

#[derive(Template)]
#[template(path = "dashboard/letter.html")]
pub(super) struct LetterPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: LetterView,
    counts: Counts,
    /// Published signatories by country, largest first.
    by_country: Vec<crate::service::public_list::CountryCount>,
    body_html: Arc<str>,
    can_manage: bool,
    /// The moves offered as buttons, each to its confirm page (delivering has its own form).
    moves: Vec<LetterState>,
    message: Option<&'a str>,
    /// Its campaign: (slug, title).
    campaign: Option<(String, String)>,
    /// Its delivery, once delivered.
    delivery: Option<crate::db::models::Delivery>,
    /// Signing surging from one email domain or network (`service::abuse::surges`).
    surges: Vec<crate::service::abuse::Surge>,
    /// A draft's preview links, for those who manage it (`dashboard/letter_previews.html`).
    previews: Vec<crate::db::models::LetterPreview>,
}

impl LetterPage<'_> {
    /// How `delivery` went, for the message that says it: `email` or `hand`.
    fn delivered_how(&self, delivery: &crate::db::models::Delivery) -> &'static str {
        if delivery.recipient_email.is_some() {
            "email"
        } else {
            "hand"
        }
    }
}

pub(super) async fn load_letter(
    dash: &Dashboard,
    slug: String,
    permission: Permission,
) -> Result<(LetterView, Counts), AppError> {
    dash.read(move |conn, actor| {
        let view = crate::service::letters::find_for(conn, actor, &slug, permission)?;
        let counts = dashboard::counts(conn, std::slice::from_ref(&view.letter.id))?
            .remove(&view.letter.id)
            .unwrap_or_default();
        Ok((view, counts))
    })
    .await
}

/// The notice after a post that redirects to the letter's page.
#[derive(Deserialize)]
pub(super) struct LetterFlash {
    delivered: Option<String>,
    /// After a confirmed move: the state it moved to.
    moved: Option<String>,
    preview_revoked: Option<String>,
}

impl LetterFlash {
    fn message(&self, t: Lang) -> Option<String> {
        if let Some(state) = self
            .moved
            .as_ref()
            .and_then(|s| s.parse::<LetterState>().ok())
        {
            return Some(t.with1("dash-letter-moved-notice", "state", state.as_str()));
        }
        (self.delivered.as_ref())
            .map(|_| t.get("dash-letter-delivered-notice"))
            .or_else(|| {
                (self.preview_revoked.as_ref()).map(|_| t.get("dash-previews-revoked-notice"))
            })
    }
}

pub(super) async fn letter(
    dash: Dashboard,
    slug: PathParam,
    flash: web::Query<LetterFlash>,
) -> PageReply {
    let (view, counts) = load_letter(&dash, slug.into_inner(), Permission::ReadPrivate).await?;
    let id = view.letter.id.clone();
    let campaign_id = view.letter.campaign_id.clone();
    let surge = dash.state.surge;
    let body = view.letter.body.clone();
    let draft = view.clone();
    let (by_country, campaign, delivery, surges, body_html, previews) = dash
        .read(move |conn, actor| {
            let campaign = match campaign_id {
                Some(c) => {
                    Some(crate::service::campaigns::find(conn, &c, &Audience::Admin)?.campaign)
                }
                None => None,
            };
            Ok((
                crate::service::public_list::counts(conn, &id)?,
                campaign.map(|c| (c.slug, c.title)),
                crate::service::deliveries::find(conn, &id)?,
                crate::service::abuse::surges(conn, &id, &surge)?,
                // Rendered here, on the blocking pool, not on the async executor's threads.
                to_safe_html(&body),
                super::previews::of_letter(conn, actor, &draft)?,
            ))
        })
        .await?;
    let message = flash.message(dash.t);
    dash.render(StatusCode::OK, |csrf| LetterPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        can_manage: dash
            .actor
            .can(&view.coalition.id, Permission::ManageLetters),
        moves: (view.state().moves().iter())
            .filter(|to| **to != LetterState::Delivered)
            .copied()
            .collect(),
        body_html,
        view,
        counts,
        by_country,
        message: message.as_deref(),
        campaign,
        delivery,
        surges,
        previews,
    })
}

/// The form to edit a letter, for `view` with `values` in it.
fn edit_form(t: Lang, view: &LetterView, values: LetterFormValues) -> LetterForm {
    LetterForm {
        heading: t.with1("dash-letter-form-edit", "title", &view.letter.title),
        action: format!("/dashboard/letters/{}/edit", view.letter.slug),
        coalition: None,
        frozen: !view.state().text_is_editable(),
        values,
        campaigns: Vec::new(),
    }
}

pub(super) async fn edit_letter(dash: Dashboard, slug: PathParam) -> PageReply {
    let (view, _) = load_letter(&dash, slug.into_inner(), Permission::ManageLetters).await?;
    let mut values = LetterFormValues::of(&view);
    let campaign_id = view.letter.campaign_id.clone();
    values.campaign = dash
        .read(move |conn, _| crate::service::campaigns::slug_of(conn, campaign_id.as_deref()))
        .await?
        .unwrap_or_default();
    let mut form = edit_form(dash.t, &view, values);
    form.campaigns = campaign_choices(&dash, &view.coalition.slug).await?;
    form.show(&dash, None, None)
}

pub(super) async fn update_letter(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let (view, _) = load_letter(&dash, slug.into_inner(), Permission::ManageLetters).await?;
    let pairs = pairs.into_inner();
    let mut values = LetterFormValues::from_pairs(&pairs);
    values.slug = view.letter.slug.clone();
    values.state = view.letter.state.clone();
    let mut form = edit_form(dash.t, &view, values);
    form.campaigns = campaign_choices(&dash, &view.coalition.slug).await?;
    if form.frozen {
        form.values.title = view.letter.title.clone();
        form.values.body = view.letter.body.clone();
        form.values.language = view.letter.language.clone();
    }
    let id = view.letter.id.clone();
    let update = move |conn: &mut DbConnection, actor: &Actor, changes| {
        crate::service::letters::update(conn, actor, &id, changes)
    };
    let after = |updated: &LetterView| After::letter(&updated.letter.slug);
    form.post(&dash, pairs, LetterPatchFields::parse, update, after)
        .await
}
