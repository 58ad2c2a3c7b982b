//! The two closed choices on the form.

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PreferredContact {
    #[default]
    Email,
    Phone,
    Text,
}

impl PreferredContact {
    pub fn parse(normalized: &str) -> Result<Self, FieldError> {
        match normalized.to_ascii_lowercase().as_str() {
            "email" => Ok(Self::Email),
            "phone" => Ok(Self::Phone),
            "text" => Ok(Self::Text),
            _ => Err(FieldError::InvalidChoice),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "Email",
            Self::Phone => "Phone call",
            Self::Text => "Text message",
        }
    }

    /// Whether staff need a phone number to answer this way.
    pub fn needs_phone(self) -> bool {
        matches!(self, Self::Phone | Self::Text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionFormat {
    InPerson,
    Telehealth,
    Either,
}

impl SessionFormat {
    pub fn parse(normalized: &str) -> Result<Self, FieldError> {
        match normalized.to_ascii_lowercase().as_str() {
            "in_person" => Ok(Self::InPerson),
            "telehealth" => Ok(Self::Telehealth),
            "either" => Ok(Self::Either),
            _ => Err(FieldError::InvalidChoice),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Telehealth => "telehealth",
            Self::Either => "either",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InPerson => "In person",
            Self::Telehealth => "Telehealth (video)",
            Self::Either => "Either",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        assert_eq!(
            PreferredContact::parse("email"),
            Ok(PreferredContact::Email)
        );
        assert_eq!(
            PreferredContact::parse("Phone"),
            Ok(PreferredContact::Phone)
        );
        assert_eq!(PreferredContact::parse("text"), Ok(PreferredContact::Text));
        assert_eq!(
            PreferredContact::parse("fax"),
            Err(FieldError::InvalidChoice)
        );
        assert_eq!(
            PreferredContact::parse("email\n"),
            Err(FieldError::InvalidChoice)
        );
        assert_eq!(
            SessionFormat::parse("in_person"),
            Ok(SessionFormat::InPerson)
        );
        assert_eq!(
            SessionFormat::parse("telehealth"),
            Ok(SessionFormat::Telehealth)
        );
        assert_eq!(SessionFormat::parse("either"), Ok(SessionFormat::Either));
        assert_eq!(
            SessionFormat::parse("in person"),
            Err(FieldError::InvalidChoice)
        );
        for c in [
            PreferredContact::Email,
            PreferredContact::Phone,
            PreferredContact::Text,
        ] {
            assert_eq!(PreferredContact::parse(c.as_str()), Ok(c));
        }
        for s in [
            SessionFormat::InPerson,
            SessionFormat::Telehealth,
            SessionFormat::Either,
        ] {
            assert_eq!(SessionFormat::parse(s.as_str()), Ok(s));
        }
    }
}
