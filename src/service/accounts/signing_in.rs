//! Signing in: passwords, sessions and API tokens.

use super::*;
#[allow(unused_imports)]
use crate::db::query::FirstOrNotFound;

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

pub(super) fn wrong_credentials() -> AppError {
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
        Event::new(
            "user.password_changed",
            ("user", &user.id),
            json!({"api_tokens_revoked": revoked}),
        )
        .record(conn, actor)
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
        Event::new(
            "api_token.created",
            ("api_token", &row.id),
            json!({"name": row.name, "expires_at": row.expires_at}),
        )
        .record(conn, actor)
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
            .first_or_not_found(conn, format!("API token {id:?}"))?;
        if token.revoked_at.is_none() {
            diesel::update(api_tokens::table.find(&token.id))
                .set(api_tokens::revoked_at.eq(Some(now())))
                .execute(conn)?;
            Event::new(
                "api_token.revoked",
                ("api_token", &token.id),
                json!({"name": token.name}),
            )
            .record(conn, actor)?;
        }
        api_tokens::table
            .find(&token.id)
            .select(ApiToken::as_select())
            .first(conn)
            .map_err(Into::into)
    })
}
