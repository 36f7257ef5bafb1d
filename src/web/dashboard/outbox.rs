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
    state: String,
    page: Page<OutboxMail>,
    message: Option<&'a str>,
    mail_check: Option<crate::email::Checked>,
}

pub(super) async fn outbox_page(
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
        .run(move |conn| crate::service::outbox::list(conn, &actor, mail_state, page))
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

pub(super) async fn retry_mail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    id: web::Path<String>,
    button: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    crate::web::csrf::verify(&req, &button.csrf_token)?;
    let (actor, id) = (session.actor.clone(), id.into_inner());
    state
        .command(
            move |conn, _| crate::service::outbox::retry(conn, &actor, &id),
            |_| After::nothing().and_mail(),
        )
        .await?;
    Ok(see_other("/dashboard/outbox?state=queued"))
}
