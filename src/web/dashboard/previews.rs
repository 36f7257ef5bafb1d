//! A draft's secret preview links in the dashboard (`service::previews`): the letter's page lists
//! them with a form to make one and a revoke button each (`dashboard/letter_previews.html`); making
//! one shows its link once, on a page of its own (`dashboard/preview_created.html`), where a label
//! too long comes back under its field.

use crate::web::dashboard::extract::item_button;
use crate::web::PathParam;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::db::models::LetterPreview;
use crate::domain::Permission;
use crate::http::state::After;
use crate::i18n::Lang;
use crate::service::access::{Subject, UserActor};
use crate::service::letters::LetterView;
use crate::service::previews::{self, PreviewFields};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{status_of, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let revoke = item_button(previews::revoke, |slug| {
        format!("/dashboard/letters/{slug}?preview_revoked=1#previews")
    });
    mount!(cfg, {
        "/dashboard/letters/{slug}/previews" => web::post().to(create);
        "/dashboard/letters/{slug}/previews/{id}/revoke" => web::post().to(revoke);
    });
}

/// The preview links of a draft, for its page: every link, newest first.
pub(super) fn of_letter(
    conn: &mut crate::db::DbConnection,
    actor: &crate::service::access::Actor,
    view: &LetterView,
) -> Result<Vec<LetterPreview>, crate::error::AppError> {
    if view.state() != crate::domain::LetterState::Draft
        || !actor.can(&view.coalition.id, Permission::ManageLetters)
    {
        return Ok(Vec::new());
    }
    Ok(previews::list(conn, actor, &view.letter.id)?.1)
}

#[derive(Template)]
#[template(path = "dashboard/preview_created.html")]
struct CreatedPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    slug: &'a str,
    title: &'a str,
    /// The new link, shown this once; `None` when the form came back with its messages.
    url: Option<String>,
    label: &'a str,
    errors: FormErrors,
}

async fn create(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let pairs = pairs.into_inner();
    let label = (pairs.iter())
        .find(|(k, _)| k == "label")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let subject = Subject::letter(&slug);
    let posted = dash
        .post_for::<PreviewFields>(subject, Permission::ManageLetters, pairs)
        .await?;
    let letter = slug.clone();
    let result = dash
        .submit(
            posted.data.parse(),
            move |conn, _, actor, label| {
                let (token, _) = previews::create(conn, actor, &letter, label)?;
                let view = crate::service::letters::find(
                    conn,
                    &letter,
                    crate::service::letters::Audience::Admin,
                )?;
                Ok((token, view.letter.title))
            },
            |_| After::nothing(),
        )
        .await;
    let (url, title, error) = match result {
        Ok((token, title)) => {
            let url = format!("{}/preview/{}", dash.state.public_url, token.as_str());
            (Some(url), title, None)
        }
        Err(e) => {
            let letter = slug.clone();
            let view = dash
                .read(move |conn, actor| {
                    crate::service::letters::find_for(
                        conn,
                        actor,
                        &letter,
                        Permission::ManageLetters,
                    )
                })
                .await?;
            (None, view.letter.title, Some(e))
        }
    };
    let errors = FormErrors::of(error)?;
    let status = if url.is_some() {
        StatusCode::CREATED
    } else {
        status_of(&errors)
    };
    dash.render(status, |csrf| CreatedPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        slug: &slug,
        title: &title,
        url,
        label: &label,
        errors,
    })
}
