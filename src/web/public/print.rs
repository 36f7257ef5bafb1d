//! The printable copy of a letter with its whole list (`/letters/{slug}/print`), for delivery by
//! hand.

use crate::web::PathParam;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::ledger::Head;
use crate::domain::markdown::to_safe_html;
use crate::http::AppState;
use crate::service::deliveries;
use crate::service::letters::{self, Audience, LetterView};
use crate::service::public_list::{self, CountryGroup, ListSummary};
use crate::web::{render, PageError};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/letters/{slug}/print", web::get().to(print_page));
}

/// Signatories the printable copy names; a longer list is a link away.
const PRINT_LISTS: i64 = 100_000;

#[derive(Template)]
#[template(path = "letter_print.html")]
struct PrintPage {
    view: LetterView,
    body_html: std::sync::Arc<str>,
    summary: ListSummary,
    groups: Vec<CountryGroup>,
    listed: usize,
    ledger: Head,
    public_url: String,
    /// When it was delivered, if it was.
    delivered: Option<String>,
}

async fn print_page(
    state: web::Data<AppState>,
    slug: PathParam,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    let key = state.ledger.clone();
    let (view, summary, groups, ledger, delivered, body_html) = state
        .db
        .run(move |conn| {
            let view = letters::find(conn, &slug, Audience::Public)?;
            let summary = public_list::summary(conn, &view.letter.id)?;
            let groups = public_list::by_country(conn, &view.letter.id, &summary, PRINT_LISTS)?;
            let ledger = crate::service::ledger::head(conn, &key, &view.letter.id)?;
            let delivered = deliveries::find(conn, &view.letter.id)?;
            // Rendered here, on the blocking pool, not on the async executor's threads.
            let body_html = to_safe_html(&view.letter.body);
            Ok((view, summary, groups, ledger, delivered, body_html))
        })
        .await?;
    render(
        HttpResponse::Ok(),
        &PrintPage {
            body_html,
            listed: groups.iter().map(|g| g.signatories.len()).sum(),
            view,
            summary,
            groups,
            ledger,
            public_url: state.public_url.clone(),
            delivered: delivered.map(|d| d.delivered_at.format("%-d %B %Y").to_string()),
        },
    )
}
