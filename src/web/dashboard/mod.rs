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

use extract::{id_button, item_button};
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
use super::{see_other, status_of};
use crate::db::models::{AuditRow, Coalition, OutboxMail};
use crate::db::Db;
use crate::domain::markdown::to_safe_html;
use crate::domain::{LetterState, MailState, Permission, SignatureState};
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
    let retry_mail = id_button(
        crate::service::outbox::retry,
        |_| After::nothing().and_mail(),
        "/dashboard/outbox?state=queued",
    );
    mount!(cfg, {
        "/dashboard" => web::get().to(home);
        "/dashboard/letters/new" => web::get().to(new_letter);
        "/dashboard/letters" => web::post().to(create_letter);
        "/dashboard/letters/{slug}" => web::get().to(letter);
        "/dashboard/letters/{slug}/edit" =>
            [web::get().to(edit_letter), web::post().to(update_letter)];
        "/dashboard/letters/{slug}/signatures" => web::get().to(signature_list);
        "/dashboard/letters/{slug}/moderate" => web::post().to(moderate);
        "/dashboard/letters/{slug}/audit" => web::get().to(audit_log::<LetterView>);
        "/dashboard/coalitions/{slug}/audit" => web::get().to(audit_log::<Coalition>);
        "/dashboard/coalitions/{slug}/members" =>
            [web::get().to(members), web::post().to(set_member)];
        "/dashboard/coalitions/{slug}/members/{user}/remove" => web::post().to(remove_member);
        "/dashboard/outbox" => web::get().to(outbox_page);
        "/dashboard/outbox/{id}/retry" => web::post().to(retry_mail);
    });
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
    csrf: String,
    t: Lang,
    coalitions: Vec<CoalitionLetters>,
}

async fn home(dash: Dashboard) -> PageReply {
    let coalitions = dash.read(dashboard::overview).await?;
    dash.render(StatusCode::OK, |csrf| HomePage {
        me: dash.me(),
        csrf,
        t: dash.t,
        coalitions,
    })
}
