//! The dashboard's page for a letter's text versions and translations.

use crate::http::state::After;
use crate::web::dashboard::extract::item_button;
use crate::web::PathParam;
use actix_web::web;
use askama::Template;

use crate::db::models::{LetterVersion, Translation};
use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::letters::{self, LetterView};
use crate::service::translations::TranslationFields;
use crate::service::versions::NewVersionFields;
use crate::service::{translations, versions};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::{self, Pairs};
use crate::web::session::FormErrors;
use crate::web::{status_of, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let delete = item_button(translations::delete, |slug| {
        format!("/dashboard/letters/{slug}/versions")
    });
    mount!(cfg, {
        "/dashboard/letters/{slug}/versions" => [web::get().to(page), web::post().to(publish)];
        "/dashboard/letters/{slug}/translations" => web::post().to(translate);
        "/dashboard/letters/{slug}/translations/{language}/delete" => web::post().to(delete);
    });
}

#[derive(Template)]
#[template(path = "dashboard/versions.html")]
struct VersionsPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: LetterView,
    versions: Vec<LetterVersion>,
    translations: Vec<Translation>,
    can_version: bool,
    can_translate: bool,
    can_delete: bool,
    message: Option<&'a str>,
    /// The messages of the form that was posted: the new version's or the translation's (the
    /// two forms have fields of the same names, so their ids are prefixed).
    version_errors: FormErrors,
    translation_errors: FormErrors,
}

/// Which of the page's forms a post came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Posted {
    Nothing,
    Version,
    Translation,
}

async fn show(
    dash: &Dashboard,
    slug: String,
    message: Option<&str>,
    error: Option<AppError>,
    posted: Posted,
) -> PageReply {
    let errors = FormErrors::of(error)?;
    let (view, versions, translations) = dash
        .read(move |conn, actor| {
            let view = letters::find_for(conn, actor, &slug, Permission::ReadPrivate)?;
            let (_, versions) = versions::list(conn, actor, &view.letter.id)?;
            let translations = translations::list(conn, &view.letter.id)?;
            Ok((view, versions, translations))
        })
        .await?;
    let manage = dash
        .actor
        .can(&view.coalition.id, Permission::ManageLetters);
    let letter_state = view.state();
    let status = status_of(&errors);
    let (version_errors, translation_errors) = match posted {
        Posted::Version => (errors, FormErrors::default()),
        Posted::Translation => (FormErrors::default(), errors),
        Posted::Nothing => (FormErrors::default(), FormErrors::default()),
    };
    dash.render(status, |csrf| VersionsPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        can_version: manage && matches!(letter_state, LetterState::Open | LetterState::Closed),
        can_translate: manage && matches!(letter_state, LetterState::Draft | LetterState::Open),
        can_delete: manage && letter_state == LetterState::Draft,
        view,
        versions,
        translations,
        message,
        version_errors,
        translation_errors,
    })
}

async fn page(dash: Dashboard, slug: PathParam) -> PageReply {
    show(&dash, slug.into_inner(), None, None, Posted::Nothing).await
}

/// Publish a new version of an open or closed letter's text, then show the page again.
async fn publish(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<NewVersionFields>(letter, Permission::ManageLetters, pairs.0);
    let letter = slug.clone();
    let result = dash
        .submit(
            posted.await?.data.parse(),
            move |conn, keys, actor, new| {
                versions::publish(conn, &keys.ledger, actor, &letter, new)
            },
            |(view, _)| After::letter(&view.letter.slug),
        )
        .await;
    let done = dash.t.get("dash-versions-published");
    let (message, error) = form::outcome(result, done);
    show(&dash, slug, message.as_deref(), error, Posted::Version).await
}

/// Save a translation of a draft or open letter, then show the page again.
async fn translate(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<TranslationFields>(letter, Permission::ManageLetters, pairs.0);
    let letter = slug.clone();
    let result = dash
        .submit(
            posted.await?.data.parse(),
            move |conn, keys, actor, input| {
                translations::save(conn, &keys.ledger, actor, &letter, input)
            },
            |_| After::every_letter(),
        )
        .await;
    let done = dash.t.get("dash-versions-saved");
    let (message, error) = form::outcome(result, done);
    show(&dash, slug, message.as_deref(), error, Posted::Translation).await
}
