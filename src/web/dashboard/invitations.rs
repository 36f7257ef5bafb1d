//! The coordinators' page of a letter's invitations (`/dashboard/letters/{slug}/invitations`): who
//! was invited, opened, signed; a form to invite; a button to remind.
use crate::http::state::{After, Keys};
use crate::web::{Button, PathParam};
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::db::models::Country;
use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Arg, Lang};
use crate::service::access::{Actor, UserActor};
use crate::service::invitations::{
    self, Candidates, Counts, InvitationFields, InvitationRow, NewInviteeFields, RemindOutcome,
};
use crate::service::letters::LetterView;
use crate::service::PageRequest;
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::Pairs;
use crate::web::session::FormErrors;
use crate::web::{see_other, ButtonForm, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    mount!(cfg, {
        "/dashboard/letters/{slug}/invitations" =>
            [web::get().to(dashboard_page), web::post().to(dashboard_invite)];
        "/dashboard/letters/{slug}/invitations/chosen" => web::post().to(dashboard_invite_chosen);
        "/dashboard/letters/{slug}/invitations/new" => web::post().to(dashboard_invite_new);
        "/dashboard/letters/{slug}/invitations/remind" => web::post().to(dashboard_remind);
    });
}

#[derive(Template)]
#[template(path = "dashboard/invitations.html")]
struct DashboardPage<'a> {
    me: &'a UserActor,
    csrf: String,
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
    /// The search of the directory, its results and what the coordinator chose in them.
    picker: &'a Picker,
    /// The form that adds an organisation to the directory and invites it.
    new: &'a NewInvitee,
    /// Countries to choose the new organisation's from.
    countries: &'a [Country],
    /// The "paste many" textarea's text, kept when it had errors.
    lines: &'a str,
    errors: Vec<String>,
    message: Option<String>,
}

/// The directory search beside the invitations: what was searched, what it found, and (after a
/// post that failed) what was ticked and typed.
#[derive(Default)]
struct Picker {
    /// The words searched for (blank: the coalition's members).
    q: String,
    /// A search was made (or the page asked for the members).
    searched: bool,
    found: Vec<Choice>,
    /// How many matched in all (more than shown when it passes the cap).
    total: i64,
    /// Messages by field id: `q`, `pick`, `email-{id}`.
    errors: FormErrors,
}

/// One organisation in the search's results.
struct Choice {
    id: String,
    name: String,
    country: String,
    /// The address to invite it at: as typed, or where this coalition invited it last.
    email: String,
    checked: bool,
    invited_here: bool,
}

/// The "add a new organisation" form's values and messages (ids `new.name`, `new.country`,
/// `new.email`).
#[derive(Default)]
struct NewInvitee {
    name: String,
    country: String,
    email: String,
    errors: FormErrors,
}

impl Picker {
    fn count(&self) -> usize {
        self.found.len()
    }

    /// The message of one result's field (`pick` or `email`), if any.
    fn error_of(&self, field: &str, id: &str) -> Option<String> {
        let key = format!("{field}-{id}");
        self.errors.has(&key).then(|| self.errors.get(&key))
    }
}

#[derive(Deserialize)]
struct PageParam {
    page: Option<i64>,
    /// A search of the directory by name (blank: the coalition's members).
    q: Option<String>,
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
    /// After adding a new organisation and inviting it.
    added: Option<u8>,
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
        if self.added.is_some() {
            return Some(t.get("dash-invitations-added"));
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

/// The "paste many" textarea, one organisation per line: its name (or slug) and an address, the
/// address last, after white space, a comma or a semicolon. Returns the items and, for each, its
/// line number.
fn parse_lines(text: &str) -> (Vec<InvitationFields>, Vec<usize>) {
    let separator = |c: char| c.is_whitespace() || c == ',' || c == ';';
    let mut items = Vec::new();
    let mut numbers = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_matches(separator);
        if line.is_empty() {
            continue;
        }
        let (organisation, email) = match line.rsplit_once(separator) {
            Some((rest, last)) if last.contains('@') => {
                (Some(rest.trim_matches(separator)), Some(last))
            }
            _ if line.contains('@') && !line.contains(separator) => (None, Some(line)),
            _ => (Some(line), None),
        };
        items.push(InvitationFields {
            organisation: organisation.map(str::to_string),
            email: email.map(str::to_string),
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

/// What the page shows besides the letter's invitations.
#[derive(Default)]
struct Shown {
    page: i64,
    picker: Picker,
    new: NewInvitee,
    lines: String,
    errors: Vec<String>,
    message: Option<String>,
}

impl Shown {
    fn status(&self) -> StatusCode {
        let fine = self.errors.is_empty()
            && self.new.errors.is_empty()
            && (self.picker.errors.is_empty() || self.picker.errors.has("q"));
        if fine {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

async fn dashboard(dash: &Dashboard, slug: String, mut shown: Shown) -> PageReply {
    let request = PageRequest {
        per_page: PageRequest::MAX_PER_PAGE,
        ..PageRequest::clamped(Some(shown.page))
    };
    let search =
        (shown.picker.searched && !shown.picker.errors.has("q")).then(|| shown.picker.q.clone());
    let (letter, found, counts, candidates) = dash
        .read(move |conn, actor| {
            let (letter, found, counts) = invitations::list(conn, actor, &slug, request)?;
            let can = actor.can(&letter.coalition.id, Permission::Invite);
            let candidates = match search {
                Some(q) if can => match invitations::search(conn, actor, &slug, &q) {
                    Ok((_, c)) => Ok(c),
                    Err(AppError::Validation(fields)) => Err(fields),
                    Err(e) => return Err(e),
                },
                _ => Ok(Candidates::default()),
            };
            Ok((letter, found, counts, candidates))
        })
        .await?;
    let accepts = invitations::accepts_invitations(&letter.letter).ok();
    match candidates {
        Ok(c) => merge_found(&mut shown.picker, c),
        Err(fields) => shown.picker.errors.0.extend(fields),
    }
    let countries = dash.state.countries.get(&dash.state.db).await?;
    let pages = ((found.total + found.per_page - 1) / found.per_page).max(1);
    dash.render(shown.status(), |csrf| DashboardPage {
        me: dash.me(),
        csrf,
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
        picker: &shown.picker,
        new: &shown.new,
        countries: &countries,
        lines: &shown.lines,
        errors: shown.errors,
        message: shown.message,
    })
}

/// The search's results into the picker, keeping what a failed post had ticked and typed.
fn merge_found(picker: &mut Picker, found: Candidates) {
    let before = std::mem::take(&mut picker.found);
    picker.total = found.total;
    picker.found = (found.items.into_iter())
        .map(|c| {
            let kept = before.iter().find(|b| b.id == c.organisation.id);
            Choice {
                email: kept
                    .map(|b| b.email.clone())
                    .or(c.last_address)
                    .unwrap_or_default(),
                checked: kept.is_some_and(|b| b.checked),
                id: c.organisation.id,
                name: c.organisation.name,
                country: c.country.name,
                invited_here: c.invited_here,
            }
        })
        .collect();
}

async fn dashboard_page(
    dash: Dashboard,
    slug: PathParam,
    query: web::Query<PageParam>,
) -> PageReply {
    let query = query.into_inner();
    let shown = Shown {
        page: query.page.unwrap_or(1),
        message: query.message(dash.t),
        picker: Picker {
            searched: query.q.is_some(),
            q: query.q.unwrap_or_default(),
            ..Picker::default()
        },
        ..Shown::default()
    };
    dashboard(&dash, slug.into_inner(), shown).await
}

/// Where a post that invited sends the browser: the page with how many were invited.
fn invited_notice(slug: &str, done: &[(invitations::InviteOutcome, InvitationRow)]) -> String {
    let count = |o| done.iter().filter(|(x, _)| *x == o).count();
    use invitations::InviteOutcome::*;
    format!(
        "/dashboard/letters/{slug}/invitations?invited={}&resent={}&already={}",
        count(Invited),
        count(Resent),
        count(AlreadySigned)
    )
}

/// The organisations ticked in the search's results, each at the address typed beside it
/// (`pick[]` holds their ids, `email.{id}` their addresses; `q` the search to show again).
/// The value of the form field `name`, if it was sent.
fn value_of(pairs: &[(String, String)], name: &str) -> Option<String> {
    (pairs.iter())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// An invitations form's write as the coordinator, its mails woken: a redirect to the address
/// `done` makes of its outcome, or for field errors the page again as `invalid` shows them.
async fn invite_then<T, W>(
    dash: &Dashboard,
    slug: String,
    write: W,
    done: impl FnOnce(&str, &T) -> String,
    invalid: impl FnOnce(FieldErrors) -> Shown,
) -> PageReply
where
    T: Send + 'static,
    W: FnOnce(&mut DbConnection, &Keys, &Actor, &str) -> Result<T, AppError> + Send + 'static,
{
    let letter = slug.clone();
    let result = dash
        .write(
            move |conn, keys, actor| write(conn, keys, actor, &letter),
            |_| After::nothing().and_mail(),
        )
        .await;
    match result {
        Ok(outcome) => Ok(see_other(done(&slug, &outcome))),
        Err(AppError::Validation(fields)) => dashboard(dash, slug, invalid(fields)).await,
        Err(e) => Err(e.into()),
    }
}

async fn dashboard_invite_chosen(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let pairs = dash.post_pairs(pairs.into_inner())?;
    let picked: Vec<String> = (pairs.iter())
        .filter(|(k, _)| k == "pick[]" || k == "pick")
        .map(|(_, v)| v.clone())
        .collect();
    let typed: Vec<Choice> = (pairs.iter())
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("email.")?;
            Some(Choice {
                id: id.to_string(),
                email: v.clone(),
                checked: picked.iter().any(|p| p == id),
                name: String::new(),
                country: String::new(),
                invited_here: false,
            })
        })
        .collect();
    let items: Vec<InvitationFields> = (picked.iter())
        .map(|id| InvitationFields {
            organisation: Some(id.clone()),
            email: value_of(&pairs, &format!("email.{id}")),
        })
        .collect();
    let q = value_of(&pairs, "q").unwrap_or_default();
    invite_then(
        &dash,
        slug.into_inner(),
        move |conn, keys, actor, letter| {
            invitations::invite(conn, &keys.tokens, actor, letter, &items)
        },
        |slug, done| invited_notice(slug, done),
        |fields| {
            let mut errors = FieldErrors::new();
            for (key, messages) in fields {
                // `invitations[i].email` is the address typed beside the i-th ticked one.
                let located = key
                    .strip_prefix("invitations[")
                    .and_then(|rest| rest.split_once("]."))
                    .and_then(|(i, field)| Some((picked.get(i.parse::<usize>().ok()?)?, field)));
                let id = match located {
                    Some((id, "email")) => format!("email-{id}"),
                    Some((id, _)) => format!("pick-{id}"),
                    None => "pick".to_string(),
                };
                errors.entry(id).or_default().extend(messages);
            }
            Shown {
                page: 1,
                picker: Picker {
                    q,
                    searched: true,
                    found: typed,
                    total: 0,
                    errors: FormErrors(errors),
                },
                ..Shown::default()
            }
        },
    )
    .await
}

/// A new organisation, added to the directory (and to the coalition's members) and invited.
async fn dashboard_invite_new(dash: Dashboard, slug: PathParam, pairs: Pairs) -> PageReply {
    let pairs = dash.post_pairs(pairs.into_inner())?;
    let fields = NewInviteeFields {
        name: value_of(&pairs, "new.name"),
        country: value_of(&pairs, "new.country"),
        email: value_of(&pairs, "new.email"),
    };
    let typed = fields.clone();
    let countries = dash.state.countries.get(&dash.state.db).await?;
    invite_then(
        &dash,
        slug.into_inner(),
        move |conn, keys, actor, letter| {
            invitations::add_and_invite(conn, &keys.tokens, actor, letter, &countries, fields)
        },
        |slug, _| format!("/dashboard/letters/{slug}/invitations?added=1"),
        |fields| Shown {
            page: 1,
            new: NewInvitee {
                name: typed.name.unwrap_or_default(),
                country: typed.country.unwrap_or_default(),
                email: typed.email.unwrap_or_default(),
                errors: FormErrors(fields),
            },
            ..Shown::default()
        },
    )
    .await
}

async fn dashboard_invite(
    dash: Dashboard,
    slug: PathParam,
    form: web::Form<InviteForm>,
) -> PageReply {
    dash.button(&form.button)?;
    let (items, numbers) = parse_lines(&form.lines);
    let t = dash.t;
    invite_then(
        &dash,
        slug.into_inner(),
        move |conn, keys, actor, letter| {
            let items = invitations::by_name(conn, items)?;
            invitations::invite(conn, &keys.tokens, actor, letter, &items)
        },
        |slug, done| invited_notice(slug, done),
        |fields| Shown {
            page: 1,
            errors: line_errors(t, &fields, &numbers),
            lines: form.lines.clone(),
            ..Shown::default()
        },
    )
    .await
}

async fn dashboard_remind(dash: Dashboard, slug: PathParam, form: Button) -> PageReply {
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
        let (named, _) = parse_lines("Homo Digitalis; one@homo.example\nAccess Now\n");
        assert_eq!(named[0].organisation.as_deref(), Some("Homo Digitalis"));
        assert_eq!(named[0].email.as_deref(), Some("one@homo.example"));
        assert_eq!(named[1].organisation.as_deref(), Some("Access Now"));
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
