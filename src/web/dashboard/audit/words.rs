//! The audit log in words: each entry one sentence with who did what, from its action and its
//! details (`locales/en/dashboard.ftl`, one message per action the services record); a run of
//! like entries (approving several signatures at once) is one sentence with their number.

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::db::models::AuditRow;
use crate::i18n::{Arg, Lang};

/// One line of the log as a person reads it.
pub struct Entry {
    pub at: NaiveDateTime,
    /// The action (`signature.approved`), kept for the page's `data-action`.
    pub action: String,
    pub sentence: String,
}

/// Actions done to many signatures or invitations at once, read as one sentence when one person
/// did them one after another.
const IN_RUNS: [&str; 5] = [
    "signature.approved",
    "signature.rejected",
    "signature.imported",
    "invitation.sent",
    "invitation.reminded",
];

/// How far apart two entries of one run may be.
const RUN_GAP_SECONDS: i64 = 300;

/// The entries of a page in words, in the page's order.
pub fn entries(t: Lang, rows: Vec<AuditRow>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut run: Vec<(AuditRow, Value)> = Vec::new();
    for row in rows {
        let details: Value = serde_json::from_str(&row.details).unwrap_or(Value::Null);
        let joins = run.last().is_some_and(|(last, last_details)| {
            IN_RUNS.contains(&row.action.as_str())
                && last.action == row.action
                && last.actor_kind == row.actor_kind
                && last.actor_id == row.actor_id
                && last_details.get("reason") == details.get("reason")
                && (last.occurred_at - row.occurred_at).num_seconds().abs() <= RUN_GAP_SECONDS
        });
        if !joins && !run.is_empty() {
            out.push(entry_of(t, std::mem::take(&mut run)));
        }
        run.push((row, details));
    }
    if !run.is_empty() {
        out.push(entry_of(t, run));
    }
    out
}

fn entry_of(t: Lang, run: Vec<(AuditRow, Value)>) -> Entry {
    let (row, details) = &run[0];
    let sentence = if run.len() == 1 {
        sentence(t, row, details)
    } else {
        // In the order they were done, whichever order the page reads in.
        let mut done: Vec<&(AuditRow, Value)> = run.iter().collect();
        done.sort_by(|(a, _), (b, _)| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
        let names: Vec<String> = done
            .iter()
            .map(|(_, d)| organisation(d).unwrap_or_default())
            .collect();
        let id = match row.action.as_str() {
            "signature.approved" => "dash-audit-signature-approved-many",
            "signature.rejected" => "dash-audit-signature-rejected-many",
            "signature.imported" => "dash-audit-signature-imported-many",
            "invitation.sent" => "dash-audit-invitation-sent-many",
            _ => "dash-audit-invitation-reminded-many",
        };
        let args = [
            ("who", Arg::Text(row.actor_name.clone())),
            ("count", Arg::Number(run.len() as i64)),
            ("organisations", Arg::Text(names.join(", "))),
        ];
        with_reason(t, t.with(id, &args), details)
    };
    Entry {
        at: row.occurred_at,
        action: row.action.clone(),
        sentence: capitalised(sentence),
    }
}

/// `Name (FR)`, as the log names an organisation.
fn organisation(d: &Value) -> Option<String> {
    let name = d.get("organisation")?.as_str()?;
    Some(match d.get("country").and_then(Value::as_str) {
        Some(country) => format!("{name} ({country})"),
        None => name.to_string(),
    })
}

/// The details every sentence may name, as its placeholders.
const PLACEHOLDERS: [&str; 21] = [
    "title",
    "label",
    "name",
    "language",
    "version",
    "note",
    "format",
    "signatures",
    "retention_days",
    "subject",
    "recipients",
    "role",
    "user",
    "from",
    "to",
    "reminder",
    "rejected",
    "removed_from_list",
    "signatories",
    "countries",
    "api_tokens_revoked",
];

fn arg(value: &Value) -> Option<Arg> {
    match value {
        Value::String(s) => Some(Arg::Text(s.clone())),
        Value::Number(n) => n.as_i64().map(Arg::Number),
        _ => None,
    }
}

/// One entry in words.
pub fn sentence(t: Lang, row: &AuditRow, d: &Value) -> String {
    let mut args: Vec<(&'static str, Arg)> = vec![("who", Arg::Text(row.actor_name.clone()))];
    if let Some(name) = organisation(d) {
        args.push(("organisation", Arg::Text(name)));
    }
    for key in PLACEHOLDERS {
        if let Some(value) = d.get(key).and_then(arg) {
            args.push((key, value));
        }
    }
    let id = match row.action.as_str() {
        "letter.created" => "dash-audit-letter-created",
        "letter.updated" => return letter_updated(t, args, d),
        "letter.state_changed" if d["reason"] == "deadline" => {
            return capitalised(t.with("dash-audit-letter-closed-at-deadline", &args));
        }
        "letter.state_changed" => "dash-audit-letter-state-changed",
        "letter.delivered" if d["by_email"] == true => "dash-audit-letter-delivered-by-email",
        "letter.delivered" => "dash-audit-letter-delivered",
        "letter.exported" => "dash-audit-letter-exported",
        "letter.preview_created" if d["label"].is_string() => {
            "dash-audit-letter-preview-created-for"
        }
        "letter.preview_created" => "dash-audit-letter-preview-created",
        "letter.preview_revoked" if d["label"].is_string() => {
            "dash-audit-letter-preview-revoked-for"
        }
        "letter.preview_revoked" => "dash-audit-letter-preview-revoked",
        "letter.signer_emails_removed" => "dash-audit-letter-signer-emails-removed",
        "letter.translation_saved" => "dash-audit-letter-translation-saved",
        "letter.translation_removed" => "dash-audit-letter-translation-removed",
        "letter.version_published" if d["note"].as_str().is_some_and(|n| !n.is_empty()) => {
            "dash-audit-letter-version-published-note"
        }
        "letter.version_published" => "dash-audit-letter-version-published",
        "signature.created" => "dash-audit-signature-created",
        "signature.created_held" => "dash-audit-signature-created-held",
        "signature.confirmed" => "dash-audit-signature-confirmed",
        "signature.confirmed_and_published" => "dash-audit-signature-confirmed-and-published",
        "signature.confirmed_unproven_domain" => "dash-audit-signature-confirmed-unproven-domain",
        "signature.confirmed_held" => "dash-audit-signature-confirmed-held",
        "signature.approved" => "dash-audit-signature-approved",
        "signature.rejected" => "dash-audit-signature-rejected",
        "signature.withdrawn" => "dash-audit-signature-withdrawn",
        "signature.imported" => "dash-audit-signature-imported",
        "signature.erased" => "dash-audit-signature-erased",
        "signature.superseded_by_invitation" => "dash-audit-signature-superseded-by-invitation",
        "signature.unsubscribed" => "dash-audit-signature-unsubscribed",
        "signatures.rejected_matching" => "dash-audit-signatures-rejected-matching",
        "invitation.sent" if d["resent"] == true => "dash-audit-invitation-resent",
        "invitation.sent" => "dash-audit-invitation-sent",
        "invitation.scheduled" => "dash-audit-invitation-scheduled",
        "invitation.reminded" => "dash-audit-invitation-reminded",
        "invitation.opened" => "dash-audit-invitation-opened",
        "invitation.signed" => "dash-audit-invitation-signed",
        "organisation.created" => "dash-audit-organisation-created",
        "organisation.updated" | "organisation.verification_changed"
            if d.get("after").is_some() =>
        {
            return organisation_updated(t, args, d);
        }
        "organisation.verification_changed" if d["checked_by_this_coalition"] == true => {
            "dash-audit-organisation-checked"
        }
        "organisation.verification_changed" => "dash-audit-organisation-unchecked",
        "organisation.updated" => "dash-audit-organisation-updated",
        "organisation.linked" => "dash-audit-organisation-linked",
        "organisation.unlinked" => "dash-audit-organisation-unlinked",
        "organisation.merged" => {
            args.push((
                "merged",
                Arg::Text(organisation(&d["merged"]).unwrap_or_default()),
            ));
            args.push((
                "into",
                Arg::Text(organisation(&d["into"]).unwrap_or_default()),
            ));
            "dash-audit-organisation-merged"
        }
        "coalition.created" => "dash-audit-coalition-created",
        "membership.invited" => "dash-audit-membership-invited",
        "membership.accepted" => "dash-audit-membership-accepted",
        "membership.declined" => "dash-audit-membership-declined",
        "membership.added" => "dash-audit-membership-added",
        "membership.changed" => "dash-audit-membership-changed",
        "membership.removed" => "dash-audit-membership-removed",
        "user.created" if d.get("through").is_some() => "dash-audit-user-created-setup",
        "user.created" => "dash-audit-user-created",
        "user.password_changed" => "dash-audit-user-password-changed",
        "api_token.created" => "dash-audit-api-token-created",
        "api_token.revoked" => "dash-audit-api-token-revoked",
        "campaign.created" => "dash-audit-campaign-created",
        "campaign.updated" => {
            args.push(("fields", Arg::Text(field_list(t, &d["fields"]))));
            "dash-audit-campaign-updated"
        }
        "campaign.event_posted" => "dash-audit-campaign-event-posted",
        "campaign.event_deleted" => "dash-audit-campaign-event-deleted",
        "country.added" => "dash-audit-country-added",
        "country.removed" => "dash-audit-country-removed",
        "import.applied" => {
            let totals = &d["totals"];
            args.push(("lines", totals["lines"].as_i64().unwrap_or(0).into()));
            let new = totals["signatures_new"].as_i64().unwrap_or(0);
            args.push(("signatures_new", new.into()));
            "dash-audit-import-applied"
        }
        "mail.retried" => {
            let kind = super::super::outbox::kind_in_words(t, d["kind"].as_str().unwrap_or(""));
            args.push(("kind", Arg::Text(kind)));
            "dash-audit-mail-retried"
        }
        "update.sent" => "dash-audit-update-sent",
        other => {
            args.push(("action", Arg::Text(other.to_string())));
            args.push(("details", Arg::Text(d.to_string())));
            "dash-audit-unknown"
        }
    };
    capitalised(with_reason(t, t.with(id, &args), d))
}

/// A sentence with the reason its entry gives (a rejection's, an erasure's), if any.
fn with_reason(t: Lang, sentence: String, d: &Value) -> String {
    match d.get("reason").and_then(Value::as_str).map(str::trim) {
        Some(reason) if !reason.is_empty() => {
            format!(
                "{sentence} {}",
                t.with1("dash-audit-reason", "reason", reason.to_string())
            )
        }
        _ => sentence,
    }
}

fn capitalised(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// A letter's change: each changed field with its value before and after; an entry of the old
/// shape (names only) as the list of what changed.
fn letter_updated(t: Lang, mut args: Vec<(&'static str, Arg)>, d: &Value) -> String {
    let Some(changes) = d.get("changes").and_then(Value::as_object) else {
        args.push(("fields", Arg::Text(field_list(t, &d["fields"]))));
        return capitalised(t.with("dash-audit-letter-updated-fields", &args));
    };
    let names: Vec<&str> = d["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let parts: Vec<String> = names
        .iter()
        .map(|name| change(t, name, changes.get(*name)))
        .collect();
    args.push(("changes", Arg::Text(parts.join("; "))));
    capitalised(t.with("dash-audit-letter-updated", &args))
}

/// A directory entry's change, from its `before` and `after`.
fn organisation_updated(t: Lang, mut args: Vec<(&'static str, Arg)>, d: &Value) -> String {
    let (before, after) = (&d["before"], &d["after"]);
    let parts: Vec<String> = ["name", "country", "website", "email_domain", "verification"]
        .into_iter()
        .filter(|key| before[key] != after[key])
        .map(|key| {
            let values = serde_json::json!({"before": before[key], "after": after[key]});
            change(t, key, Some(&values))
        })
        .collect();
    let name = after["name"].as_str().unwrap_or_default().to_string();
    args.push(("name", Arg::Text(name)));
    args.push(("changes", Arg::Text(parts.join("; "))));
    capitalised(t.with("dash-audit-organisation-changed", &args))
}

/// "the deadline from … to …", or only the field's name when its values are not logged (the
/// text, an address).
fn change(t: Lang, field: &str, values: Option<&Value>) -> String {
    let field_words = field_name(t, field);
    let Some(values) = values.filter(|_| field != "body") else {
        return t.with1("dash-audit-change-field", "field", field_words);
    };
    let value = |v: &Value| -> String {
        match v {
            Value::Null => t.get("dash-audit-value-none"),
            Value::String(s) if field == "deadline" || field == "opens_at" => s
                .parse::<chrono::DateTime<chrono::Utc>>()
                .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|_| s.clone()),
            // Words the writer chose are quoted; a setting's value (manual, public, en) is not.
            Value::String(s)
                if [
                    "moderation",
                    "visibility",
                    "language",
                    "verification",
                    "country",
                ]
                .contains(&field) =>
            {
                s.clone()
            }
            Value::String(s) => quoted(s),
            other => other.to_string(),
        }
    };
    let args = [
        ("field", Arg::Text(field_words)),
        ("before", Arg::Text(value(&values["before"]))),
        ("after", Arg::Text(value(&values["after"]))),
    ];
    t.with("dash-audit-change", &args)
}

/// A value in quotes, cut at 80 characters.
fn quoted(s: &str) -> String {
    let mut short: String = s.chars().take(80).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("“{short}”")
}

fn field_list(t: Lang, fields: &Value) -> String {
    let names: Vec<String> = fields
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|f| field_name(t, f))
                .collect()
        })
        .unwrap_or_default();
    names.join(", ")
}

/// A field's name in words.
fn field_name(t: Lang, field: &str) -> String {
    let id = match field {
        "title" => "dash-audit-field-title",
        "body" => "dash-audit-field-body",
        "recipient_name" => "dash-audit-field-recipient-name",
        "recipient_email" => "dash-audit-field-recipient-email",
        "place_and_date" => "dash-audit-field-place-and-date",
        "language" => "dash-audit-field-language",
        "moderation" => "dash-audit-field-moderation",
        "visibility" => "dash-audit-field-visibility",
        "deadline" => "dash-audit-field-deadline",
        "opens_at" => "dash-audit-field-opens-at",
        "campaign" => "dash-audit-field-campaign",
        "text_licence" => "dash-audit-field-text-licence",
        "name" => "dash-audit-field-name",
        "country" => "dash-audit-field-country",
        "website" => "dash-audit-field-website",
        "email_domain" => "dash-audit-field-email-domain",
        "verification" => "dash-audit-field-verification",
        other => return other.replace('_', " "),
    };
    t.get(id)
}

/// A kind of entry (an action's family) in words, for the filter.
pub fn kind_name(t: Lang, kind: &str) -> String {
    let id = match kind {
        "letter" => "dash-audit-kind-letter",
        "signature" => "dash-audit-kind-signature",
        "invitation" => "dash-audit-kind-invitation",
        "organisation" => "dash-audit-kind-organisation",
        "coalition" => "dash-audit-kind-coalition",
        "membership" => "dash-audit-kind-membership",
        "user" => "dash-audit-kind-user",
        "api_token" => "dash-audit-kind-api-token",
        "campaign" => "dash-audit-kind-campaign",
        "country" => "dash-audit-kind-country",
        "import" => "dash-audit-kind-import",
        "mail" => "dash-audit-kind-mail",
        "update" => "dash-audit-kind-update",
        other => return other.replace('_', " "),
    };
    t.get(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: &str, who: &str, at: &str, details: Value) -> AuditRow {
        AuditRow {
            id: format!("{action}-{at}"),
            occurred_at: at.parse().unwrap(),
            actor_kind: "user".into(),
            actor_id: Some(format!("id-{who}")),
            actor_name: who.into(),
            coalition_id: None,
            letter_id: None,
            subject_kind: "letter".into(),
            subject_id: "l".into(),
            action: action.into(),
            details: details.to_string(),
        }
    }

    fn read(rows: Vec<AuditRow>) -> Vec<String> {
        entries(Lang::default(), rows)
            .into_iter()
            .map(|e| e.sentence)
            .collect()
    }

    #[test]
    fn a_change_reads_with_its_values_before_and_after_and_an_old_entry_by_its_field_names() {
        let deadline = serde_json::json!({"fields": ["deadline", "body", "recipient_email"],
            "changes": {"deadline": {"before": "2036-12-20T12:00:00Z", "after": "2037-01-10T12:00:00Z"},
                        "body": {"before": "Old", "after": "New"}}});
        let old = serde_json::json!({"fields": ["title", "body", "place_and_date"]});
        let settings = serde_json::json!({"fields": ["title", "moderation"],
            "changes": {"title": {"before": "Stop", "after": "Stop it"},
                        "moderation": {"before": "auto", "after": "manual"}}});
        let at = "2026-12-04T10:00:00";
        assert_eq!(
            read(vec![
                row("letter.updated", "Ana Lima", at, deadline),
                row("letter.updated", "Ana Lima", at, old),
                row("letter.updated", "Ana Lima", at, settings),
            ]),
            [
                "Ana Lima changed the deadline from 2036-12-20 12:00 UTC to 2037-01-10 12:00 UTC; \
                 the text; the recipient address",
                "Ana Lima changed the title, text, place and date",
                "Ana Lima changed the title from “Stop” to “Stop it”; the moderation from auto to manual",
            ]
        );
    }

    #[test]
    fn one_persons_run_of_approvals_is_one_sentence_and_a_reason_is_given() {
        let org = |name: &str| serde_json::json!({"organisation": name, "country": "FR"});
        let rejected =
            serde_json::json!({"organisation": "D", "country": "BE", "reason": "Not a member"});
        let sentences = read(vec![
            row(
                "signature.approved",
                "Ana Lima",
                "2026-12-04T10:00:02",
                org("C"),
            ),
            row(
                "signature.approved",
                "Ana Lima",
                "2026-12-04T10:00:01",
                org("B"),
            ),
            row(
                "signature.approved",
                "Ana Lima",
                "2026-12-04T10:00:00",
                org("A"),
            ),
            row(
                "signature.approved",
                "Ben Ode",
                "2026-12-04T09:00:00",
                org("E"),
            ),
            row(
                "signature.rejected",
                "Ben Ode",
                "2026-12-04T08:00:00",
                rejected,
            ),
            row(
                "letter.frobbed",
                "Ben Ode",
                "2026-12-04T07:00:00",
                serde_json::json!({}),
            ),
        ]);
        assert_eq!(
            sentences[..3],
            [
                "Ana Lima approved 3 signatures: A (FR), B (FR), C (FR)",
                "Ben Ode approved the signature of E (FR)",
                "Ben Ode rejected the signature of D (BE) (reason: Not a member)",
            ]
        );
        assert!(sentences[3].contains("letter.frobbed"), "{sentences:?}");
    }

    #[test]
    fn a_state_change_and_a_close_at_the_deadline_read_differently() {
        let moved = serde_json::json!({"from": "draft", "to": "open"});
        let closed = serde_json::json!({"from": "open", "to": "closed", "reason": "deadline"});
        let mut system = row(
            "letter.state_changed",
            "the service",
            "2026-12-04T09:00:00",
            closed,
        );
        system.actor_kind = "system".into();
        system.actor_id = None;
        assert_eq!(
            read(vec![
                row(
                    "letter.state_changed",
                    "Ana Lima",
                    "2026-12-04T10:00:00",
                    moved
                ),
                system,
            ]),
            [
                "Ana Lima moved the letter from draft to open",
                "The service closed the letter at its deadline",
            ]
        );
    }
}
