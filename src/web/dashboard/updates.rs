//! `/dashboard/letters/{slug}/updates`: the updates a letter's signatories were sent, and a form
//! to send one.

use crate::http::state::After;
use crate::web::PathParam;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::db::models::LetterUpdate;
use crate::domain::markdown::to_safe_html;
use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::letters::LetterView;
use crate::service::updates::{self, UpdateRequest};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::{shown_on_form, Pairs};
use crate::web::session::FormErrors;
use crate::web::{see_other, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/letters/{slug}/updates" =>
            [web::get().to(dashboard_page), web::post().to(dashboard_send)];
    });
}

#[derive(Template)]
#[template(path = "dashboard/updates.html")]
struct DashboardPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    letter: &'a LetterView,
    /// (update, its body rendered), newest first.
    items: Vec<(LetterUpdate, std::sync::Arc<str>)>,
    can_send: bool,
    per_day: u32,
    form: &'a UpdateRequest,
    errors: FormErrors,
    /// A problem that is not one field's (the limit, no recipients).
    problem: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct SentParam {
    sent: Option<i64>,
}

async fn dashboard(
    dash: &Dashboard,
    slug: String,
    status: StatusCode,
    form: &UpdateRequest,
    errors: FormErrors,
    problem: Option<String>,
    message: Option<String>,
) -> PageReply {
    let (letter, items) = dash
        .read(move |conn, actor| {
            let (letter, items) = updates::list(conn, actor, &slug)?;
            // Rendered here, on the blocking pool, not on the async executor's threads.
            let items: Vec<_> = (items.into_iter())
                .map(|u| {
                    let html = to_safe_html(&u.body);
                    (u, html)
                })
                .collect();
            Ok((letter, items))
        })
        .await?;
    let can_send = dash
        .actor
        .can(&letter.coalition.id, Permission::ManageLetters)
        && letter.state() != LetterState::Draft;
    dash.render(status, |csrf| DashboardPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        letter: &letter,
        items,
        can_send,
        per_day: dash.state.updates_per_letter_per_day,
        form,
        errors,
        problem,
        message,
    })
}

async fn dashboard_page(
    dash: Dashboard,
    slug: PathParam,
    query: web::Query<SentParam>,
) -> PageReply {
    let message = (query.sent).map(|n| dash.t.with1("dash-updates-on-its-way", "count", n));
    let (form, errors) = (UpdateRequest::default(), FormErrors::default());
    let slug = slug.into_inner();
    dashboard(&dash, slug, StatusCode::OK, &form, errors, None, message).await
}

async fn dashboard_send(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<UpdateRequest>(letter, Permission::ManageLetters, pairs.0);
    let request = posted.await?.data;
    let per_day = dash.state.updates_per_letter_per_day;
    let (letter, sent) = (slug.clone(), request.clone());
    let result = dash
        .write(
            move |conn, keys, actor| {
                updates::send(conn, &keys.tokens, actor, &letter, &sent, per_day)
            },
            |_| After::nothing().and_mail(),
        )
        .await;
    match result {
        Ok((_, update)) => Ok(see_other(format!(
            "/dashboard/letters/{slug}/updates?sent={}",
            update.recipients
        ))),
        Err(e) => {
            let above = |e: &AppError| {
                matches!(e, AppError::RateLimited { .. } | AppError::Conflict { .. })
            };
            let Some((status, errors, problem)) = shown_on_form(&e, above) else {
                return Err(e.into());
            };
            let mut response =
                dashboard(&dash, slug, status, &request, errors, problem, None).await?;
            if let AppError::RateLimited {
                retry_after_secs, ..
            } = e
            {
                response.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    retry_after_secs.into(),
                );
            }
            Ok(response)
        }
    }
}
