//! The console's random secrets (session ids, invite tokens, ceremony ids, anti-forgery tokens):
//! 256 bits from the operating system, written base64url; only their SHA-256 is stored, so the
//! table never holds a value that would open a session or an invite.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh random secret, as it travels (a cookie, a link, a form field).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 256 random bits. Fails only when the operating system has no randomness to give.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A secret as a client sent it back: only its shape is checked here; whether it names
    /// anything is the table's answer.
    pub fn from_client(text: &str) -> Option<Self> {
        (text.len() == 43 && URL_SAFE_NO_PAD.decode(text).is_ok_and(|b| b.len() == 32))
            .then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the table keeps.
    pub fn hash(&self) -> String {
        hash_of(&self.0)
    }

    /// Constant-time comparison with another secret (an anti-forgery token against the
    /// session's).
    pub fn matches(&self, other: &str) -> bool {
        self.0.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// SHA-256, hex: the stored form of a secret.
pub fn hash_of(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_256_random_bits_and_only_its_hash_is_kept() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(Secret::from_client(a.as_str()), Some(a.clone()));
        assert_eq!(a.hash().len(), 64);
        assert!(!a.hash().contains(a.as_str()));
        assert!(a.matches(a.as_str()));
        assert!(!a.matches(b.as_str()));
    }

    #[test]
    fn anything_else_a_client_sends_is_no_secret() {
        for text in ["", "abc", &"A".repeat(44), &"!".repeat(43)] {
            assert_eq!(Secret::from_client(text), None, "{text}");
        }
    }
}
