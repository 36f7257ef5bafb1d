//! Nothing irreversible on one click (issue 24): each move of a letter's life asks first. `GET
//! /dashboard/letters/{slug}/transition/{to}` says what the move will do, with its numbers; a POST
//! there with `confirm=1` makes it, and a POST without shows the same page and changes nothing.
//! The delivery form (`deliveries.rs`) and a rejection of selected signatures (`moderation.rs`)
//! confirm on the same page, [`ConfirmPage`].

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::domain::LetterState;
use crate::error::AppError;
use crate::http::state::After;
use crate::i18n::{Arg, Lang};
use crate::service::access::UserActor;
use crate::service::letters::{self, LetterView, MovePreview};
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::{see_other, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/letters/{slug}/transition/{to}" =>
            [web::get().to(move_page), web::post().to(make_move)];
    });
}

/// What a confirm page asks: its heading, what will happen (one sentence a line, with the
/// numbers), and the form that does it: where it posts, the fields it carries (besides its CSRF
/// token and `confirm=1`), its button, and where Cancel leads.
pub struct Confirmation {
    pub heading: String,
    pub lines: Vec<String>,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub button: String,
    /// Whether the button is drawn as a destructive one (it cannot be undone).
    pub danger: bool,
    pub cancel: String,
}

#[derive(Template)]
#[template(path = "dashboard/confirm.html")]
struct ConfirmPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    view: &'a LetterView,
    ask: &'a Confirmation,
    /// Why it cannot be done now; then there is no button.
    problem: Option<String>,
}

/// The confirm page of `ask` on `view`'s letter; with `problem` (a refusal), it says why and
/// offers no button.
pub async fn show(
    dash: &Dashboard,
    view: &LetterView,
    ask: &Confirmation,
    problem: Option<AppError>,
) -> PageReply {
    let (status, problem) = match problem {
        None => (StatusCode::OK, None),
        Some(e @ AppError::Conflict { .. }) => (
            actix_web::ResponseError::status_code(&e),
            Some(e.to_string()),
        ),
        Some(e) => return Err(e.into()),
    };
    dash.render(status, |csrf| ConfirmPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        view,
        ask,
        problem,
    })
}

/// How a letter is delivered, as the delivery form chose.
pub struct DeliveryChoice {
    pub by_email: bool,
    pub note: String,
}

/// The confirm page of moving the letter `slug` to `to` (delivering it as `delivery` chose, when
/// it comes from the delivery form); `failed` is why the confirmed move failed, if it did.
pub async fn move_reply(
    dash: &Dashboard,
    slug: String,
    to: LetterState,
    delivery: Option<DeliveryChoice>,
    failed: Option<AppError>,
) -> PageReply {
    let preview = dash
        .read(move |conn, actor| letters::preview_move(conn, actor, &slug, to))
        .await?;
    let ask = move_confirmation(dash.t, &preview, delivery.as_ref());
    let problem = failed.or(preview.refused);
    show(dash, &preview.view, &ask, problem).await
}

/// What moving `preview`'s letter will do, in plain words with its numbers.
fn move_confirmation(
    t: Lang,
    preview: &MovePreview,
    delivery: Option<&DeliveryChoice>,
) -> Confirmation {
    let letter = &preview.view.letter;
    let counts = &preview.counts;
    let title = [("title", Arg::from(letter.title.as_str()))];
    let listed = [
        ("count", Arg::from(counts.published)),
        ("countries", Arg::from(counts.countries)),
    ];
    let slug = &letter.slug;
    let mut ask = Confirmation {
        heading: String::new(),
        lines: Vec::new(),
        action: format!("/dashboard/letters/{slug}/transition/{}", preview.to),
        hidden: Vec::new(),
        button: String::new(),
        danger: false,
        cancel: format!("/dashboard/letters/{slug}"),
    };
    let (heading, button) = match preview.to {
        LetterState::Open if preview.reopens() => {
            ask.lines.push(t.get("dash-confirm-reopen-signing"));
            ask.lines.push(t.with("dash-confirm-reopen-kept", &listed));
            ("dash-confirm-reopen-heading", "dash-confirm-reopen-button")
        }
        LetterState::Open => {
            ask.lines.push(t.get("dash-confirm-open-frozen"));
            ask.lines.push(t.get("dash-confirm-open-live"));
            let invitations = preview.invitations;
            ask.lines
                .push(t.with1("dash-confirm-open-invitations", "count", invitations));
            if let Some(d) = letter.deadline {
                let time = d.format("%Y-%m-%d %H:%M").to_string();
                ask.lines
                    .push(t.with1("dash-confirm-open-deadline", "time", time));
            }
            ("dash-confirm-open-heading", "dash-confirm-open-button")
        }
        LetterState::Closed => {
            ask.lines.push(t.get("dash-confirm-close-stops"));
            ask.lines.push(t.with("dash-confirm-close-listed", &listed));
            let queue = counts.confirmed;
            ask.lines
                .push(t.with1("dash-confirm-close-queue", "count", queue));
            ask.lines.push(t.get("dash-confirm-close-undo"));
            ("dash-confirm-close-heading", "dash-confirm-close-button")
        }
        LetterState::Delivered => {
            ask.danger = true;
            ask.lines
                .push(t.with("dash-confirm-deliver-frozen", &listed));
            let by_email = delivery.is_none_or(|d| d.by_email);
            match (&letter.recipient_email, by_email) {
                (Some(address), true) => ask.lines.push(t.with(
                    "dash-confirm-deliver-by-email",
                    &[
                        ("recipient", Arg::from(letter.recipient_name.as_str())),
                        ("address", Arg::from(address.as_str())),
                    ],
                )),
                _ => ask.lines.push(t.get("dash-confirm-deliver-by-hand")),
            }
            if counts.confirmed > 0 {
                let queue = counts.confirmed;
                ask.lines
                    .push(t.with1("dash-confirm-deliver-queue", "count", queue));
            }
            ask.lines.push(t.get("dash-confirm-deliver-undo"));
            if let Some(choice) = delivery {
                ask.action = format!("/dashboard/letters/{slug}/deliver");
                if choice.by_email {
                    ask.hidden.push(("by_email".into(), "1".into()));
                }
                ask.hidden.push(("note".into(), choice.note.clone()));
            }
            (
                "dash-confirm-deliver-heading",
                "dash-confirm-deliver-button",
            )
        }
        LetterState::Archived => {
            ask.danger = true;
            ask.lines.push(t.get("dash-confirm-archive-what"));
            ask.lines.push(t.get("dash-confirm-archive-undo"));
            (
                "dash-confirm-archive-heading",
                "dash-confirm-archive-button",
            )
        }
        LetterState::Draft => ("dash-confirm-move-heading", "dash-confirm-move-heading"),
    };
    ask.heading = t.with(heading, &title);
    ask.button = t.with(button, &title);
    ask
}

/// A confirm form's answer: `confirm=1` when the button was pressed.
#[derive(Deserialize)]
struct Confirmed {
    #[serde(default)]
    confirm: String,
}

/// Whether a posted confirm form was confirmed.
pub fn confirmed(value: &str) -> bool {
    value == "1"
}

fn target(to: &str) -> Result<LetterState, AppError> {
    to.parse().map_err(|m: String| AppError::field("to", m))
}

async fn move_page(dash: Dashboard, path: web::Path<(String, String)>) -> PageReply {
    let (slug, to) = path.into_inner();
    move_reply(&dash, slug, target(&to)?, None, None).await
}

async fn make_move(dash: Dashboard, path: web::Path<(String, String)>, pairs: Pairs) -> PageReply {
    let posted = dash.post::<Confirmed>(pairs.0)?;
    let (slug, to) = path.into_inner();
    let to = target(&to)?;
    if !confirmed(&posted.data.confirm) {
        return move_reply(&dash, slug, to, None, None).await;
    }
    let moving = slug.clone();
    let result = dash
        .write(
            move |conn, keys, actor| letters::transition(conn, &keys.ledger, actor, &moving, to),
            |view| After::letter(&view.letter.slug).and_mail(),
        )
        .await;
    match result {
        Ok(view) => Ok(see_other(format!(
            "/dashboard/letters/{}?moved={to}",
            view.letter.slug
        ))),
        Err(e @ AppError::Conflict { .. }) => move_reply(&dash, slug, to, None, Some(e)).await,
        Err(e) => Err(e.into()),
    }
}
