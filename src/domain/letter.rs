//! A letter's life cycle, moderation policy and visibility.

use super::string_enum;

string_enum!(
    /// `draft → open → closed → delivered → archived` (DESIGN.md §2), and `closed → open` (a
    /// reopening, until the letter is delivered); no other moves.
    LetterState {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
        Delivered => "delivered",
        Archived => "archived",
    }
);

string_enum!(
    /// `auto` publishes confirmed signatures; `manual` waits for a coordinator.
    Moderation { Auto => "auto", Manual => "manual" }
);

string_enum!(
    /// `public` letters are listed; `unlisted` ones are reachable only by their link.
    Visibility { Public => "public", Unlisted => "unlisted" }
);

impl LetterState {
    /// The states this state may move to: the next one in the life cycle first, then (for a
    /// closed letter) back to open, a reopening.
    pub fn moves(self) -> &'static [LetterState] {
        match self {
            LetterState::Draft => &[LetterState::Open],
            LetterState::Open => &[LetterState::Closed],
            LetterState::Closed => &[LetterState::Delivered, LetterState::Open],
            LetterState::Delivered => &[LetterState::Archived],
            LetterState::Archived => &[],
        }
    }

    pub fn can_move_to(self, to: LetterState) -> bool {
        self.moves().contains(&to)
    }

    /// Whether moving from this state to `to` reopens a closed letter.
    pub fn reopens(self, to: LetterState) -> bool {
        self == LetterState::Closed && to == LetterState::Open
    }

    /// Whether the text (title and body) may still change: only drafts.
    pub fn text_is_editable(self) -> bool {
        self == LetterState::Draft
    }

    /// Whether the list is frozen: a delivered (or archived) letter keeps the list it was
    /// delivered with; no signature joins, leaves or is renamed on it.
    pub fn list_is_frozen(self) -> bool {
        matches!(self, LetterState::Delivered | LetterState::Archived)
    }

    /// The states whose lists are frozen.
    pub const FROZEN: [LetterState; 2] = [LetterState::Delivered, LetterState::Archived];

    /// Whether the public may see a letter in this state.
    pub fn is_published(self) -> bool {
        self != LetterState::Draft
    }
}

/// SHA-256 of a letter's text version, as lowercase hex: `title`, a blank line, then `body`.
pub fn text_hash(title: &str, body: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    hasher.update(b"\n\n");
    hasher.update(body.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_next_state_in_the_life_cycle_or_a_reopening_is_allowed() {
        use LetterState::*;
        for from in LetterState::ALL {
            for to in LetterState::ALL {
                let allowed = matches!(
                    (from, to),
                    (Draft, Open)
                        | (Open, Closed)
                        | (Closed, Delivered)
                        | (Closed, Open)
                        | (Delivered, Archived)
                );
                assert_eq!(from.can_move_to(*to), allowed, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn states_parse_case_insensitively_and_reject_others() {
        assert_eq!("Open".parse::<LetterState>(), Ok(LetterState::Open));
        let err = "published".parse::<LetterState>().unwrap_err();
        assert!(
            err.contains("draft, open, closed, delivered, archived"),
            "{err}"
        );
    }

    #[test]
    fn text_hash_changes_with_title_or_body() {
        let h = text_hash("T", "B");
        assert_eq!(h.len(), 64);
        assert_ne!(h, text_hash("T", "B."));
        assert_ne!(h, text_hash("T.", "B"));
        assert_eq!(h, text_hash("T", "B"));
    }
}
