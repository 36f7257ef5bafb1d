//! One's account (`/account`): the password, API tokens, and invitations to coalitions' roles.

use crate::web::dashboard::extract::id_button;
use crate::web::Button;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::db::models::ApiToken;
use crate::error::AppError;
use crate::http::state::After;
use crate::i18n::Lang;
use crate::service::access::UserActor;
use crate::service::accounts;
use crate::web::dashboard::extract::Dashboard;
use crate::web::form::{self, Pairs};
use crate::web::session::FormErrors;
use crate::web::{see_other, unless_invalid, PageReply};

pub fn routes(cfg: &mut web::ServiceConfig) {
    let revoke_token = id_button(accounts::revoke_token, |_| After::nothing(), "/account");
    mount!(cfg, {
        "/account" => web::get().to(account_page);
        "/account/password" => web::post().to(change_password);
        "/account/tokens" => web::post().to(create_token);
        "/account/tokens/{id}/revoke" => web::post().to(revoke_token);
        "/account/invitations/{id}/{answer}" => web::post().to(answer_invitation);
    });
}

#[derive(Template)]
#[template(path = "dashboard/account.html")]
struct AccountPage<'a> {
    me: &'a UserActor,
    csrf: String,
    t: Lang,
    tokens: Vec<ApiToken>,
    invitations: Vec<(accounts::PendingInvitation, crate::db::models::Coalition)>,
    /// Now, to tell expired tokens.
    now: chrono::NaiveDateTime,
    default_days: i64,
    max_days: i64,
    new_token: Option<String>,
    message: Option<&'a str>,
    errors: FormErrors,
}

/// The account page with `status`, the token just made (shown once), a notice, or the fields'
/// messages of `error` with 422 (any other error is the error page).
async fn account(
    dash: &Dashboard,
    status: StatusCode,
    new_token: Option<String>,
    message: Option<&str>,
    error: Option<AppError>,
) -> PageReply {
    let errors = FormErrors::of(error)?;
    let status = unless_invalid(status, &errors);
    let (tokens, invitations) = dash
        .read(|conn, actor| {
            Ok((
                accounts::list_tokens(conn, actor)?,
                accounts::my_invitations(conn, actor)?,
            ))
        })
        .await?;
    dash.render(status, |csrf| AccountPage {
        me: dash.me(),
        csrf,
        t: dash.t,
        tokens,
        invitations,
        now: chrono::Utc::now().naive_utc(),
        default_days: accounts::TOKEN_DAYS_DEFAULT,
        max_days: accounts::TOKEN_DAYS_MAX,
        new_token,
        message,
        errors,
    })
}

async fn account_page(dash: Dashboard) -> PageReply {
    account(&dash, StatusCode::OK, None, None, None).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(dash: Dashboard, pairs: Pairs) -> PageReply {
    let form: PasswordForm = dash.post(pairs.0)?.data;
    let result = accounts::change_password(
        &dash.state.db,
        dash.actor.clone(),
        form.current_password,
        form.new_password,
        Some(dash.session.token.clone()),
    )
    .await;
    let done = dash.t.get("dash-account-password-changed");
    let (message, error) = form::outcome(result, done);
    account(&dash, StatusCode::OK, None, message.as_deref(), error).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    /// Blank: [`accounts::TOKEN_DAYS_DEFAULT`].
    #[serde(default)]
    expires_in_days: String,
}

impl TokenForm {
    /// The token's name and days, naming every failing field.
    fn parse(&self) -> Result<(String, i64), AppError> {
        let mut errors = crate::error::FieldCollector::new();
        let name = errors.check("name", crate::domain::text::line(100)(&self.name));
        let days = errors.check(
            "expires_in_days",
            match self.expires_in_days.trim() {
                "" => accounts::token_days(None),
                days => days
                    .parse()
                    .map_err(|_| "must be a whole number of days".to_string())
                    .and_then(|d| accounts::token_days(Some(d))),
            },
        );
        errors.finish()?;
        Ok((name.unwrap_or_default(), days.unwrap_or_default()))
    }
}

async fn create_token(dash: Dashboard, pairs: Pairs) -> PageReply {
    let form: TokenForm = dash.post(pairs.0)?.data;
    let result = dash
        .submit(
            form.parse(),
            |conn, _, actor, (name, days)| accounts::create_token(conn, actor, name, days),
            |_| After::nothing(),
        )
        .await;
    let (token, error) = form::outcome_with(result, |(token, _)| token.as_str().to_string());
    account(&dash, StatusCode::CREATED, token, None, error).await
}

/// Accept or decline an invitation to a role in a coalition (issue 18, finding 13).
async fn answer_invitation(
    dash: Dashboard,
    path: web::Path<(String, String)>,
    form: Button,
) -> PageReply {
    dash.button(&form)?;
    let (id, answer) = path.into_inner();
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::not_found("this page").into()),
    };
    dash.write(
        move |conn, _, actor| accounts::answer_invitation(conn, actor, &id, accept),
        |_| After::nothing(),
    )
    .await?;
    Ok(see_other(if accept { "/dashboard" } else { "/account" }))
}
