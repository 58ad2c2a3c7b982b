//! The person's email address.

use super::FieldError;
use super::text::{char_count, is_forbidden_in_line};
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
                .any(|c| c.is_whitespace() || is_forbidden_in_line(c) || is_invisible(c))
        {
            return Err(FieldError::InvalidEmail);
        }
        let (local, domain) = normalized
            .rsplit_once('@')
            .ok_or(FieldError::InvalidEmail)?;
        if !is_dot_atom(local) {
            return Err(FieldError::InvalidEmail);
        }
        let domain = idna::domain_to_ascii(domain).map_err(|_| FieldError::InvalidEmail)?;
        if !is_host_name(&domain) {
            return Err(FieldError::InvalidEmail);
        }
        let address = format!("{local}@{domain}");
        if char_count(&address) > Self::MAX_CHARS || !address.validate_email() {
            return Err(FieldError::InvalidEmail);
        }
        Ok(Self(address))
    }

    /// A value as it was kept when the request was accepted, not checked against today's rules.
    pub(super) fn kept(value: &str) -> Self {
        Self(value.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// The local part as mail delivers it without quoting (RFC 5322's dot-atom): at most 64 characters
/// of `atext`, no leading, trailing or doubled dot. `john..smith@` or `.ana@` would leave staff
/// unable to reply, and SES refuses them as `Reply-To`.
fn is_dot_atom(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    (1..=64).contains(&local.len())
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// A host name of at least two labels, in its ASCII (punycode) form: letters, digits and inner
/// hyphens, 1–63 characters a label, no IP address. A single label ("gmailcom", "localhost") is
/// almost always a typo, and nobody could reply to it.
fn is_host_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && !labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Invisible combining marks that IDNA would silently drop from a domain, making two addresses
/// look the same.
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
            ("ana?cc=spy@mail.example", Ok("ana?cc=spy@mail.example")),
            ("o'brien@example.ie", Ok("o'brien@example.ie")),
            ("ana@mail-1.example.co.uk", Ok("ana@mail-1.example.co.uk")),
            ("john..smith@gmail.com", Err(FieldError::InvalidEmail)),
            (".ana@example.com", Err(FieldError::InvalidEmail)),
            ("ana.@example.com", Err(FieldError::InvalidEmail)),
            ("a@x,y[1.2.3.4]", Err(FieldError::InvalidEmail)),
            ("ana@[1.2.3.4]", Err(FieldError::InvalidEmail)),
            ("ana@1.2.3.4", Err(FieldError::InvalidEmail)),
            ("ana@exa(mple).com", Err(FieldError::InvalidEmail)),
            ("ana@exa<mple>.com", Err(FieldError::InvalidEmail)),
            ("ana@\"example\".com", Err(FieldError::InvalidEmail)),
            ("ana@-example.com", Err(FieldError::InvalidEmail)),
            ("ana@example..com", Err(FieldError::InvalidEmail)),
            ("ana@exa\u{FE0F}mple.com", Err(FieldError::InvalidEmail)),
            ("ana@exa\u{3164}mple.com", Err(FieldError::InvalidEmail)),
            (
                &format!("{}@example.com", "a".repeat(65)),
                Err(FieldError::InvalidEmail),
            ),
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
