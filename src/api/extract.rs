//! Request extractors shared by the API: JSON bodies and query strings with per-field errors, and
//! bearer tokens.

use std::future::{ready, Future, Ready};
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;

use crate::db::DbConnection;
use crate::domain::token::Token;
use crate::domain::Permission;
use crate::error::AppError;
use crate::http::cache::LetterVersion;
use crate::http::caching::Validators;
use crate::http::state::{After, Keys};
use crate::http::{Acting, AppState};
use crate::service::access::{Actor, Subject};
use crate::service::accounts;

use super::Reply;

/// A JSON body: 415 unless the content type is JSON, 413 over the size limit, 400 when it is not
/// JSON, 422 naming the field when a value has the wrong type or a field is unknown.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = {
            let ct = req.content_type();
            ct == "application/json" || ct.ends_with("+json")
        };
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(0, |s| s.max_body_bytes);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(AppError::UnsupportedMediaType);
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == 413 {
                    AppError::PayloadTooLarge { limit }
                } else {
                    AppError::BadRequest("the request body could not be read".into())
                }
            })?;
            if let Some(field) = crate::http::nul_bytes::nul_field_in_json(&bytes) {
                return Err(AppError::field(&field, crate::http::nul_bytes::MESSAGE));
            }
            let de = &mut serde_json::Deserializer::from_slice(&bytes);
            match serde_path_to_error::deserialize(de) {
                Ok(value) => Ok(ApiJson(value)),
                Err(e) => {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    if inner.classify() == serde_json::error::Category::Data {
                        let text = inner.to_string();
                        let message = text
                            .rfind(" at line ")
                            .map_or(text.as_str(), |i| &text[..i])
                            .to_string();
                        let field = if path == "." || path.is_empty() {
                            "body".to_string()
                        } else {
                            path
                        };
                        Err(AppError::field(&field, message))
                    } else {
                        Err(AppError::BadRequest(format!("malformed JSON: {inner}")))
                    }
                }
            }
        })
    }
}

/// The JSON body of a change to one letter, campaign or coalition, handed over only once the
/// asker's role there has been checked ([`access::check`]). Until then nothing about the body
/// counts, not even a wrong content type or an unknown field, so an outsider's request is refused
/// (404 for a private draft or campaign, 403 otherwise) whatever it holds, and a validation error
/// never tells them that the thing exists.
pub struct GuardedJson<T>(Result<T, AppError>);

impl<T> GuardedJson<T> {
    /// The body, after the caller's `permission` on `subject` has been checked.
    async fn open(
        self,
        caller: &Acting,
        subject: Subject,
        permission: Permission,
    ) -> Result<T, AppError> {
        caller.check(subject, permission).await?;
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for GuardedJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = ApiJson::<T>::from_request(req, payload);
        Box::pin(async move { Ok(GuardedJson(body.await.map(|b| b.0))) })
    }
}

/// What the path's `{slug}` names in a change: a letter, a campaign or a coalition.
pub trait Named {
    fn subject(slug: &str) -> Subject;
}

/// The path's `{slug}` is a letter's.
pub struct OfLetter;
/// The path's `{slug}` is a campaign's.
pub struct OfCampaign;
/// The path's `{slug}` is a coalition's.
pub struct OfCoalition;

impl Named for OfLetter {
    fn subject(slug: &str) -> Subject {
        Subject::letter(slug)
    }
}

impl Named for OfCampaign {
    fn subject(slug: &str) -> Subject {
        Subject::campaign(slug)
    }
}

impl Named for OfCoalition {
    fn subject(slug: &str) -> Subject {
        Subject::coalition(slug)
    }
}

/// A change to the letter, campaign or coalition that the path's `{slug}` names: the
/// [`Authenticated`] caller, the slug, and the JSON body held back ([`GuardedJson`]) until
/// [`Change::allowed`] has checked the caller's permission there.
pub struct Change<N, T> {
    caller: Authenticated,
    slug: String,
    body: GuardedJson<T>,
    named: PhantomData<N>,
}

/// A change to the letter `{slug}`.
pub type LetterChange<T> = Change<OfLetter, T>;
/// A change to the campaign `{slug}`.
pub type CampaignChange<T> = Change<OfCampaign, T>;
/// A change to the coalition `{slug}`.
pub type CoalitionChange<T> = Change<OfCoalition, T>;

impl<N: Named, T> Change<N, T> {
    /// The caller, the slug and the body, once the caller may make the change (`permission`);
    /// refused (404 or 403) otherwise, whatever the body holds.
    pub async fn allowed(
        self,
        permission: Permission,
    ) -> Result<(Authenticated, String, T), AppError> {
        let subject = N::subject(&self.slug);
        let body = self.body.open(&self.caller, subject, permission).await?;
        Ok((self.caller, self.slug, body))
    }
}

impl<N: 'static, T: DeserializeOwned + 'static> FromRequest for Change<N, T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Authenticated::from_request(req, payload);
        let slug = web::Path::<String>::from_request(req, payload);
        let body = GuardedJson::<T>::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            let slug = slug.await?.into_inner();
            let body = body.await?;
            Ok(Change {
                caller,
                slug,
                body,
                named: PhantomData,
            })
        })
    }
}

/// A query string: 422 naming the parameter when a value has the wrong type (`?limit=x`).
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = url::form_urlencoded::parse(req.query_string().as_bytes());
        let de = serde_urlencoded::Deserializer::new(pairs);
        ready(
            serde_path_to_error::deserialize(de)
                .map(ApiQuery)
                .map_err(|e| {
                    let field = match e.path().to_string() {
                        path if path == "." || path.is_empty() => "query".to_string(),
                        path => path,
                    };
                    AppError::field(&field, e.into_inner().to_string())
                }),
        )
    }
}

/// The bearer token of a request: `None` without an `Authorization` header, `Some(None)` with
/// one that holds no bearer token. The scheme is case-insensitive (RFC 9110 §11.1).
pub fn bearer(req: &HttpRequest) -> Option<Option<&str>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim()),
    )
}

fn state(req: &HttpRequest) -> Result<&web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("app state missing")))
}

/// Who calls the API: the public without an `Authorization` header, the operator with the admin
/// token, a coordinator with one of their API tokens; any other token is 401. Put it first among
/// a handler's arguments so that an unauthenticated request learns nothing about its body. It
/// holds the caller with the state ([`Acting`]: `caller.read(..)`, `caller.actor`, `caller.state`).
pub struct Caller(pub Acting);

/// `Deref` to the [`Acting`] that each of these extractors holds, so that a handler calls
/// `caller.read(..)` and reads `caller.actor` on it directly.
macro_rules! holds_acting {
    ($($extractor:ident),*) => {$(
        impl std::ops::Deref for $extractor {
            type Target = Acting;
            fn deref(&self) -> &Acting {
                &self.0
            }
        }
    )*};
}

holds_acting!(Caller, Authenticated);

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req).cloned();
        let presented = bearer(req).map(|t| t.map(str::to_string));
        Box::pin(async move {
            let state = state?;
            let token = match presented {
                None => return Ok(Caller(Acting::new(Actor::Public, state))),
                Some(Some(t)) if state.is_admin_token(&t) => {
                    return Ok(Caller(Acting::new(Actor::Operator, state)))
                }
                Some(Some(t)) => Token::parse(&t).map_err(|_| AppError::Unauthorized)?,
                Some(None) => return Err(AppError::Unauthorized),
            };
            let actor = state
                .db
                .run(move |conn| accounts::token_actor(conn, &token))
                .await?
                .ok_or(AppError::Unauthorized)?;
            Ok(Caller(Acting::new(actor, state)))
        })
    }
}

/// Like [`Caller`], but the public is refused with 401 before anything else is read: for every
/// endpoint that changes something or reads private data. It holds the caller with the state, so
/// a handler writes as its caller with [`Acting::write`].
pub struct Authenticated(pub Acting);

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            match caller.await? {
                Caller(acting) if matches!(acting.actor, Actor::Public) => {
                    Err(AppError::Unauthorized)
                }
                Caller(acting) => Ok(Authenticated(acting)),
            }
        })
    }
}

/// A route about what its path names: `{slug}` (`About`), or a slug and an id (`Item`). It
/// reads and writes as the caller — [`Authenticated`], or with `About<Caller>` anyone, the
/// public too — and hands the path to the closure, so a handler is one call to a service
/// function.
pub struct About<C = Authenticated, P = String> {
    pub caller: C,
    pub path: P,
}

/// An authenticated route about one item of a letter or coalition: `/{slug}/…/{id}`.
pub type Item = About<Authenticated, (String, String)>;

impl<C: std::ops::Deref<Target = Acting>> About<C> {
    /// A read as the caller ([`Acting::read`]), given the path's `{slug}` (or `{id}`).
    pub async fn read<T, R>(&self, read: R) -> Result<T, AppError>
    where
        T: Send + 'static,
        R: FnOnce(&mut DbConnection, &Actor, &str) -> Result<T, AppError> + Send + 'static,
    {
        let slug = self.path.clone();
        self.caller
            .read(move |conn, actor| read(conn, actor, &slug))
            .await
    }

    /// A write as the caller ([`Acting::write`]), given the path's `{slug}` (or `{id}`).
    pub async fn write<T, W, A>(&self, write: W, after: A) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Keys, &Actor, &str) -> Result<T, AppError> + Send + 'static,
        A: FnOnce(&T) -> After,
    {
        let slug = self.path.clone();
        self.caller
            .write(
                move |conn, keys, actor| write(conn, keys, actor, &slug),
                after,
            )
            .await
    }

    /// A write as the caller that asks nothing of the instance afterwards.
    pub async fn write_only<T, W>(&self, write: W) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Actor, &str) -> Result<T, AppError> + Send + 'static,
    {
        self.write_then(write, After::nothing()).await
    }

    /// A write as the caller that queues mail: the mail worker is woken afterwards.
    pub async fn write_and_mail<T, W>(&self, write: W) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Actor, &str) -> Result<T, AppError> + Send + 'static,
    {
        self.write_then(write, After::nothing().and_mail()).await
    }

    /// A write that needs no keys, with the same `after` whatever it returns.
    async fn write_then<T, W>(&self, write: W, after: After) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Actor, &str) -> Result<T, AppError> + Send + 'static,
    {
        let keyless = move |conn: &mut _, _: &_, actor: &_, slug: &_| write(conn, actor, slug);
        self.write(keyless, move |_| after).await
    }
}

impl Item {
    /// A write as the caller that asks nothing of the instance afterwards, given the path's
    /// slug and id.
    pub async fn write_only<T, W>(&self, write: W) -> Result<T, AppError>
    where
        T: Send + 'static,
        W: FnOnce(&mut DbConnection, &Actor, &str, &str) -> Result<T, AppError> + Send + 'static,
    {
        let (slug, id) = self.path.clone();
        self.caller
            .write_only(move |conn, _, actor| write(conn, actor, &slug, &id))
            .await
    }
}

impl<C, P> FromRequest for About<C, P>
where
    C: FromRequest<Error = AppError> + 'static,
    P: DeserializeOwned + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = C::from_request(req, payload);
        let path = web::Path::<P>::from_request(req, payload);
        Box::pin(async move {
            let caller = caller.await?;
            let path = path.await?.into_inner();
            Ok(About { caller, path })
        })
    }
}

/// A public read of the letter the path's `{slug}` names, for the open data (its signatories,
/// ledger, changes, data package and pictures): the request, the state and the slug. The letter
/// is looked up only when the handler asks, after it has checked its query.
pub struct LetterData {
    pub req: HttpRequest,
    pub state: web::Data<AppState>,
    pub slug: String,
}

impl LetterData {
    /// The letter's cached version ([`VersionCache::for_request`](crate::http::cache)): 404
    /// unless a public letter has the slug. Its validators: [`LetterVersion::of_letter`],
    /// [`LetterVersion::of_list`].
    pub async fn version(&self) -> Result<LetterVersion, AppError> {
        let state = &self.state;
        state
            .versions
            .for_request(&state.db, &self.slug, &self.req)
            .await
    }

    /// `304` when the request already has what `validators` name; else the representation
    /// cached under them, which `render` makes on a miss ([`Validators::serve`]).
    pub async fn serve<F>(&self, validators: &Validators, render: F) -> Reply
    where
        F: Future<Output = Result<crate::http::cache::Rendered, AppError>>,
    {
        validators
            .serve(&self.req, &self.state.responses, render)
            .await
    }
}

impl FromRequest for LetterData {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = web::Data::<AppState>::from_request(req, payload);
        let slug = web::Path::<String>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let state = state.await?;
            let slug = slug.await?.into_inner();
            Ok(LetterData { req, state, slug })
        })
    }
}
