//! The outbox: mail waiting, sent and given up on, and the mail check at start.

use super::*;
use crate::domain::MailKind;
#[allow(unused_imports)]
use crate::http::state::After;
use crate::service::outbox::MailAbout;
use std::collections::HashMap;

#[derive(Deserialize)]
pub(super) struct OutboxQuery {
    #[serde(default)]
    state: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "dashboard/outbox.html")]
pub(super) struct OutboxPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    state: String,
    page: Page<MailLine>,
    message: Option<&'a str>,
    mail_check: Option<crate::email::Checked>,
}

/// A mail as the outbox page shows it: its kind and state in words, and what it is about.
pub(super) struct MailLine {
    mail: OutboxMail,
    kind: String,
    state: String,
    /// The organisation it concerns and the letter, in words; empty when it names neither.
    about: String,
}

impl MailLine {
    fn of(t: Lang, mail: OutboxMail, about: &HashMap<String, MailAbout>) -> MailLine {
        let state = match mail.state.parse::<MailState>() {
            Ok(MailState::Queued) if mail.attempts > 0 => t.get("dash-outbox-state-retrying"),
            Ok(MailState::Queued) => t.get("dash-outbox-state-queued"),
            Ok(MailState::Sent) if mail.sent_at.is_none() => t.get("dash-outbox-state-skipped"),
            Ok(MailState::Sent) => t.get("dash-outbox-state-sent"),
            Ok(MailState::Dead) => t.get("dash-outbox-state-dead"),
            Err(_) => mail.state.clone(),
        };
        let about = match about.get(&mail.id) {
            Some(MailAbout {
                organisation: Some(organisation),
                letter: Some(letter),
            }) => t.with(
                "dash-outbox-about",
                &[
                    ("organisation", organisation.into()),
                    ("letter", letter.into()),
                ],
            ),
            _ => String::new(),
        };
        MailLine {
            kind: kind_in_words(t, &mail.kind),
            state,
            about,
            mail,
        }
    }
}

/// A kind of mail in words: "confirmation request", "delivery to the recipient".
pub(super) fn kind_in_words(t: Lang, kind: &str) -> String {
    let Ok(kind) = kind.parse::<MailKind>() else {
        return kind.replace('_', " ");
    };
    t.get(match kind {
        MailKind::SignatureConfirmation => "dash-outbox-kind-signature-confirmation",
        MailKind::SignatureContested => "dash-outbox-kind-signature-contested",
        MailKind::AlreadySigned => "dash-outbox-kind-already-signed",
        MailKind::AlreadyListed => "dash-outbox-kind-already-listed",
        MailKind::Invitation => "dash-outbox-kind-invitation",
        MailKind::InvitationReminder => "dash-outbox-kind-invitation-reminder",
        MailKind::Delivery => "dash-outbox-kind-delivery",
        MailKind::Update => "dash-outbox-kind-update",
    })
}

pub(super) async fn outbox_page(dash: Dashboard, query: web::Query<OutboxQuery>) -> PageReply {
    let query = query.into_inner();
    let mut errors = FieldCollector::new();
    let mail_state: Option<MailState> = errors.optional("state", Some(&query.state), str::parse);
    errors.finish()?;
    let page = PageRequest::clamped(query.page);
    let (list, about) = dash
        .read(move |conn, actor| {
            let list = crate::service::outbox::list(conn, actor, mail_state, page)?;
            let about = crate::service::outbox::about(conn, &list.items)?;
            Ok((list, about))
        })
        .await?;
    let t = dash.t;
    let list = list.map(|mail| MailLine::of(t, mail, &about));
    dash.render(StatusCode::OK, |csrf| OutboxPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        state: query.state,
        page: list,
        message: None,
        mail_check: dash.state.mail_check.last(),
    })
}
