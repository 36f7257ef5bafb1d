//! The coordinators' dashboard (server-rendered, same look as the public pages): letters with
//! their counts, drafting with a preview, the life cycle, a letter's signatures with filters and
//! the moderation queue, the audit log, the outbox, and a coalition's coordinators. Every page
//! calls the same services as the JSON API, with the signed-in coordinator as the actor.

pub mod abuse;
pub mod account;
pub mod campaigns;
pub mod confirm;
pub mod deliveries;
pub mod directory;
pub mod erasure;
pub mod export;
pub mod extract;
pub mod imports;
pub mod invitations;
pub mod previews;
pub mod updates;
pub mod versions;

mod outbox;
use super::at;
use extract::{button, item_button};
use outbox::*;
mod coordinators;
use coordinators::*;
mod audit;
use audit::*;
mod moderation;
use moderation::*;
mod letters;
use letters::*;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::form::{self, local_time_as_utc, Pairs};
use super::session::FormErrors;
use super::PageReply;
use super::{render, see_other, status_of};
use crate::db::models::{AuditRow, Coalition, OutboxMail};
use crate::db::Db;
use crate::domain::markdown::to_safe_html;
use crate::domain::{LetterState, MailState, Permission, Role, SignatureState};
use crate::error::{AppError, FieldCollector};
use crate::http::state::After;
use crate::i18n::{Arg, Lang};
use crate::service::access::Subject;
use crate::service::access::UserActor;
use crate::service::accounts::{self, Member};
use extract::Dashboard;

use crate::service::dashboard::{self, CoalitionLetters, Counts};
use crate::service::letters::{Audience, LetterView};
use crate::service::letters::{LetterPatchFields, NewLetterFields};
use crate::service::signatures::{self, Decision, SignatureFilter, SignatureView};
use crate::service::{coalitions, Page, PageRequest};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let remove_member = item_button(accounts::remove_member, |slug| {
        format!("/dashboard/coalitions/{slug}/members")
    });
    let retry_mail = button(
        |conn, actor, id: &String| crate::service::outbox::retry(conn, actor, id),
        |_| After::nothing().and_mail(),
        |_| "/dashboard/outbox?state=queued".to_string(),
    );
    cfg.route("/dashboard", web::get().to(home))
        .route("/dashboard/letters/new", web::get().to(new_letter))
        .route("/dashboard/letters", web::post().to(create_letter))
        .route("/dashboard/letters/{slug}", web::get().to(letter))
        .service(at(
            "/dashboard/letters/{slug}/edit",
            [web::get().to(edit_letter), web::post().to(update_letter)],
        ))
        .route(
            "/dashboard/letters/{slug}/signatures",
            web::get().to(signature_list),
        )
        .route(
            "/dashboard/letters/{slug}/moderate",
            web::post().to(moderate),
        )
        .route(
            "/dashboard/letters/{slug}/audit",
            web::get().to(audit_log::<LetterView>),
        )
        .route(
            "/dashboard/coalitions/{slug}/audit",
            web::get().to(audit_log::<Coalition>),
        )
        .service(at(
            "/dashboard/coalitions/{slug}/members",
            [web::get().to(members), web::post().to(set_member)],
        ))
        .route(
            "/dashboard/coalitions/{slug}/members/{user}/remove",
            web::post().to(remove_member),
        )
        .route("/dashboard/outbox", web::get().to(outbox_page))
        .route("/dashboard/outbox/{id}/retry", web::post().to(retry_mail));
    account::routes(cfg);
    campaigns::routes(cfg);
    confirm::routes(cfg);
    deliveries::routes(cfg);
    versions::routes(cfg);
    directory::routes(cfg);
    invitations::routes(cfg);
    previews::routes(cfg);
    updates::routes(cfg);
    export::routes(cfg);
    erasure::routes(cfg);
    imports::routes(cfg);
    abuse::routes(cfg);
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    coalitions: Vec<CoalitionLetters>,
}

async fn home(dash: Dashboard) -> PageReply {
    let coalitions = dash.read(dashboard::overview).await?;
    let (csrf, builder) = dash.page(StatusCode::OK);
    render(
        builder,
        &HomePage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            coalitions,
        },
    )
}
