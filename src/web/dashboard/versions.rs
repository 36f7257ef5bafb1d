//! The dashboard's page for a letter's text versions and translations.

use crate::http::state::After;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::models::{LetterVersion, Translation};
use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::letters::{self, LetterView};
use crate::service::translations::TranslationFields;
use crate::service::versions::NewVersionFields;
use crate::service::{translations, versions};
use crate::web::form;
use crate::web::session::{FormErrors, SignedIn};
use crate::web::{page_csrf, render, see_other, status_of, ButtonForm, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard/letters/{slug}/versions", web::get().to(page))
        .route(
            "/dashboard/letters/{slug}/versions",
            web::post().to(publish),
        )
        .route(
            "/dashboard/letters/{slug}/translations",
            web::post().to(translate),
        )
        .route(
            "/dashboard/letters/{slug}/translations/{language}/delete",
            web::post().to(delete),
        );
}

#[derive(Template)]
#[template(path = "dashboard/versions.html")]
struct VersionsPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    view: LetterView,
    versions: Vec<LetterVersion>,
    translations: Vec<Translation>,
    can_version: bool,
    can_translate: bool,
    can_delete: bool,
    message: Option<&'a str>,
    errors: FormErrors,
}

async fn show(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    message: Option<&str>,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let errors = match error {
        None => FormErrors::default(),
        Some(e) => FormErrors::from_error(&e).ok_or(PageError(e))?,
    };
    let actor = session.actor.clone();
    let (view, versions, translations) = state
        .db
        .run(move |conn| {
            let view = letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            let (_, versions) = versions::list(conn, &actor, &view.letter.id)?;
            let translations = translations::list(conn, &view.letter.id)?;
            Ok((view, versions, translations))
        })
        .await?;
    let manage = session
        .actor
        .can(&view.coalition.id, Permission::ManageLetters);
    let letter_state = view.state();
    let (csrf, builder) = page_csrf(req, state, status_of(&errors));
    render(
        builder,
        &VersionsPage {
            me: session.me(),
            csrf: &csrf.token,
            can_version: manage && matches!(letter_state, LetterState::Open | LetterState::Closed),
            can_translate: manage && matches!(letter_state, LetterState::Draft | LetterState::Open),
            can_delete: manage && letter_state == LetterState::Draft,
            view,
            versions,
            translations,
            message,
            errors,
        },
    )
}

async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    show(&req, &state, &session, slug.into_inner(), None, None).await
}

/// Call the API handler's own parsing and the service, then show the page again.
async fn publish(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<NewVersionFields>(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?;
    let (actor, letter) = (session.actor.clone(), slug.clone());
    let result = form::run(
        &state,
        posted.data.parse(),
        move |conn, keys, new| versions::publish(conn, &keys.ledger, &actor, &letter, new),
        |(view, _)| After::letter(&view.letter.slug),
    )
    .await
    .map(|_| ());
    match result {
        Ok(()) => {
            show(
                &req,
                &state,
                &session,
                slug,
                Some("The new version is published."),
                None,
            )
            .await
        }
        Err(e) => show(&req, &state, &session, slug, None, Some(e)).await,
    }
}

async fn translate(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<TranslationFields>(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?;
    let (actor, letter) = (session.actor.clone(), slug.clone());
    let result = form::run(
        &state,
        posted.data.parse(),
        move |conn, keys, input| translations::save(conn, &keys.ledger, &actor, &letter, input),
        |_| After::every_letter(),
    )
    .await
    .map(|_| ());
    match result {
        Ok(()) => {
            show(
                &req,
                &state,
                &session,
                slug,
                Some("The translation is saved."),
                None,
            )
            .await
        }
        Err(e) => show(&req, &state, &session, slug, None, Some(e)).await,
    }
}

async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (slug, language) = path.into_inner();
    let (actor, letter) = (session.actor.clone(), slug.clone());
    state
        .command(
            move |conn, _| translations::delete(conn, &actor, &letter, &language),
            |_| After::nothing(),
        )
        .await?;
    Ok(see_other(format!("/dashboard/letters/{slug}/versions")))
}
