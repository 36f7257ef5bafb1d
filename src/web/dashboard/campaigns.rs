//! Campaigns in the dashboard: `/dashboard/campaigns` (the list and a form for a new one) and
//! `/dashboard/campaigns/{slug}` (edit the goal, post to the timeline, remove a post). Forms are
//! parsed by the services' `Fields` types, as the API's bodies are, so both answer alike.

use crate::http::state::After;
use crate::web::dashboard::extract::{item_button, manage_post, PostHandler};
use crate::web::PathParam;

use actix_web::web;
use askama::Template;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::access::UserActor;
use crate::service::access::{Actor, Subject};
use crate::service::campaigns::{self, CampaignView, Overview};
use crate::service::campaigns::{
    parse_event, CampaignPatchFields, Count, GoalInput, GoalPatch, NewCampaignFields,
    NewEventFields,
};
use crate::service::letters::Audience;
use crate::service::{Page, PageRequest};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{see_other, status_of, unless_invalid, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let delete_event = item_button(campaigns::delete_event, |slug| {
        format!("/dashboard/campaigns/{slug}?removed=1")
    });
    // Save the campaign's title, description and goal.
    let update = campaign_post(
        |form: &CampaignForm| form.as_patch().parse(),
        campaigns::update,
        |_, view| format!("/dashboard/campaigns/{}?saved=1", view.campaign.slug),
        Shown::Campaign,
    );
    // Post on the campaign's timeline.
    let post_event = campaign_post(
        |form: &EventForm| parse_event(form.for_api()),
        campaigns::post_event,
        |slug, event| format!("/dashboard/campaigns/{slug}?posted=1#event-{}", event.id),
        Shown::Event,
    );
    mount!(cfg, {
        "/dashboard/campaigns" => [web::get().to(list_page), web::post().to(create)];
        "/dashboard/campaigns/{slug}" => [web::get().to(campaign_page), web::post().to(update)];
        "/dashboard/campaigns/{slug}/events" => web::post().to(post_event);
        "/dashboard/campaigns/{slug}/events/{id}/delete" => web::post().to(delete_event);
    });
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
    csrf: String,
    t: Lang,
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

async fn list_response(dash: &Dashboard, form: CampaignForm, errors: FormErrors) -> PageReply {
    let me = dash.me().clone();
    let audience = Audience::Members(me.roles.iter().map(|(c, _)| c.clone()).collect());
    let (campaigns, coalitions) = dash
        .read(move |conn, _| {
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
    dash.render(status_of(&errors), |csrf| ListPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        campaigns,
        coalitions,
        form,
        errors,
    })
}

async fn list_page(dash: Dashboard) -> PageReply {
    list_response(&dash, CampaignForm::default(), FormErrors::default()).await
}

async fn create(dash: Dashboard, pairs: Pairs) -> PageReply {
    let values: CampaignForm = dash.post(pairs.0)?.data;
    let result = dash
        .submit(
            values.for_api().parse(),
            |conn, _, actor, input| campaigns::create(conn, actor, input),
            |_| After::nothing(),
        )
        .await;
    match result {
        Ok(view) => Ok(see_other(format!(
            "/dashboard/campaigns/{}",
            view.campaign.slug
        ))),
        Err(e) => list_response(&dash, values, FormErrors::of(Some(e))?).await,
    }
}

#[derive(Template)]
#[template(path = "dashboard/campaign.html")]
struct CampaignPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
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
    fn message(&self, t: Lang) -> Option<String> {
        let id = if self.posted.is_some() {
            "dash-campaign-posted"
        } else if self.saved.is_some() {
            "dash-saved"
        } else if self.removed.is_some() {
            "dash-campaign-removed"
        } else {
            return None;
        };
        Some(t.get(id))
    }
}

/// The campaign page's two forms: the campaign's values as saved and a blank post
/// (`Saved`), or one form as posted again with its messages, the other blank.
enum Shown {
    Saved,
    Campaign(CampaignForm, FormErrors),
    Event(EventForm, FormErrors),
}

async fn campaign_response(
    dash: &Dashboard,
    slug: String,
    shown: Shown,
    message: Option<&str>,
) -> PageReply {
    let page = dash
        .read(move |conn, actor| {
            let view = campaigns::find_for(conn, actor, &slug, Permission::ReadPrivate)?;
            campaigns::page(conn, &view.campaign.id, &actor.audience())
        })
        .await?;
    let o = page.o;
    let can_manage = dash
        .actor
        .can(&o.view.coalition.id, Permission::ManageLetters);
    let none = FormErrors::default;
    let (form, errors, event, event_errors) = match shown {
        Shown::Saved => {
            let event = EventForm {
                kind: "response".into(),
                ..EventForm::default()
            };
            (CampaignForm::of(&o.view), none(), event, none())
        }
        Shown::Campaign(form, errors) => (form, errors, EventForm::default(), none()),
        Shown::Event(event, errors) => (CampaignForm::of(&o.view), none(), event, errors),
    };
    let status = unless_invalid(status_of(&errors), &event_errors);
    dash.render(status, |csrf| CampaignPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        events: page.events,
        reached: page.reached,
        can_manage,
        form,
        errors,
        event,
        event_errors,
        kinds: POSTED_KINDS,
        message,
        o: &o,
    })
}

async fn campaign_page(dash: Dashboard, slug: PathParam, flash: web::Query<Flash>) -> PageReply {
    let message = flash.message(dash.t);
    campaign_response(&dash, slug.into_inner(), Shown::Saved, message.as_deref()).await
}

/// The handler of a post from one of the campaign page's forms (`F`), routed as
/// `web::post().to(campaign_post(..))`: the CSRF token and the right to manage the campaign
/// ([`manage_post`]), then `write` on it with the input that `input` makes of the fields. One
/// that worked redirects to `done(slug, result)`; a failed one shows the page again with the
/// form as posted and its messages (`shown`).
fn campaign_post<F, I, T>(
    input: fn(&F) -> Result<I, AppError>,
    write: fn(&mut DbConnection, &Actor, &str, I) -> Result<T, AppError>,
    done: fn(&str, T) -> String,
    shown: fn(F, FormErrors) -> Shown,
) -> impl PostHandler<PathParam, Pairs>
where
    F: DeserializeOwned + 'static,
    I: Send + 'static,
    T: Send + 'static,
{
    manage_post(Subject::campaign, move |dash, slug, values: F| async move {
        let campaign = slug.clone();
        let result = dash
            .submit(
                input(&values),
                move |conn, _, actor, input| write(conn, actor, &campaign, input),
                |_| After::nothing(),
            )
            .await;
        match result {
            Ok(written) => Ok(see_other(done(&slug, written))),
            Err(e) => {
                let shown = shown(values, FormErrors::of(Some(e))?);
                campaign_response(&dash, slug, shown, None).await
            }
        }
    })
}
