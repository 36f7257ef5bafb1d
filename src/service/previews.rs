//! Secret preview links of a draft (issue 24, "a launch plan"): a coordinator shares
//! `/preview/{token}` with partner organisations before the letter opens, so they read it as it
//! will read (title, recipient, text, place and date) without an account. Several links may
//! exist, each with an optional label ("for EDRi"), and each can be revoked on its own.
//!
//! The token is random (256 bits, [`Token::random`]) and returned once, when the link is made;
//! the database keeps its SHA-256 only, as for API tokens. A revoked link answers 410 Gone. Once
//! the letter has opened, a live link leads to its public page (what a partner holding the link
//! wants then), so the link never shows a text other than the public one.

use crate::db::query::FirstOrNotFound;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::access::Actor;
use super::letters::{self, Audience, LetterView};
use super::{new_id, now};
use crate::db::models::LetterPreview;
use crate::db::schema::letter_previews;
use crate::db::DbConnection;
use crate::domain::text::line;
use crate::domain::token::Token;
use crate::domain::{LetterState, Permission};
use crate::error::{AppError, FieldCollector};

/// The longest label of a preview link.
pub const LABEL_MAX: usize = 100;

/// A new preview link as typed in the form or sent as JSON.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewFields {
    /// Who the link is for, e.g. "for EDRi" (at most 100 characters; optional). Coordinators
    /// see it; the link's readers do not.
    pub label: Option<String>,
}

impl PreviewFields {
    /// The label, if one was given.
    pub fn parse(self) -> Result<Option<String>, AppError> {
        let mut errors = FieldCollector::new();
        let label = errors.optional("label", self.label.as_deref(), line(LABEL_MAX));
        errors.finish()?;
        Ok(label)
    }
}

/// What a preview link leads to.
#[derive(Debug)]
pub enum Previewed {
    /// The draft, as it will read.
    Draft(Box<LetterView>),
    /// The letter has opened: its public page, by this slug.
    Published(String),
}

/// A new preview link of a draft (coordinators: `ManageLetters`): the token, shown once, and the
/// stored row. A letter past draft has its public page to share instead (409).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
    label: Option<String>,
) -> Result<(Token, LetterPreview), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter_slug, Permission::ManageLetters)?;
        let state = view.state();
        if state != LetterState::Draft {
            return Err(AppError::conflict(
                "letter_not_draft",
                format!("a preview link is for a draft; this letter is {state}: share its page"),
            ));
        }
        let token = Token::random();
        let row = LetterPreview {
            id: new_id(),
            letter_id: view.letter.id.clone(),
            label,
            token_hash: token.hash(),
            created_at: now(),
            revoked_at: None,
        };
        diesel::insert_into(letter_previews::table)
            .values(&row)
            .execute(conn)?;
        view.event(
            "letter.preview_created",
            json!({"preview": row.id, "label": row.label}),
        )
        .record(conn, actor)?;
        Ok((token, row))
    })
}

/// A letter's preview links, newest first (never their tokens), for those who may read the
/// coalition's private data.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
) -> Result<(LetterView, Vec<LetterPreview>), AppError> {
    let view = letters::find_for(conn, actor, letter_slug, Permission::ReadPrivate)?;
    let rows = letter_previews::table
        .filter(letter_previews::letter_id.eq(&view.letter.id))
        .order((
            letter_previews::created_at.desc(),
            letter_previews::id.desc(),
        ))
        .select(LetterPreview::as_select())
        .load(conn)?;
    Ok((view, rows))
}

/// Revoke one of a letter's preview links (revoking twice is harmless); it answers 410 at once.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    letter_slug: &str,
    id: &str,
) -> Result<LetterPreview, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter_slug, Permission::ManageLetters)?;
        let found = letter_previews::table
            .filter(letter_previews::id.eq(id))
            .filter(letter_previews::letter_id.eq(&view.letter.id))
            .select(LetterPreview::as_select())
            .first_or_not_found(conn, format!("preview link {id:?}"))?;
        if found.revoked_at.is_some() {
            return Ok(found);
        }
        let revoked = LetterPreview {
            revoked_at: Some(now()),
            ..found
        };
        diesel::update(letter_previews::table.find(&revoked.id))
            .set(letter_previews::revoked_at.eq(revoked.revoked_at))
            .execute(conn)?;
        view.event(
            "letter.preview_revoked",
            json!({"preview": revoked.id, "label": revoked.label}),
        )
        .record(conn, actor)?;
        Ok(revoked)
    })
}

/// What the link with `token` shows, to anyone: 404 for a token no link has, 410 for a revoked
/// link, the draft, or the public page's slug once the letter has opened.
pub fn open(conn: &mut DbConnection, token: &Token) -> Result<Previewed, AppError> {
    let link = letter_previews::table
        .filter(letter_previews::token_hash.eq(token.hash()))
        .select(LetterPreview::as_select())
        .first_or_not_found(conn, "this preview link")?;
    if link.revoked_at.is_some() {
        return Err(AppError::Gone(
            "this preview link was withdrawn by the letter's coordinators".into(),
        ));
    }
    let view = letters::find(conn, &link.letter_id, Audience::Admin)?;
    Ok(match view.state() {
        LetterState::Draft => Previewed::Draft(Box::new(view)),
        _ => Previewed::Published(view.letter.slug),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_optional_and_bounded() {
        assert_eq!(PreviewFields::default().parse().unwrap(), None);
        let blank = PreviewFields {
            label: Some("  ".into()),
        };
        assert_eq!(blank.parse().unwrap(), None);
        let edri = PreviewFields {
            label: Some(" for EDRi ".into()),
        };
        assert_eq!(edri.parse().unwrap().as_deref(), Some("for EDRi"));
        let long = PreviewFields {
            label: Some("x".repeat(LABEL_MAX + 1)),
        };
        match long.parse() {
            Err(AppError::Validation(fields)) => assert!(fields.contains_key("label")),
            other => panic!("{other:?}"),
        }
    }
}
