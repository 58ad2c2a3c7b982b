//! The consent checkbox.

use super::{FieldError, FieldInput};

/// Proof that the person ticked the consent box; it can only be built from a truthy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent(());

impl Consent {
    /// Consent recorded with a stored request (a request is only ever stored with it).
    pub(super) fn recorded() -> Self {
        Self(())
    }

    pub fn parse(input: Option<&FieldInput>) -> Result<Self, FieldError> {
        match input {
            Some(FieldInput::Flag(true)) => Ok(Self(())),
            Some(FieldInput::Text(text)) if is_truthy(text) => Ok(Self(())),
            Some(FieldInput::Malformed) => Err(FieldError::Invalid),
            _ => Err(FieldError::ConsentRequired),
        }
    }
}

fn is_truthy(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "yes" | "1"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_values() {
        let text = |s: &str| Some(FieldInput::Text(s.to_owned()));
        let cases: &[(Option<FieldInput>, Result<(), FieldError>)] = &[
            (Some(FieldInput::Flag(true)), Ok(())),
            (text("on"), Ok(())),
            (text("true"), Ok(())),
            (text("YES"), Ok(())),
            (text("1"), Ok(())),
            (
                Some(FieldInput::Flag(false)),
                Err(FieldError::ConsentRequired),
            ),
            (text("off"), Err(FieldError::ConsentRequired)),
            (text("0"), Err(FieldError::ConsentRequired)),
            (text(""), Err(FieldError::ConsentRequired)),
            (None, Err(FieldError::ConsentRequired)),
            (Some(FieldInput::Malformed), Err(FieldError::Invalid)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &Consent::parse(input.as_ref()).map(|_| ()),
                expected,
                "{input:?}"
            );
        }
    }
}
