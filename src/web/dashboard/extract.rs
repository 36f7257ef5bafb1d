//! What a dashboard handler receives: [`Dashboard`], the signed-in coordinator's request with the
//! state to act on, mirroring the API's `Authenticated`. Its methods are the steps every page and
//! form post takes: the page rendered with its CSRF token, a checked form post, the caller's
//! writes and reads. It also carries the language of the page's messages ([`language`]: English
//! for now). The handlers of buttons and of the forms that manage a letter or campaign are made
//! here too.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::db::DbConnection;
use crate::domain::Permission;
use crate::error::AppError;
use crate::http::state::{After, Keys};
use crate::http::{Acting, AppState};
use crate::i18n::Lang;
use crate::service::access::Actor;
use crate::service::access::{Subject, UserActor};
use crate::web::csrf;
use crate::web::form::{self, Pairs, Posted};
use crate::web::session::SignedIn;
use crate::web::{render_with_csrf, see_other, Button, ButtonForm, PageReply, PathParam};
use askama::Template;

/// The language of the coordinators' pages (the dashboard, one's account, signing in, the
/// first-run setup): English for now (docs/LANGUAGES.md). Their messages are in
/// `locales/en/dashboard.ftl`; translating them is adding that file in each language and
/// choosing the language here, from the request, as the signer's pages do.
pub fn language(_req: &HttpRequest) -> Lang {
    Lang::default()
}

/// A signed-in coordinator's request: the request itself (for CSRF), the session, the language
/// of the page's messages (`dash.t.get(..)`, and `t` in every dashboard template), and the
/// coordinator acting on the state ([`Acting`], so `dash.write(..)`, `dash.read(..)`). Without a
/// live session the browser is sent to sign in, as with [`SignedIn`].
pub struct Dashboard {
    pub req: HttpRequest,
    pub session: SignedIn,
    pub t: Lang,
    caller: Acting,
}

impl std::ops::Deref for Dashboard {
    type Target = Acting;
    fn deref(&self) -> &Acting {
        &self.caller
    }
}

impl FromRequest for Dashboard {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = SignedIn::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let session = session.await?;
            let state = state
                .ok_or_else(|| actix_web::error::ErrorInternalServerError("app state missing"))?;
            let caller = Acting::new(session.actor.clone(), state);
            Ok(Dashboard {
                t: language(&req),
                req,
                session,
                caller,
            })
        })
    }
}

impl Dashboard {
    /// The signed-in person, for the page's header.
    pub fn me(&self) -> &UserActor {
        self.session.me()
    }

    /// Render a dashboard page with `status`: `page` builds it from the page's CSRF token, as
    /// `|csrf| SomePage { me: dash.me(), csrf, t: dash.t, .. }` ([`render_with_csrf`]).
    pub fn render<P: Template>(
        &self,
        status: StatusCode,
        page: impl FnOnce(String) -> P,
    ) -> PageReply {
        render_with_csrf(&self.req, &self.state, status, page)
    }

    /// A button's post: refused unless its CSRF token is right.
    pub fn button(&self, button: &ButtonForm) -> Result<(), AppError> {
        csrf::verify(&self.req, &button.csrf_token)
    }

    /// A form post checked for its CSRF token and parsed into `T` ([`form::parse`]).
    pub fn post<T: DeserializeOwned>(
        &self,
        pairs: Vec<(String, String)>,
    ) -> Result<Posted<T>, AppError> {
        form::parse(&self.req, pairs)
    }

    /// A form post read field by field, once its CSRF token is checked
    /// ([`form::checked_pairs`]).
    pub fn post_pairs(
        &self,
        pairs: Vec<(String, String)>,
    ) -> Result<Vec<(String, String)>, AppError> {
        form::checked_pairs(&self.req, pairs)
    }

    /// A form post that changes `subject`: the CSRF token, then the coordinator's `permission`
    /// there, and only then the fields ([`form::parse_checked`]).
    pub async fn post_for<T: DeserializeOwned>(
        &self,
        subject: Subject,
        permission: Permission,
        pairs: Vec<(String, String)>,
    ) -> Result<Posted<T>, AppError> {
        form::parse_checked(&self.req, &self.caller, subject, permission, pairs).await
    }

    /// A form's write once its fields are parsed: `parsed` is the service input or the error to
    /// show beside the form; `write` runs as the coordinator ([`Acting::write`]).
    pub async fn submit<I, T, W, A>(
        &self,
        parsed: Result<I, AppError>,
        write: W,
        after: A,
    ) -> Result<T, AppError>
    where
        I: Send + 'static,
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Keys, &Actor, I) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&T) -> After,
    {
        let input = parsed?;
        self.write(
            move |conn, keys, actor| write(conn, keys, actor, input),
            after,
        )
        .await
    }
}

/// A dashboard post's handler as a route takes it (`web::post().to(handler)`): given the
/// signed-in request, the path's parameters `P` and the posted body `B`, the page's answer. The
/// factories below (buttons, forms that manage a letter or campaign) make one.
pub trait PostHandler<P, B>:
    Fn(Dashboard, P, B) -> LocalBoxFuture<'static, PageReply> + Clone + 'static
{
}

impl<H, P, B> PostHandler<P, B> for H where
    H: Fn(Dashboard, P, B) -> LocalBoxFuture<'static, PageReply> + Clone + 'static
{
}

/// The handler of a button on one item of a page, posted to `…/{slug}/…/{item}/…` (remove a
/// coordinator, revoke a link, delete an event), routed as `web::post().to(item_button(..))`: the
/// CSRF token, then `write` on (slug, item) as the coordinator, then a redirect to `to(slug)`.
/// The service's own effects are all it has.
pub fn item_button<T, W>(write: W, to: fn(&str) -> String) -> impl PostHandler<ItemPath, Button>
where
    T: Send + 'static,
    W: Fn(&mut DbConnection, &Actor, &str, &str) -> Result<T, AppError> + Copy + Send + 'static,
{
    button(
        move |conn, actor, (slug, item): &(String, String)| write(conn, actor, slug, item),
        |_| After::nothing(),
        move |(slug, _)| to(slug),
    )
}

/// The handler of a button posted to `…/{id}/…` for the item the id names (revoke a token, retry
/// a mail), routed as `web::post().to(id_button(..))`: [`button`] with `write` on the id, then a
/// redirect to `to`.
pub fn id_button<T, W, A>(
    write: W,
    after: A,
    to: &'static str,
) -> impl PostHandler<PathParam, Button>
where
    T: Send + 'static,
    W: Fn(&mut DbConnection, &Actor, &str) -> Result<T, AppError> + Copy + Send + 'static,
    A: Fn(&T) -> After + Copy + 'static,
{
    button(
        move |conn, actor, id: &String| write(conn, actor, id),
        after,
        move |_| to.to_string(),
    )
}

/// The handler of a button posted to an address that names what it acts on (`P`, from the
/// path), routed as `web::post().to(button(..))`: the CSRF token, then `write` on the path as
/// the coordinator with the effects `after` names, then a redirect to `to(path)`.
pub fn button<P, T, W, A, R>(write: W, after: A, to: R) -> impl PostHandler<web::Path<P>, Button>
where
    P: DeserializeOwned + Send + 'static,
    T: Send + 'static,
    W: Fn(&mut DbConnection, &Actor, &P) -> Result<T, AppError> + Copy + Send + 'static,
    A: Fn(&T) -> After + Copy + 'static,
    R: Fn(&P) -> String + Copy + 'static,
{
    move |dash: Dashboard, path: web::Path<P>, button: Button| {
        Box::pin(async move {
            dash.button(&button)?;
            let path = path.into_inner();
            let target = to(&path);
            let write =
                move |conn: &mut DbConnection, _: &Keys, actor: &Actor| write(conn, actor, &path);
            dash.write(write, after).await?;
            Ok(see_other(target))
        })
    }
}

/// The handler of a form that changes the letter or campaign its address names (`subject` makes
/// the [`Subject`] of the slug), routed as `web::post().to(manage_post(..))`: the CSRF token and
/// the coordinator's right to manage it ([`Dashboard::post_for`]: refused at once, whatever the
/// fields hold), then `then` with the slug and the fields `F`.
pub fn manage_post<F, H, R>(
    subject: fn(&str) -> Subject,
    then: H,
) -> impl PostHandler<PathParam, Pairs>
where
    F: DeserializeOwned + 'static,
    H: Fn(Dashboard, String, F) -> R + Copy + 'static,
    R: Future<Output = PageReply> + 'static,
{
    move |dash: Dashboard, slug: PathParam, pairs: Pairs| {
        Box::pin(async move {
            let slug = slug.into_inner();
            let posted = dash.post_for::<F>(subject(&slug), Permission::ManageLetters, pairs.0);
            let fields = posted.await?.data;
            then(dash, slug, fields).await
        })
    }
}

/// The slug and the item of an item's button.
pub type ItemPath = web::Path<(String, String)>;
