//! The audit log, per letter and per coalition.

#[allow(unused_imports)]
use super::*;

#[derive(Template)]
#[template(path = "dashboard/audit.html")]
pub(super) struct AuditPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    heading: String,
    back: String,
    page: Page<AuditRow>,
}

#[derive(Deserialize)]
pub(super) struct PageParam {
    page: Option<i64>,
}

pub(super) async fn audit_page(
    dash: &Dashboard,
    heading: String,
    back: String,
    page: Page<AuditRow>,
) -> PageReply {
    let (csrf, builder) = dash.page(StatusCode::OK);
    render(
        builder,
        &AuditPage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            heading,
            back,
            page,
        },
    )
}

pub(super) async fn letter_audit(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<PageParam>,
) -> PageReply {
    let (slug, page) = (slug.into_inner(), PageRequest::clamped(query.page));
    let (view, log) = dash
        .read(move |conn, actor| crate::service::audit::of_letter(conn, actor, &slug, page))
        .await?;
    let back = format!("/dashboard/letters/{}", view.letter.slug);
    audit_page(&dash, view.letter.title, back, log).await
}

pub(super) async fn coalition_audit(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<PageParam>,
) -> PageReply {
    let (slug, page) = (slug.into_inner(), PageRequest::clamped(query.page));
    let (coalition, log) = dash
        .read(move |conn, actor| crate::service::audit::of_coalition(conn, actor, &slug, page))
        .await?;
    audit_page(&dash, coalition.name, "/dashboard".into(), log).await
}
