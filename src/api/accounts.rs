//! Coordinators' accounts through the API: first-run setup, API tokens (created with email and
//! password, or by a signed-in script), one's own account, accounts created by the operator,
//! and a coalition's members.

use crate::http::state::After;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::extract::CoalitionChange;
use super::extract::{About, ApiJson, Authenticated, Item};
use super::{line, utc, Reply};
use crate::db::models::{ApiToken, User};
use crate::domain::Permission;
use crate::domain::Role;
use crate::error::{AppError, FieldCollector};
use crate::http::{rate_limit::Limits, AppState};
use crate::service::access::{Actor, Subject};
use crate::service::accounts::{
    self, Member, MemberChange, MemberFields, NewUserFields, NewUserInput, PendingInvitation,
    SetupFields,
};

pub fn routes(cfg: &mut web::ServiceConfig, limits: &Limits) {
    cfg.service(
        web::resource("/auth/tokens")
            .wrap(limits.sign_in.middleware())
            .route(web::post().to(sign_in_token)),
    )
    .service(
        web::resource("/setup")
            .wrap(limits.sign_in.middleware())
            .route(web::post().to(setup)),
    )
    .service(me)
    .service(my_tokens)
    .service(create_token)
    .service(revoke_token)
    .service(change_password)
    .service(create_user)
    .service(members)
    .service(set_member)
    .service(remove_member)
    .service(member_invitations)
    .service(my_invitations)
    .service(answer_invitation);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserJson {
    id: String,
    name: String,
    email: String,
    created_at: DateTime<Utc>,
}

impl From<User> for UserJson {
    fn from(u: User) -> Self {
        UserJson {
            id: u.id,
            name: u.name,
            email: u.email,
            created_at: utc(u.created_at),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenJson {
    id: String,
    name: String,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    /// When it stops working (a request with it then gets 401).
    expires_at: DateTime<Utc>,
    /// Only in the answer that creates it: keep it, it is not shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl TokenJson {
    fn new(t: ApiToken, token: Option<String>) -> TokenJson {
        TokenJson {
            id: t.id,
            name: t.name,
            created_at: utc(t.created_at),
            revoked_at: t.revoked_at.map(utc),
            expires_at: utc(t.expires_at),
            token,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInJson {
    email: Option<String>,
    password: Option<String>,
    /// What the token is for, e.g. "import script".
    name: Option<String>,
    /// How many days the token works: 1 to 365, 90 when absent.
    expires_in_days: Option<i64>,
}

fn token_name(errors: &mut FieldCollector, name: Option<&str>) -> Option<String> {
    errors.required("name", name, line(100))
}

fn token_days(errors: &mut FieldCollector, days: Option<i64>) -> Option<i64> {
    errors.check("expires_in_days", accounts::token_days(days))
}

/// Sign in with email and password and get a new API token (rate-limited per client address).
/// The token works for `expires_in_days` days (1 to 365, 90 when absent).
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "accounts", request_body = SignInJson,
    responses((status = 201, body = TokenJson), (status = 401, description = "Wrong email or password", body = super::ErrorBody),
        (status = 429, body = super::ErrorBody), super::Invalid))]
pub async fn sign_in_token(state: web::Data<AppState>, body: ApiJson<SignInJson>) -> Reply {
    let body = body.0;
    let mut errors = FieldCollector::new();
    let email = errors.required("email", body.email.as_deref(), |s| {
        Ok::<_, String>(s.to_string())
    });
    let password = errors.required("password", body.password.as_deref(), |s| {
        Ok::<_, String>(s.to_string())
    });
    let name = token_name(&mut errors, body.name.as_deref());
    let days = token_days(&mut errors, body.expires_in_days);
    errors.finish()?;
    let (Some(email), Some(password), Some(name), Some(days)) = (email, password, name, days)
    else {
        return Err(AppError::field("email", "is required"));
    };
    let user = state
        .db
        .run(move |conn| accounts::authenticate(conn, &email, &password))
        .await?;
    let (token, row) = state
        .command(
            move |conn, _| {
                let actor = accounts::actor_for(conn, &user)?;
                accounts::create_token(conn, &actor, name, days)
            },
            |_| After::nothing(),
        )
        .await?;
    Ok(HttpResponse::Created().json(TokenJson::new(row, Some(token.as_str().to_string()))))
}

/// First run: with the token from the setup link the server logged, create the first account
/// and its coalition. Works once.
#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", request_body = SetupFields,
    responses((status = 201, body = UserJson), (status = 404, description = "No such setup link", body = super::ErrorBody),
        (status = 410, description = "An account exists already", body = super::ErrorBody), super::Invalid))]
pub async fn setup(state: web::Data<AppState>, body: ApiJson<SetupFields>) -> Reply {
    let fields = body.0;
    let presented = fields.token.clone();
    state
        .db
        .run(move |conn| accounts::check_setup_link(conn, &presented))
        .await?;
    let input = fields.parse()?;
    let (user, _) = accounts::run_setup(&state.db, fields.token.clone(), input).await?;
    Ok(HttpResponse::Created().json(UserJson::from(user)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MembershipJson {
    coalition: String,
    name: String,
    #[schema(value_type = String, example = "coordinator")]
    role: Role,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeJson {
    id: String,
    name: String,
    email: String,
    coalitions: Vec<MembershipJson>,
}

/// The account behind the token, with its coalitions and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("api_token" = [])),
    responses((status = 200, body = MeJson), (status = 401, body = super::ErrorBody)))]
#[get("/me")]
pub async fn me(caller: Authenticated) -> Reply {
    let user = caller.actor.user()?.clone();
    let coalitions = caller.read(accounts::my_coalitions).await?;
    Ok(HttpResponse::Ok().json(MeJson {
        id: user.id,
        name: user.name,
        email: user.email,
        coalitions: coalitions
            .into_iter()
            .map(|(c, role)| MembershipJson {
                coalition: c.slug,
                name: c.name,
                role,
            })
            .collect(),
    }))
}

/// One's API tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts", security(("api_token" = [])),
    responses((status = 200, body = Vec<TokenJson>), (status = 401, body = super::ErrorBody)))]
#[get("/me/tokens")]
pub async fn my_tokens(caller: Authenticated) -> Reply {
    let tokens = caller.read(accounts::list_tokens).await?;
    super::json_each(tokens, |t| TokenJson::new(t, None))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenJson {
    name: Option<String>,
    /// How many days the token works: 1 to 365, 90 when absent.
    expires_in_days: Option<i64>,
}

/// A new API token for the account behind this one.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = NewTokenJson, security(("api_token" = [])),
    responses((status = 201, body = TokenJson), (status = 401, body = super::ErrorBody), super::Invalid))]
#[post("/me/tokens")]
pub async fn create_token(caller: Authenticated, body: ApiJson<NewTokenJson>) -> Reply {
    caller.actor.user()?;
    let mut errors = FieldCollector::new();
    let name = token_name(&mut errors, body.0.name.as_deref());
    let days = token_days(&mut errors, body.0.expires_in_days);
    errors.finish()?;
    let (Some(name), Some(days)) = (name, days) else {
        return Err(AppError::field("name", "is required"));
    };
    let (token, row) = caller
        .write_only(move |conn, _, actor| accounts::create_token(conn, actor, name, days))
        .await?;
    Ok(HttpResponse::Created().json(TokenJson::new(row, Some(token.as_str().to_string()))))
}

/// Revoke one of one's tokens; it stops working at once.
#[utoipa::path(post, path = "/api/v1/me/tokens/{id}/revoke", tag = "accounts", params(("id" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = TokenJson), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[post("/me/tokens/{id}/revoke")]
pub async fn revoke_token(token: About) -> Reply {
    let row = token.write_only(accounts::revoke_token).await?;
    Ok(HttpResponse::Ok().json(TokenJson::new(row, None)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordJson {
    current_password: Option<String>,
    new_password: Option<String>,
}

/// Change one's password; every browser session of the account ends and every API token of the
/// account is revoked, the one this request uses too: sign in again for a new one.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordJson, security(("api_token" = [])),
    responses((status = 204), (status = 401, body = super::ErrorBody), super::Invalid))]
#[post("/me/password")]
pub async fn change_password(caller: Authenticated, body: ApiJson<PasswordJson>) -> Reply {
    let body = body.0;
    accounts::change_password(
        &caller.state.db,
        caller.actor.clone(),
        body.current_password.unwrap_or_default(),
        body.new_password.unwrap_or_default(),
        None,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create an account: the operator (admin token) for anyone, an owner for their coalition.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserFields, security(("admin_token" = []), ("api_token" = [])),
    responses((status = 201, body = UserJson), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 409, description = "The email has an account", body = super::ErrorBody), super::Invalid))]
#[post("/users")]
pub async fn create_user(caller: Authenticated, body: ApiJson<NewUserFields>) -> Reply {
    // Issue 18, finding 13: the role before anything about the account, so that only those who
    // may add members to the coalition ever hear whether an email has an account.
    match body.0.coalition() {
        Some(slug) => {
            caller
                .check(Subject::coalition(slug), Permission::ManageMembers)
                .await?
        }
        None if matches!(caller.actor, Actor::Operator) => {}
        None => {
            return Err(AppError::field(
                "coalition",
                "is required: the coalition (where you are owner) to add the account to",
            ))
        }
    }
    let new = body.0.parse()?;
    let password = accounts::hash_password(new.password).await?;
    let account = NewUserInput {
        email: new.email,
        name: new.name,
        password,
    };
    let membership = new.membership;
    let user = caller
        .write_only(move |conn, _, actor| {
            let membership = membership.as_ref().map(|(c, role)| (c.as_str(), *role));
            accounts::create_user(conn, actor, account, membership)
        })
        .await?;
    Ok(HttpResponse::Created().json(UserJson::from(user)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberJson {
    user_id: String,
    name: String,
    email: String,
    #[schema(value_type = String, example = "coordinator")]
    role: Role,
    since: DateTime<Utc>,
}

impl From<Member> for MemberJson {
    fn from(m: Member) -> Self {
        MemberJson {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: m.role,
            since: utc(m.since),
        }
    }
}

/// A coalition's coordinators and their roles (viewer role or more).
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/members", tag = "accounts", params(("slug" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = Vec<MemberJson>), super::Refused))]
#[get("/coalitions/{slug}/members")]
pub async fn members(coalition: About) -> Reply {
    let list = coalition.read(accounts::members).await?;
    super::json_each(list, MemberJson::from)
}

/// An invitation to a role that waits for its account's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MembershipInvitationJson {
    id: String,
    /// The address the owner typed (the inviting coalition's view), or the account's own.
    email: String,
    #[schema(value_type = String, example = "coordinator")]
    role: Role,
    /// Always `pending`: an answered invitation is gone.
    state: &'static str,
    since: DateTime<Utc>,
    /// The inviting coalition's slug and name (in `GET /me/invitations`).
    #[serde(skip_serializing_if = "Option::is_none")]
    coalition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coalition_name: Option<String>,
}

impl MembershipInvitationJson {
    fn new(i: PendingInvitation, coalition: Option<crate::db::models::Coalition>) -> Self {
        MembershipInvitationJson {
            id: i.id,
            email: i.email,
            role: i.role,
            state: "pending",
            since: utc(i.since),
            coalition_name: coalition.as_ref().map(|c| c.name.clone()),
            coalition: coalition.map(|c| c.slug),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MembershipInvitedJson {
    invitation: MembershipInvitationJson,
}

/// Change a member's role at once, or invite anyone else to a role (owners; not the last owner).
/// An invitation (`202`) is the same whether or not an account has the address; the account
/// accepts it (`POST /api/v1/me/invitations/{id}/accept` or its account page) before it becomes
/// a member. The operator's admin token adds an existing account at once.
#[utoipa::path(post, path = "/api/v1/coalitions/{slug}/members", tag = "accounts", params(("slug" = String, Path)), request_body = MemberFields,
    security(("api_token" = []), ("admin_token" = [])),
    responses((status = 200, body = MemberJson),
        (status = 202, description = "Invited: the account must accept", body = MembershipInvitedJson),
        (status = 409, description = "It would leave the coalition without an owner", body = super::ErrorBody), super::Refused,
        super::Invalid))]
#[post("/coalitions/{slug}/members")]
pub async fn set_member(change: CoalitionChange<MemberFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageMembers).await?;
    let (email, role) = body.parse()?;
    let change = caller
        .write_only(move |conn, _, actor| accounts::set_member(conn, actor, &slug, &email, role))
        .await?;
    Ok(match change {
        MemberChange::Member(member) => HttpResponse::Ok().json(MemberJson::from(member)),
        MemberChange::Invited(invitation) => HttpResponse::Accepted().json(MembershipInvitedJson {
            invitation: MembershipInvitationJson::new(invitation, None),
        }),
    })
}

/// The invitations to a role in the coalition that wait for an answer (viewer role or more).
#[utoipa::path(get, path = "/api/v1/coalitions/{slug}/member-invitations", tag = "accounts", params(("slug" = String, Path)), security(("api_token" = [])),
    responses((status = 200, body = Vec<MembershipInvitationJson>), super::Refused))]
#[get("/coalitions/{slug}/member-invitations")]
pub async fn member_invitations(coalition: About) -> Reply {
    let list = coalition.read(accounts::pending_invitations).await?;
    super::json_each(list, |i| MembershipInvitationJson::new(i, None))
}

/// The invitations to a role that wait for one's answer.
#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "accounts", security(("api_token" = [])),
    responses((status = 200, body = Vec<MembershipInvitationJson>), (status = 401, body = super::ErrorBody)))]
#[get("/me/invitations")]
pub async fn my_invitations(caller: Authenticated) -> Reply {
    let list = caller.read(accounts::my_invitations).await?;
    super::json_each(list, |(i, c)| MembershipInvitationJson::new(i, Some(c)))
}

/// Accept (the role begins at once) or decline an invitation to a role.
#[utoipa::path(post, path = "/api/v1/me/invitations/{id}/{answer}", tag = "accounts",
    params(("id" = String, Path), ("answer" = String, Path, description = "`accept` or `decline`")), security(("api_token" = [])),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
#[post("/me/invitations/{id}/{answer}")]
pub async fn answer_invitation(caller: Authenticated, path: web::Path<(String, String)>) -> Reply {
    let (id, answer) = path.into_inner();
    let accept = match answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(AppError::not_found("this route")),
    };
    caller
        .write_only(move |conn, _, actor| accounts::answer_invitation(conn, actor, &id, accept))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Take an account out of the coalition (owners; not the last owner).
#[utoipa::path(post, path = "/api/v1/coalitions/{slug}/members/{user_id}/remove", tag = "accounts", params(("slug" = String, Path), ("user_id" = String, Path)),
    security(("api_token" = []), ("admin_token" = [])),
    responses((status = 204), (status = 409, body = super::ErrorBody), super::Refused))]
#[post("/coalitions/{slug}/members/{user_id}/remove")]
pub async fn remove_member(member: Item) -> Reply {
    member.write_only(accounts::remove_member).await?;
    Ok(HttpResponse::NoContent().finish())
}
