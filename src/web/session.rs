//! Signing in and out, the first-run setup page, and one's account (password, API tokens).
//!
//! A session is a random token in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and named
//! `__Host-undersigned_session` over HTTPS); the database keeps only its hash. Every form posts
//! with the CSRF token of `super::csrf`: the sign-in and setup forms with the double-submit
//! cookie, the account's forms and signing out with the token bound to the session.

use crate::http::state::After;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

use super::csrf::{self, Csrf};
use super::{render, ButtonForm, PageError};
use crate::db::models::ApiToken;
use crate::domain::token::Token;
use crate::error::{AppError, FieldErrors};
use crate::http::{rate_limit::Limits, AppState};
use crate::service::access::{Actor, UserActor};
use crate::service::accounts::{self, SetupFields};

/// The session cookie's name over plain HTTP; over HTTPS it is `__Host-undersigned_session`
/// ([`csrf::cookie_name`]).
pub const COOKIE: &str = "undersigned_session";

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    cfg.route("/login", web::get().to(login_page))
        .service(
            web::resource("/login")
                .wrap(limits.sign_in.middleware())
                .route(web::post().to(login)),
        )
        .route("/logout", web::post().to(logout))
        .route("/setup/{token}", web::get().to(setup_page))
        .service(
            web::resource("/setup/{token}")
                .wrap(limits.sign_in.middleware())
                .route(web::post().to(setup)),
        )
        .route("/account", web::get().to(account_page))
        .route("/account/password", web::post().to(change_password))
        .route("/account/tokens", web::post().to(create_token))
        .route("/account/tokens/{id}/revoke", web::post().to(revoke_token))
        .route(
            "/account/invitations/{id}/{answer}",
            web::post().to(answer_invitation),
        );
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
    csrf: &'a str,
    email: &'a str,
    message: Option<&'a str>,
    errors: FormErrors,
}

async fn login_page(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let csrf = Csrf::for_request(&req, &state);
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &LoginPage {
            csrf: &csrf.token,
            email: "",
            message: None,
            errors: FormErrors::default(),
        },
    )
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

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
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
            return render(
                HttpResponse::Unauthorized(),
                &LoginPage {
                    csrf: &form.csrf_token,
                    email: &form.email,
                    message: Some("The email or the password is not right."),
                    errors: FormErrors::default(),
                },
            )
        }
        Err(e) => return Err(e.into()),
    };
    let token = state
        .command(
            move |conn, _| accounts::start_session(conn, &user.id),
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

async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
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
    csrf: &'a str,
    action: &'a str,
    form: &'a SetupFields,
    errors: FormErrors,
}

async fn setup_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let presented = token.clone();
    state
        .db
        .run(move |conn| accounts::check_setup_link(conn, &presented))
        .await?;
    let csrf = Csrf::for_request(&req, &state);
    let mut builder = HttpResponse::Ok();
    csrf.apply(&mut builder);
    render(
        builder,
        &SetupPage {
            csrf: &csrf.token,
            action: req.path(),
            form: &SetupFields::default(),
            errors: FormErrors::default(),
        },
    )
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    fields: SetupFields,
}

async fn setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, PageError> {
    let SetupForm {
        csrf_token,
        mut fields,
    } = form.into_inner();
    csrf::verify(&req, &csrf_token)?;
    let presented = token.clone();
    state
        .db
        .run(move |conn| accounts::check_setup_link(conn, &presented))
        .await?;
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
                    csrf: &csrf_token,
                    action: req.path(),
                    form: &fields,
                    errors,
                },
            );
        }
    };
    let session = state
        .command(
            move |conn, _| accounts::start_session(conn, &user.id),
            |_| After::nothing(),
        )
        .await?;
    Ok(redirect("/dashboard")
        .cookie(session_cookie(
            session.as_str().to_string(),
            state.secure_cookies,
        ))
        .finish())
}

#[derive(Template)]
#[template(path = "dashboard/account.html")]
struct AccountPage<'a> {
    me: &'a UserActor,
    csrf: &'a str,
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

async fn account(
    req: &HttpRequest,
    state: &AppState,
    session: SignedIn,
    status: actix_web::http::StatusCode,
    new_token: Option<String>,
    message: Option<&str>,
    errors: FormErrors,
) -> Result<HttpResponse, PageError> {
    let csrf = Csrf::for_request(req, state);
    let actor = session.actor.clone();
    let (tokens, invitations) = state
        .db
        .run(move |conn| {
            Ok((
                accounts::list_tokens(conn, &actor)?,
                accounts::my_invitations(conn, &actor)?,
            ))
        })
        .await?;
    let mut builder = HttpResponse::build(status);
    csrf.apply(&mut builder);
    render(
        builder,
        &AccountPage {
            me: session.me(),
            csrf: &csrf.token,
            tokens,
            invitations,
            now: chrono::Utc::now().naive_utc(),
            default_days: accounts::TOKEN_DAYS_DEFAULT,
            max_days: accounts::TOKEN_DAYS_MAX,
            new_token,
            message,
            errors,
        },
    )
}

async fn account_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
) -> Result<HttpResponse, PageError> {
    account(
        &req,
        &state,
        session,
        actix_web::http::StatusCode::OK,
        None,
        None,
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    csrf::verify(&req, &form.csrf_token)?;
    let result = accounts::change_password(
        &state.db,
        session.actor.clone(),
        form.current_password,
        form.new_password,
        Some(session.token.clone()),
    )
    .await;
    match result {
        Ok(()) => {
            account(
                &req,
                &state,
                session,
                actix_web::http::StatusCode::OK,
                None,
                Some(
                    "Your password is changed; your other sessions have ended and your API \
                     tokens are revoked.",
                ),
                FormErrors::default(),
            )
            .await
        }
        Err(e) => match FormErrors::from_error(&e) {
            Some(errors) => {
                account(
                    &req,
                    &state,
                    session,
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    None,
                    errors,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    /// Blank: [`accounts::TOKEN_DAYS_DEFAULT`].
    #[serde(default)]
    expires_in_days: String,
}

async fn create_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    csrf::verify(&req, &form.csrf_token)?;
    let mut errors = crate::error::FieldCollector::new();
    let name = errors.check("name", crate::domain::text::line(100)(&form.name));
    let days = errors.check(
        "expires_in_days",
        match form.expires_in_days.trim() {
            "" => accounts::token_days(None),
            days => days
                .parse()
                .map_err(|_| "must be a whole number of days".to_string())
                .and_then(|d| accounts::token_days(Some(d))),
        },
    );
    let (name, days) = match (errors.finish(), name, days) {
        (Ok(()), Some(name), Some(days)) => (name, days),
        (result, _, _) => {
            let errors = result
                .err()
                .and_then(|e| FormErrors::from_error(&e))
                .unwrap_or_default();
            return account(
                &req,
                &state,
                session,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                errors,
            )
            .await;
        }
    };
    let actor = session.actor.clone();
    let (token, _) = state
        .command(
            move |conn, _| accounts::create_token(conn, &actor, name, days),
            |_| After::nothing(),
        )
        .await?;
    account(
        &req,
        &state,
        session,
        actix_web::http::StatusCode::CREATED,
        Some(token.as_str().to_string()),
        None,
        FormErrors::default(),
    )
    .await
}

async fn revoke_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    id: web::Path<String>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    csrf::verify(&req, &form.csrf_token)?;
    let actor = session.actor.clone();
    let id = id.into_inner();
    state
        .command(
            move |conn, _| accounts::revoke_token(conn, &actor, &id),
            |_| After::nothing(),
        )
        .await?;
    Ok(redirect("/account").finish())
}

/// Accept or decline an invitation to a role in a coalition (issue 18, finding 13).
async fn answer_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<(String, String)>,
    form: web::Form<ButtonForm>,
) -> Result<HttpResponse, PageError> {
    csrf::verify(&req, &form.csrf_token)?;
    let (id, answer) = path.into_inner();
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::not_found("this page").into()),
    };
    let actor = session.actor.clone();
    state
        .command(
            move |conn, _| accounts::answer_invitation(conn, &actor, &id, accept),
            |_| After::nothing(),
        )
        .await?;
    Ok(redirect(if accept { "/dashboard" } else { "/account" }).finish())
}
