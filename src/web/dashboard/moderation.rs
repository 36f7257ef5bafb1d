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
    view: &'a LetterView,
    filter: &'a SignatureQuery,
    page: Page<SignatureView>,
    can_moderate: bool,
    message: Option<String>,
    errors: FormErrors,
}

pub(super) async fn signatures_page(
    req: &HttpRequest,
    state: &AppState,
    session: &SignedIn,
    slug: String,
    query: SignatureQuery,
    message: Option<String>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
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
    let actor = session.actor.clone();
    let (view, list) = state
        .db
        .run(move |conn| {
            let view =
                crate::service::letters::find_for(conn, &actor, &slug, Permission::ReadPrivate)?;
            let list = signatures::list_for_letter(conn, &actor, &view.letter.id, &filter, page)?;
            Ok((view, list))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (csrf, builder) = page_csrf(req, state, status);
    render(
        builder,
        &SignaturesPage {
            me: session.me(),
            csrf: &csrf.token,
            can_moderate: session.actor.can(&view.coalition.id, Permission::Moderate),
            view: &view,
            filter: &query,
            page: list,
            message,
            errors,
        },
    )
}

pub(super) async fn signature_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    query: web::Query<SignatureQuery>,
) -> Result<HttpResponse, PageError> {
    signatures_page(
        &req,
        &state,
        &session,
        slug.into_inner(),
        query.into_inner(),
        None,
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModerationForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    reason: String,
}

pub(super) async fn moderate(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let posted = form::parse_for::<ModerationForm>(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::Moderate,
        pairs.into_inner(),
    )
    .await?;
    let decision = match posted.action.as_deref() {
        Some("approve") => Ok(Decision::Approve),
        Some("reject") => crate::domain::text::text(500)(&posted.data.reason)
            .map(|reason| Decision::Reject { reason })
            .map_err(|m| AppError::field("reason", m)),
        _ => Err(AppError::field("action", "must be approve or reject")),
    };
    let ids = posted.data.ids;
    let n = ids.len();
    let (actor, letter) = (session.actor.clone(), slug.clone());
    let result = form::run(
        &state,
        decision,
        move |conn, keys, decision| {
            signatures::moderate(conn, &keys.ledger, &actor, &letter, &ids, &decision)
        },
        |_| After::letter(&slug),
    )
    .await;
    let queue = SignatureQuery {
        state: "confirmed".into(),
        ..SignatureQuery::default()
    };
    match result {
        Ok(done) => {
            let verb = if posted.action.as_deref() == Some("approve") {
                "Approved"
            } else {
                "Rejected"
            };
            let message = format!("{verb} {} of {n} selected.", done.len());
            signatures_page(
                &req,
                &state,
                &session,
                slug,
                queue,
                Some(message),
                FormErrors::default(),
            )
            .await
        }
        Err(e) => match FormErrors::from_error(&e) {
            Some(errors) => {
                signatures_page(&req, &state, &session, slug, queue, None, errors).await
            }
            None => Err(e.into()),
        },
    }
}
