//! The person's name.

use super::FieldError;
use super::text::{char_count, is_forbidden_in_line};

/// A name as the person wrote it: one line, 1–100 characters, at least one letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    /// Parses an already trimmed and normalised value.
    pub fn parse(normalized: String) -> Result<Self, FieldError> {
        if normalized.chars().any(is_forbidden_in_line) {
            return Err(FieldError::Invalid);
        }
        if char_count(&normalized) > Self::MAX_CHARS {
            return Err(FieldError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if !normalized.chars().any(char::is_alphabetic) {
            return Err(FieldError::Invalid);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let long = "a".repeat(101);
        let long_multibyte = "é".repeat(100);
        let cases: &[(&str, Result<(), FieldError>)] = &[
            ("Ana", Ok(())),
            ("Zoë O'Brien-Smith", Ok(())),
            ("李小龍", Ok(())),
            (&long_multibyte, Ok(())),
            (&long, Err(FieldError::TooLong { max: 100 })),
            ("12345", Err(FieldError::Invalid)),
            ("!!!", Err(FieldError::Invalid)),
            ("Ana\nBcc: x@example.com", Err(FieldError::Invalid)),
            ("Ana\r", Err(FieldError::Invalid)),
            ("Ana\0", Err(FieldError::Invalid)),
            ("Ana\u{202E}", Err(FieldError::Invalid)),
            ("Ana\u{2028}Bob", Err(FieldError::Invalid)),
            ("\u{200B}", Err(FieldError::Invalid)),
        ];
        for (input, expected) in cases {
            let got = PersonName::parse(input.to_string()).map(|_| ());
            assert_eq!(&got, expected, "input {input:?}");
        }
    }
}
