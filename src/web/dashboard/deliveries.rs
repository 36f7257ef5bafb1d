//! The coordinators' delivery form on a closed letter's dashboard page
//! (`POST /dashboard/letters/{slug}/deliver`); the printable copy is `public/print.rs`.

use crate::http::state::After;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::domain::Permission;
use crate::http::AppState;
use crate::service::access::Subject;
use crate::service::deliveries;
use crate::service::deliveries::DeliverFields;
use crate::web::session::SignedIn;
use crate::web::{form, see_other, PageError};

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

async fn deliver(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    slug: web::Path<String>,
    pairs: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let values: DeliverForm = form::parse_for(
        &req,
        &state,
        &session.actor,
        Subject::letter(&slug),
        Permission::ManageLetters,
        pairs.into_inner(),
    )
    .await?
    .data;
    let options = DeliverFields {
        by_email: Some(values.by_email.is_some()),
        note: Some(values.note),
    }
    .parse()?;
    let slug = slug.into_inner();
    let actor = session.actor.clone();
    let (view, _) = state
        .command(
            move |conn, keys| deliveries::deliver(conn, &keys.ledger, &actor, &slug, &options),
            |(view, _)| After::letter(&view.letter.slug).and_mail(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{}?delivered=1",
        view.letter.slug
    )))
}
