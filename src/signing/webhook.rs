//! A webhook endpoint's secret and the `webhook-signature` header it makes, by the Standard
//! Webhooks specification: `whsec_` and the key in base64; `v1,` and the base64 HMAC-SHA256 of
//! `<id>.<timestamp>.<body>`. Any receiver can check it with the specification's own libraries.

use super::{KeySet, Purpose};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// How many random bytes a new secret has (the specification asks for 24 to 64).
pub const SECRET_BYTES: usize = 24;

/// One endpoint's signing key. Never printed: its text is shown once, when the endpoint is made.
#[derive(Clone)]
pub struct WebhookSecret {
    keys: KeySet,
    text: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookSecretError {
    #[error("a webhook secret starts with whsec_")]
    Prefix,
    #[error("a webhook secret's key is base64 of 24 to 64 bytes")]
    Key,
}

impl WebhookSecret {
    pub const PREFIX: &'static str = "whsec_";

    /// A new random secret.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self::from_key(bytes))
    }

    /// A secret as stored (`whsec_…`).
    pub fn parse(text: &str) -> Result<Self, WebhookSecretError> {
        let key = text
            .strip_prefix(Self::PREFIX)
            .ok_or(WebhookSecretError::Prefix)?;
        let bytes = STANDARD.decode(key).map_err(|_| WebhookSecretError::Key)?;
        if !(SECRET_BYTES..=64).contains(&bytes.len()) {
            return Err(WebhookSecretError::Key);
        }
        Ok(Self::from_key(bytes))
    }

    fn from_key(bytes: Vec<u8>) -> Self {
        let text = format!("{}{}", Self::PREFIX, STANDARD.encode(&bytes));
        Self {
            keys: KeySet::new(bytes, None),
            text,
        }
    }

    /// The secret as the receiver configures it (`whsec_…`).
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The `webhook-signature` header's value for this message.
    pub fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.keys.sign(&Purpose::StandardWebhook {
            id,
            timestamp,
            body,
        });
        format!("v1,{}", STANDARD.encode(tag))
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's own example (and its reference libraries' test vector).
    #[test]
    fn the_specifications_example_signs_to_its_signature() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.signature(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_new_secret_is_24_random_bytes_and_reads_back() {
        let one = WebhookSecret::generate().unwrap();
        let two = WebhookSecret::generate().unwrap();
        assert!(one.expose().starts_with("whsec_"));
        assert_ne!(one.expose(), two.expose());
        let key = STANDARD.decode(&one.expose()[6..]).unwrap();
        assert_eq!(key.len(), 24);
        let again = WebhookSecret::parse(one.expose()).unwrap();
        assert_eq!(again.signature("m", 1, b"x"), one.signature("m", 1, b"x"));
        assert_eq!(format!("{one:?}"), "WebhookSecret(..)");
    }

    #[test]
    fn a_secret_without_its_prefix_or_with_a_short_key_is_refused() {
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(),
            WebhookSecretError::Prefix
        );
        for bad in ["whsec_", "whsec_c2hvcnQ=", "whsec_not base64!"] {
            assert_eq!(
                WebhookSecret::parse(bad).unwrap_err(),
                WebhookSecretError::Key,
                "{bad}"
            );
        }
    }
}
