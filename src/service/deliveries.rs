//! Delivering a letter to its recipient: the move from `closed` to `delivered`, which mails the
//! letter with its list grouped by country through the outbox (when the letter has the
//! recipient's address), records the delivery on the timeline and in the audit log, and freezes
//! the list: from then on no signature joins, leaves or changes name on it. The delivery keeps
//! the ledger's head at that moment, so anyone can check later that the list is the one
//! delivered.

use crate::db::query::FirstOrNotFound;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::domain::text::text;
use crate::error::FieldCollector;

use super::access::Actor;
use super::letters::{self, DeliveryOptions, LetterView};
use super::{new_id, public_list};
use crate::db::models::Delivery;
use crate::db::schema::deliveries;
use crate::db::DbConnection;
use crate::domain::campaign::EventKind;
use crate::domain::ledger::LedgerKey;
use crate::domain::LetterState;
use crate::error::AppError;

/// Deliver a closed letter: see the module's documentation.
pub fn deliver(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    options: &DeliveryOptions,
) -> Result<(LetterView, Delivery), AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::move_to(
            conn,
            key,
            actor,
            slug_or_id,
            LetterState::Delivered,
            options,
        )?;
        let delivery = find(conn, &view.letter.id)?
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("delivery not recorded")))?;
        Ok((view, delivery))
    })
}

/// The delivery of a letter, if it was delivered.
pub fn find(conn: &mut DbConnection, letter_id: &str) -> Result<Option<Delivery>, AppError> {
    Ok(deliveries::table
        .filter(deliveries::letter_id.eq(letter_id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()?)
}

/// A delivery by id (the outbox worker renders its mail).
pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<Delivery, AppError> {
    deliveries::table
        .find(id)
        .select(Delivery::as_select())
        .first_or_not_found(conn, format!("delivery {id:?}"))
}

/// Record a letter's delivery, in the transaction that moves it to `delivered`.
pub(crate) fn record(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    view: &LetterView,
    options: &DeliveryOptions,
    at: NaiveDateTime,
) -> Result<Delivery, AppError> {
    let letter = &view.letter;
    let summary = public_list::summary(conn, &letter.id)?;
    let head = super::ledger::head(conn, key, &letter.id)?;
    let email = letter.recipient_email.clone().filter(|_| options.by_email);
    let delivery = Delivery {
        id: new_id(),
        letter_id: letter.id.clone(),
        recipient_email: email.clone(),
        signatories: summary.total,
        countries: summary.countries.len() as i64,
        ledger_seq: head.length,
        ledger_hash: head.hash.clone(),
        note: options.note.clone(),
        delivered_at: at,
    };
    diesel::insert_into(deliveries::table)
        .values(&delivery)
        .execute(conn)?;
    if let Some(address) = &email {
        super::outbox::enqueue_delivery(conn, address, &delivery.id)?;
    }
    let how = if email.is_some() {
        "by email"
    } else {
        "by hand"
    };
    super::campaigns::record_event(
        conn,
        letter,
        EventKind::Delivered,
        format!(
            "“{}” delivered to {} {how}, with {} signatories from {} countries",
            letter.title, letter.recipient_name, delivery.signatories, delivery.countries
        ),
        options.note.clone().unwrap_or_default(),
        at,
    )?;
    view.event(
        "letter.delivered",
        json!({
            "by_email": email.is_some(),
            "signatories": delivery.signatories,
            "countries": delivery.countries,
            "ledger_length": delivery.ledger_seq,
            "ledger_hash": delivery.ledger_hash,
        }),
    )
    .record(conn, actor)?;
    Ok(delivery)
}

const NOTE_MAX: usize = 2_000;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverFields {
    /// Mail the letter and its list to the recipient's address, when the letter has one
    /// (default true). False: delivered by hand (print `/letters/{slug}/print`).
    pub by_email: Option<bool>,
    /// Shown on the timeline: how, where, to whom it was handed.
    pub note: Option<String>,
}

impl DeliverFields {
    pub fn parse(self) -> Result<DeliveryOptions, AppError> {
        let mut errors = FieldCollector::new();
        let note = errors.optional(
            "note",
            self.note.as_deref().filter(|n| !n.trim().is_empty()),
            text(NOTE_MAX),
        );
        errors.finish()?;
        Ok(DeliveryOptions {
            by_email: self.by_email.unwrap_or(true),
            note,
        })
    }
}
