//! Drafting and editing letters, and moving them through their life.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;

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
    moderation: String,
    visibility: String,
    /// The slug of its campaign, if any.
    campaign: String,
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
            moderation: l.moderation.clone(),
            visibility: l.visibility.clone(),
            campaign: String::new(),
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
            moderation: get("moderation"),
            visibility: get("visibility"),
            campaign: get("campaign"),
        }
    }
}

pub(super) const MODERATIONS: &[&str] = &["auto", "manual"];

pub(super) const VISIBILITIES: &[&str] = &["public", "unlisted"];

#[derive(Template)]
#[template(path = "dashboard/letter_form.html")]
pub(super) struct LetterFormPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    heading: &'a str,
    action: String,
    /// For a new letter: its coalition.
    coalition: Option<String>,
    /// The text is frozen (the letter is open or later).
    frozen: bool,
    form: LetterFormValues,
    errors: FormErrors,
    preview: Option<Arc<str>>,
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    coalition: Option<String>,
}

pub(super) async fn new_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    let slug = query.into_inner().coalition.unwrap_or_default();
    let actor = session.actor.clone();
    let coalition = state
        .db
        .run(move |conn| {
            let c = coalitions::find(conn, &slug)?;
            actor.require(&c, Permission::ManageLetters)?;
            Ok(c)
        })
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &LetterFormPage {
            me: session.me(),
            csrf: &csrf.token,
            heading: &format!("New letter of {}", coalition.name),
            action: "/dashboard/letters".into(),
            coalition: Some(coalition.slug),
            frozen: false,
            form: LetterFormValues {
                language: "en".into(),
                moderation: "auto".into(),
                visibility: "public".into(),
                ..LetterFormValues::default()
            },
            errors: FormErrors::default(),
            preview: None,
        },
    )
}

/// Deadlines typed in a `datetime-local` field are UTC.
pub(super) fn with_utc_deadline(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "deadline" => (k, local_time_as_utc(&v)),
            _ => (k, v),
        })
        .collect()
}

pub(super) async fn create_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let pairs = pairs.into_inner();
    let values = LetterFormValues::from_pairs(&pairs);
    let coalition = pairs
        .iter()
        .find(|(k, _)| k == "coalition")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let posted = form::parse::<NewLetterFields>(&req, with_utc_deadline(pairs));
    let result = match posted {
        Ok(posted) if posted.action.as_deref() == Some("preview") => {
            // Check the fields without saving, and show the text as it will read.
            let errors = posted.data.parse().err();
            let preview = Some(preview_of(&session, values.body.clone()).await?);
            return form_page(
                &req,
                &state,
                &session,
                "New letter",
                "/dashboard/letters".into(),
                Some(coalition),
                false,
                values,
                errors,
                preview,
            );
        }
        Ok(posted) => {
            let actor = session.actor.clone();
            let create = move |conn: &mut _, _: &_, input| {
                crate::service::letters::create(conn, &actor, input)
            };
            form::run(&state, posted.data.parse(), create, |_| After::nothing()).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(view) => Ok(see_other(format!(
            "/dashboard/letters/{}",
            view.letter.slug
        ))),
        Err(e) => form_page(
            &req,
            &state,
            &session,
            "New letter",
            "/dashboard/letters".into(),
            Some(coalition),
            false,
            values,
            Some(e),
            None,
        ),
    }
}

/// The body as it will read, rendered on the blocking pool; coordinators only
/// (`crate::service::letters::preview`).
pub(super) async fn preview_of(session: &SignedIn, body: String) -> Result<Arc<str>, PageError> {
    let actor = session.actor.clone();
    Ok(Db::off_executor(move || crate::service::letters::preview(&actor, &body)).await?)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    heading: &str,
    action: String,
    coalition: Option<String>,
    frozen: bool,
    form: LetterFormValues,
    error: Option<AppError>,
    preview: Option<Arc<str>>,
) -> Result<HttpResponse, PageError> {
    let errors = match &error {
        None => FormErrors::default(),
        Some(e) => match FormErrors::from_error(e) {
            Some(errors) => errors,
            None => return Err(error.expect("an error").into()),
        },
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &LetterFormPage {
            me: session.me(),
            csrf: &csrf.token,
            heading,
            action,
            coalition,
            frozen,
            form,
            errors,
            preview,
        },
    )
}

#[derive(Template)]
#[template(path = "dashboard/letter.html")]
pub(super) struct LetterPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    view: LetterView,
    counts: Counts,
    /// Published signatories by country, largest first.
    by_country: Vec<crate::service::public_list::CountryCount>,
    body_html: Arc<str>,
    can_manage: bool,
    next_state: Option<LetterState>,
    message: Option<&'a str>,
    /// Its campaign: (slug, title).
    campaign: Option<(String, String)>,
    /// Its delivery, once delivered.
    delivery: Option<crate::db::models::Delivery>,
    /// Signing surging from one email domain or network (`service::abuse::surges`).
    surges: Vec<crate::service::abuse::Surge>,
}

pub(super) async fn load_letter(
    state: &AppState,
    session: &SignedIn,
    slug: String,
    permission: Permission,
) -> Result<(LetterView, Counts), AppError> {
    let actor = session.actor.clone();
    state
        .db
        .run(move |conn| {
            let view = crate::service::letters::find_for(conn, &actor, &slug, permission)?;
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
}

impl LetterFlash {
    fn message(&self) -> Option<&'static str> {
        self.delivered
            .as_ref()
            .map(|_| "Delivered: the list is frozen, and the delivery is on the timeline.")
    }
}

pub(super) async fn letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    flash: web::Query<LetterFlash>,
) -> Result<HttpResponse, PageError> {
    let (view, counts) =
        load_letter(&state, &session, slug.into_inner(), Permission::ReadPrivate).await?;
    let id = view.letter.id.clone();
    let campaign_id = view.letter.campaign_id.clone();
    let surge = state.surge;
    let body = view.letter.body.clone();
    let (by_country, campaign, delivery, surges, body_html) = state
        .db
        .run(move |conn| {
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
            ))
        })
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &LetterPage {
            me: session.me(),
            csrf: &csrf.token,
            can_manage: session
                .actor
                .can(&view.coalition.id, Permission::ManageLetters),
            next_state: view.state().next(),
            body_html,
            view,
            counts,
            by_country,
            message: flash.message(),
            campaign,
            delivery,
            surges,
        },
    )
}

pub(super) async fn edit_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (view, _) = load_letter(
        &state,
        &session,
        slug.into_inner(),
        Permission::ManageLetters,
    )
    .await?;
    let frozen = !view.state().text_is_editable();
    let action = format!("/dashboard/letters/{}/edit", view.letter.slug);
    let mut values = LetterFormValues::of(&view);
    let campaign_id = view.letter.campaign_id.clone();
    values.campaign = state
        .db
        .run(move |conn| crate::service::campaigns::slug_of(conn, campaign_id.as_deref()))
        .await?
        .unwrap_or_default();
    form_page(
        &req,
        &state,
        &session,
        &format!("Edit: {}", view.letter.title),
        action,
        None,
        frozen,
        values,
        None,
        None,
    )
}

pub(super) async fn update_letter(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (view, _) = load_letter(
        &state,
        &session,
        slug.into_inner(),
        Permission::ManageLetters,
    )
    .await?;
    let frozen = !view.state().text_is_editable();
    let pairs = pairs.into_inner();
    let mut values = LetterFormValues::from_pairs(&pairs);
    values.slug = view.letter.slug.clone();
    values.state = view.letter.state.clone();
    if frozen {
        values.title = view.letter.title.clone();
        values.body = view.letter.body.clone();
        values.language = view.letter.language.clone();
    }
    let action = format!("/dashboard/letters/{}/edit", view.letter.slug);
    let heading = format!("Edit: {}", view.letter.title);
    let posted = form::parse::<LetterPatchFields>(&req, with_utc_deadline(pairs));
    let result = match posted {
        Ok(posted) if posted.action.as_deref() == Some("preview") => {
            let errors = posted.data.parse().err();
            let preview = Some(preview_of(&session, values.body.clone()).await?);
            return form_page(
                &req, &state, &session, &heading, action, None, frozen, values, errors, preview,
            );
        }
        Ok(posted) => {
            let (actor, id) = (session.actor.clone(), view.letter.id.clone());
            let update = move |conn: &mut _, _: &_, changes| {
                crate::service::letters::update(conn, &actor, &id, changes)
            };
            let after = |updated: &LetterView| After::letter(&updated.letter.slug);
            form::run(&state, posted.data.parse(), update, after).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(updated) => Ok(see_other(format!(
            "/dashboard/letters/{}",
            updated.letter.slug
        ))),
        Err(e) => form_page(
            &req,
            &state,
            &session,
            &heading,
            action,
            None,
            frozen,
            values,
            Some(e),
            None,
        ),
    }
}

pub(super) async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (slug, to) = path.into_inner();
    let to: LetterState = to.parse().map_err(|m: String| AppError::field("to", m))?;
    let actor = session.actor.clone();
    let view = state
        .command(
            move |conn, keys| {
                crate::service::letters::transition(conn, &keys.ledger, &actor, &slug, to)
            },
            |view| After::letter(&view.letter.slug).and_mail(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{}",
        view.letter.slug
    )))
}
