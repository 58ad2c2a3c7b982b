//! Phone numbers, stored in E.164.

use super::FieldError;
use super::text::{char_count, is_forbidden_in_line};
use phonenumber::country;
use std::str::FromStr;

/// The region a number without a `+country` prefix is read in (`PHONE_DEFAULT_REGION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneRegion(country::Id);

impl FromStr for PhoneRegion {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() != 2 {
            return Err(());
        }
        upper.parse::<country::Id>().map(Self).map_err(|_| ())
    }
}

impl Default for PhoneRegion {
    fn default() -> Self {
        Self(country::Id::US)
    }
}

/// A dialable number in E.164 form, e.g. `+14155550123`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// A value as it was kept when the request was accepted, not checked against today's rules.
    pub(super) fn kept(value: &str) -> Self {
        Self(value.to_owned())
    }

    /// Longer input is never a phone number, and the parser need not see it.
    const MAX_INPUT_CHARS: usize = 40;

    pub fn parse(normalized: &str, region: PhoneRegion) -> Result<Self, FieldError> {
        if char_count(normalized) > Self::MAX_INPUT_CHARS
            || normalized.chars().any(is_forbidden_in_line)
        {
            return Err(FieldError::InvalidPhone);
        }
        let number =
            phonenumber::parse(Some(region.0), normalized).map_err(|_| FieldError::InvalidPhone)?;
        if !phonenumber::is_valid(&number) {
            return Err(FieldError::InvalidPhone);
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert!("US".parse::<PhoneRegion>().is_ok());
        assert!("gb".parse::<PhoneRegion>().is_ok());
        assert!("XX".parse::<PhoneRegion>().is_err());
        assert!("USA".parse::<PhoneRegion>().is_err());
        assert!("".parse::<PhoneRegion>().is_err());
    }

    #[test]
    fn numbers() {
        let us = PhoneRegion::default();
        let gb: PhoneRegion = "GB".parse().unwrap();
        let cases: &[(&str, PhoneRegion, Result<&str, FieldError>)] = &[
            ("(415) 555-2671", us, Ok("+14155552671")),
            ("415.555.2671", us, Ok("+14155552671")),
            ("+1 415 555 2671", us, Ok("+14155552671")),
            ("+44 20 7946 0958", us, Ok("+442079460958")),
            ("020 7946 0958", gb, Ok("+442079460958")),
            ("12", us, Err(FieldError::InvalidPhone)),
            ("call me", us, Err(FieldError::InvalidPhone)),
            ("415 555 2671\nBcc: x", us, Err(FieldError::InvalidPhone)),
            ("415\u{0}5552671", us, Err(FieldError::InvalidPhone)),
            (
                "1234567890123456789012345678901234567890123",
                us,
                Err(FieldError::InvalidPhone),
            ),
        ];
        for (input, region, expected) in cases {
            let got = PhoneNumber::parse(input, *region);
            assert_eq!(
                got.as_ref().map(PhoneNumber::as_str),
                expected.as_ref().map(|s| *s),
                "input {input:?}"
            );
        }
    }
}
