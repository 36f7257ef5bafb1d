//! The coordinators' dashboard (server-rendered, same look as the public pages): letters with
//! their counts, drafting with a preview, the life cycle, a letter's signatures with filters and
//! the moderation queue, the audit log, the outbox, and a coalition's coordinators. Every page
//! calls the same services as the JSON API, with the signed-in coordinator as the actor.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::{self, local_time_as_utc};
use super::session::{FormErrors, SignedIn};
use super::{page_csrf, render, see_other, ButtonForm, PageError};
use crate::db::models::{AuditRow, Coalition, OutboxMail};
use crate::db::Db;
use crate::domain::markdown::to_safe_html;
use crate::domain::{LetterState, MailState, Permission, Role, SignatureState};
use crate::error::{AppError, FieldCollector};
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::accounts::{self, Member};
use crate::service::audit::{self, Scope};
use crate::service::campaigns;
use crate::service::dashboard::{self, CoalitionLetters, Counts};
use crate::service::letters::{self, Audience, LetterView};
use crate::service::letters::{LetterPatchFields, NewLetterFields};
use crate::service::signatures::{self, Decision, SignatureFilter, SignatureView};
use crate::service::{coalitions, outbox, Page, PageRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(home))
        .route("/dashboard/letters/new", web::get().to(new_letter))
        .route("/dashboard/letters", web::post().to(create_letter))
        .route("/dashboard/letters/{slug}", web::get().to(letter))
        .route("/dashboard/letters/{slug}/edit", web::get().to(edit_letter))
        .route(
            "/dashboard/letters/{slug}/edit",
            web::post().to(update_letter),
        )
        .route(
            "/dashboard/letters/{slug}/transition/{to}",
            web::post().to(transition),
        )
        .route(
            "/dashboard/letters/{slug}/signatures",
            web::get().to(signature_list),
        )
        .route(
            "/dashboard/letters/{slug}/moderate",
            web::post().to(moderate),
        )
        .route(
            "/dashboard/letters/{slug}/audit",
            web::get().to(letter_audit),
        )
        .route(
            "/dashboard/coalitions/{slug}/audit",
            web::get().to(coalition_audit),
        )
        .route(
            "/dashboard/coalitions/{slug}/members",
            web::get().to(members),
        )
        .route(
            "/dashboard/coalitions/{slug}/members",
            web::post().to(set_member),
        )
        .route(
            "/dashboard/coalitions/{slug}/members/{user}/remove",
            web::post().to(remove_member),
        )
        .route("/dashboard/outbox", web::get().to(outbox_page))
        .route("/dashboard/outbox/{id}/retry", web::post().to(retry_mail));
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    coalitions: Vec<CoalitionLetters>,
}

async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let coalitions = state
        .db
        .run(move |conn| dashboard::overview(conn, &actor))
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &HomePage {
            me: session.me(),
            csrf: &csrf.token,
            coalitions,
        },
    )
}

/// The letter form's values, as typed.
#[derive(Default)]
struct LetterFormValues {
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

const MODERATIONS: &[&str] = &["auto", "manual"];
const VISIBILITIES: &[&str] = &["public", "unlisted"];

#[derive(Template)]
#[template(path = "dashboard/letter_form.html")]
struct LetterFormPage<'a> {
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
struct NewQuery {
    coalition: Option<String>,
}

async fn new_letter(
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
fn with_utc_deadline(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "deadline" => (k, local_time_as_utc(&v)),
            _ => (k, v),
        })
        .collect()
}

async fn create_letter(
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
        Ok(posted) => match posted.data.parse() {
            Ok(input) => {
                let actor = session.actor.clone();
                state
                    .db
                    .write(move |conn| letters::create(conn, &actor, input))
                    .await
            }
            Err(e) => Err(e),
        },
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
/// (`letters::preview`).
async fn preview_of(session: &SignedIn, body: String) -> Result<Arc<str>, PageError> {
    let actor = session.actor.clone();
    Ok(Db::off_executor(move || letters::preview(&actor, &body)).await?)
}

#[allow(clippy::too_many_arguments)]
fn form_page(
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
struct LetterPage<'a> {
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

async fn load_letter(
    state: &AppState,
    session: &SignedIn,
    slug: String,
    permission: Permission,
) -> Result<(LetterView, Counts), AppError> {
    let actor = session.actor.clone();
    state
        .db
        .run(move |conn| {
            let view = letters::find_for(conn, &actor, &slug, permission)?;
            let counts = dashboard::counts(conn, std::slice::from_ref(&view.letter.id))?
                .remove(&view.letter.id)
                .unwrap_or_default();
            Ok((view, counts))
        })
        .await
}

/// The notice after a post that redirects to the letter's page.
#[derive(Deserialize)]
struct LetterFlash {
    delivered: Option<String>,
}

impl LetterFlash {
    fn message(&self) -> Option<&'static str> {
        self.delivered
            .as_ref()
            .map(|_| "Delivered: the list is frozen, and the delivery is on the timeline.")
    }
}

async fn letter(
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
                Some(c) => Some(campaigns::find(conn, &c, &Audience::Admin)?.campaign),
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

async fn edit_letter(
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
        .run(move |conn| campaigns::slug_of(conn, campaign_id.as_deref()))
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

async fn update_letter(
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
        Ok(posted) => match posted.data.parse() {
            Ok(changes) => {
                let actor = session.actor.clone();
                let id = view.letter.id.clone();
                state
                    .db
                    .write(move |conn| letters::update(conn, &actor, &id, changes))
                    .await
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(updated) => {
            state.versions.forget(&updated.letter.slug);
            Ok(see_other(format!(
                "/dashboard/letters/{}",
                updated.letter.slug
            )))
        }
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

async fn transition(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    super::csrf::verify(&req, &button.csrf_token)?;
    let (slug, to) = path.into_inner();
    let to: LetterState = to.parse().map_err(|m: String| AppError::field("to", m))?;
    let actor = session.actor.clone();
    let key = state.ledger.clone();
    let view = state
        .db
        .write(move |conn| letters::transition(conn, &key, &actor, &slug, to))
        .await?;
    state.versions.forget(&view.letter.slug);
    state.wake_outbox();
    Ok(see_other(format!(
        "/dashboard/letters/{}",
        view.letter.slug
    )))
}

#[derive(Deserialize, Default)]
struct SignatureQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

const STATES: &[&str] = &[
    "pending",
    "confirmed",
    "published",
    "rejected",
    "withdrawn",
    "expired",
];

#[derive(Template)]
#[template(path = "dashboard/signatures.html")]
struct SignaturesPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    view: &'a LetterView,
    filter: &'a SignatureQuery,
    page: Page<SignatureView>,
    can_moderate: bool,
    message: Option<String>,
    errors: FormErrors,
}

async fn signatures_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    query: SignatureQuery,
    message: Option<String>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let mut checks = FieldCollector::new();
    let filter = SignatureFilter {
        state: checks.optional("state", Some(&query.state), str::parse::<SignatureState>),
        country: checks.optional(
            "country",
            Some(&query.country),
            crate::domain::CountryCode::parse,
        ),
        q: checks
            .optional("q", Some(&query.q), crate::domain::OrgName::parse)
            .map(|n| n.normalized()),
    };
    checks.finish()?;
    let page = PageRequest::clamped(query.page);
    let actor = session.actor.clone();
    let (view, list) = state
        .db
        .run(move |conn| {
            let view = letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            let list = signatures::list_for_letter(conn, &actor, &view.letter.id, &filter, page)?;
            Ok((view, list))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &SignaturesPage {
            me: session.me(),
            csrf: &csrf.token,
            can_moderate: session.actor.can(&view.coalition.id, Permission::Moderate),
            view: &view,
            filter: &query,
            page: list,
            message,
            errors,
        },
    )
}

async fn signature_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    query: web::Query<SignatureQuery>,
) -> Result<HttpResponse, PageError> {
    signatures_page(
        &req,
        &state,
        &session,
        slug.into_inner(),
        query.into_inner(),
        None,
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModerationForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    reason: String,
}

async fn moderate(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<ModerationForm>(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::Moderate,
        pairs.into_inner(),
    )
    .await?;
    let decision = match posted.action.as_deref() {
        Some("approve") => Ok(Decision::Approve),
        Some("reject") => crate::domain::text::text(500)(&posted.data.reason)
            .map(|reason| Decision::Reject { reason })
            .map_err(|m| AppError::field("reason", m)),
        _ => Err(AppError::field("action", "must be approve or reject")),
    };
    let ids = posted.data.ids;
    let n = ids.len();
    let result = match decision {
        Ok(decision) => {
            let (actor, key, letter) = (session.actor.clone(), state.ledger.clone(), slug.clone());
            state
                .db
                .write(move |conn| {
                    signatures::moderate(conn, &key, &actor, &letter, &ids, &decision)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let queue = SignatureQuery {
        state: "confirmed".into(),
        ..SignatureQuery::default()
    };
    match result {
        Ok(done) => {
            state.versions.forget(&slug);
            let verb = if posted.action.as_deref() == Some("approve") {
                "Approved"
            } else {
                "Rejected"
            };
            let message = format!("{verb} {} of {n} selected.", done.len());
            signatures_page(
                &req,
                &state,
                &session,
                slug,
                queue,
                Some(message),
                FormErrors::default(),
            )
            .await
        }
        Err(e) => match FormErrors::from_error(&e) {
            Some(errors) => {
                signatures_page(&req, &state, &session, slug, queue, None, errors).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "dashboard/audit.html")]
struct AuditPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    heading: String,
    back: String,
    page: Page<AuditRow>,
}

#[derive(Deserialize)]
struct PageParam {
    page: Option<i64>,
}

async fn audit_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    heading: String,
    back: String,
    page: Page<AuditRow>,
) -> Result<HttpResponse, PageError> {
    let (csrf, builder) = page_csrf(req, state, StatusCode::OK);
    render(
        builder,
        &AuditPage {
            me: session.me(),
            csrf: &csrf.token,
            heading,
            back,
            page,
        },
    )
}

async fn letter_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    query: web::Query<PageParam>,
) -> Result<HttpResponse, PageError> {
    let (actor, slug, page) = (
        session.actor.clone(),
        slug.into_inner(),
        PageRequest::clamped(query.page),
    );
    let (view, log) = state
        .db
        .run(move |conn| {
            let view = letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            let log = audit::list(conn, Scope::Letter(&view.letter.id), page)?;
            Ok((view, log))
        })
        .await?;
    let back = format!("/dashboard/letters/{}", view.letter.slug);
    audit_page(&req, &state, &session, view.letter.title, back, log).await
}

async fn coalition_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    query: web::Query<PageParam>,
) -> Result<HttpResponse, PageError> {
    let (actor, slug, page) = (
        session.actor.clone(),
        slug.into_inner(),
        PageRequest::clamped(query.page),
    );
    let (coalition, log) = state
        .db
        .run(move |conn| {
            let coalition = coalitions::find(conn, &slug)?;
            actor.require(&coalition, Permission::ReadPrivate)?;
            let log = audit::list(conn, Scope::Coalition(&coalition.id), page)?;
            Ok((coalition, log))
        })
        .await?;
    audit_page(
        &req,
        &state,
        &session,
        coalition.name,
        "/dashboard".into(),
        log,
    )
    .await
}

const ROLES: &[&str] = &["owner", "coordinator", "viewer"];

#[derive(Template)]
#[template(path = "dashboard/members.html")]
struct MembersPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    coalition: Coalition,
    members: Vec<Member>,
    invitations: Vec<accounts::PendingInvitation>,
    is_owner: bool,
    message: Option<&'a str>,
    errors: FormErrors,
}

async fn members_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    message: Option<&str>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let (coalition, members, invitations) = state
        .db
        .run(move |conn| {
            let members = accounts::members(conn, &actor, &slug)?;
            let invitations = accounts::pending_invitations(conn, &actor, &slug)?;
            Ok((coalitions::find(conn, &slug)?, members, invitations))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &MembersPage {
            me: session.me(),
            csrf: &csrf.token,
            is_owner: session.actor.can(&coalition.id, Permission::ManageMembers),
            coalition,
            members,
            invitations,
            message,
            errors,
        },
    )
}

async fn members(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    members_page(
        &req,
        &state,
        &session,
        slug.into_inner(),
        None,
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn set_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<MemberForm>(
        &req,
        &state,
        &session.actor,
        Subject::coalition(&slug),
        Permission::ManageMembers,
        pairs.into_inner(),
    )
    .await?;
    let mut errors = FieldCollector::new();
    let email = errors.check(
        "email",
        crate::domain::EmailAddress::parse(&posted.data.email),
    );
    let role: Option<Role> = errors.check("role", posted.data.role.parse());
    let result = match (errors.finish(), email, role) {
        (Ok(()), Some(email), Some(role)) => {
            let (actor, coalition) = (session.actor.clone(), slug.clone());
            state
                .db
                .write(move |conn| accounts::set_member(conn, &actor, &coalition, &email, role))
                .await
        }
        (Err(e), _, _) => Err(e),
        _ => Err(AppError::field("email", "is required")),
    };
    match result {
        Ok(change) => {
            let message = match change {
                accounts::MemberChange::Member(_) => "Saved.".to_string(),
                accounts::MemberChange::Invited(i) => format!(
                    "Invitation pending for {}: the role begins when their account accepts it \
                     on its account page.",
                    i.email
                ),
            };
            members_page(
                &req,
                &state,
                &session,
                slug,
                Some(&message),
                FormErrors::default(),
            )
            .await
        }
        Err(e) => match FormErrors::from_error(&e) {
            Some(errors) => members_page(&req, &state, &session, slug, None, errors).await,
            None => Err(e.into()),
        },
    }
}

async fn remove_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    super::csrf::verify(&req, &button.csrf_token)?;
    let (slug, user) = path.into_inner();
    let (actor, coalition) = (session.actor.clone(), slug.clone());
    state
        .db
        .write(move |conn| accounts::remove_member(conn, &actor, &coalition, &user))
        .await?;
    Ok(see_other(format!("/dashboard/coalitions/{slug}/members")))
}

#[derive(Deserialize)]
struct OutboxQuery {
    #[serde(default)]
    state: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "dashboard/outbox.html")]
struct OutboxPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    state: String,
    page: Page<OutboxMail>,
    message: Option<&'a str>,
    mail_check: Option<crate::email::Checked>,
}

async fn outbox_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let mut errors = FieldCollector::new();
    let mail_state: Option<MailState> = errors.optional("state", Some(&query.state), str::parse);
    errors.finish()?;
    let (actor, page) = (session.actor.clone(), PageRequest::clamped(query.page));
    let list = state
        .db
        .run(move |conn| outbox::list(conn, &actor, mail_state, page))
        .await?;
    let (csrf, builder) = page_csrf(&req, &state, StatusCode::OK);
    render(
        builder,
        &OutboxPage {
            me: session.me(),
            csrf: &csrf.token,
            state: query.state,
            page: list,
            message: None,
            mail_check: state.mail_check.last(),
        },
    )
}

async fn retry_mail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    id: web::Path<String>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    super::csrf::verify(&req, &button.csrf_token)?;
    let (actor, id) = (session.actor.clone(), id.into_inner());
    state
        .db
        .write(move |conn| outbox::retry(conn, &actor, &id))
        .await?;
    state.wake_outbox();
    Ok(see_other("/dashboard/outbox?state=queued"))
}
