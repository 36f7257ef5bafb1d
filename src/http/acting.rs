//! Someone acting through the service — a coordinator's session, an API token, the admin token —
//! together with the state to act on. The API's `Authenticated` and the dashboard's `Dashboard`
//! extractors both hold one, so a handler reads and writes in one line, as its caller, without
//! cloning the actor into each closure.

use actix_web::web;

use super::state::{After, Keys};
use super::AppState;
use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::AppError;
use crate::service::access::{self, Actor, Subject};

/// An actor and the application state.
#[derive(Clone)]
pub struct Acting {
    pub actor: Actor,
    pub state: web::Data<AppState>,
}

impl Acting {
    pub fn new(actor: Actor, state: web::Data<AppState>) -> Acting {
        Acting { actor, state }
    }

    /// Whose view of letters and campaigns this actor has.
    pub fn audience(&self) -> crate::service::letters::Audience {
        self.actor.audience()
    }

    /// A write as this actor, through [`AppState::command`] (one transaction on the writer, then
    /// what `after` declares of its result).
    pub async fn write<T, W, A>(&self, write: W, after: A) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Keys, &Actor) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&T) -> After,
    {
        let actor = self.actor.clone();
        self.state
            .command(move |conn, keys| write(conn, keys, &actor), after)
            .await
    }

    /// A write as this actor that asks nothing of the instance afterwards ([`After::nothing`]).
    pub async fn write_only<T, W>(&self, write: W) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Keys, &Actor) -> Result<T, AppError> + Send + 'static,
    {
        self.write(write, |_| After::nothing()).await
    }

    /// A read as this actor, on the blocking pool.
    pub async fn read<T, R>(&self, read: R) -> Result<T, AppError>
    where
        T: Send + 'static,
        R: FnOnce(&mut DbConnection, &Actor) -> Result<T, AppError> + Send + 'static,
    {
        let actor = self.actor.clone();
        self.state.db.run(move |conn| read(conn, &actor)).await
    }

    /// Refuse unless this actor has `permission` on `subject` (404 for a private draft or
    /// campaign the actor may not see, 403 otherwise).
    pub async fn check(&self, subject: Subject, permission: Permission) -> Result<(), AppError> {
        access::check_in(&self.state.db, &self.actor, subject, permission).await
    }
}
