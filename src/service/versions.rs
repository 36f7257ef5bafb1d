//! Versions of a letter's text. The text a letter opens with is version 1; once open the text is
//! frozen, and a coordinator changes it only by publishing a new version, which is kept with the
//! older ones, logged in the letter's ledger (a `text` entry with its hash), and audited.
//! Signatures keep the version (and hash) their signer saw.

use super::letters::{BODY_MAX, TITLE_MAX};
use crate::domain::text::{line, text};
use crate::error::FieldCollector;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access::Actor;
use super::letters::{self, LetterView};
use super::now;
use crate::db::models::{LetterChanges, LetterVersion};
use crate::db::schema::{letter_versions, letters as letters_table};
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::letter::text_hash;
use crate::domain::{LetterState, Permission};
use crate::error::AppError;

/// Record version 1 when a letter opens (inside the opening transaction).
pub fn record_first(conn: &mut DbConnection, view: &LetterView) -> Result<(), AppError> {
    let l = &view.letter;
    diesel::insert_into(letter_versions::table)
        .values(&LetterVersion {
            letter_id: l.id.clone(),
            version: 1,
            title: l.title.clone(),
            body: l.body.clone(),
            text_hash: l.text_hash.clone(),
            note: None,
            created_at: now(),
        })
        .execute(conn)?;
    Ok(())
}

/// A new version's text.
pub struct NewVersion {
    pub title: Option<String>,
    pub body: Option<String>,
    /// What changed, for readers.
    pub note: String,
}

/// Publish a new version of an open (or closed, not yet delivered) letter's text.
pub fn publish(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    letter: &str,
    new: NewVersion,
) -> Result<(LetterView, LetterVersion), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter, Permission::ManageLetters)?;
        let state = view.state();
        if !matches!(state, LetterState::Open | LetterState::Closed) {
            let why = if state == LetterState::Draft {
                "a draft's text is edited directly; versions start when it opens"
            } else {
                "the letter is finished"
            };
            return Err(AppError::conflict(
                "no_new_version",
                format!("a {state} letter takes no new version: {why}"),
            ));
        }
        let l = &view.letter;
        let title = new.title.unwrap_or_else(|| l.title.clone());
        let body = new.body.unwrap_or_else(|| l.body.clone());
        let hash = text_hash(&title, &body);
        if hash == l.text_hash {
            return Err(AppError::field(
                "body",
                "is the same as the current version's",
            ));
        }
        let now = now();
        let version = LetterVersion {
            letter_id: l.id.clone(),
            version: l.version + 1,
            title: title.clone(),
            body: body.clone(),
            text_hash: hash.clone(),
            note: Some(new.note),
            created_at: now,
        };
        // Guarded on the version read above, so that two racing versions cannot share a number.
        let moved = diesel::update(
            letters_table::table
                .filter(letters_table::id.eq(&l.id))
                .filter(letters_table::version.eq(l.version)),
        )
        .set(&LetterChanges {
            title: Some(title),
            body: Some(body),
            text_hash: Some(hash.clone()),
            version: Some(version.version),
            updated_at: Some(now),
            ..LetterChanges::default()
        })
        .execute(conn)?;
        if moved != 1 {
            return Err(AppError::conflict(
                "version_conflict",
                "another version was published meanwhile; read the letter again",
            ));
        }
        diesel::insert_into(letter_versions::table)
            .values(&version)
            .execute(conn)?;
        super::ledger::append(conn, key, &l.id, [super::ledger::Change::text(&hash, now)])?;
        view.event(
            "letter.version_published",
            json!({"version": version.version, "note": version.note, "text_hash": hash}),
        )
        .record(conn, actor)?;
        let view = letters::find(conn, &l.id, letters::Audience::Admin)?;
        Ok((view, version))
    })
}

/// Every version of a letter's text, oldest first (whoever may read the letter).
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
) -> Result<(LetterView, Vec<LetterVersion>), AppError> {
    let view = letters::find(conn, letter, actor.audience())?;
    let versions = letter_versions::table
        .filter(letter_versions::letter_id.eq(&view.letter.id))
        .order(letter_versions::version.asc())
        .select(LetterVersion::as_select())
        .load(conn)?;
    Ok((view, versions))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersionFields {
    /// The new title (default: unchanged).
    title: Option<String>,
    /// The new text (default: unchanged).
    body: Option<String>,
    /// What changed, for readers.
    note: Option<String>,
}

impl NewVersionFields {
    pub fn parse(self) -> Result<NewVersion, AppError> {
        let mut errors = FieldCollector::new();
        let title = errors.given("title", self.title.as_deref(), line(TITLE_MAX));
        let body = errors.given("body", self.body.as_deref(), text(BODY_MAX));
        let note = errors.required("note", self.note.as_deref(), text(500));
        if self.title.is_none() && self.body.is_none() {
            errors.add("body", "give a new body or title");
        }
        errors.finish()?;
        Ok(NewVersion {
            title,
            body,
            note: note.unwrap_or_default(),
        })
    }
}
