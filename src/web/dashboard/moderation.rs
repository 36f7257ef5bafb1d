//! A letter's signatures as its coordinators see them (with the signers' comments), and
//! moderating them: those ticked, or all awaiting moderation that match the filter
//! (`scope=all_filtered`, e.g. one country's); a rejection needs a reason and is confirmed on a
//! page that names what it rejects (`confirm.rs`) before anything changes.

use super::*;
#[allow(unused_imports)]
use crate::http::state::After;
use crate::web::PathParam;

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

impl SignatureQuery {
    /// The filter it asks for (422 naming a field that does not read).
    fn filter(&self) -> Result<SignatureFilter, AppError> {
        let mut checks = FieldCollector::new();
        let filter = SignatureFilter {
            state: checks.optional("state", Some(&self.state), str::parse::<SignatureState>),
            country: checks.optional(
                "country",
                Some(&self.country),
                crate::domain::CountryCode::parse,
            ),
            q: checks
                .optional("q", Some(&self.q), crate::domain::OrgName::parse)
                .map(|n| n.normalized()),
        };
        checks.finish()?;
        Ok(filter)
    }
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
    csrf: String,
    t: Lang,
    view: &'a LetterView,
    filter: &'a SignatureQuery,
    page: Page<SignatureView>,
    can_moderate: bool,
    message: Option<String>,
    errors: FormErrors,
    /// The countries of the letter's signatories (code, name): the country filter's choices.
    countries: Vec<(String, String)>,
    /// Signatures awaiting moderation that match the filter (its state aside).
    awaiting: i64,
    /// The reason typed, kept when the form comes back with an error.
    reason: String,
}

/// A comment longer than this many characters is shown collapsed, its start as the summary.
const COMMENT_SHOWN: usize = 120;

impl SignaturesPage<'_> {
    /// The start of a long comment, for its collapsed summary; `None` for a short one.
    fn comment_start(&self, comment: &str) -> Option<String> {
        (comment.chars().count() > COMMENT_SHOWN)
            .then(|| comment.chars().take(COMMENT_SHOWN - 20).collect::<String>() + "…")
    }

    /// The name of the country filtered by, if any.
    fn filtered_country(&self) -> Option<&str> {
        (self.countries.iter())
            .find(|(code, _)| code.eq_ignore_ascii_case(&self.filter.country))
            .map(|(_, name)| name.as_str())
    }
}

pub(super) async fn signatures_page(
    dash: &Dashboard,
    slug: String,
    query: SignatureQuery,
    message: Option<String>,
    error: Option<AppError>,
    reason: String,
) -> PageReply {
    let errors = FormErrors::of(error)?;
    let filter = query.filter()?;
    let page = PageRequest::clamped(query.page);
    let (view, list, countries, awaiting) = dash
        .read(move |conn, actor| {
            let view =
                crate::service::letters::find_for(conn, actor, &slug, Permission::ReadPrivate)?;
            let id = &view.letter.id;
            let list = signatures::list_for_letter(conn, actor, id, &filter, page)?;
            let countries = signatures::countries_of_letter(conn, actor, id)?;
            let awaiting = signatures::count_awaiting(conn, id, &filter)?;
            Ok((view, list, countries, awaiting))
        })
        .await?;
    dash.render(status_of(&errors), |csrf| SignaturesPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        can_moderate: dash.actor.can(&view.coalition.id, Permission::Moderate),
        view: &view,
        filter: &query,
        page: list,
        message,
        errors,
        countries,
        awaiting,
        reason,
    })
}

pub(super) async fn signature_list(
    dash: Dashboard,
    slug: PathParam,
    query: web::Query<SignatureQuery>,
) -> PageReply {
    let (slug, query) = (slug.into_inner(), query.into_inner());
    signatures_page(&dash, slug, query, None, None, String::new()).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModerationForm {
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    reason: String,
    /// `all_filtered`: every signature awaiting moderation that matches `country` and `q`, on
    /// every page, instead of the ticked `ids`.
    #[serde(default)]
    scope: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    q: String,
    /// `1` from the rejection's confirm page.
    #[serde(default)]
    confirm: String,
}

/// Organisations a rejection's confirm page names; the rest are counted.
const NAMED: usize = 30;

pub(super) async fn moderate(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let slug = slug.into_inner();
    let letter = Subject::letter(&slug);
    let posted = dash.post_for::<ModerationForm>(letter, Permission::Moderate, pairs.0);
    let posted = posted.await?;
    let form = posted.data;
    let decision = match posted.action.as_deref() {
        Some("approve") => Ok(Decision::Approve),
        Some("reject") => crate::domain::text::text(500)(&form.reason)
            .map(|reason| Decision::Reject { reason })
            .map_err(|m| AppError::field("reason", m)),
        _ => Err(AppError::field("action", "must be approve or reject")),
    };
    // The queue the form was on: what it comes back to, and what "all" selects.
    let queue = SignatureQuery {
        state: "confirmed".into(),
        country: form.country.clone(),
        q: form.q.clone(),
        ..SignatureQuery::default()
    };
    let ids = match (form.scope.as_str(), queue.filter()) {
        ("all_filtered", Ok(filter)) => {
            let letter = slug.clone();
            dash.read(move |conn, actor| signatures::awaiting_ids(conn, actor, &letter, &filter))
                .await
        }
        ("all_filtered", Err(e)) => Err(e),
        _ => Ok(form.ids),
    };
    let (decision, ids) = match (decision, ids) {
        (Ok(decision), Ok(ids)) => (decision, ids),
        (Err(e), _) | (_, Err(e)) => {
            return signatures_page(&dash, slug, queue, None, Some(e), form.reason).await
        }
    };
    if let Decision::Reject { reason } = &decision {
        if !super::confirm::confirmed(&form.confirm) {
            let (letter, checked) = (slug.clone(), ids.clone());
            let found = dash
                .read(move |conn, actor| signatures::awaiting(conn, actor, &letter, &checked))
                .await;
            return match found {
                Ok((view, found)) => {
                    let ask = reject_confirmation(dash.t, &view, &found, reason);
                    super::confirm::show(&dash, &view, &ask, None).await
                }
                Err(e) => signatures_page(&dash, slug, queue, None, Some(e), form.reason).await,
            };
        }
    }
    let n = ids.len();
    let letter = slug.clone();
    let approving = matches!(decision, Decision::Approve);
    let result = dash
        .submit(
            Ok(decision),
            move |conn, keys, actor, decision| {
                signatures::moderate(conn, &keys.ledger, actor, &letter, &ids, &decision)
            },
            |_| After::letter(&slug),
        )
        .await;
    let id = if approving {
        "dash-signatures-approved"
    } else {
        "dash-signatures-rejected"
    };
    let (message, error) = form::outcome_with(result, |done| {
        let counts = [("done", Arg::from(done.len())), ("selected", Arg::from(n))];
        dash.t.with(id, &counts)
    });
    let reason = if error.is_some() {
        form.reason
    } else {
        String::new()
    };
    signatures_page(&dash, slug, queue, message, error, reason).await
}

/// The confirm page of rejecting `found` on `view`'s letter for `reason`: how many, which
/// organisations, and what a rejection means; its form carries the ids and the reason.
fn reject_confirmation(
    t: Lang,
    view: &LetterView,
    found: &[SignatureView],
    reason: &str,
) -> super::confirm::Confirmation {
    let count = found.len();
    let mut names: Vec<String> = (found.iter().take(NAMED))
        .map(|s| format!("{} ({})", s.organisation.name, s.organisation.country_code))
        .collect();
    if count > NAMED {
        names.push(t.with1("dash-confirm-reject-more", "count", count - NAMED));
    }
    let what = [("count", Arg::from(count)), ("reason", Arg::from(reason))];
    let mut hidden: Vec<(String, String)> = (found.iter())
        .map(|s| ("ids[]".to_string(), s.signature.id.clone()))
        .collect();
    hidden.push(("reason".into(), reason.to_string()));
    hidden.push(("action".into(), "reject".into()));
    let slug = &view.letter.slug;
    super::confirm::Confirmation {
        heading: t.with1("dash-confirm-reject-heading", "count", count),
        lines: vec![
            t.with("dash-confirm-reject-what", &what),
            t.with1("dash-confirm-reject-who", "names", names.join(", ")),
            t.get("dash-confirm-reject-unlisted"),
        ],
        action: format!("/dashboard/letters/{slug}/moderate"),
        hidden,
        button: t.with1("dash-confirm-reject-button", "count", count),
        danger: true,
        cancel: format!("/dashboard/letters/{slug}/signatures?state=confirmed"),
    }
}
