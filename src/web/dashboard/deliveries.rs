//! The coordinators' delivery form on a closed letter's dashboard page
//! (`POST /dashboard/letters/{slug}/deliver`): posted, it shows what delivering will do (the
//! confirm page of `confirm.rs`), and delivers once that page's button sends `confirm=1`. The
//! printable copy is `public/print.rs`.

use crate::http::state::After;
use crate::web::PathParam;
use actix_web::web;
use serde::Deserialize;

use crate::domain::{LetterState, Permission};
use crate::error::AppError;
use crate::service::access::Subject;
use crate::service::deliveries;
use crate::service::deliveries::DeliverFields;
use crate::web::dashboard::confirm::{self, DeliveryChoice};
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
    /// `1` from the confirm page's button.
    #[serde(default)]
    confirm: String,
}

async fn deliver(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let letter = Subject::letter(&slug);
    let values: DeliverForm = dash
        .post_for(letter, Permission::ManageLetters, pairs.0)
        .await?
        .data;
    let choice = DeliveryChoice {
        by_email: values.by_email.is_some(),
        note: values.note.clone(),
    };
    let options = DeliverFields {
        by_email: Some(choice.by_email),
        note: Some(values.note),
    }
    .parse()?;
    let slug = slug.into_inner();
    if !confirm::confirmed(&values.confirm) {
        return confirm::move_reply(&dash, slug, LetterState::Delivered, Some(choice), None).await;
    }
    let delivering = slug.clone();
    let result = dash
        .write(
            move |conn, keys, actor| {
                deliveries::deliver(conn, &keys.ledger, actor, &delivering, &options)
            },
            |(view, _)| After::letter(&view.letter.slug).and_mail(),
        )
        .await;
    match result {
        Ok((view, _)) => Ok(see_other(format!(
            "/dashboard/letters/{}?delivered=1",
            view.letter.slug
        ))),
        Err(e @ AppError::Conflict { .. }) => {
            let to = LetterState::Delivered;
            confirm::move_reply(&dash, slug, to, Some(choice), Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}
