//! The audit log, per letter and per coalition: newest first, each entry a sentence, filtered by
//! kind and by person (GET parameters that paging keeps).

#[allow(unused_imports)]
use super::*;
use crate::service::audit::{self, Facets, LogFields, Scope};

mod words;
use words::Entry;

#[derive(Template)]
#[template(path = "dashboard/audit.html")]
pub(super) struct AuditPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    heading: String,
    back: String,
    total: i64,
    page: i64,
    more: bool,
    entries: Vec<Entry>,
    /// Each kind of the log with its name in words.
    kinds: Vec<(String, String)>,
    facets: Facets,
    kind: String,
    person: String,
    /// The filters as a query string for the paging links, ending in `&` when not empty.
    filters: String,
}

#[derive(Deserialize)]
pub(super) struct AuditParams {
    page: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    person: String,
}

impl AuditParams {
    fn fields(&self) -> LogFields {
        LogFields {
            order: None,
            kind: Some(self.kind.clone()),
            person: Some(self.person.clone()),
        }
    }
}

type Read<T> = (T, Page<AuditRow>, Facets);

async fn audit_page(
    dash: &Dashboard,
    heading: String,
    back: String,
    params: AuditParams,
    (log, facets): (Page<AuditRow>, Facets),
) -> PageReply {
    let t = dash.t;
    let mut filters = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("kind", &params.kind), ("person", &params.person)] {
        if !value.is_empty() {
            filters.append_pair(name, value);
        }
    }
    let mut filters = filters.finish();
    if !filters.is_empty() {
        filters.push('&');
    }
    let kinds = facets
        .kinds
        .iter()
        .map(|k| (k.clone(), words::kind_name(t, k)))
        .collect();
    let (csrf, builder) = dash.page(StatusCode::OK);
    render(
        builder,
        &AuditPage {
            me: dash.me(),
            csrf: &csrf.token,
            t,
            heading,
            back,
            total: log.total,
            page: log.page,
            more: log.page * log.per_page < log.total,
            entries: words::entries(t, log.items),
            kinds,
            facets,
            kind: params.kind,
            person: params.person,
            filters,
        },
    )
}

pub(super) async fn letter_audit(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<AuditParams>,
) -> PageReply {
    let params = query.into_inner();
    let (slug, page) = (slug.into_inner(), PageRequest::clamped(params.page));
    let log_query = params.fields().parse(true)?;
    let (view, log, facets): Read<LetterView> = dash
        .read(move |conn, actor| {
            let (view, log) = audit::of_letter(conn, actor, &slug, &log_query, page)?;
            let facets = audit::facets(conn, Scope::Letter(&view.letter.id))?;
            Ok((view, log, facets))
        })
        .await?;
    let back = format!("/dashboard/letters/{}", view.letter.slug);
    audit_page(&dash, view.letter.title, back, params, (log, facets)).await
}

pub(super) async fn coalition_audit(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<AuditParams>,
) -> PageReply {
    let params = query.into_inner();
    let (slug, page) = (slug.into_inner(), PageRequest::clamped(params.page));
    let log_query = params.fields().parse(true)?;
    let (coalition, log, facets): Read<Coalition> = dash
        .read(move |conn, actor| {
            let (coalition, log) = audit::of_coalition(conn, actor, &slug, &log_query, page)?;
            let facets = audit::facets(conn, Scope::Coalition(&coalition.id))?;
            Ok((coalition, log, facets))
        })
        .await?;
    audit_page(
        &dash,
        coalition.name,
        "/dashboard".into(),
        params,
        (log, facets),
    )
    .await
}
