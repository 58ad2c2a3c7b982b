//! The person's email address.

use super::FieldError;
use super::text::char_count;
use validator::ValidateEmail;

/// One deliverable address, without a display name, with its domain lower-cased and in ASCII
/// (an internationalised domain is stored in its punycode form, which is also what SES accepts and
/// what exposes a look-alike domain to staff).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(normalized: &str) -> Result<Self, FieldError> {
        if char_count(normalized) > Self::MAX_CHARS
            || normalized
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
        {
            return Err(FieldError::InvalidEmail);
        }
        let (local, domain) = normalized
            .rsplit_once('@')
            .ok_or(FieldError::InvalidEmail)?;
        let domain = idna::domain_to_ascii(domain).map_err(|_| FieldError::InvalidEmail)?;
        // A single-label domain ("gmailcom", "localhost") is almost always a typo, and nobody
        // could reply to it.
        if !domain.contains('.') || domain.ends_with('.') {
            return Err(FieldError::InvalidEmail);
        }
        let address = format!("{local}@{domain}");
        if char_count(&address) > Self::MAX_CHARS || !address.validate_email() {
            return Err(FieldError::InvalidEmail);
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Zero-width and formatting characters that would make two addresses look the same.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let long_local = format!("{}@example.com", "a".repeat(250));
        let cases: &[(&str, Result<&str, FieldError>)] = &[
            ("ana@example.com", Ok("ana@example.com")),
            (
                "Ana.Smith+therapy@Example.COM",
                Ok("Ana.Smith+therapy@example.com"),
            ),
            ("ana@bücher.de", Ok("ana@xn--bcher-kva.de")),
            ("ana@exаmple.com", Ok("ana@xn--exmple-4nf.com")),
            ("ana@example", Err(FieldError::InvalidEmail)),
            ("ana@example.", Err(FieldError::InvalidEmail)),
            ("ana", Err(FieldError::InvalidEmail)),
            ("@example.com", Err(FieldError::InvalidEmail)),
            ("Ana <ana@example.com>", Err(FieldError::InvalidEmail)),
            (
                "ana@example.com, bob@example.com",
                Err(FieldError::InvalidEmail),
            ),
            (
                "ana@example.com,bob@example.com",
                Err(FieldError::InvalidEmail),
            ),
            (
                "ana@example.com;bob@example.com",
                Err(FieldError::InvalidEmail),
            ),
            (
                "ana@example.com\nBcc: x@example.com",
                Err(FieldError::InvalidEmail),
            ),
            ("ana@example.com\r\n", Err(FieldError::InvalidEmail)),
            ("an\u{200B}a@example.com", Err(FieldError::InvalidEmail)),
            ("ana@exa\u{200B}mple.com", Err(FieldError::InvalidEmail)),
            ("ana\0@example.com", Err(FieldError::InvalidEmail)),
            ("\"ana\"@example.com", Err(FieldError::InvalidEmail)),
            (&long_local, Err(FieldError::InvalidEmail)),
        ];
        for (input, expected) in cases {
            let got = EmailAddress::parse(input);
            assert_eq!(
                got.as_ref().map(EmailAddress::as_str),
                expected.as_ref().map(|s| *s),
                "input {input:?}"
            );
        }
    }
}
