//! Coordinators' tools against fraudulent signing: find a letter's signatures by email domain,
//! network (the keyed hash of the client's /24 or /48, never an address) or time window, with a
//! preview of what would change; reject every match in one go; and the surge alert on the
//! dashboard. Plus the start-up backfill of the address keys of rows older than the columns.

use crate::service::OnePage;
use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::domain::text::timestamp;
use crate::domain::EmailDomain;
use crate::error::FieldCollector;

use super::access::Actor;
use super::audit::Event;
use super::letters;
use super::signatures::{is_live, SignatureView};
use super::{now, public_list, Page, PageRequest};
use crate::db::models::{Organisation, Signature};
use crate::db::schema::{organisations, outbox, signatures};
use crate::db::DbConnection;
use crate::domain::ledger::LedgerKey;
use crate::domain::{abuse, LetterState, MailKind, MailState, Permission, SignatureState};
use crate::error::AppError;

/// Give rows signed before the address keys existed their key and domain. Runs at start-up, in
/// batches; does nothing once every row has one.
pub fn backfill_email_keys(conn: &mut DbConnection) -> Result<usize, AppError> {
    let mut done = 0;
    loop {
        let rows: Vec<(String, String)> = signatures::table
            .filter(signatures::email_key.eq(""))
            .filter(signatures::email.ne(""))
            .select((signatures::id, signatures::email))
            .limit(500)
            .load(conn)?;
        if rows.is_empty() {
            return Ok(done);
        }
        crate::db::write_transaction(conn, |conn| {
            for (id, email) in &rows {
                let key = abuse::email_key(email);
                diesel::update(signatures::table.find(id))
                    .set((
                        signatures::email_domain.eq(abuse::email_domain(&key)),
                        signatures::email_key.eq(key),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })?;
        done += rows.len();
    }
}

/// Which of a letter's signatures a coordinator looks for. At least one of domain, network or
/// time bound must be given, so that no filter matches a whole list by accident.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchFilter {
    /// The signer's email domain (`example.org`; Gmail's `googlemail.com` counts as `gmail.com`).
    pub email_domain: Option<String>,
    /// A network as coordinator views show it (16 hex digits).
    pub network: Option<String>,
    /// Signed at or after.
    pub since: Option<NaiveDateTime>,
    /// Signed before.
    pub until: Option<NaiveDateTime>,
    /// Only this state; by default every live one (pending, confirmed, published).
    pub state: Option<SignatureState>,
}

impl MatchFilter {
    pub fn is_empty(&self) -> bool {
        self.email_domain.is_none()
            && self.network.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// The filter in the audit log.
    fn details(&self) -> serde_json::Value {
        json!({
            "email_domain": self.email_domain,
            "network": self.network,
            "since": self.since,
            "until": self.until,
            "state": self.state.map(SignatureState::as_str),
        })
    }
}

/// A network's text, as stored and shown: 16 lowercase hex digits.
pub fn parse_network(input: &str) -> Result<String, String> {
    let s = input.trim().to_ascii_lowercase();
    if s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err("must be a network as shown in the signature list (16 hex digits)".into())
    }
}

/// What a filter finds: how many match in each state, and a page of them (newest first).
pub struct Preview {
    pub total: i64,
    /// (state, count), for the live states.
    pub by_state: Vec<(SignatureState, i64)>,
    pub page: Page<SignatureView>,
}

type Boxed = signatures::BoxedQuery<'static, crate::db::pool::MultiBackend>;

fn matching(letter_id: &str, filter: &MatchFilter) -> Result<Boxed, AppError> {
    let mut q = signatures::table
        .filter(signatures::letter_id.eq(letter_id.to_string()))
        .into_boxed::<crate::db::pool::MultiBackend>();
    match filter.state {
        Some(state) if state.is_live() => q = q.filter(signatures::state.eq(state.as_str())),
        Some(_) => {
            return Err(AppError::field(
                "state",
                "must be pending, confirmed or published: only live signatures can be rejected",
            ))
        }
        None => q = q.filter(is_live()),
    }
    if let Some(domain) = &filter.email_domain {
        q = q.filter(signatures::email_domain.eq(domain.clone()));
    }
    if let Some(network) = &filter.network {
        q = q.filter(signatures::network.eq(network.clone()));
    }
    if let Some(since) = filter.since {
        q = q.filter(signatures::created_at.ge(since));
    }
    if let Some(until) = filter.until {
        q = q.filter(signatures::created_at.lt(until));
    }
    Ok(q)
}

fn require_filter(filter: &MatchFilter) -> Result<(), AppError> {
    if filter.is_empty() {
        return Err(AppError::field(
            "filter",
            "give an email domain, a network or a time window",
        ));
    }
    Ok(())
}

/// The live signatures of `letter` that `filter` matches, as a preview (the moderator role).
pub fn find(
    conn: &mut DbConnection,
    actor: &Actor,
    letter: &str,
    filter: &MatchFilter,
    page: PageRequest,
) -> Result<Preview, AppError> {
    let view = letters::find_for(conn, actor, letter, Permission::Moderate)?;
    require_filter(filter)?;
    let id = view.letter.id.clone();
    let states: Vec<String> = matching(&id, filter)?
        .select(signatures::state)
        .load(conn)?;
    let by_state = SignatureState::LIVE
        .iter()
        .map(|s| {
            let n = states.iter().filter(|x| x.as_str() == s.as_str()).count();
            (*s, i64::try_from(n).unwrap_or(i64::MAX))
        })
        .collect::<Vec<_>>();
    let total = by_state.iter().map(|(_, n)| n).sum();
    let ids: Vec<String> = matching(&id, filter)?
        .select(signatures::id)
        .order((signatures::created_at.desc(), signatures::id.desc()))
        .one_page(page)
        .load(conn)?;
    let rows: Vec<(Signature, Organisation)> = signatures::table
        .inner_join(organisations::table)
        .filter(signatures::id.eq_any(&ids))
        .select((Signature::as_select(), Organisation::as_select()))
        .order((signatures::created_at.desc(), signatures::id.desc()))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| SignatureView::listed(&view.letter, row))
        .collect();
    Ok(Preview {
        total,
        by_state,
        page: Page::new(items, page, total),
    })
}

/// What a bulk rejection did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    pub rejected: i64,
    /// Of those, the ones that were on the public list and were taken off it (a `removed` entry
    /// each in the ledger).
    pub removed_from_list: i64,
}

/// Reject every live signature of `letter` that `filter` matches, with `reason`, in one
/// transaction (the moderator role). `expected` is the count the coordinator's preview showed:
/// if as many no longer match, nothing changes (409 `preview_changed`), so what was previewed is
/// what changes. Published signatures leave the public list with a `removed` ledger entry;
/// pending ones' unsent confirmation mails are not sent. One audit event names the filter and
/// the count.
pub fn reject_matching(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    letter: &str,
    filter: &MatchFilter,
    reason: &str,
    expected: i64,
) -> Result<Rejected, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let view = letters::find_for(conn, actor, letter, Permission::Moderate)?;
        require_filter(filter)?;
        let letter = view.letter;
        let state: LetterState = letter.state.parse().unwrap_or(LetterState::Draft);
        if !matches!(state, LetterState::Open | LetterState::Closed) {
            return Err(AppError::conflict(
                "letter_finished",
                format!("signatures of a {state} letter can no longer be rejected"),
            ));
        }
        let found: Vec<(String, String)> = matching(&letter.id, filter)?
            .select((signatures::id, signatures::state))
            .load(conn)?;
        let count = i64::try_from(found.len()).unwrap_or(i64::MAX);
        if count != expected {
            return Err(AppError::conflict(
                "preview_changed",
                format!("{count} signatures match now, not {expected} as previewed; preview again"),
            ));
        }
        let now = now();
        let mut removed = 0;
        for (id, was) in &found {
            super::signatures::set_rejected(conn, id, reason, now)?;
            if was == SignatureState::Published.as_str() {
                public_list::remove(conn, key, id, now)?;
                removed += 1;
            }
        }
        let ids: Vec<&String> = found.iter().map(|(id, _)| id).collect();
        for chunk in ids.chunks(500) {
            diesel::update(
                outbox::table
                    .filter(outbox::signature_id.eq_any(chunk.iter().map(|s| s.as_str())))
                    .filter(outbox::kind.eq(MailKind::SignatureConfirmation.as_str()))
                    .filter(outbox::state.eq(MailState::Queued.as_str())),
            )
            .set((
                outbox::state.eq(MailState::Sent.as_str()),
                outbox::sent_at.eq(None::<NaiveDateTime>),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some("not sent: the signature was rejected")),
            ))
            .execute(conn)?;
        }
        let details = json!({
            "filter": filter.details(),
            "rejected": count,
            "removed_from_list": removed,
            "reason": reason,
        });
        Event::new(
            "signatures.rejected_matching",
            ("letter", &letter.id),
            details,
        )
        .on_letter(&letter.coalition_id, &letter.id)
        .record(conn, actor)?;
        Ok(Rejected {
            rejected: count,
            removed_from_list: removed,
        })
    })
}

/// When signing from one email domain or network counts as a surge (from the settings).
#[derive(Debug, Clone, Copy)]
pub struct SurgePolicy {
    /// How far back the dashboard looks.
    pub window: Duration,
    /// More than this many signatures in the window…
    pub min_signatures: i64,
    /// …and more than this share (per cent) of the letter's signatures in the window.
    pub min_share_percent: i64,
}

/// A domain or network behind a large share of a letter's recent signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surge {
    /// `email_domain` or `network`: the filter's field.
    pub field: &'static str,
    pub value: String,
    pub count: i64,
    /// Every signature of the letter in the window.
    pub of: i64,
    /// Where the window starts, for the find form's `since`.
    pub since: NaiveDateTime,
}

/// The surges on `letter` in the policy's window (the viewer role sees the letter page; the
/// alert names only a domain or a network hash). Free-mail domains are left out: many unrelated
/// people share them.
pub fn surges(
    conn: &mut DbConnection,
    letter_id: &str,
    policy: &SurgePolicy,
) -> Result<Vec<Surge>, AppError> {
    if policy.min_signatures <= 0 && policy.min_share_percent <= 0 {
        return Ok(Vec::new());
    }
    let since = now() - policy.window;
    let rows: Vec<(String, Option<String>)> = signatures::table
        .filter(signatures::letter_id.eq(letter_id))
        .filter(signatures::created_at.ge(since))
        .select((signatures::email_domain, signatures::network))
        .load(conn)?;
    let of = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let mut domains: HashMap<&str, i64> = HashMap::new();
    let mut networks: HashMap<&str, i64> = HashMap::new();
    for (domain, network) in &rows {
        if !domain.is_empty() && !abuse::is_free_mail(domain) {
            *domains.entry(domain).or_default() += 1;
        }
        if let Some(n) = network {
            *networks.entry(n).or_default() += 1;
        }
    }
    let surging =
        |count: i64| count > policy.min_signatures && count * 100 > policy.min_share_percent * of;
    let mut found: Vec<Surge> = domains
        .into_iter()
        .map(|(v, c)| ("email_domain", v, c))
        .chain(networks.into_iter().map(|(v, c)| ("network", v, c)))
        .filter(|&(_, _, c)| surging(c))
        .map(|(field, value, count)| Surge {
            field,
            value: value.to_string(),
            count,
            of,
            since,
        })
        .collect();
    found.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    Ok(found)
}

/// What to look for; at least one of `email_domain`, `network`, `since`, `until`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// The signers' email domain, e.g. `example.org`.
    #[serde(default)]
    pub email_domain: Option<String>,
    /// A network as the signature list shows it (16 hex digits: a keyed hash of the /24 or /48
    /// the request came from, never an address).
    #[serde(default)]
    pub network: Option<String>,
    /// Signed at or after (RFC 3339).
    #[serde(default)]
    pub since: Option<String>,
    /// Signed before (RFC 3339).
    #[serde(default)]
    pub until: Option<String>,
    /// `pending`, `confirmed` or `published`; default: all three.
    #[serde(default)]
    pub state: Option<String>,
}

fn blank_is_none(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

impl MatchQuery {
    /// Parse into a filter, naming each field that fails; records into `errors`.
    pub fn parse_into(&self, errors: &mut FieldCollector) -> MatchFilter {
        let filter = MatchFilter {
            email_domain: errors
                .optional(
                    "email_domain",
                    blank_is_none(&self.email_domain),
                    EmailDomain::parse,
                )
                .map(|d| {
                    crate::domain::abuse::email_domain(&crate::domain::abuse::email_key(&format!(
                        "x@{}",
                        d.as_str()
                    )))
                }),
            network: errors.optional("network", blank_is_none(&self.network), parse_network),
            since: errors.optional("since", blank_is_none(&self.since), timestamp),
            until: errors.optional("until", blank_is_none(&self.until), timestamp),
            state: errors.optional("state", blank_is_none(&self.state), |s| {
                s.parse::<SignatureState>()
                    .map_err(|e| e.to_string())
                    .and_then(|st| {
                        if st.is_live() {
                            Ok(st)
                        } else {
                            Err("must be pending, confirmed or published".into())
                        }
                    })
            }),
        };
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if until <= since {
                errors.add("until", "must be after since");
            }
        }
        filter
    }
}
