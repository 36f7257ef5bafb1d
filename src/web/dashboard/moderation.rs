//! A letter's signatures as its coordinators see them, and moderating them.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;

#[derive(Deserialize, Default)]
pub(super) struct SignatureQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    q: String,
    page: Option<i64>,
}

pub(super) const STATES: &[&str] = &[
    "pending",
    "confirmed",
    "published",
    "rejected",
    "withdrawn",
    "expired",
];

#[derive(Template)]
#[template(path = "dashboard/signatures.html")]
pub(super) struct SignaturesPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    view: &'a LetterView,
    filter: &'a SignatureQuery,
    page: Page<SignatureView>,
    can_moderate: bool,
    message: Option<String>,
    errors: FormErrors,
}

pub(super) async fn signatures_page(
    dash: &Dashboard,
    slug: String,
    query: SignatureQuery,
    message: Option<String>,
    error: Option<AppError>,
) -> PageReply {
    let errors = FormErrors::of(error)?;
    let mut checks = FieldCollector::new();
    let filter = SignatureFilter {
        state: checks.optional("state", Some(&query.state), str::parse::<SignatureState>),
        country: checks.optional(
            "country",
            Some(&query.country),
            crate::domain::CountryCode::parse,
        ),
        q: checks
            .optional("q", Some(&query.q), crate::domain::OrgName::parse)
            .map(|n| n.normalized()),
    };
    checks.finish()?;
    let page = PageRequest::clamped(query.page);
    let (view, list) = dash
        .read(move |conn, actor| {
            let view =
                crate::service::letters::find_for(conn, actor, &slug, Permission::ReadPrivate)?;
            let list = signatures::list_for_letter(conn, actor, &view.letter.id, &filter, page)?;
            Ok((view, list))
        })
        .await?;
    let (csrf, builder) = dash.page(status_of(&errors));
    render(
        builder,
        &SignaturesPage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            can_moderate: dash.actor.can(&view.coalition.id, Permission::Moderate),
            view: &view,
            filter: &query,
            page: list,
            message,
            errors,
        },
    )
}

pub(super) async fn signature_list(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<SignatureQuery>,
) -> PageReply {
    signatures_page(&dash, slug.into_inner(), query.into_inner(), None, None).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModerationForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    reason: String,
}

pub(super) async fn moderate(dash: Dashboard, slug: web::Path<String>, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<ModerationForm>(letter, Permission::Moderate, pairs.0);
    let posted = posted.await?;
    let decision = match posted.action.as_deref() {
        Some("approve") => Ok(Decision::Approve),
        Some("reject") => crate::domain::text::text(500)(&posted.data.reason)
            .map(|reason| Decision::Reject { reason })
            .map_err(|m| AppError::field("reason", m)),
        _ => Err(AppError::field("action", "must be approve or reject")),
    };
    let ids = posted.data.ids;
    let n = ids.len();
    let letter = slug.clone();
    let result = dash
        .submit(
            decision,
            move |conn, keys, actor, decision| {
                signatures::moderate(conn, &keys.ledger, actor, &letter, &ids, &decision)
            },
            |_| After::letter(&slug),
        )
        .await;
    let queue = SignatureQuery {
        state: "confirmed".into(),
        ..SignatureQuery::default()
    };
    let id = if posted.action.as_deref() == Some("approve") {
        "dash-signatures-approved"
    } else {
        "dash-signatures-rejected"
    };
    let (message, error) = form::outcome_with(result, |done| {
        let counts = [("done", Arg::from(done.len())), ("selected", Arg::from(n))];
        dash.t.with(id, &counts)
    });
    signatures_page(&dash, slug, queue, message, error).await
}
