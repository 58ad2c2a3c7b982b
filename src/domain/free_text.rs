//! The two free-text fields: when to call, and what the person would like help with.

use super::FieldError;
use super::text::{
    char_count, hides_tagged_text, is_forbidden_in_line, is_forbidden_in_text, unify_line_breaks,
};

/// When the person can best be reached: one line, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestTime(String);

impl BestTime {
    pub const MAX_CHARS: usize = 200;

    pub(super) fn parse(normalized: String) -> Result<Self, FieldError> {
        if normalized.chars().any(is_forbidden_in_line) {
            return Err(FieldError::Invalid);
        }
        if char_count(&normalized) > Self::MAX_CHARS {
            return Err(FieldError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(normalized))
    }

    /// A value as it was kept when the request was accepted, not checked against today's rules.
    pub(super) fn kept(value: &str) -> Self {
        Self(value.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the person would like help with: at most 2000 characters, line breaks as LF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(String);

impl Message {
    pub const MAX_CHARS: usize = 2000;

    pub(super) fn parse(normalized: String) -> Result<Self, FieldError> {
        let text = unify_line_breaks(&normalized);
        if text.chars().any(is_forbidden_in_text) || hides_tagged_text(&text) {
            return Err(FieldError::Invalid);
        }
        if char_count(&text) > Self::MAX_CHARS {
            return Err(FieldError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text))
    }

    /// A value as it was kept when the request was accepted, not checked against today's rules.
    pub(super) fn kept(value: &str) -> Self {
        Self(value.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
