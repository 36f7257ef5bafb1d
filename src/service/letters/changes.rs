//! What an update changed in a letter, for the audit log: only the fields whose value differs,
//! each with its value before and after (issue 24: an entry listed every field a form sent).

use serde_json::{json, Map, Value};

use crate::db::models::Letter;
use crate::db::DbConnection;
use crate::domain::text::utc;
use crate::error::AppError;

/// The details of a `letter.updated` entry: `fields`, the names of the changed fields (as
/// before), and `changes`, each one's `{before, after}`; `None` when nothing changed. The
/// recipient's address is named in `fields` but its values are not logged (the log holds no
/// contact address); the campaign is given by its title, a deadline as an RFC 3339 time.
pub(super) fn details(
    conn: &mut DbConnection,
    before: &Letter,
    after: &Letter,
) -> Result<Option<Value>, AppError> {
    let mut fields = Vec::new();
    let mut changes = Map::new();
    let mut note = |name: &'static str, old: Value, new: Value| {
        if old != new {
            fields.push(name);
            changes.insert(name.into(), json!({"before": old, "after": new}));
        }
    };
    // In the order the form shows them; the campaign (by its title) before the licence.
    let values: [(&'static str, Field); 10] = [
        ("title", |l| json!(l.title)),
        ("body", |l| json!(l.body)),
        ("recipient_name", |l| json!(l.recipient_name)),
        ("recipient_email", |l| json!(l.recipient_email)),
        ("place_and_date", |l| json!(l.place_and_date)),
        ("language", |l| json!(l.language)),
        ("moderation", |l| json!(l.moderation)),
        ("visibility", |l| json!(l.visibility)),
        ("deadline", |l| json!(l.deadline.map(utc))),
        ("opens_at", |l| json!(l.opens_at.map(utc))),
    ];
    for (name, value) in values {
        note(name, value(before), value(after));
    }
    if before.campaign_id != after.campaign_id {
        let old = campaign_title(conn, before.campaign_id.as_deref())?;
        let new = campaign_title(conn, after.campaign_id.as_deref())?;
        note("campaign", json!(old), json!(new));
    }
    note(
        "text_licence",
        json!(before.text_licence),
        json!(after.text_licence),
    );
    changes.remove("recipient_email");
    if fields.is_empty() {
        return Ok(None);
    }
    Ok(Some(json!({"fields": fields, "changes": changes})))
}

/// How a field of a letter reads in the log.
type Field = fn(&Letter) -> Value;

fn campaign_title(conn: &mut DbConnection, id: Option<&str>) -> Result<Option<String>, AppError> {
    Ok(crate::service::campaigns::by_id(conn, id)?.map(|campaign| campaign.title))
}
