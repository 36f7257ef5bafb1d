//! `/dashboard/letters/{slug}/find`: find a letter's signatures by email domain, network or time
//! window, see what matches (a preview), then reject them all with a reason
//! (`/dashboard/letters/{slug}/reject-matching`). The same services as the JSON API
//! (`api::abuse`); the moderator role.

use crate::web::PathParam;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::domain::Permission;
use crate::error::{AppError, FieldCollector};
use crate::i18n::Lang;
use crate::service::abuse::MatchQuery;
use crate::service::abuse::{self, Preview};
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::letters::{self, LetterView};
use crate::service::PageRequest;
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::{shown_on_form, Pairs};
use crate::web::session::FormErrors;
use crate::web::{see_other, unless_invalid, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/letters/{slug}/find" => web::get().to(find_page);
        "/dashboard/letters/{slug}/reject-matching" => web::post().to(reject);
    });
}

/// The find form's fields, as typed (blank: not used).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindForm {
    #[serde(default)]
    pub email_domain: String,
    #[serde(default)]
    pub network: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub state: String,
    pub page: Option<i64>,
    /// After a rejection: how many.
    pub rejected: Option<i64>,
}

impl FindForm {
    fn query(&self) -> MatchQuery {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        MatchQuery {
            email_domain: some(&self.email_domain),
            network: some(&self.network),
            since: some(&self.since),
            until: some(&self.until),
            state: some(&self.state),
        }
    }

    fn is_blank(&self) -> bool {
        [&self.email_domain, &self.network, &self.since, &self.until]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

/// The reject form: the previewed filter (hidden), the count previewed and a reason.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectForm {
    #[serde(default)]
    email_domain: String,
    #[serde(default)]
    network: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    expected: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "dashboard/find.html")]
struct FindPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: &'a LetterView,
    form: &'a FindForm,
    preview: Option<Preview>,
    errors: FormErrors,
    /// A problem that is not one field's (the count changed).
    problem: Option<String>,
    message: Option<String>,
    reason: &'a str,
}

const STATES: [&str; 3] = ["pending", "confirmed", "published"];

impl FindPage<'_> {
    fn states(&self) -> &'static [&'static str] {
        &STATES
    }

    /// The link to another page of the preview.
    fn page_link(&self, page: i64) -> String {
        let f = self.form;
        format!(
            "?{}",
            serde_urlencoded::to_string([
                ("email_domain", f.email_domain.as_str()),
                ("network", f.network.as_str()),
                ("since", f.since.as_str()),
                ("until", f.until.as_str()),
                ("state", f.state.as_str()),
                ("page", &page.to_string()),
            ])
            .unwrap_or_default()
        )
    }
}

async fn page(
    dash: &Dashboard,
    slug: String,
    form: &FindForm,
    status: StatusCode,
    mut errors: FormErrors,
    problem: Option<String>,
    reason: &str,
) -> PageReply {
    let mut checks = FieldCollector::new();
    let filter = form.query().parse_into(&mut checks);
    let filter_ok = match checks.finish() {
        Err(AppError::Validation(found)) => {
            errors.0.extend(found);
            false
        }
        _ => true,
    };
    let run = filter_ok && !form.is_blank();
    let request = PageRequest::clamped(form.page);
    let (view, preview) = dash
        .read(move |conn, actor| {
            let view = letters::find_for(conn, actor, &slug, Permission::Moderate)?;
            let preview = if run {
                Some(abuse::find(conn, actor, &view.letter.id, &filter, request)?)
            } else {
                None
            };
            Ok((view, preview))
        })
        .await?;
    dash.render(unless_invalid(status, &errors), |csrf| FindPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        view: &view,
        form,
        preview,
        errors,
        problem,
        message: (form.rejected).map(|n| dash.t.with1("dash-find-rejected", "count", n)),
        reason,
    })
}

async fn find_page(dash: Dashboard, slug: PathParam, query: web::Query<FindForm>) -> PageReply {
    let (form, errors) = (query.into_inner(), FormErrors::default());
    let slug = slug.into_inner();
    page(&dash, slug, &form, StatusCode::OK, errors, None, "").await
}

async fn reject(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<RejectForm>(letter, Permission::Moderate, pairs.0);
    let posted = posted.await?.data;
    let shown = FindForm {
        email_domain: posted.email_domain.clone(),
        network: posted.network.clone(),
        since: posted.since.clone(),
        until: posted.until.clone(),
        state: posted.state.clone(),
        page: None,
        rejected: None,
    };
    let expected = posted.expected.trim().parse::<i64>().ok();
    let reason = Some(posted.reason.clone()).filter(|r| !r.trim().is_empty());
    let result = crate::http::commands::reject(
        &dash.state,
        dash.actor.clone(),
        &slug,
        &shown.query(),
        reason,
        expected,
    )
    .await;
    match result {
        Ok(done) => Ok(see_other(format!(
            "/dashboard/letters/{slug}/find?rejected={}",
            done.rejected
        ))),
        Err(e) => {
            let conflict = |e: &AppError| matches!(e, AppError::Conflict { .. });
            let Some((status, errors, problem)) = shown_on_form(&e, conflict) else {
                return Err(e.into());
            };
            page(&dash, slug, &shown, status, errors, problem, &posted.reason).await
        }
    }
}
