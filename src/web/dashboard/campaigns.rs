//! Campaigns in the dashboard: `/dashboard/campaigns` (the list and a form for a new one) and
//! `/dashboard/campaigns/{slug}` (edit the goal, post to the timeline, remove a post). Forms are
//! parsed by the services' `Fields` types, as the API's bodies are, so both answer alike.

use crate::http::state::After;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::Permission;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::campaigns::{self, CampaignView, Overview};
use crate::service::campaigns::{
    parse_event, CampaignPatchFields, Count, GoalInput, GoalPatch, NewCampaignFields,
    NewEventFields,
};
use crate::service::letters::Audience;
use crate::service::{Page, PageRequest};
use crate::web::form;
use crate::web::session::{FormErrors, SignedIn};
use crate::web::{page_csrf, render, see_other, status_of, ButtonForm, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard/campaigns", web::get().to(list_page))
        .route("/dashboard/campaigns", web::post().to(create))
        .route("/dashboard/campaigns/{slug}", web::get().to(campaign_page))
        .route("/dashboard/campaigns/{slug}", web::post().to(update))
        .route(
            "/dashboard/campaigns/{slug}/events",
            web::post().to(post_event),
        )
        .route(
            "/dashboard/campaigns/{slug}/events/{id}/delete",
            web::post().to(delete_event),
        );
}

// ---- The coordinators' pages ----

/// The campaign form's values, as typed.
#[derive(Default, Deserialize)]
struct CampaignForm {
    #[serde(default)]
    coalition: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default, rename = "goal.organisations")]
    goal_organisations: String,
    #[serde(default, rename = "goal.countries")]
    goal_countries: String,
    #[serde(default, rename = "goal.date")]
    goal_date: String,
}

impl CampaignForm {
    fn of(view: &CampaignView) -> CampaignForm {
        let c = &view.campaign;
        CampaignForm {
            coalition: view.coalition.slug.clone(),
            slug: c.slug.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            goal_organisations: c
                .goal_organisations
                .map(|n| n.to_string())
                .unwrap_or_default(),
            goal_countries: c.goal_countries.map(|n| n.to_string()).unwrap_or_default(),
            goal_date: (c.goal_date)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }

    fn for_api(&self) -> NewCampaignFields {
        NewCampaignFields {
            slug: Some(self.slug.clone()).filter(|s| !s.trim().is_empty()),
            coalition: Some(self.coalition.clone()),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            goal: Some(GoalInput {
                organisations: Some(Count::Text(self.goal_organisations.clone())),
                countries: Some(Count::Text(self.goal_countries.clone())),
                date: Some(self.goal_date.clone()),
            }),
        }
    }

    fn as_patch(&self) -> CampaignPatchFields {
        let blank_is_none = |s: &str| Some(Some(s.to_string()).filter(|s| !s.trim().is_empty()));
        CampaignPatchFields {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            goal: Some(GoalPatch {
                organisations: blank_is_none(&self.goal_organisations).map(|o| o.map(Count::Text)),
                countries: blank_is_none(&self.goal_countries).map(|o| o.map(Count::Text)),
                date: blank_is_none(&self.goal_date),
            }),
        }
    }
}

#[derive(Default, Deserialize)]
struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    occurred_at: String,
    #[serde(default)]
    letter: String,
}

impl EventForm {
    fn for_api(&self) -> NewEventFields {
        NewEventFields {
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            occurred_at: Some(self.occurred_at.clone()),
            letter: Some(self.letter.clone()),
        }
    }
}

const POSTED_KINDS: &[&str] = &["response", "milestone", "note"];

#[derive(Template)]
#[template(path = "dashboard/campaigns.html")]
struct ListPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    campaigns: Page<CampaignView>,
    /// The coalitions where the user may start a campaign: (slug, name).
    coalitions: Vec<(String, String)>,
    form: CampaignForm,
    errors: FormErrors,
}

fn managed_coalitions(
    conn: &mut crate::db::DbConnection,
    me: &UserActor,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for (id, role) in &me.roles {
        if role.allows(Permission::ManageLetters) {
            let c = crate::service::coalitions::find(conn, id)?;
            out.push((c.slug, c.name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

async fn list_response(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    form: CampaignForm,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let me = session.me().clone();
    let audience = Audience::Members(me.roles.iter().map(|(c, _)| c.clone()).collect());
    let (campaigns, coalitions) = state
        .db
        .run(move |conn| {
            let mine = Audience::Members(me.roles.iter().map(|(c, _)| c.clone()).collect());
            let all = campaigns::list(
                conn,
                &audience,
                None,
                PageRequest {
                    page: 1,
                    per_page: PageRequest::MAX_PER_PAGE,
                },
            )?;
            // Only the user's coalitions' campaigns: the public ones of others are on the site.
            let items: Vec<CampaignView> = (all.items.into_iter())
                .filter(|c| mine.sees_private(&c.coalition.id))
                .collect();
            let total = items.len() as i64;
            Ok((
                Page::new(
                    items,
                    PageRequest {
                        page: 1,
                        per_page: PageRequest::MAX_PER_PAGE,
                    },
                    total,
                ),
                managed_coalitions(conn, &me)?,
            ))
        })
        .await?;
    let (csrf, builder) = page_csrf(req, state, status_of(&errors));
    render(
        builder,
        &ListPage {
            me: session.me(),
            csrf: &csrf.token,
            campaigns,
            coalitions,
            form,
            errors,
        },
    )
}

async fn list_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
) -> Result<HttpResponse, PageError> {
    list_response(
        &req,
        &state,
        &session,
        CampaignForm::default(),
        FormErrors::default(),
    )
    .await
}

/// An error as the form's messages, or as an error page when it is not about fields.
fn form_errors(e: AppError) -> Result<FormErrors, PageError> {
    FormErrors::from_error(&e).ok_or(PageError(e))
}

async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let values: CampaignForm = form::parse(&req, pairs.into_inner())?.data;
    let actor = session.actor.clone();
    let result = form::run(
        &state,
        values.for_api().parse(),
        move |conn, _, input| campaigns::create(conn, &actor, input),
        |_| After::nothing(),
    )
    .await;
    match result {
        Ok(view) => Ok(see_other(format!(
            "/dashboard/campaigns/{}",
            view.campaign.slug
        ))),
        Err(e) => list_response(&req, &state, &session, values, form_errors(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "dashboard/campaign.html")]
struct CampaignPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    o: &'a Overview,
    events: Vec<campaigns::EventView>,
    reached: bool,
    can_manage: bool,
    form: CampaignForm,
    errors: FormErrors,
    event: EventForm,
    event_errors: FormErrors,
    kinds: &'a [&'a str],
    message: Option<&'a str>,
}

#[derive(Deserialize)]
struct Flash {
    posted: Option<String>,
    saved: Option<String>,
    removed: Option<String>,
}

impl Flash {
    fn message(&self) -> Option<&'static str> {
        if self.posted.is_some() {
            Some("Posted on the timeline.")
        } else if self.saved.is_some() {
            Some("Saved.")
        } else if self.removed.is_some() {
            Some("Removed from the timeline.")
        } else {
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn campaign_response(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    form: Option<CampaignForm>,
    errors: FormErrors,
    event: EventForm,
    event_errors: FormErrors,
    message: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let page = state
        .db
        .run(move |conn| {
            let view = campaigns::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            campaigns::page(conn, &view.campaign.id, &actor.audience())
        })
        .await?;
    let o = page.o;
    let can_manage = session
        .actor
        .can(&o.view.coalition.id, Permission::ManageLetters);
    let status = if errors.is_empty() && event_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &CampaignPage {
            me: session.me(),
            csrf: &csrf.token,
            events: page.events,
            reached: page.reached,
            can_manage,
            form: form.unwrap_or_else(|| CampaignForm::of(&o.view)),
            errors,
            event,
            event_errors,
            kinds: POSTED_KINDS,
            message,
            o: &o,
        },
    )
}

async fn campaign_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, PageError> {
    campaign_response(
        &req,
        &state,
        &session,
        slug.into_inner(),
        None,
        FormErrors::default(),
        EventForm {
            kind: "response".into(),
            ..EventForm::default()
        },
        FormErrors::default(),
        flash.message(),
    )
    .await
}

async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let values: CampaignForm = form::parse_for(
        &req,
        &state,
        &session.actor,
        Subject::campaign(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?
    .data;
    let actor = session.actor.clone();
    let campaign = slug.clone();
    let result = form::run(
        &state,
        values.as_patch().parse(),
        move |conn, _, changes| campaigns::update(conn, &actor, &campaign, changes),
        |_| After::nothing(),
    )
    .await;
    match result {
        Ok(view) => Ok(see_other(format!(
            "/dashboard/campaigns/{}?saved=1",
            view.campaign.slug
        ))),
        Err(e) => {
            campaign_response(
                &req,
                &state,
                &session,
                slug,
                Some(values),
                form_errors(e)?,
                EventForm::default(),
                FormErrors::default(),
                None,
            )
            .await
        }
    }
}

async fn post_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let values: EventForm = form::parse_for(
        &req,
        &state,
        &session.actor,
        Subject::campaign(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?
    .data;
    let actor = session.actor.clone();
    let campaign = slug.clone();
    let result = form::run(
        &state,
        parse_event(values.for_api()),
        move |conn, _, input| campaigns::post_event(conn, &actor, &campaign, input),
        |_| After::nothing(),
    )
    .await;
    match result {
        Ok(event) => Ok(see_other(format!(
            "/dashboard/campaigns/{slug}?posted=1#event-{}",
            event.id
        ))),
        Err(e) => {
            campaign_response(
                &req,
                &state,
                &session,
                slug,
                None,
                FormErrors::default(),
                values,
                form_errors(e)?,
                None,
            )
            .await
        }
    }
}

async fn delete_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (slug, id) = path.into_inner();
    let actor = session.actor.clone();
    let campaign = slug.clone();
    state
        .command(
            move |conn, _| campaigns::delete_event(conn, &actor, &campaign, &id),
            |_| After::nothing(),
        )
        .await?;
    Ok(see_other(format!("/dashboard/campaigns/{slug}?removed=1")))
}
