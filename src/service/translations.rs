//! A letter's text in other languages: one text per language under the same letter, so that
//! signatures on any of them count together. Each translation has its own hash; a signer who
//! signs from a translation's page is recorded with that hash. While the letter is a draft,
//! translations are edited freely; once it is open, adding or replacing one is logged in the
//! ledger as a `text` entry with the translation's hash, like a new version.

use super::letters::{BODY_MAX, TITLE_MAX};
use crate::domain::text::{line, text};
use crate::error::FieldCollector;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access::Actor;
use super::letters::{self, LetterView};
use super::now;
use crate::db::models::Translation;
use crate::db::schema::letter_translations;
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::letter::text_hash;
use crate::domain::{LanguageTag, LetterState, Permission};
use crate::error::AppError;

pub struct TranslationInput {
    pub language: LanguageTag,
    pub title: String,
    pub body: String,
}

/// Add or replace the translation into `input.language`.
pub fn save(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    letter: &str,
    input: TranslationInput,
) -> Result<Translation, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter, Permission::ManageLetters)?;
        let state = view.state();
        if !matches!(state, LetterState::Draft | LetterState::Open) {
            return Err(AppError::conflict(
                "letter_finished",
                format!("a {state} letter takes no new translation"),
            ));
        }
        let l = &view.letter;
        let language = input.language.as_str().to_string();
        if language.eq_ignore_ascii_case(&l.language) {
            return Err(AppError::field(
                "language",
                format!(
                    "is the letter's own language ({}); edit the letter instead",
                    l.language
                ),
            ));
        }
        let now = now();
        let hash = text_hash(&input.title, &input.body);
        let existing = find(conn, &l.id, &language)?;
        if existing.as_ref().is_some_and(|t| t.text_hash == hash) {
            return Ok(existing.expect("checked"));
        }
        let row = Translation {
            letter_id: l.id.clone(),
            language: language.clone(),
            title: input.title,
            body: input.body,
            text_hash: hash.clone(),
            created_at: existing.as_ref().map_or(now, |t| t.created_at),
            updated_at: now,
        };
        diesel::delete(letter_translations::table.find((l.id.as_str(), language.as_str())))
            .execute(conn)?;
        diesel::insert_into(letter_translations::table)
            .values(&row)
            .execute(conn)?;
        if state == LetterState::Open {
            super::ledger::append(conn, key, &l.id, [super::ledger::Change::text(&hash, now)])?;
        }
        view.event(
            "letter.translation_saved",
            json!({"language": language, "text_hash": hash}),
        )
        .record(conn, actor)?;
        Ok(row)
    })
}

/// Remove a translation (drafts only: once open, a translation is part of the record).
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    language: &str,
) -> Result<(), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter, Permission::ManageLetters)?;
        if view.state() != LetterState::Draft {
            return Err(AppError::conflict(
                "text_frozen",
                "a translation can be removed only while the letter is a draft",
            ));
        }
        let removed =
            diesel::delete(letter_translations::table.find((view.letter.id.as_str(), language)))
                .execute(conn)?;
        if removed == 0 {
            return Err(AppError::not_found(format!("translation {language:?}")));
        }
        view.event("letter.translation_removed", json!({"language": language}))
            .record(conn, actor)
    })
}

fn find(
    conn: &mut DbConnection,
    letter_id: &str,
    language: &str,
) -> Result<Option<Translation>, AppError> {
    Ok(letter_translations::table
        .find((letter_id, language))
        .select(Translation::as_select())
        .first(conn)
        .optional()?)
}

/// A letter's translations, by language (whoever may read the letter).
pub fn list(conn: &mut DbConnection, letter_id: &str) -> Result<Vec<Translation>, AppError> {
    Ok(letter_translations::table
        .filter(letter_translations::letter_id.eq(letter_id))
        .order(letter_translations::language.asc())
        .select(Translation::as_select())
        .load(conn)?)
}

/// One translation of a letter the reader may see.
pub fn get(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    language: &str,
) -> Result<(LetterView, Translation), AppError> {
    let view = letters::find(conn, letter, actor.audience())?;
    let t = find(conn, &view.letter.id, language)?
        .ok_or_else(|| AppError::not_found(format!("translation {language:?}")))?;
    Ok((view, t))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationFields {
    /// A language tag such as `fr` or `pt-BR`, other than the letter's own.
    language: Option<String>,
    title: Option<String>,
    body: Option<String>,
}

impl TranslationFields {
    pub fn parse(self) -> Result<TranslationInput, AppError> {
        let mut errors = FieldCollector::new();
        let language = errors.required("language", self.language.as_deref(), LanguageTag::parse);
        let title = errors.required("title", self.title.as_deref(), line(TITLE_MAX));
        let body = errors.required("body", self.body.as_deref(), text(BODY_MAX));
        errors.finish()?;
        match (language, title, body) {
            (Some(language), Some(title), Some(body)) => Ok(TranslationInput {
                language,
                title,
                body,
            }),
            _ => Err(AppError::field("language", "is required")),
        }
    }
}
