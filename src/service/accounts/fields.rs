//! What the API and the forms send to change accounts and memberships, and its parsing.

use serde::Deserialize;

use super::parse_account;
use crate::domain::{EmailAddress, Password, Role};
use crate::error::{AppError, FieldCollector};

// A coalition member to set, as typed in the coordinators' form or sent to
// `POST /api/v1/coalitions/{slug}/members`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFields {
    /// The email of an existing account.
    email: Option<String>,
    /// `owner`, `coordinator` or `viewer`.
    role: Option<String>,
}

impl MemberFields {
    /// The member's address and role.
    pub fn parse(self) -> Result<(EmailAddress, Role), AppError> {
        let mut errors = FieldCollector::new();
        let email = errors.required("email", self.email.as_deref(), EmailAddress::parse);
        let role: Option<Role> = errors.required("role", self.role.as_deref(), str::parse);
        errors.finish()?;
        match (email, role) {
            (Some(email), Some(role)) => Ok((email, role)),
            _ => Err(AppError::field("email", "is required")),
        }
    }
}

// An account to create, as sent to `POST /api/v1/users`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserFields {
    name: Option<String>,
    email: Option<String>,
    /// At least 12 characters (OWASP ASVS 2.1.1).
    password: Option<String>,
    /// A coalition to add the account to (its slug), with `role`.
    coalition: Option<String>,
    /// `owner`, `coordinator` or `viewer` (default `coordinator`).
    role: Option<String>,
}

/// A parsed [`NewUserFields`]; the password is not hashed yet.
pub struct NewUser {
    pub name: String,
    pub email: EmailAddress,
    pub password: Password,
    /// The coalition to add the account to, with its role.
    pub membership: Option<(String, Role)>,
}

impl NewUserFields {
    /// The coalition named to add the account to (blank names none): the caller's permission
    /// there is checked before anything about the account is.
    pub fn coalition(&self) -> Option<&str> {
        self.coalition.as_deref().filter(|c| !c.trim().is_empty())
    }

    pub fn parse(self) -> Result<NewUser, AppError> {
        let mut errors = FieldCollector::new();
        let account = parse_account(
            &mut errors,
            self.name.as_deref().unwrap_or_default(),
            self.email.as_deref().unwrap_or_default(),
            self.password.as_deref().unwrap_or_default(),
        );
        let role: Option<Role> = errors.optional("role", self.role.as_deref(), str::parse);
        errors.finish()?;
        let Some((name, email, password)) = account else {
            return Err(AppError::field("name", "is required"));
        };
        let role = role.unwrap_or(Role::Coordinator);
        let membership = self.coalition().map(|c| (c.to_string(), role));
        Ok(NewUser {
            name,
            email,
            password,
            membership,
        })
    }
}
