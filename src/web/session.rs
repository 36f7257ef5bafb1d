//! Signing in and out, the first-run setup page, and one's account (password, API tokens).
//!
//! A session is a random token in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and named
//! `__Host-undersigned_session` over HTTPS); the database keeps only its hash. Every form posts
//! with the CSRF token of `super::csrf`: the sign-in and setup forms with the double-submit
//! cookie, the account's forms and signing out with the token bound to the session.

use crate::http::state::After;
use crate::web::{Button, PathParam};
use crate::web::{Limited, PageReply, Visit};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

use super::csrf;
use super::dashboard::extract::language;
use super::{render, render_with_csrf, PageError};
use crate::domain::token::Token;
use crate::error::{AppError, FieldErrors};
use crate::http::{rate_limit::Limits, AppState};
use crate::i18n::Lang;
use crate::service::access::{Actor, UserActor};
use crate::service::accounts::{self, SetupFields};

/// The session cookie's name over plain HTTP; over HTTPS it is `__Host-undersigned_session`
/// ([`csrf::cookie_name`]).
pub const COOKIE: &str = "undersigned_session";

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    mount!(cfg, {
        "/login" => web::get().to(login_page);
        "/login" => Limited(&limits.sign_in, web::post().to(login));
        "/logout" => web::post().to(logout);
        "/setup/{token}" => web::get().to(setup_page);
        "/setup/{token}" => Limited(&limits.sign_in, web::post().to(setup));
    });
}

/// Per-field messages for a form's template.
#[derive(Default)]
pub struct FormErrors(pub FieldErrors);

impl FormErrors {
    pub fn from_error(e: &AppError) -> Option<FormErrors> {
        match e {
            AppError::Validation(fields) => Some(FormErrors(fields.clone())),
            _ => None,
        }
    }

    /// The messages of a form post's error, none without one; an error that is not about
    /// fields (a refusal, a conflict) becomes the error page instead.
    pub fn of(error: Option<AppError>) -> Result<FormErrors, PageError> {
        match error {
            None => Ok(FormErrors::default()),
            Some(e) => FormErrors::from_error(&e).ok_or(PageError(e)),
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn get(&self, field: &str) -> String {
        self.0.get(field).map(|m| m.join("; ")).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The form's error summary (`m::error_summary`): for each field, the id it links to and
    /// "Field name: message" (the name spelt out from the field's key: `recipient_name` is
    /// "Recipient name", `new.email` "Email").
    pub fn summary(&self) -> Vec<(String, String)> {
        (self.0.iter())
            .map(|(field, messages)| {
                let name = field.strip_prefix("new.").unwrap_or(field);
                let spelt: String = name
                    .chars()
                    .enumerate()
                    .map(|(i, c)| match c {
                        '_' | '.' | '[' | ']' => ' ',
                        c if i == 0 => c.to_ascii_uppercase(),
                        c => c,
                    })
                    .collect();
                let spelt = spelt.split_whitespace().collect::<Vec<_>>().join(" ");
                (field.clone(), format!("{spelt}: {}", messages.join("; ")))
            })
            .collect()
    }
}

/// A signed-in coordinator, from the session cookie. Without a live session, a page that needs
/// one sends the browser to the sign-in page.
pub struct SignedIn {
    pub actor: Actor,
    pub token: Token,
}

impl SignedIn {
    pub fn me(&self) -> &UserActor {
        match &self.actor {
            Actor::User(u) => u,
            _ => unreachable!("a session is always a user's"),
        }
    }
}

/// Send the browser to the sign-in page.
#[derive(Debug)]
pub struct LoginRequired;

impl std::fmt::Display for LoginRequired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sign in first")
    }
}

impl ResponseError for LoginRequired {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish()
    }
}

impl FromRequest for SignedIn {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = state.as_ref().and_then(|state| {
            req.cookie(&csrf::cookie_name(COOKIE, state.secure_cookies))
                .and_then(|c| Token::parse(c.value()).ok())
        });
        Box::pin(async move {
            let (Some(state), Some(token)) = (state, token) else {
                return Err(LoginRequired.into());
            };
            let lookup = token.clone();
            let actor = state
                .db
                .run(move |conn| accounts::session_actor(conn, &lookup))
                .await
                .map_err(PageError)?;
            match actor {
                Some(actor) => Ok(SignedIn { actor, token }),
                None => Err(LoginRequired.into()),
            }
        })
    }
}

fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(csrf::cookie_name(COOKIE, secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(
            accounts::SESSION_DAYS,
        ))
        .finish()
}

fn redirect(to: &str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::SeeOther();
    builder.insert_header((header::LOCATION, to.to_string()));
    builder
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: String,
    t: Lang,
    email: &'a str,
    message: Option<&'a str>,
    errors: FormErrors,
}

async fn login_page(Visit { req, state }: Visit) -> PageReply {
    render_with_csrf(&req, &state, StatusCode::OK, |csrf| LoginPage {
        csrf,
        t: language(&req),
        email: "",
        message: None,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login(Visit { req, state }: Visit, form: web::Form<LoginForm>) -> PageReply {
    let form = form.into_inner();
    csrf::verify(&req, &form.csrf_token)?;
    let (email, password) = (form.email.clone(), form.password);
    let user = state
        .db
        .run(move |conn| accounts::authenticate(conn, &email, &password))
        .await;
    let user = match user {
        Ok(user) => user,
        Err(AppError::Unauthorized) => {
            let t = language(&req);
            return render(
                HttpResponse::Unauthorized(),
                &LoginPage {
                    csrf: form.csrf_token.clone(),
                    t,
                    email: &form.email,
                    message: Some(&t.get("dash-login-wrong")),
                    errors: FormErrors::default(),
                },
            );
        }
        Err(e) => return Err(e.into()),
    };
    start_session(&state, user.id).await
}

/// Start a session for a user who has just proved who they are, and open the dashboard.
async fn start_session(state: &AppState, user: String) -> Result<HttpResponse, PageError> {
    let token = state
        .command(
            move |conn, _| accounts::start_session(conn, &user),
            |_| After::nothing(),
        )
        .await?;
    Ok(redirect("/dashboard")
        .cookie(session_cookie(
            token.as_str().to_string(),
            state.secure_cookies,
        ))
        .finish())
}

/// Refuse a setup link that is unknown, used or expired.
async fn check_setup_link(state: &AppState, token: &str) -> Result<(), AppError> {
    let presented = token.to_string();
    (state.db)
        .run(move |conn| accounts::check_setup_link(conn, &presented))
        .await
}

async fn logout(Visit { req, state }: Visit, form: Button) -> PageReply {
    csrf::verify(&req, &form.csrf_token)?;
    if let Some(token) = req
        .cookie(&csrf::cookie_name(COOKIE, state.secure_cookies))
        .and_then(|c| Token::parse(c.value()).ok())
    {
        state
            .command(
                move |conn, _| accounts::end_session(conn, &token),
                |_| After::nothing(),
            )
            .await?;
    }
    let mut gone = session_cookie(String::new(), state.secure_cookies);
    gone.make_removal();
    Ok(redirect("/").cookie(gone).finish())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage<'a> {
    csrf: String,
    t: Lang,
    action: &'a str,
    form: &'a SetupFields,
    errors: FormErrors,
}

async fn setup_page(Visit { req, state }: Visit, token: PathParam) -> PageReply {
    check_setup_link(&state, &token).await?;
    let form = SetupFields::default();
    render_with_csrf(&req, &state, StatusCode::OK, |csrf| SetupPage {
        csrf,
        t: language(&req),
        action: req.path(),
        form: &form,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    fields: SetupFields,
}

async fn setup(
    Visit { req, state }: Visit,
    token: PathParam,
    form: web::Form<SetupForm>,
) -> PageReply {
    let SetupForm {
        csrf_token,
        mut fields,
    } = form.into_inner();
    csrf::verify(&req, &csrf_token)?;
    check_setup_link(&state, &token).await?;
    fields.token = token.into_inner();
    let result = match fields.parse() {
        Ok(input) => accounts::run_setup(&state.db, fields.token.clone(), input).await,
        Err(e) => Err(e),
    };
    let (user, _) = match result {
        Ok(done) => done,
        Err(e) => {
            let Some(errors) = FormErrors::from_error(&e) else {
                return Err(e.into());
            };
            return render(
                HttpResponse::UnprocessableEntity(),
                &SetupPage {
                    csrf: csrf_token,
                    t: language(&req),
                    action: req.path(),
                    form: &fields,
                    errors,
                },
            );
        }
    };
    start_session(&state, user.id).await
}
