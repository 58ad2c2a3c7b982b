//! Phone numbers, stored in E.164.

mod metadata;

use super::FieldError;
use super::text::{char_count, is_forbidden_in_line};
use phonenumber::country;
use std::str::FromStr;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

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

impl PhoneRegion {
    fn id(self) -> country::Id {
        self.0
    }

    fn as_str(&self) -> &str {
        self.0.as_ref()
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
        metadata::valid_e164(&ascii_digits(normalized), region)
            .map(Self)
            .ok_or(FieldError::InvalidPhone)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Digits of any script as ASCII digits: a person whose keyboard types `٤١٥` or `०९१` means the
/// same number, and the metadata reader only reads ASCII digits (full-width ones are already folded
/// by NFKC). Unicode encodes every script's decimal digits as whole runs of ten, 0 to 9, some of
/// them back to back, so a digit's value is its distance from the start of its run, modulo ten.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii() || c.general_category() != GeneralCategory::DecimalNumber {
                return c;
            }
            let run_start = (0..u32::from(c))
                .rev()
                .map_while(|code| {
                    char::from_u32(code)
                        .filter(|d| d.general_category() == GeneralCategory::DecimalNumber)
                })
                .count();
            char::from(b'0' + (run_start % 10) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A person abroad, or with a foreign phone, writes the number with its country code: it is kept
    /// in E.164 whatever the practice's home region.
    #[test]
    fn numbers_from_around_the_world() {
        let cases = [
            ("+1 201 555 0123", "+12015550123"),
            ("+1 506 234 5678", "+15062345678"),
            ("+44 7400 123456", "+447400123456"),
            ("+44 121 234 5678", "+441212345678"),
            ("+353 85 012 3456", "+353850123456"),
            ("+49 151 23456789", "+4915123456789"),
            ("+49 30 123456", "+4930123456"),
            ("+33 6 12 34 56 78", "+33612345678"),
            ("+33 1 23 45 67 89", "+33123456789"),
            ("+34 612 34 56 78", "+34612345678"),
            ("+39 312 345 6789", "+393123456789"),
            ("+39 02 1234 5678", "+390212345678"),
            ("+31 6 12345678", "+31612345678"),
            ("+32 450 00 12 34", "+32450001234"),
            ("+41 78 123 45 67", "+41781234567"),
            ("+43 664 123456", "+43664123456"),
            ("+46 70 123 45 67", "+46701234567"),
            ("+47 406 12 345", "+4740612345"),
            ("+45 34 41 23 45", "+4534412345"),
            ("+358 41 2345678", "+358412345678"),
            ("+48 512 345 678", "+48512345678"),
            ("+351 912 345 678", "+351912345678"),
            ("+30 691 234 5678", "+306912345678"),
            ("+61 412 345 678", "+61412345678"),
            ("+64 21 123 4567", "+64211234567"),
            ("+81 90-1234-5678", "+819012345678"),
            ("+82 10-2000-0000", "+821020000000"),
            ("+86 131 2345 6789", "+8613123456789"),
            ("+91 81234 56789", "+918123456789"),
            ("+55 11 96123-4567", "+5511961234567"),
            ("+52 222 123 4567", "+522221234567"),
            ("+54 9 11 2345-6789", "+5491123456789"),
            ("+27 71 123 4567", "+27711234567"),
            ("+234 802 123 4567", "+2348021234567"),
            ("+20 100 123 4567", "+201001234567"),
            ("+972 50-234-5678", "+972502345678"),
            ("+90 501 234 56 78", "+905012345678"),
            ("+380 50 123 4567", "+380501234567"),
            ("+65 8123 4567", "+6581234567"),
            ("+63 905 123 4567", "+639051234567"),
            ("+84 91 234 56 78", "+84912345678"),
            ("+66 81 234 5678", "+66812345678"),
        ];
        for home in ["US", "GB", "DE"] {
            let home: PhoneRegion = home.parse().unwrap();
            for (input, e164) in cases {
                let parsed = PhoneNumber::parse(input, home);
                assert_eq!(
                    parsed.as_ref().map(PhoneNumber::as_str),
                    Ok(e164),
                    "{input} in {home:?}"
                );
            }
        }
        for invalid in [
            "+44 12",
            "+49 1",
            "+999 123 4567",
            "+1 555 0100",
            "+44 7400 12345678",
        ] {
            assert_eq!(
                PhoneNumber::parse(invalid, PhoneRegion::default()),
                Err(FieldError::InvalidPhone),
                "{invalid}"
            );
        }
    }

    #[test]
    fn digits_of_any_script() {
        assert_eq!(ascii_digits("(٤١٥) ٥٥٥-٢٦٧١"), "(415) 555-2671");
        assert_eq!(ascii_digits("۰۹۱۲ ۳۴۵ ۶۷۸۹"), "0912 345 6789");
        assert_eq!(ascii_digits("+९१ ८१२३४ ५६७८९"), "+91 81234 56789");
        assert_eq!(ascii_digits("๐๘๑ ๒๓๔ ๕๖๗๘"), "081 234 5678");
        // Mathematical digits: five runs of ten back to back.
        assert_eq!(ascii_digits("\u{1D7CE}\u{1D7D9}\u{1D7E2}\u{1D7FF}"), "0109");
        assert_eq!(ascii_digits("x²½"), "x²½", "not decimal digits");
        let us = PhoneRegion::default();
        let cases = [
            ("(٤١٥) ٥٥٥-٢٦٧١", us, "+14155552671"),
            ("+٢٠ ١٠٠ ١٢٣ ٤٥٦٧", us, "+201001234567"),
            ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR".parse().unwrap(), "+989123456789"),
            ("+९१ ८१२३४ ५६७८९", us, "+918123456789"),
        ];
        for (input, home, e164) in cases {
            let parsed = PhoneNumber::parse(input, home);
            assert_eq!(
                parsed.as_ref().map(PhoneNumber::as_str),
                Ok(e164),
                "{input}"
            );
        }
    }

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
