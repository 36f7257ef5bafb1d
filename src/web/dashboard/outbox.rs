//! The outbox: mail waiting, sent and given up on, and the mail check at start.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;

#[derive(Deserialize)]
pub(super) struct OutboxQuery {
    #[serde(default)]
    state: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "dashboard/outbox.html")]
pub(super) struct OutboxPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    state: String,
    page: Page<OutboxMail>,
    message: Option<&'a str>,
    mail_check: Option<crate::email::Checked>,
}

pub(super) async fn outbox_page(dash: Dashboard, query: web::Query<OutboxQuery>) -> PageReply {
    let query = query.into_inner();
    let mut errors = FieldCollector::new();
    let mail_state: Option<MailState> = errors.optional("state", Some(&query.state), str::parse);
    errors.finish()?;
    let page = PageRequest::clamped(query.page);
    let list = dash
        .read(move |conn, actor| crate::service::outbox::list(conn, actor, mail_state, page))
        .await?;
    let (csrf, builder) = dash.page(StatusCode::OK);
    render(
        builder,
        &OutboxPage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            state: query.state,
            page: list,
            message: None,
            mail_check: dash.state.mail_check.last(),
        },
    )
}

pub(super) async fn retry_mail(
    dash: Dashboard,
    id: web::Path<String>,
    button: web::Form<ButtonForm>,
) -> PageReply {
    dash.button(&button)?;
    let id = id.into_inner();
    dash.write(
        move |conn, _, actor| crate::service::outbox::retry(conn, actor, &id),
        |_| After::nothing().and_mail(),
    )
    .await?;
    Ok(see_other("/dashboard/outbox?state=queued"))
}
