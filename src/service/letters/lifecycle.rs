//! A letter's life: draft, open, closed, delivered, archived; deadlines that close it.

#[allow(unused_imports)]
use super::*;

/// Move a letter to the next state of its life cycle (or reopen a closed one), stamping the time
/// of the move. Opening a letter starts its ledger with the text it opens with (reopening a closed
/// one does not: its ledger goes on, and its `closed_at` is cleared); delivering it delivers it by the
/// defaults of [`crate::service::deliveries::deliver`] (by mail when the letter has an address).
pub fn transition(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    to: LetterState,
) -> Result<LetterView, AppError> {
    move_to(
        conn,
        key,
        actor,
        slug_or_id,
        to,
        &DeliveryOptions::default(),
    )
}

/// How a letter is delivered when it moves to `delivered`.
#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Mail the letter and its list to the recipient's address (when the letter has one).
    pub by_email: bool,
    /// Shown on the timeline: how, where, to whom it was handed.
    pub note: Option<String>,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions {
            by_email: true,
            note: None,
        }
    }
}

pub(crate) fn move_to(
    conn: &mut DbConnection,
    key: &LedgerKey,
    actor: &Actor,
    slug_or_id: &str,
    to: LetterState,
    delivery: &DeliveryOptions,
) -> Result<LetterView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        // A letter past its deadline is closed first (by the service), so that the move starts
        // from the state the coordinator sees.
        close_if_overdue(conn, slug_or_id, now())?;
        let current = find_for(conn, actor, slug_or_id, Permission::ManageLetters)?;
        let from = current.state();
        let now = now();
        check_move(&current, to, now)?;
        let reopening = from.reopens(to);
        let mut changes = LetterChanges {
            state: Some(to.as_str().to_string()),
            updated_at: Some(now),
            ..LetterChanges::default()
        };
        match to {
            // A reopened letter keeps the time it first opened; it is no longer closed.
            LetterState::Open if reopening => changes.closed_at = Some(None),
            LetterState::Open => {
                changes.opened_at = Some(Some(now));
                // Its opening time, if it had one, is spent (or overtaken by this move).
                changes.opens_at = Some(None);
            }
            LetterState::Closed => changes.closed_at = Some(Some(now)),
            LetterState::Delivered => changes.delivered_at = Some(Some(now)),
            LetterState::Archived => changes.archived_at = Some(Some(now)),
            LetterState::Draft => {}
        }
        // Guard on the state read above, so two racing moves cannot both succeed.
        let moved = diesel::update(
            letters::table
                .filter(letters::id.eq(&current.letter.id))
                .filter(letters::state.eq(from.as_str())),
        )
        .set(&changes)
        .execute(conn)?;
        if moved != 1 {
            return Err(AppError::conflict(
                "invalid_transition",
                "the letter changed state meanwhile; read it again",
            ));
        }
        // The ledger and the record start at the first opening only: a reopened letter goes on
        // with the list, texts and change feed it had.
        if to == LetterState::Open && !reopening {
            let letter = &current.letter;
            let text = crate::service::ledger::Change::text(&letter.text_hash, now);
            crate::service::ledger::append(conn, key, &letter.id, [text])?;
            crate::service::versions::record_first(conn, &current)?;
            // The translations it opens with are part of its record too.
            let translations = crate::service::translations::list(conn, &letter.id)?;
            let texts = translations
                .iter()
                .map(|t| crate::service::ledger::Change::text(&t.text_hash, now));
            crate::service::ledger::append(conn, key, &letter.id, texts)?;
            crate::service::campaigns::record_event(
                conn,
                letter,
                EventKind::Opened,
                format!("“{}” opened for signatures", letter.title),
                String::new(),
                now,
            )?;
            // The invitations added while it was a draft are mailed now, in this transaction.
            if from == LetterState::Draft {
                crate::service::invitations::mail_scheduled(conn, &letter.id, now)?;
            }
        }
        let view = find(conn, &current.letter.id, Audience::Admin)?;
        if to == LetterState::Delivered {
            crate::service::deliveries::record(conn, key, actor, &view, delivery, now)?;
        }
        view.event("letter.state_changed", json!({"from": from, "to": to}))
            .record(conn, actor)?;
        Ok(view)
    })
}

/// Whether `current` may move to `to` at `now`: a move of its life cycle (or a reopening), and
/// never into `open` with its signing deadline passed (the deadline worker would close it again
/// at once). The refusals are `409 invalid_transition` and `409 deadline_passed`.
pub fn check_move(
    current: &LetterView,
    to: LetterState,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let from = current.state();
    if !from.can_move_to(to) {
        let moves: Vec<&str> = from.moves().iter().map(|s| s.as_str()).collect();
        let allowed = match moves.as_slice() {
            [] => "it cannot move any more".to_string(),
            moves => format!("it can move only to {}", moves.join(" or ")),
        };
        return Err(AppError::conflict(
            "invalid_transition",
            format!("a {from} letter cannot move to {to}: {allowed}"),
        ));
    }
    if to == LetterState::Open && current.letter.deadline.is_some_and(|d| d <= now) {
        return Err(AppError::conflict(
            "deadline_passed",
            "the signing deadline of this letter has passed: set a later one (or none) first",
        ));
    }
    Ok(())
}

/// What a move would do, for the page that asks to confirm it: the letter, where it stands, and
/// the numbers the move touches. Reading it changes nothing.
#[derive(Debug)]
pub struct MovePreview {
    pub view: LetterView,
    pub to: LetterState,
    /// Its signatures by state, and the countries of the published ones.
    pub counts: crate::service::dashboard::Counts,
    /// Its invitations (mailed when a draft opens).
    pub invitations: i64,
    /// Why the move cannot be made now (`check_move`'s refusal), if it cannot.
    pub refused: Option<AppError>,
}

impl MovePreview {
    /// Whether this move reopens a closed letter.
    pub fn reopens(&self) -> bool {
        self.view.state().reopens(self.to)
    }
}

/// [`MovePreview`] of moving the letter `slug_or_id` to `to`, for a coordinator who may manage
/// it. A move that is not allowed is still previewed, with its refusal.
pub fn preview_move(
    conn: &mut DbConnection,
    actor: &Actor,
    slug_or_id: &str,
    to: LetterState,
) -> Result<MovePreview, AppError> {
    let view = find_for(conn, actor, slug_or_id, Permission::ManageLetters)?;
    let refused = check_move(&view, to, now()).err();
    let id = view.letter.id.clone();
    let counts = crate::service::dashboard::counts(conn, std::slice::from_ref(&id))?
        .remove(&id)
        .unwrap_or_default();
    let invitations = crate::service::invitations::counts(conn, &id)?.invited;
    Ok(MovePreview {
        view,
        to,
        counts,
        invitations,
        refused,
    })
}

/// How a letter reads at `now`: an open letter whose deadline has passed is closed (at its
/// deadline) even before [`close_overdue`] has closed it in the database, so no read offers to
/// sign it. Its `updated_at` moves to the deadline too, so the letter's ETag and Last-Modified
/// change when it closes.
pub fn as_of(mut letter: Letter, now: NaiveDateTime) -> Letter {
    if letter.state == LetterState::Open.as_str() {
        if let Some(deadline) = letter.deadline.filter(|d| *d <= now) {
            letter.state = LetterState::Closed.as_str().to_string();
            letter.closed_at = Some(deadline);
            letter.updated_at = letter.updated_at.max(deadline);
        }
    }
    letter
}

/// Letters closed by one call of [`close_overdue`] at most; the worker calls again at once when
/// a batch was full.
pub const CLOSE_BATCH: i64 = 100;

/// Close every open letter whose deadline is at or before `now` (up to [`CLOSE_BATCH`]): each
/// in a transaction of its own, by a guarded UPDATE (only while it is still open and overdue),
/// so that two server processes never close one letter twice, with a `letter.state_changed`
/// audit row by the service. Returns how many it closed; the caller forgets cached versions.
pub fn close_overdue(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let due: Vec<String> = letters::table
        .filter(letters::state.eq(LetterState::Open.as_str()))
        .filter(letters::deadline.le(now))
        .order(letters::id.asc())
        .select(letters::id)
        .limit(CLOSE_BATCH)
        .load(conn)?;
    let mut closed = 0;
    for id in &due {
        if close_if_overdue(conn, id, now)? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Open every draft whose opening time is at or before `now` (up to [`CLOSE_BATCH`]), each in a
/// transaction of its own through [`move_to`] as the service: the same guarded UPDATE, ledger
/// start, campaign event, invitation mails and `letter.state_changed` audit row as a manual
/// open. A draft another process opened meanwhile is skipped; one whose deadline has passed too
/// is left for a coordinator (opening it would be refused). Returns the slugs it opened; the
/// caller forgets their cached versions and wakes the outbox.
pub fn open_due(
    conn: &mut DbConnection,
    key: &LedgerKey,
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let due: Vec<String> = letters::table
        .filter(letters::state.eq(LetterState::Draft.as_str()))
        .filter(letters::opens_at.le(now))
        .filter(letters::deadline.is_null().or(letters::deadline.gt(now)))
        .order(letters::id.asc())
        .select(letters::id)
        .limit(CLOSE_BATCH)
        .load(conn)?;
    let mut opened = Vec::new();
    for id in &due {
        let delivery = DeliveryOptions::default();
        match move_to(conn, key, &Actor::System, id, LetterState::Open, &delivery) {
            Ok(view) => opened.push(view.letter.slug),
            // Opened (or changed) by another instance since it was read.
            Err(AppError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(opened)
}

/// Close one letter (by slug or id) if it is open and its deadline is at or before `now`;
/// returns whether this call closed it.
pub(super) fn close_if_overdue(
    conn: &mut DbConnection,
    slug_or_id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let closed = diesel::update(
            letters::table
                .filter(letters::id.eq(slug_or_id).or(letters::slug.eq(slug_or_id)))
                .filter(letters::state.eq(LetterState::Open.as_str()))
                .filter(letters::deadline.le(now)),
        )
        .set(&LetterChanges {
            state: Some(LetterState::Closed.as_str().to_string()),
            closed_at: Some(Some(now)),
            updated_at: Some(now),
            ..LetterChanges::default()
        })
        .execute(conn)?;
        if closed == 0 {
            return Ok(false);
        }
        let view = find(conn, slug_or_id, Audience::Admin)?;
        view.event(
            "letter.state_changed",
            json!({"from": LetterState::Open, "to": LetterState::Closed, "reason": "deadline"}),
        )
        .record(conn, &Actor::System)?;
        Ok(true)
    })
}
