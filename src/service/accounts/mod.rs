//! Coordinators' accounts: creating them (first-run setup, the CLI, owners adding coordinators),
//! signing in, sessions, API tokens, passwords, and memberships of coalitions.
//!
//! Passwords are hashed with argon2id by the caller on a blocking thread ([`hash_password`]),
//! never inside a write transaction, so a slow hash does not hold up SQLite's one writer.

mod members;
pub use members::*;
mod signing_in;
pub use signing_in::*;
mod fields;
mod setup;
use crate::db::query::insert_unique;
use crate::db::query::FirstOrNotFound;
use chrono::Duration;
use diesel::prelude::*;
pub use fields::*;
use serde_json::json;
pub use setup::*;

use super::access::{Actor, UserActor};
use super::audit::Event;
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
    insert_unique(conn, users::table, &user, || email_taken(&input.email))?;
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
                let coalition =
                    coalitions::find_for(conn, actor, coalition, Permission::ManageMembers)?;
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
        Event::new(
            "user.created",
            ("user", &user.id),
            json!({"name": user.name}),
        )
        .record(conn, actor)?;
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
    membership_event("membership.added", coalition, user, role).record(conn, actor)
}

/// `action` ("membership.added", "membership.accepted") giving `user` the `role` in
/// `coalition`, for the coalition's log.
fn membership_event<'a>(
    action: &'static str,
    coalition: &'a Coalition,
    user: &'a User,
    role: Role,
) -> Event<'a> {
    let details = json!({"user": user.name, "role": role});
    Event::new(action, ("membership", &user.id), details).in_coalition(&coalition.id)
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

fn find_user(conn: &mut DbConnection, id: &str) -> Result<User, AppError> {
    users::table
        .find(id)
        .select(User::as_select())
        .first_or_not_found(conn, "account")
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
