//! First run: the one-time setup link, and the form that creates the first owner and coalition.

#[allow(unused_imports)]
use super::*;

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
        Event::new(
            "user.created",
            ("user", &user.id),
            json!({"name": user.name, "through": "setup link"}),
        )
        .record(conn, &actor)?;
        let coalition = coalitions::create_in(conn, &actor, Some(&user.id), coalition)?;
        diesel::delete(setup_links::table).execute(conn)?;
        Ok((user, coalition))
    })
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
        let mut errors = crate::error::FieldCollector::new();
        let account = parse_account(&mut errors, &self.name, &self.email, &self.password);
        let coalition_name = errors.check(
            "coalition_name",
            crate::domain::text::line(200)(&self.coalition_name),
        );
        let typed = Some(self.coalition_slug.as_str()).filter(|s| !s.trim().is_empty());
        let slug = coalitions::slug_or_derived(
            &mut errors,
            "coalition_slug",
            typed,
            coalition_name.as_deref(),
        );
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
