//! The coordinators' page of a letter's invitations (`/dashboard/letters/{slug}/invitations`): who
//! was invited, opened, signed; a form to invite; a button to remind.
use crate::http::state::After;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::domain::Permission;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Arg, Lang};
use crate::service::access::UserActor;
use crate::service::invitations::{self, Counts, InvitationFields, InvitationRow, RemindOutcome};
use crate::service::letters::LetterView;
use crate::service::PageRequest;
use crate::web::dashboard::extract::Dashboard;
use crate::web::{render, see_other, ButtonForm, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/dashboard/letters/{slug}/invitations",
        web::get().to(dashboard_page),
    )
    .route(
        "/dashboard/letters/{slug}/invitations",
        web::post().to(dashboard_invite),
    )
    .route(
        "/dashboard/letters/{slug}/invitations/remind",
        web::post().to(dashboard_remind),
    );
}

#[derive(Template)]
#[template(path = "dashboard/invitations.html")]
struct DashboardPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
    t: Lang,
    letter: &'a LetterView,
    rows: Vec<InvitationRow>,
    counts: Counts,
    page: i64,
    pages: i64,
    can_invite: bool,
    /// The letter takes invitations now (`invitations::accepts_invitations`).
    accepts: bool,
    /// A draft's opening time, when its invitations wait for it (UTC, as the page shows it).
    scheduled: Option<String>,
    /// The textarea's text, kept when it had errors.
    lines: &'a str,
    errors: Vec<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct PageParam {
    page: Option<i64>,
    /// After inviting (the page a POST redirects to, so a reload sends nothing again):
    /// how many were invited, invited again, had signed already.
    invited: Option<usize>,
    resent: Option<usize>,
    already: Option<usize>,
    /// After reminding: reminded, signed, too soon, at the cap.
    reminded: Option<usize>,
    signed: Option<usize>,
    too_soon: Option<usize>,
    at_cap: Option<usize>,
}

impl PageParam {
    /// The notice for the outcome in the address, if any.
    fn message(&self, t: Lang) -> Option<String> {
        if let (Some(i), Some(r), Some(a)) = (self.invited, self.resent, self.already) {
            let counts: [(&'static str, Arg); 3] = [
                ("invited", i.into()),
                ("resent", r.into()),
                ("already", a.into()),
            ];
            return Some(t.with("dash-invitations-done", &counts));
        }
        if let (Some(r), Some(s), Some(soon), Some(c)) =
            (self.reminded, self.signed, self.too_soon, self.at_cap)
        {
            let counts: [(&'static str, Arg); 5] = [
                ("reminded", r.into()),
                ("signed", s.into()),
                ("too_soon", soon.into()),
                ("at_cap", c.into()),
                ("max", invitations::MAX_REMINDERS.into()),
            ];
            return Some(t.with("dash-invitations-reminded", &counts));
        }
        None
    }
}

#[derive(Deserialize)]
struct InviteForm {
    /// The CSRF token.
    #[serde(flatten)]
    button: ButtonForm,
    #[serde(default)]
    lines: String,
}

/// The textarea, one organisation per line: its slug and an address, separated by white space,
/// a comma or a semicolon. Returns the items and, for each, its line number.
fn parse_lines(text: &str) -> (Vec<InvitationFields>, Vec<usize>) {
    let mut items = Vec::new();
    let mut numbers = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        let (organisation, email) = match words.as_slice() {
            [one] if one.contains('@') => (None, Some(one.to_string())),
            [one] => (Some(one.to_string()), None),
            [org, .., email] => (Some(org.to_string()), Some(email.to_string())),
            [] => unreachable!(),
        };
        items.push(InvitationFields {
            organisation,
            email,
        });
        numbers.push(n + 1);
    }
    (items, numbers)
}

/// Field errors of `invitations[i].field` as "Line n: field …" messages.
fn line_errors(t: Lang, fields: &FieldErrors, numbers: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    for (key, messages) in fields {
        let text = messages.join("; ");
        let located = key
            .strip_prefix("invitations[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(i, field)| Some((i.parse::<usize>().ok()?, field)));
        match located {
            Some((i, field)) => {
                let line = numbers.get(i).copied().unwrap_or(i + 1);
                let field = t.get(if field == "organisation" {
                    "dash-invitations-field-organisation"
                } else {
                    "dash-invitations-field-email"
                });
                // "invitations[0]" in a message means line numbers[0].
                let text = numbers.iter().enumerate().fold(text, |text, (j, n)| {
                    let line = t.with1("dash-invitations-line", "line", n);
                    text.replace(&format!("invitations[{j}]"), &line)
                });
                let parts = [
                    ("line", line.into()),
                    ("field", field.into()),
                    ("text", text.into()),
                ];
                out.push(t.with("dash-invitations-line-error", &parts));
            }
            None => out.push(t.with1("dash-invitations-list-error", "text", text)),
        }
    }
    out
}

async fn dashboard(
    dash: &Dashboard,
    slug: String,
    page: i64,
    status: StatusCode,
    lines: &str,
    errors: Vec<String>,
    message: Option<String>,
) -> PageReply {
    let request = PageRequest {
        per_page: PageRequest::MAX_PER_PAGE,
        ..PageRequest::clamped(Some(page))
    };
    let (letter, found, counts) = dash
        .read(move |conn, actor| invitations::list(conn, actor, &slug, request))
        .await?;
    let accepts = invitations::accepts_invitations(&letter.letter).ok();
    let (csrf, builder) = dash.page(status);
    let pages = ((found.total + found.per_page - 1) / found.per_page).max(1);
    render(
        builder,
        &DashboardPage {
            me: dash.me(),
            csrf: &csrf.token,
            t: dash.t,
            can_invite: dash.actor.can(&letter.coalition.id, Permission::Invite),
            accepts: accepts.is_some(),
            scheduled: accepts
                .filter(|waits| *waits)
                .and(letter.letter.opens_at)
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string()),
            letter: &letter,
            rows: found.items,
            counts,
            page: found.page,
            pages,
            lines,
            errors,
            message,
        },
    )
}

async fn dashboard_page(
    dash: Dashboard,
    slug: web::Path<String>,
    query: web::Query<PageParam>,
) -> PageReply {
    let (page, message) = (query.page.unwrap_or(1), query.message(dash.t));
    let slug = slug.into_inner();
    dashboard(&dash, slug, page, StatusCode::OK, "", Vec::new(), message).await
}

async fn dashboard_invite(
    dash: Dashboard,
    slug: web::Path<String>,
    form: web::Form<InviteForm>,
) -> PageReply {
    dash.button(&form.button)?;
    let slug = slug.into_inner();
    let (items, numbers) = parse_lines(&form.lines);
    let letter = slug.clone();
    let result = dash
        .write(
            move |conn, keys, actor| {
                invitations::invite(conn, &keys.tokens, actor, &letter, &items)
            },
            |_| After::nothing().and_mail(),
        )
        .await;
    match result {
        Ok(done) => {
            let count = |o| done.iter().filter(|(x, _)| *x == o).count();
            use invitations::InviteOutcome::*;
            Ok(see_other(format!(
                "/dashboard/letters/{slug}/invitations?invited={}&resent={}&already={}",
                count(Invited),
                count(Resent),
                count(AlreadySigned)
            )))
        }
        Err(AppError::Validation(fields)) => {
            let errors = line_errors(dash.t, &fields, &numbers);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            dashboard(&dash, slug, 1, status, &form.lines, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn dashboard_remind(
    dash: Dashboard,
    slug: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> PageReply {
    dash.button(&form)?;
    let slug = slug.into_inner();
    let letter = slug.clone();
    let outcome: RemindOutcome = dash
        .write(
            move |conn, _, actor| invitations::remind(conn, actor, &letter),
            |_| After::nothing().and_mail(),
        )
        .await?;
    Ok(see_other(format!(
        "/dashboard/letters/{slug}/invitations?reminded={}&signed={}&too_soon={}&at_cap={}",
        outcome.reminded, outcome.signed, outcome.too_soon, outcome.at_cap
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_one_item_each_and_errors_name_their_line() {
        let (items, numbers) = parse_lines(
            "access-now a@access.example\n\n  edri, office@edri.example \nlonely\nx@y.example\n",
        );
        assert_eq!(numbers, vec![1, 3, 4, 5]);
        assert_eq!(items[1].organisation.as_deref(), Some("edri"));
        assert_eq!(items[1].email.as_deref(), Some("office@edri.example"));
        assert!(items[2].email.is_none() && items[3].organisation.is_none());
        let mut fields = FieldErrors::new();
        fields.insert(
            "invitations[1].organisation".into(),
            vec!["is named already in invitations[0]".into()],
        );
        let errors = line_errors(Lang::default(), &fields, &numbers);
        assert_eq!(
            errors,
            vec!["Line 3: the organisation is named already in line 1."]
        );
    }
}
