//! `/unsubscribe/{token}`: the page behind an update's unsubscribe link (GET shows a button, POST
//! unsubscribes; the POST is also what mail providers send for RFC 8058 one-click).

use crate::web::PathParam;
use crate::web::{PageReply, Visit};
use actix_web::web;

use crate::service::updates::{self};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/unsubscribe/{token}" => [web::get().to(unsubscribe_page), web::post().to(unsubscribe)];
    });
}

use super::{action_page, link_command};

use super::link_token as token;

/// Opening the link: what it does, and a button (a GET changes nothing: mail scanners open
/// links).
async fn unsubscribe_page(Visit { req, state }: Visit, raw: PathParam) -> PageReply {
    let token = token(&raw)?;
    let view = state
        .db
        .run(move |conn| updates::find_by_token(conn, &token))
        .await?;
    let (explanation, button) = match view.signature.unsubscribed_at {
        Some(_) => ("unsubscribe-done", None),
        None => ("unsubscribe-explain", Some("unsubscribe-button")),
    };
    action_page(
        &req,
        &state,
        "unsubscribe-heading",
        &view,
        explanation,
        button,
    )
}

/// Unsubscribe. No CSRF token is checked, on purpose: RFC 8058 one-click requests are POSTs
/// that mail providers send from their servers (body `List-Unsubscribe=One-Click`, no cookie),
/// and the unguessable token in the path (HMAC-derived, 256 bits, stored only as SHA-256) is
/// the whole authority. A forged cross-site POST would need the token, and could only do what
/// its holder may: stop their own updates. Idempotent; any body is ignored.
async fn unsubscribe(Visit { req, state }: Visit, raw: PathParam) -> PageReply {
    let done = link_command(&state, &raw, updates::unsubscribe).await?;
    let explanation = if done.already {
        "unsubscribed-already"
    } else {
        "unsubscribed"
    };
    let heading = "unsubscribed-heading";
    action_page(&req, &state, heading, &done.view, explanation, None)
}
