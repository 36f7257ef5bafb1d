//! Campaigns: letters grouped toward a goal, and the public timeline of what happened.

use super::string_enum;

string_enum!(
    /// What a timeline event tells. The service records `opened` and `delivered`; coordinators
    /// post the others.
    EventKind {
        /// A letter of the campaign opened for signatures.
        Opened => "opened",
        /// A goal or a step toward it was reached.
        Milestone => "milestone",
        /// A letter was delivered to its recipient.
        Delivered => "delivered",
        /// The recipient answered.
        Response => "response",
        /// Anything else worth telling.
        Note => "note",
    }
);

impl EventKind {
    /// Whether coordinators post events of this kind (the service records the others).
    pub fn is_posted(self) -> bool {
        matches!(
            self,
            EventKind::Milestone | EventKind::Response | EventKind::Note
        )
    }
}

/// How far a campaign is toward its goal: `reached` of `goal`, as a whole percentage capped at
/// 100 (none without a goal).
pub fn percent(reached: i64, goal: Option<i32>) -> Option<u8> {
    let goal = i64::from(goal?);
    if goal <= 0 {
        return None;
    }
    Some((reached.max(0).saturating_mul(100) / goal).min(100) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_capped_and_needs_a_goal() {
        assert_eq!(percent(27, Some(50)), Some(54));
        assert_eq!(percent(19, Some(20)), Some(95));
        assert_eq!(percent(80, Some(50)), Some(100));
        assert_eq!(percent(0, Some(3)), Some(0));
        assert_eq!(percent(5, None), None);
        assert_eq!(percent(5, Some(0)), None);
    }

    #[test]
    fn only_milestones_responses_and_notes_are_posted() {
        let posted: Vec<_> = EventKind::ALL.iter().filter(|k| k.is_posted()).collect();
        assert_eq!(
            posted,
            [
                &EventKind::Milestone,
                &EventKind::Response,
                &EventKind::Note
            ]
        );
        assert!("Response".parse::<EventKind>().is_ok());
        assert!("answer".parse::<EventKind>().is_err());
    }
}
