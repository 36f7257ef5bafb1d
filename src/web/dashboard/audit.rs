//! The audit log, per letter and per coalition: newest first, each entry a sentence, filtered by
//! kind and by person (GET parameters that paging keeps).

use super::*;
use crate::db::DbConnection;
use crate::service::access::Actor;
use crate::service::audit::{self, Facets, LogFields, LogQuery, Scope};
#[allow(unused_imports)]
use crate::web::PathParam;

mod words;
use words::Entry;

#[derive(Template)]
#[template(path = "dashboard/audit.html")]
pub(super) struct AuditPage<'a> {
    me: &'a UserActor,
    csrf: String,
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
    dash.render(StatusCode::OK, |csrf| AuditPage {
        me: dash.me(),
        csrf,
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
    })
}

/// A service's read of one letter's or coalition's log: its slug, the filters, the page.
type ReadLog<T> = fn(
    &mut DbConnection,
    &Actor,
    &str,
    &LogQuery,
    PageRequest,
) -> Result<(T, Page<AuditRow>), AppError>;

/// What keeps an audit log of its own, read by one handler: a letter or a coalition.
pub(super) trait Logged: Sized + Send + 'static {
    /// Find it by its slug as the coordinator, with a page of its log.
    const READ: ReadLog<Self>;
    /// Its entries, for the filters' choices.
    fn scope(&self) -> Scope<'_>;
    /// The page's heading and the link back.
    fn heading_and_back(self) -> (String, String);
}

impl Logged for LetterView {
    const READ: ReadLog<Self> = audit::of_letter;
    fn scope(&self) -> Scope<'_> {
        Scope::Letter(&self.letter.id)
    }
    fn heading_and_back(self) -> (String, String) {
        let back = format!("/dashboard/letters/{}", self.letter.slug);
        (self.letter.title, back)
    }
}

impl Logged for Coalition {
    const READ: ReadLog<Self> = audit::of_coalition;
    fn scope(&self) -> Scope<'_> {
        Scope::Coalition(&self.id)
    }
    fn heading_and_back(self) -> (String, String) {
        (self.name, "/dashboard".into())
    }
}

/// The audit log of a letter or a coalition (`T`), filtered by the query's kind and person.
pub(super) async fn audit_log<T: Logged>(
    dash: Dashboard,
    slug: PathParam,
    query: web::Query<AuditParams>,
) -> PageReply {
    let params = query.into_inner();
    let (slug, page) = (slug.into_inner(), PageRequest::clamped(params.page));
    let log_query = params.fields().parse(true)?;
    let (subject, log, facets): Read<T> = dash
        .read(move |conn, actor| {
            let (subject, log) = T::READ(conn, actor, &slug, &log_query, page)?;
            let facets = audit::facets(conn, subject.scope())?;
            Ok((subject, log, facets))
        })
        .await?;
    let (heading, back) = subject.heading_and_back();
    audit_page(&dash, heading, back, params, (log, facets)).await
}
