//! What staff record about a request as they work it: notes (each contact attempt, "left a
//! voicemail") and the follow-up history (who changed what, when). Kept and erased with the
//! request.

use super::FollowUpState;
use chrono::{DateTime, Utc};

/// A note's text: one line of at most 500 characters, nothing invisible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(String);

/// Why a note was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteProblem {
    Empty,
    TooLong,
    ControlCharacters,
}

impl NoteText {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(text: &str) -> Result<Self, NoteProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NoteProblem::Empty);
        }
        if text
            .chars()
            .any(|c| c.is_control() || super::text::is_forbidden_in_line(c))
        {
            return Err(NoteProblem::ControlCharacters);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(NoteProblem::TooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// As it was kept.
    pub fn kept(text: &str) -> Self {
        Self(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who made a change: a staff member (by id), or a path without a person signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff(String),
    /// A follow-up link in a staff email.
    EmailLink,
    /// A reply to the staff email (reply tracking).
    Reply,
    /// The operator tool.
    Operator,
    /// Routing, when the request was stored or released.
    Routing,
}

impl Actor {
    pub fn as_stored(&self) -> String {
        match self {
            Self::Staff(id) => format!("staff:{id}"),
            Self::EmailLink => "email-link".to_owned(),
            Self::Reply => "reply".to_owned(),
            Self::Operator => "operator".to_owned(),
            Self::Routing => "routing".to_owned(),
        }
    }

    pub fn from_stored(text: &str) -> Self {
        match text {
            "email-link" => Self::EmailLink,
            "reply" => Self::Reply,
            "operator" => Self::Operator,
            "routing" => Self::Routing,
            other => Self::Staff(other.strip_prefix("staff:").unwrap_or(other).to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub text: NoteText,
}

/// One line of the follow-up history: a change of state (the state before is the entry before
/// it) or of who the request is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub by: Actor,
    pub change: Change,
}

/// What a history line records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    State(FollowUpState),
    /// Assigned to a staff member (by id), or back to nobody (the front desk).
    Assigned(Option<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_one_visible_line_of_at_most_500_characters() {
        assert_eq!(
            NoteText::parse("  left a voicemail ").map(|n| n.as_str().to_owned()),
            Ok("left a voicemail".to_owned())
        );
        assert_eq!(NoteText::parse(""), Err(NoteProblem::Empty));
        assert_eq!(NoteText::parse("a\nb"), Err(NoteProblem::ControlCharacters));
        assert_eq!(
            NoteText::parse("a\u{0007}b"),
            Err(NoteProblem::ControlCharacters)
        );
        assert_eq!(
            NoteText::parse("a\u{200B}b"),
            Err(NoteProblem::ControlCharacters)
        );
        assert!(NoteText::parse(&"é".repeat(500)).is_ok());
        assert_eq!(NoteText::parse(&"é".repeat(501)), Err(NoteProblem::TooLong));
    }

    #[test]
    fn actors_read_back() {
        for actor in [
            Actor::Staff("01JD".into()),
            Actor::EmailLink,
            Actor::Reply,
            Actor::Operator,
        ] {
            assert_eq!(Actor::from_stored(&actor.as_stored()), actor);
        }
    }
}
