//! The audit log, per letter and per coalition.

#[allow(unused_imports)]
use super::*;

#[derive(Template)]
#[template(path = "dashboard/audit.html")]
pub(super) struct AuditPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    heading: String,
    back: String,
    page: Page<AuditRow>,
}

#[derive(Deserialize)]
pub(super) struct PageParam {
    page: Option<i64>,
}

pub(super) async fn audit_page(
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

pub(super) async fn letter_audit(
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
            let view =
                crate::service::letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            let log = crate::service::audit::list(conn, Scope::Letter(&view.letter.id), page)?;
            Ok((view, log))
        })
        .await?;
    let back = format!("/dashboard/letters/{}", view.letter.slug);
    audit_page(&req, &state, &session, view.letter.title, back, log).await
}

pub(super) async fn coalition_audit(
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
            let log = crate::service::audit::list(conn, Scope::Coalition(&coalition.id), page)?;
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
