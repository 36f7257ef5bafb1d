//! The public campaign page (`/campaigns/{slug}`): goal, progress, letters and timeline.

use crate::web::PathParam;
use crate::web::{PageReply, Visit};
use actix_web::web;
use askama::Template;

use crate::service::campaigns::{self, CampaignPage};
use crate::service::letters::Audience;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/campaigns/{slug}", web::get().to(public_page));
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct PublicPage {
    description_html: std::sync::Arc<str>,
    goal_date: Option<String>,
    reached: bool,
    events: Vec<campaigns::EventView>,
    o: campaigns::Overview,
}

/// The public campaign page: rendered once and served from memory until this instance writes
/// anything or the second turns (issue 19).
async fn public_page(Visit { req, state }: Visit, slug: PathParam) -> PageReply {
    let slug = slug.into_inner();
    let key = format!("campaign-page\u{0}{slug}\u{0}{}", state.db.writes());
    let response = crate::http::caching::serve_own(&req, &state.responses, &key, async {
        let page = state
            .db
            .run(move |conn| campaigns::page(conn, &slug, &Audience::Public))
            .await?;
        let CampaignPage {
            o,
            events,
            description_html,
            reached,
        } = page;
        let last_modified = o.last_modified();
        let page = PublicPage {
            description_html,
            goal_date: (o.view.campaign.goal_date).map(|d| d.format("%-d %B %Y").to_string()),
            reached,
            events,
            o,
        };
        Ok(crate::http::cache::Rendered::page(&page)?.modified_at(last_modified))
    })
    .await?;
    Ok(response)
}
