//! A letter's text versions and translations through the API.

use crate::http::state::After;
use crate::service::translations::TranslationFields;
use crate::service::versions::NewVersionFields;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::extract::LetterChange;
use super::extract::{About, Caller, Item};
use super::{utc, Reply};
use crate::db::models::{LetterVersion, Translation};
use crate::domain::Permission;
use crate::http::caching;
use crate::service::translations::{self};
use crate::service::versions::{self};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_versions)
        .service(publish_version)
        .service(list_translations)
        .service(save_translation)
        .service(delete_translation);
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionJson {
    version: i32,
    title: String,
    body: String,
    /// SHA-256 of the text, as in the ledger's `text` entries and the signatories' `text_hash`.
    text_hash: String,
    note: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<LetterVersion> for VersionJson {
    fn from(v: LetterVersion) -> Self {
        VersionJson {
            version: v.version,
            title: v.title,
            body: v.body,
            text_hash: v.text_hash,
            note: v.note,
            created_at: utc(v.created_at),
        }
    }
}

/// Every version of a letter's text since it opened, oldest first.
#[utoipa::path(get, path = "/api/v1/letters/{slug}/versions", tag = "letters", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<VersionJson>), (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/versions")]
pub async fn list_versions(req: HttpRequest, letter: About<Caller>) -> Reply {
    let (view, list) = letter.read(versions::list).await?;
    let body: Vec<VersionJson> = list.into_iter().map(VersionJson::from).collect();
    Ok(caching::json(&req, &body, view.letter.updated_at))
}

/// Publish a new version of an open letter's text (coordinator role). Signatures already made
/// keep the version they saw.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/versions", tag = "letters", params(("slug" = String, Path)), request_body = NewVersionFields,
    security(("api_token" = [])),
    responses((status = 201, body = VersionJson),
        (status = 409, description = "Not open or closed, or a version was published meanwhile", body = super::ErrorBody),
        super::Refused, super::Invalid))]
#[post("/letters/{slug}/versions")]
pub async fn publish_version(change: LetterChange<NewVersionFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let new = body.parse()?;
    let (_, version) = caller
        .write(
            move |conn, keys, actor| versions::publish(conn, &keys.ledger, actor, &slug, new),
            |(view, _)| After::letter(&view.letter.slug),
        )
        .await?;
    Ok(HttpResponse::Created().json(VersionJson::from(version)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TranslationJson {
    language: String,
    title: String,
    body: String,
    /// SHA-256 of this text: a signature made from it carries this hash.
    text_hash: String,
    updated_at: DateTime<Utc>,
}

impl From<Translation> for TranslationJson {
    fn from(t: Translation) -> Self {
        TranslationJson {
            language: t.language,
            title: t.title,
            body: t.body,
            text_hash: t.text_hash,
            updated_at: utc(t.updated_at),
        }
    }
}

/// A letter's translations (signatures on any of them count together).
#[utoipa::path(get, path = "/api/v1/letters/{slug}/translations", tag = "letters", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<TranslationJson>), (status = 404, body = super::ErrorBody)))]
#[get("/letters/{slug}/translations")]
pub async fn list_translations(req: HttpRequest, letter: About<Caller>) -> Reply {
    let (view, list) = letter
        .read(|conn, actor, slug| {
            let view = crate::service::letters::find(conn, slug, actor.audience())?;
            let list = translations::list(conn, &view.letter.id)?;
            Ok((view, list))
        })
        .await?;
    let last = list
        .iter()
        .map(|t| t.updated_at)
        .max()
        .unwrap_or(view.letter.updated_at)
        .max(view.letter.updated_at);
    let body: Vec<TranslationJson> = list.into_iter().map(TranslationJson::from).collect();
    Ok(caching::json(&req, &body, last))
}

/// Add or replace a translation (coordinator role; drafts and open letters). Once the letter is
/// open, the translation's text is logged in its ledger.
#[utoipa::path(post, path = "/api/v1/letters/{slug}/translations", tag = "letters", params(("slug" = String, Path)), request_body = TranslationFields,
    security(("api_token" = [])),
    responses((status = 200, body = TranslationJson), (status = 409, body = super::ErrorBody), super::Refused, super::Invalid))]
#[post("/letters/{slug}/translations")]
pub async fn save_translation(change: LetterChange<TranslationFields>) -> Reply {
    let (caller, slug, body) = change.allowed(Permission::ManageLetters).await?;
    let input = body.parse()?;
    let saved = caller
        .write(
            move |conn, keys, actor| translations::save(conn, &keys.ledger, actor, &slug, input),
            |_| After::every_letter(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(TranslationJson::from(saved)))
}

/// Remove a translation of a draft (coordinator role).
#[utoipa::path(post, path = "/api/v1/letters/{slug}/translations/{language}/delete", tag = "letters", params(("slug" = String, Path), ("language" = String, Path)),
    security(("api_token" = [])),
    responses((status = 204), (status = 409, description = "The letter is no longer a draft", body = super::ErrorBody), super::Refused))]
#[post("/letters/{slug}/translations/{language}/delete")]
pub async fn delete_translation(translation: Item) -> Reply {
    translation.write_only(translations::delete).await?;
    Ok(HttpResponse::NoContent().finish())
}
