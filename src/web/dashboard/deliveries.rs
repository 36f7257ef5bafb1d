//! The coordinators' delivery form on a closed letter's dashboard page
//! (`POST /dashboard/letters/{slug}/deliver`); the printable copy is `public/print.rs`.

use crate::http::state::After;
use actix_web::web;
use serde::Deserialize;

use crate::domain::Permission;
use crate::service::access::Subject;
use crate::service::deliveries;
use crate::service::deliveries::DeliverFields;
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::{see_other, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard/letters/{slug}/deliver", web::post().to(deliver));
}

/// The delivery form: by mail or not, and a note for the timeline.
#[derive(Deserialize)]
struct DeliverForm {
    #[serde(default)]
    by_email: Option<String>,
    #[serde(default)]
    note: String,
}

async fn deliver(dash: Dashboard, slug: web::Path<String>, pairs: Pairs) -> PageReply {
    let letter = Subject::letter(&slug);
    let values: DeliverForm = dash
        .post_for(letter, Permission::ManageLetters, pairs.0)
        .await?
        .data;
    let options = DeliverFields {
        by_email: Some(values.by_email.is_some()),
        note: Some(values.note),
    }
    .parse()?;
    let slug = slug.into_inner();
    let (view, _) = dash
        .write(
            move |conn, keys, actor| {
                deliveries::deliver(conn, &keys.ledger, actor, &slug, &options)
            },
            |(view, _)| After::letter(&view.letter.slug).and_mail(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{}?delivered=1",
        view.letter.slug
    )))
}
