//! The coordinators' dashboard (server-rendered, same look as the public pages).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::csrf::Csrf;
use super::session::SignedIn;
use super::{render, PageError};
use crate::service::access::UserActor;
use crate::service::dashboard::{self, CoalitionLetters};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(home));
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    coalitions: Vec<CoalitionLetters>,
}

async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
) -> Result<HttpResponse, PageError> {
    let actor = session.actor.clone();
    let coalitions = state
        .db
        .run(move |conn| dashboard::overview(conn, &actor))
        .await?;
    let csrf = Csrf::for_request(&req, state.secure_cookies);
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &HomePage {
            me: session.me(),
            csrf: &csrf.token,
            coalitions,
        },
    )
}
