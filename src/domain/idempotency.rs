//! The client's idempotency key (header `Idempotency-Key` or field `idempotency_key`).

use super::FieldError;

/// 8–128 characters of `A-Z a-z 0-9 _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let valid_length = (8..=128).contains(&raw.len());
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid_length && valid_chars {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let max = "k".repeat(128);
        let over = "k".repeat(129);
        let cases: &[(&str, bool)] = &[
            ("abcdefgh", true),
            ("0193b2c4-7d1e-7a00-9c1f-1234567890ab", true),
            ("under_score-dash", true),
            (&max, true),
            ("short", false),
            (&over, false),
            ("has space here", false),
            ("ключ-ключ-ключ", false),
            ("abcdefgh\n", false),
        ];
        for (input, ok) in cases {
            assert_eq!(IdempotencyKey::parse(input).is_ok(), *ok, "{input:?}");
        }
    }
}
