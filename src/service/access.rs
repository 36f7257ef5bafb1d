//! Who is asking, and what they may do: the one place every use case checks permissions.
//!
//! An [`Actor`] is built once per request (from a session cookie, an API token or the admin
//! token) and passed to the services, which call [`Actor::require`] with the coalition a change
//! belongs to before they change anything. The matrix itself is
//! [`Role::allows`](crate::domain::Role::allows).

use crate::db::models::Coalition;
use crate::db::{Db, DbConnection};
use crate::domain::{Permission, Role};
use crate::error::AppError;
use crate::service::letters::Audience;

/// A signed-in coordinator with their roles.
#[derive(Debug, Clone)]
pub struct UserActor {
    pub id: String,
    pub name: String,
    pub email: String,
    /// (coalition id, role), one per coalition the user belongs to.
    pub roles: Vec<(String, Role)>,
}

impl UserActor {
    pub fn role_in(&self, coalition_id: &str) -> Option<Role> {
        self.roles
            .iter()
            .find(|(c, _)| c == coalition_id)
            .map(|&(_, r)| r)
    }

    /// The ids of the coalitions where the user has `permission`.
    pub fn coalitions_allowing(&self, permission: Permission) -> Vec<String> {
        self.roles
            .iter()
            .filter(|(_, r)| r.allows(permission))
            .map(|(c, _)| c.clone())
            .collect()
    }
}

/// Who asks for a change or a read.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Anyone, without credentials: the public pages and the signing flow.
    Public,
    /// A coordinator, through a session or an API token.
    User(UserActor),
    /// The admin token: bootstrapping only (accounts, coalitions and their members, territories).
    Operator,
    /// The service itself (deadlines, start-up work).
    System,
}

impl Actor {
    /// Whether the actor has `permission` in the coalition `coalition_id`.
    pub fn can(&self, coalition_id: &str, permission: Permission) -> bool {
        match self {
            Actor::User(u) => u
                .role_in(coalition_id)
                .is_some_and(|r| r.allows(permission)),
            Actor::Operator => permission == Permission::ManageMembers,
            Actor::System => true,
            Actor::Public => false,
        }
    }

    /// Whether the actor has `permission` in at least one coalition (the shared directory).
    pub fn can_anywhere(&self, permission: Permission) -> bool {
        match self {
            Actor::User(u) => u.roles.iter().any(|(_, r)| r.allows(permission)),
            Actor::Operator => permission == Permission::ManageDirectory,
            Actor::System => true,
            Actor::Public => false,
        }
    }

    /// Refuse unless the actor has `permission` in `coalition`: 401 without credentials, 403
    /// naming the role that is needed otherwise.
    pub fn require(&self, coalition: &Coalition, permission: Permission) -> Result<(), AppError> {
        if self.can(&coalition.id, permission) {
            return Ok(());
        }
        Err(self.refusal(&format!(
            "this needs the {} role in the coalition {:?}",
            permission.least_role(),
            coalition.slug
        )))
    }

    /// Refuse unless the actor has `permission` in some coalition.
    pub fn require_anywhere(&self, permission: Permission) -> Result<(), AppError> {
        if self.can_anywhere(permission) {
            return Ok(());
        }
        Err(self.refusal(&format!(
            "this needs the {} role in a coalition",
            permission.least_role()
        )))
    }

    /// Refuse unless the operator asks (the admin token, or the command line acting as the
    /// service): for what belongs to the whole instance rather than to a coalition, such as the
    /// territories every coalition's country lists share. `what` says what is refused.
    pub fn require_operator(&self, what: &str) -> Result<(), AppError> {
        match self {
            Actor::Operator | Actor::System => Ok(()),
            Actor::Public => Err(AppError::Unauthorized),
            Actor::User(_) => Err(AppError::Forbidden(format!(
                "{what} belongs to the operator of this service (the admin token or the \
                 `undersigned` command line), because every coalition shares it: ask the operator"
            ))),
        }
    }

    /// Refuse unless a coordinator is signed in (their own account, creating a coalition).
    pub fn user(&self) -> Result<&UserActor, AppError> {
        match self {
            Actor::User(u) => Ok(u),
            other => Err(other.refusal("this needs a coordinator's session or API token")),
        }
    }

    fn refusal(&self, message: &str) -> AppError {
        match self {
            Actor::Public => AppError::Unauthorized,
            Actor::Operator => AppError::Forbidden(format!(
                "{message}; the admin token is for bootstrapping (accounts, coalitions, members, \
                 territories): use a coordinator's API token"
            )),
            _ => AppError::Forbidden(message.to_string()),
        }
    }

    /// Which letters the actor may read: the public ones, plus every letter of a coalition where
    /// they may read private data.
    pub fn audience(&self) -> Audience {
        match self {
            Actor::User(u) => Audience::Members(u.coalitions_allowing(Permission::ReadPrivate)),
            Actor::System => Audience::Admin,
            Actor::Public | Actor::Operator => Audience::Public,
        }
    }

    /// How the audit log names the actor: (kind, id, name).
    pub fn audit_identity(&self) -> (&'static str, Option<&str>, &str) {
        match self {
            Actor::Public => ("public", None, "the public"),
            Actor::User(u) => ("user", Some(u.id.as_str()), u.name.as_str()),
            Actor::Operator => ("operator", None, "the operator (admin token)"),
            Actor::System => ("system", None, "the service"),
        }
    }
}

/// What a coordinator's route acts on, by slug or id: the thing whose coalition's roles count.
#[derive(Debug, Clone)]
pub enum Subject {
    Letter(String),
    Campaign(String),
    Coalition(String),
}

impl Subject {
    pub fn letter(slug: &str) -> Subject {
        Subject::Letter(slug.to_string())
    }

    pub fn campaign(slug: &str) -> Subject {
        Subject::Campaign(slug.to_string())
    }

    pub fn coalition(slug: &str) -> Subject {
        Subject::Coalition(slug.to_string())
    }
}

/// Refuse `actor` unless it has `permission` on `subject`, as the use case itself would: 404 for
/// a letter or campaign the actor may not see (a draft is not found, as for the public), 403
/// naming the role that is needed otherwise. The routes call it before they read a request's
/// body (`api::extract::GuardedJson`), so that a validation error never tells an outsider that a
/// private draft exists; the use case checks again inside its transaction.
pub fn check(
    conn: &mut DbConnection,
    actor: &Actor,
    subject: &Subject,
    permission: Permission,
) -> Result<(), AppError> {
    match subject {
        Subject::Letter(slug) => super::letters::find_for(conn, actor, slug, permission).map(drop),
        Subject::Campaign(slug) => {
            super::campaigns::find_for(conn, actor, slug, permission).map(drop)
        }
        Subject::Coalition(slug) => {
            actor.require(&super::coalitions::find(conn, slug)?, permission)
        }
    }
}

/// [`check`] on a pooled connection, for the async code that must refuse before it reads a
/// request's body: the API's `GuardedJson` and the dashboard's `web::form::parse_for`.
pub async fn check_in(
    db: &Db,
    actor: &Actor,
    subject: Subject,
    permission: Permission,
) -> Result<(), AppError> {
    let actor = actor.clone();
    db.run(move |conn| check(conn, &actor, &subject, permission))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[(&str, Role)]) -> Actor {
        Actor::User(UserActor {
            id: "u".into(),
            name: "U".into(),
            email: "u@example.org".into(),
            roles: roles.iter().map(|(c, r)| (c.to_string(), *r)).collect(),
        })
    }

    #[test]
    fn roles_count_only_in_their_own_coalition() {
        let a = user(&[("a", Role::Owner), ("b", Role::Viewer)]);
        assert!(a.can("a", Permission::ManageMembers));
        assert!(a.can("b", Permission::ReadPrivate));
        assert!(!a.can("b", Permission::ManageLetters));
        assert!(!a.can("c", Permission::ReadPrivate));
        assert!(!Actor::Public.can("a", Permission::ReadPrivate));
        assert!(!Actor::Operator.can("a", Permission::ManageLetters));
        assert!(Actor::Operator.can("a", Permission::ManageMembers));
        match a.audience() {
            Audience::Members(ids) => assert_eq!(ids, vec!["a".to_string(), "b".to_string()]),
            other => panic!("{other:?}"),
        }
    }
}
