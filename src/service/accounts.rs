//! Coordinators' accounts: creating them (first-run setup, the CLI, owners adding coordinators),
//! signing in, sessions, API tokens, passwords, and memberships of coalitions.
//!
//! Passwords are hashed with argon2id by the caller on a blocking thread ([`hash_password`]),
//! never inside a write transaction, so a slow hash does not hold up SQLite's one writer.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use super::access::{Actor, UserActor};
use super::audit::{self, Event};
use super::coalitions::{self, NewCoalitionInput};
use super::{new_id, now};
use crate::db::models::{ApiToken, Coalition, MemberInvitation, Membership, SessionRow, User};
use crate::db::schema::{
    api_tokens, coalitions as coalitions_table, member_invitations, memberships, sessions,
    setup_links, users,
};
use crate::db::DbConnection;
use crate::domain::token::Token;
use crate::domain::{EmailAddress, Password, Permission, Role};
use crate::error::AppError;

/// How long a browser session lasts.
pub const SESSION_DAYS: i64 = 14;

/// How long an API token lives when its maker does not say (issue 18, finding 12).
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
/// The longest an API token may live: a forgotten token stops working within a year.
pub const TOKEN_DAYS_MAX: i64 = 365;

/// An API token's lifetime in days, as asked (`None`: the default), checked against
/// [`TOKEN_DAYS_MAX`]; the message names the bounds.
pub fn token_days(asked: Option<i64>) -> Result<i64, String> {
    match asked {
        None => Ok(TOKEN_DAYS_DEFAULT),
        Some(days) if (1..=TOKEN_DAYS_MAX).contains(&days) => Ok(days),
        Some(_) => Err(format!(
            "must be a whole number of days from 1 to {TOKEN_DAYS_MAX}"
        )),
    }
}

/// A password hashed for storage (argon2id PHC string).
pub struct PasswordHash(String);

/// Hash a password on a blocking thread.
pub async fn hash_password(password: Password) -> Result<PasswordHash, AppError> {
    tokio::task::spawn_blocking(move || PasswordHash(password.hash()))
        .await
        .map_err(|e| AppError::Unexpected(e.into()))
}

impl PasswordHash {
    /// Hash on the current thread (the CLI).
    pub fn now(password: &Password) -> PasswordHash {
        PasswordHash(password.hash())
    }
}

pub struct NewUserInput {
    pub email: EmailAddress,
    pub name: String,
    pub password: PasswordHash,
}

fn email_taken(email: &EmailAddress) -> AppError {
    AppError::conflict(
        "account_exists",
        format!("an account for {} already exists", email.as_str()),
    )
}

fn insert_user(conn: &mut DbConnection, input: NewUserInput) -> Result<User, AppError> {
    let email = input.email.as_str().to_ascii_lowercase();
    let taken: i64 = users::table
        .filter(users::email.eq(&email))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(email_taken(&input.email));
    }
    let now = now();
    let user = User {
        id: new_id(),
        email,
        name: input.name,
        password_hash: input.password.0,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(users::table)
        .values(&user)
        .execute(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict { .. } => email_taken(&input.email),
            other => other,
        })?;
    Ok(user)
}

fn insert_membership(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
    role: Role,
) -> Result<(), AppError> {
    diesel::insert_into(memberships::table)
        .values(&Membership {
            coalition_id: coalition_id.to_string(),
            user_id: user_id.to_string(),
            role: role.as_str().to_string(),
            created_at: now(),
        })
        .execute(conn)?;
    Ok(())
}

pub fn count_users(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(users::table.count().get_result(conn)?)
}

/// A first-run setup link while no account exists: a new token, whose SHA-256 is kept in the
/// database (so that the link works on every instance sharing it). `None` once an account
/// exists. Links live until the first account is made, by any link or by `user add`.
pub fn new_setup_link(conn: &mut DbConnection) -> Result<Option<Token>, AppError> {
    crate::db::write_transaction(conn, |conn| {
        if count_users(conn)? > 0 {
            return Ok(None);
        }
        let token = Token::random();
        diesel::insert_into(setup_links::table)
            .values((
                setup_links::token_hash.eq(token.hash()),
                setup_links::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(Some(token))
    })
}

/// 404 unless `presented` is the token of a setup link made while no account existed; 410 once
/// an account exists (made by `user add`: a link used for setup is gone with the others).
pub fn check_setup_link(conn: &mut DbConnection, presented: &str) -> Result<(), AppError> {
    let not_found = || AppError::not_found("setup link");
    let token = Token::parse(presented).map_err(|_| not_found())?;
    let live: i64 = setup_links::table
        .filter(setup_links::token_hash.eq(token.hash()))
        .count()
        .get_result(conn)?;
    if live == 0 {
        return Err(not_found());
    }
    if count_users(conn)? > 0 {
        return Err(AppError::Gone(
            "this setup link has been used: an account exists; sign in instead".into(),
        ));
    }
    Ok(())
}

/// First run: with a live setup link's token, the first account, owner of a new coalition.
/// Refused once any account exists, so a setup link works once; every link dies with it.
pub fn setup(
    conn: &mut DbConnection,
    token: &str,
    user: NewUserInput,
    coalition: NewCoalitionInput,
) -> Result<(User, Coalition), AppError> {
    let hash = Token::parse(token)
        .map_err(|_| AppError::not_found("setup link"))?
        .hash();
    crate::db::write_transaction(conn, |conn| {
        let live = diesel::delete(setup_links::table.filter(setup_links::token_hash.eq(&hash)))
            .execute(conn)?;
        if live == 0 {
            return Err(AppError::not_found("setup link"));
        }
        if count_users(conn)? > 0 {
            return Err(AppError::Gone(
                "this setup link has been used: an account exists; sign in instead".into(),
            ));
        }
        let user = insert_user(conn, user)?;
        let actor = actor_for(conn, &user)?;
        record(
            conn,
            &actor,
            None,
            ("user", &user.id),
            "user.created",
            json!({"name": user.name, "through": "setup link"}),
        )?;
        let coalition = coalitions::create_in(conn, &actor, Some(&user.id), coalition)?;
        diesel::delete(setup_links::table).execute(conn)?;
        Ok((user, coalition))
    })
}

/// An account, with a role in a coalition when one is given (the CLI's `user add`, the
/// operator's `POST /api/v1/users`).
pub fn create_user(
    conn: &mut DbConnection,
    actor: &Actor,
    input: NewUserInput,
    membership: Option<(&str, Role)>,
) -> Result<User, AppError> {
    crate::db::write_transaction(conn, |conn| {
        // The role first (issue 18, finding 13): whoever may not add members to the coalition
        // never learns whether the email has an account.
        let coalition = match membership {
            Some((coalition, role)) => {
                let coalition = coalitions::find(conn, coalition)?;
                actor.require(&coalition, Permission::ManageMembers)?;
                Some((coalition, role))
            }
            None if matches!(actor, Actor::Operator | Actor::System) => None,
            None => {
                return Err(AppError::Forbidden(
                    "only the operator creates an account outside a coalition".into(),
                ))
            }
        };
        let user = insert_user(conn, input)?;
        record(
            conn,
            actor,
            None,
            ("user", &user.id),
            "user.created",
            json!({"name": user.name}),
        )?;
        if let Some((coalition, role)) = coalition {
            add_membership(conn, actor, &coalition, &user, role)?;
        }
        Ok(user)
    })
}

fn add_membership(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &Coalition,
    user: &User,
    role: Role,
) -> Result<(), AppError> {
    insert_membership(conn, &coalition.id, &user.id, role)?;
    record(
        conn,
        actor,
        Some(&coalition.id),
        ("membership", &user.id),
        "membership.added",
        json!({"user": user.name, "role": role}),
    )
}

/// The actor an account acts as: its roles, read now.
pub fn actor_for(conn: &mut DbConnection, user: &User) -> Result<Actor, AppError> {
    let roles = memberships::table
        .filter(memberships::user_id.eq(&user.id))
        .select((memberships::coalition_id, memberships::role))
        .load::<(String, String)>(conn)?
        .into_iter()
        .filter_map(|(c, r)| r.parse().ok().map(|r| (c, r)))
        .collect();
    Ok(Actor::User(UserActor {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        roles,
    }))
}

/// Log a change to an account, a token or a membership (no letter) in the audit log.
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition_id: Option<&str>,
    (subject_kind, subject_id): (&'static str, &str),
    action: &'static str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event {
            coalition_id,
            letter_id: None,
            subject_kind,
            subject_id,
            action,
            details,
        },
    )
}

fn wrong_credentials() -> AppError {
    AppError::Unauthorized
}

/// The account whose email and password these are; 401 otherwise. Takes as long when the
/// email is unknown (a decoy hash is checked). Runs argon2: call it on a blocking thread.
pub fn authenticate(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
) -> Result<User, AppError> {
    let user = users::table
        .filter(users::email.eq(email.trim().to_ascii_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let stored = user.as_ref().map(|u| u.password_hash.as_str());
    let matched = crate::domain::account::sign_in_matches(password, stored);
    match user {
        Some(user) if matched => Ok(user),
        _ => Err(wrong_credentials()),
    }
}

/// A new session for a signed-in user; returns the cookie's token.
pub fn start_session(conn: &mut DbConnection, user_id: &str) -> Result<Token, AppError> {
    let token = Token::random();
    let now = now();
    crate::db::write_transaction(conn, |conn| {
        // Sweep this user's expired sessions while here.
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::expires_at.lt(now)),
        )
        .execute(conn)?;
        diesel::insert_into(sessions::table)
            .values(&SessionRow {
                token_hash: token.hash(),
                user_id: user_id.to_string(),
                created_at: now,
                expires_at: now + Duration::days(SESSION_DAYS),
            })
            .execute(conn)?;
        Ok(())
    })?;
    Ok(token)
}

/// The actor behind a session cookie, if it is live.
pub fn session_actor(conn: &mut DbConnection, token: &Token) -> Result<Option<Actor>, AppError> {
    let user = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token.hash()))
        .filter(sessions::expires_at.gt(now()))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    user.map(|u| actor_for(conn, &u)).transpose()
}

pub fn end_session(conn: &mut DbConnection, token: &Token) -> Result<(), AppError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token.hash()))).execute(conn)?;
    Ok(())
}

/// The actor behind an API token, if it is neither revoked nor expired.
pub fn token_actor(conn: &mut DbConnection, token: &Token) -> Result<Option<Actor>, AppError> {
    let user = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token.hash()))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now()))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    user.map(|u| actor_for(conn, &u)).transpose()
}

fn find_user(conn: &mut DbConnection, id: &str) -> Result<User, AppError> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("account"))
}

/// Change one's password: the current one must match (checked by the caller with
/// [`authenticate`]); every other session of the account ends, and every API token of the
/// account is revoked (issue 18, finding 12: whoever learnt the old password may have made one).
pub fn set_password(
    conn: &mut DbConnection,
    actor: &Actor,
    new: PasswordHash,
    keep_session: Option<&Token>,
) -> Result<(), AppError> {
    let user = actor.user()?;
    crate::db::write_transaction(conn, |conn| {
        diesel::update(users::table.find(&user.id))
            .set((users::password_hash.eq(&new.0), users::updated_at.eq(now())))
            .execute(conn)?;
        let keep = keep_session.map(Token::hash).unwrap_or_default();
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(&user.id))
                .filter(sessions::token_hash.ne(keep)),
        )
        .execute(conn)?;
        let revoked = diesel::update(
            api_tokens::table
                .filter(api_tokens::user_id.eq(&user.id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(Some(now())))
        .execute(conn)?;
        record(
            conn,
            actor,
            None,
            ("user", &user.id),
            "user.password_changed",
            json!({"api_tokens_revoked": revoked}),
        )
    })
}

/// A new API token for the actor, working for `days` days (checked with [`token_days`]); the
/// token is returned once and only its hash is kept.
pub fn create_token(
    conn: &mut DbConnection,
    actor: &Actor,
    name: String,
    days: i64,
) -> Result<(Token, ApiToken), AppError> {
    let user = actor.user()?;
    let days = token_days(Some(days)).map_err(|m| AppError::field("expires_in_days", m))?;
    let token = Token::random();
    let created_at = now();
    let row = ApiToken {
        id: new_id(),
        user_id: user.id.clone(),
        name,
        token_hash: token.hash(),
        created_at,
        revoked_at: None,
        expires_at: created_at + Duration::days(days),
    };
    crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(api_tokens::table)
            .values(&row)
            .execute(conn)?;
        record(
            conn,
            actor,
            None,
            ("api_token", &row.id),
            "api_token.created",
            json!({"name": row.name, "expires_at": row.expires_at}),
        )
    })?;
    Ok((token, row))
}

pub fn list_tokens(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
    let user = actor.user()?;
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(&user.id))
        .select(ApiToken::as_select())
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .load(conn)?)
}

/// Revoke one of the actor's tokens (revoking twice is harmless).
pub fn revoke_token(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<ApiToken, AppError> {
    let user = actor.user()?;
    crate::db::write_transaction(conn, |conn| {
        let token = api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(&user.id))
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("API token {id:?}")))?;
        if token.revoked_at.is_none() {
            diesel::update(api_tokens::table.find(&token.id))
                .set(api_tokens::revoked_at.eq(Some(now())))
                .execute(conn)?;
            record(
                conn,
                actor,
                None,
                ("api_token", &token.id),
                "api_token.revoked",
                json!({"name": token.name}),
            )?;
        }
        api_tokens::table
            .find(&token.id)
            .select(ApiToken::as_select())
            .first(conn)
            .map_err(Into::into)
    })
}

/// A member of a coalition as coordinators see it.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub since: chrono::NaiveDateTime,
}

/// The coalitions the actor belongs to, with their role in each.
pub fn my_coalitions(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<(Coalition, Role)>, AppError> {
    let user = actor.user()?;
    Ok(memberships::table
        .inner_join(coalitions_table::table)
        .filter(memberships::user_id.eq(&user.id))
        .select((Coalition::as_select(), memberships::role))
        .order(coalitions_table::name.asc())
        .load::<(Coalition, String)>(conn)?
        .into_iter()
        .filter_map(|(c, r)| r.parse().ok().map(|r| (c, r)))
        .collect())
}

/// A coalition's members (needs the viewer role there).
pub fn members(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
) -> Result<Vec<Member>, AppError> {
    let coalition = coalitions::find(conn, coalition)?;
    actor.require(&coalition, Permission::ReadPrivate)?;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::coalition_id.eq(&coalition.id))
        .select((
            users::id,
            users::name,
            users::email,
            memberships::role,
            memberships::created_at,
        ))
        .order(users::name.asc())
        .load::<(String, String, String, String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(user_id, name, email, role, since)| Member {
            user_id,
            name,
            email,
            role: role.parse().unwrap_or(Role::Viewer),
            since,
        })
        .collect())
}

/// What [`set_member`] did.
#[derive(Debug, Clone)]
pub enum MemberChange {
    /// A member's role (unchanged or changed), or a member the operator added.
    Member(Member),
    /// An invitation waits for the address's account to accept it: an owner never adds an
    /// account without its consent, and never hears whether the address has an account.
    Invited(PendingInvitation),
}

/// An invitation to a role, as the inviting coalition sees it: the address its owner typed.
#[derive(Debug, Clone)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub since: chrono::NaiveDateTime,
}

impl From<MemberInvitation> for PendingInvitation {
    fn from(i: MemberInvitation) -> Self {
        PendingInvitation {
            id: i.id,
            email: i.email,
            role: i.role.parse().unwrap_or(Role::Viewer),
            since: i.created_at,
        }
    }
}

/// Give a role in a coalition to the account with `email`, or change a member's role (owners
/// only). A member's role changes at once; anyone else is invited (issue 18, finding 13): the
/// account accepts on its account page, and until then the owner sees only that an invitation
/// is pending for the address, whether or not an account has it. The operator (admin token) and
/// the command line add an existing account at once, as before: they bootstrap. The last owner
/// cannot step down, so a coalition always has one.
pub fn set_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    email: &EmailAddress,
    role: Role,
) -> Result<MemberChange, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find(conn, coalition)?;
        actor.require(&coalition, Permission::ManageMembers)?;
        let address = email.as_str().to_ascii_lowercase();
        let user = users::table
            .filter(users::email.eq(&address))
            .select(User::as_select())
            .first(conn)
            .optional()?;
        let current = match &user {
            Some(user) => role_of(conn, &coalition.id, &user.id)?,
            None => None,
        };
        match (user, current) {
            (Some(user), Some(old)) => {
                if old != role {
                    if old == Role::Owner {
                        ensure_another_owner(conn, &coalition.id, &user.id)?;
                    }
                    diesel::update(
                        memberships::table.find((coalition.id.as_str(), user.id.as_str())),
                    )
                    .set(memberships::role.eq(role.as_str()))
                    .execute(conn)?;
                    record(
                        conn,
                        actor,
                        Some(&coalition.id),
                        ("membership", &user.id),
                        "membership.changed",
                        json!({"user": user.name, "from": old, "to": role}),
                    )?;
                }
                member(conn, &coalition.id, &user.id).map(MemberChange::Member)
            }
            (Some(user), None) if matches!(actor, Actor::Operator | Actor::System) => {
                add_membership(conn, actor, &coalition, &user, role)?;
                member(conn, &coalition.id, &user.id).map(MemberChange::Member)
            }
            (None, _) if matches!(actor, Actor::Operator | Actor::System) => Err(AppError::field(
                "email",
                "no account has this email; create it first (undersigned user add)",
            )),
            _ => invite_member(conn, actor, &coalition, &address, role).map(MemberChange::Invited),
        }
    })
}

fn member(conn: &mut DbConnection, coalition_id: &str, user_id: &str) -> Result<Member, AppError> {
    members(conn, &Actor::System, coalition_id)?
        .into_iter()
        .find(|m| m.user_id == user_id)
        .ok_or_else(|| AppError::not_found("member"))
}

/// Invite `email` to `role` (a second invitation to the same address replaces the first's role).
fn invite_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &Coalition,
    email: &str,
    role: Role,
) -> Result<PendingInvitation, AppError> {
    let existing = member_invitations::table
        .filter(member_invitations::coalition_id.eq(&coalition.id))
        .filter(member_invitations::email.eq(email))
        .select(MemberInvitation::as_select())
        .first(conn)
        .optional()?;
    let invitation = match existing {
        Some(mut invitation) => {
            diesel::update(member_invitations::table.find(&invitation.id))
                .set(member_invitations::role.eq(role.as_str()))
                .execute(conn)?;
            invitation.role = role.as_str().to_string();
            invitation
        }
        None => {
            let invitation = MemberInvitation {
                id: new_id(),
                coalition_id: coalition.id.clone(),
                email: email.to_string(),
                role: role.as_str().to_string(),
                created_at: now(),
            };
            diesel::insert_into(member_invitations::table)
                .values(&invitation)
                .execute(conn)?;
            invitation
        }
    };
    // The audit row names the role, not the address: the log is read by every viewer.
    record(
        conn,
        actor,
        Some(&coalition.id),
        ("member_invitation", &invitation.id),
        "membership.invited",
        json!({"role": role}),
    )?;
    Ok(invitation.into())
}

/// The invitations a coalition's owners sent that wait for an answer (viewer role or more).
pub fn pending_invitations(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
) -> Result<Vec<PendingInvitation>, AppError> {
    let coalition = coalitions::find(conn, coalition)?;
    actor.require(&coalition, Permission::ReadPrivate)?;
    Ok(member_invitations::table
        .filter(member_invitations::coalition_id.eq(&coalition.id))
        .select(MemberInvitation::as_select())
        .order((
            member_invitations::created_at.asc(),
            member_invitations::id.asc(),
        ))
        .load(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The invitations waiting for the actor's account, with their coalitions.
pub fn my_invitations(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Vec<(PendingInvitation, Coalition)>, AppError> {
    let user = actor.user()?;
    Ok(member_invitations::table
        .inner_join(coalitions_table::table)
        .filter(member_invitations::email.eq(user.email.to_ascii_lowercase()))
        .select((MemberInvitation::as_select(), Coalition::as_select()))
        .order(member_invitations::created_at.asc())
        .load::<(MemberInvitation, Coalition)>(conn)?
        .into_iter()
        .map(|(i, c)| (i.into(), c))
        .collect())
}

/// Accept (the role begins) or decline one of the invitations waiting for the actor's account.
/// Another account's invitation is not found.
pub fn answer_invitation(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    accept: bool,
) -> Result<(), AppError> {
    let me = actor.user()?.clone();
    crate::db::write_transaction(conn, |conn| {
        let invitation = member_invitations::table
            .filter(member_invitations::id.eq(id))
            .filter(member_invitations::email.eq(me.email.to_ascii_lowercase()))
            .select(MemberInvitation::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("invitation"))?;
        diesel::delete(member_invitations::table.find(&invitation.id)).execute(conn)?;
        let coalition = coalitions::find(conn, &invitation.coalition_id)?;
        let role: Role = invitation.role.parse().unwrap_or(Role::Viewer);
        if !accept {
            return record(
                conn,
                actor,
                Some(&coalition.id),
                ("member_invitation", &invitation.id),
                "membership.declined",
                json!({"user": me.name, "role": role}),
            );
        }
        let user = find_user(conn, &me.id)?;
        if role_of(conn, &coalition.id, &user.id)?.is_none() {
            insert_membership(conn, &coalition.id, &user.id, role)?;
        }
        record(
            conn,
            actor,
            Some(&coalition.id),
            ("membership", &user.id),
            "membership.accepted",
            json!({"user": user.name, "role": role}),
        )
    })
}

/// Take a member out of a coalition (owners only; not the last owner).
pub fn remove_member(
    conn: &mut DbConnection,
    actor: &Actor,
    coalition: &str,
    user_id: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let coalition = coalitions::find(conn, coalition)?;
        actor.require(&coalition, Permission::ManageMembers)?;
        let user = find_user(conn, user_id)?;
        match role_of(conn, &coalition.id, &user.id)? {
            None => return Err(AppError::not_found("member")),
            Some(Role::Owner) => ensure_another_owner(conn, &coalition.id, &user.id)?,
            Some(_) => {}
        }
        diesel::delete(memberships::table.find((coalition.id.as_str(), user.id.as_str())))
            .execute(conn)?;
        record(
            conn,
            actor,
            Some(&coalition.id),
            ("membership", &user.id),
            "membership.removed",
            json!({"user": user.name}),
        )
    })
}

fn role_of(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
) -> Result<Option<Role>, AppError> {
    Ok(memberships::table
        .find((coalition_id, user_id))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?
        .and_then(|r| r.parse().ok()))
}

fn ensure_another_owner(
    conn: &mut DbConnection,
    coalition_id: &str,
    user_id: &str,
) -> Result<(), AppError> {
    let others: i64 = memberships::table
        .filter(memberships::coalition_id.eq(coalition_id))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .filter(memberships::user_id.ne(user_id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(AppError::conflict(
            "last_owner",
            "a coalition needs an owner: make someone else owner first",
        ));
    }
    Ok(())
}

/// The first-run form (and `POST /api/v1/setup`), before parsing.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupFields {
    /// The token from the setup link the server logged.
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub coalition_name: String,
    /// Derived from the name when blank.
    #[serde(default)]
    pub coalition_slug: String,
}

/// A parsed setup request; the password is not hashed yet.
pub struct SetupInput {
    pub name: String,
    pub email: EmailAddress,
    pub password: Password,
    pub coalition: NewCoalitionInput,
}

/// Parse an account's name, email and password, naming each field that fails.
pub fn parse_account(
    errors: &mut crate::error::FieldCollector,
    name: &str,
    email: &str,
    password: &str,
) -> Option<(String, EmailAddress, Password)> {
    let name = errors.check("name", crate::domain::text::line(200)(name));
    let email = errors.check("email", EmailAddress::parse(email));
    let password = errors.check("password", Password::parse(password));
    Some((name?, email?, password?))
}

impl SetupFields {
    pub fn parse(&self) -> Result<SetupInput, AppError> {
        use crate::domain::Slug;
        let mut errors = crate::error::FieldCollector::new();
        let account = parse_account(&mut errors, &self.name, &self.email, &self.password);
        let coalition_name = errors.check(
            "coalition_name",
            crate::domain::text::line(200)(&self.coalition_name),
        );
        let slug = if self.coalition_slug.trim().is_empty() {
            coalition_name.as_deref().and_then(|n| {
                errors.check(
                    "coalition_slug",
                    Slug::derive(n)
                        .ok_or_else(|| "is required when the name has no letters".to_string()),
                )
            })
        } else {
            errors.check("coalition_slug", Slug::parse(&self.coalition_slug))
        };
        errors.finish()?;
        match (account, coalition_name, slug) {
            (Some((name, email, password)), Some(coalition_name), Some(slug)) => Ok(SetupInput {
                name,
                email,
                password,
                coalition: NewCoalitionInput {
                    slug,
                    name: coalition_name,
                    website: None,
                },
            }),
            _ => Err(AppError::field("name", "is required")),
        }
    }
}

/// Run the first-run setup: hash the password off the executor, then create the owner and the
/// coalition.
pub async fn run_setup(
    db: &crate::db::Db,
    token: String,
    input: SetupInput,
) -> Result<(User, Coalition), AppError> {
    let password = hash_password(input.password).await?;
    let user = NewUserInput {
        email: input.email,
        name: input.name,
        password,
    };
    let coalition = input.coalition;
    db.write(move |conn| setup(conn, &token, user, coalition))
        .await
}

/// Change the actor's password: the current one must be right; the new one is hashed off the
/// executor; every session but `keep_session` ends.
pub async fn change_password(
    db: &crate::db::Db,
    actor: Actor,
    current: String,
    new: String,
    keep_session: Option<Token>,
) -> Result<(), AppError> {
    let user = actor.user()?.clone();
    let mut errors = crate::error::FieldCollector::new();
    let new = errors.check("new_password", Password::parse(&new));
    let email = user.email.clone();
    match db
        .run(move |conn| authenticate(conn, &email, &current))
        .await
    {
        Ok(_) => {}
        Err(AppError::Unauthorized) => errors.add("current_password", "is not right"),
        Err(other) => return Err(other),
    }
    errors.finish()?;
    let hash = hash_password(new.expect("checked above")).await?;
    db.write(move |conn| set_password(conn, &actor, hash, keep_session.as_ref()))
        .await
}
