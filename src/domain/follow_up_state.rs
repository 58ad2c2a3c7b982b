//! Where a request stands after staff got it: nobody waits unseen.

/// The follow-up state of a request: `new` when stored, then what staff did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpState {
    New,
    Contacted,
    Scheduled,
    Declined,
    Referred,
    Closed,
}

impl FollowUpState {
    /// The states staff can move a request to, in the order the email offers them.
    pub const CHOICES: [Self; 5] = [
        Self::Contacted,
        Self::Scheduled,
        Self::Declined,
        Self::Referred,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Scheduled => "scheduled",
            Self::Declined => "declined",
            Self::Referred => "referred",
            Self::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::New]
            .into_iter()
            .chain(Self::CHOICES)
            .find(|state| state.as_str() == text)
    }

    /// Still being worked: the console lists these first, in this order.
    pub const OPEN: [Self; 3] = [Self::New, Self::Contacted, Self::Scheduled];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// How staff read it, in a button or a list.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New: nobody has been in touch yet",
            Self::Contacted => "Contacted",
            Self::Scheduled => "Consultation scheduled",
            Self::Declined => "Declined",
            Self::Referred => "Referred elsewhere",
            Self::Closed => "Closed",
        }
    }
}

/// Which reminder is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// To staff, after the follow-up time.
    Staff,
    /// To `ESCALATE_TO`, after twice that.
    Escalation,
}

impl Reminder {
    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::Staff => "staff",
            Reminder::Escalation => "escalation",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Reminder::Staff, Reminder::Escalation]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_new_is_no_choice() {
        for state in FollowUpState::CHOICES {
            assert_eq!(FollowUpState::parse(state.as_str()), Some(state));
        }
        assert_eq!(FollowUpState::parse("new"), Some(FollowUpState::New));
        assert!(!FollowUpState::CHOICES.contains(&FollowUpState::New));
        assert_eq!(FollowUpState::parse("done"), None);
    }
}
