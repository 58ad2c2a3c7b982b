//! Keyed fingerprints (HMAC-SHA256 under `CLIENT_HASH_KEY`): what the table keeps instead of a
//! client address, an email address or a message, so none can be recovered or guessed from it.

use crate::config::ClientHashKey;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The keyed fingerprint of an (already normalised) email address. Case is folded: nobody's mail
/// depends on it in practice, and a person asking to be erased may type it differently.
pub fn email_hash(email: &str, secret: &ClientHashKey) -> String {
    fingerprint(secret, "email", &[&email.to_lowercase()])
}

/// The fingerprints an address may be stored under: with the current key and, after a rotation,
/// the previous one (so erasure still finds what was stored before it).
pub fn email_hashes(email: &str, secret: &ClientHashKey) -> Vec<String> {
    secret
        .versions()
        .map(|key| keyed(key, "email", &[&email.to_lowercase()]))
        .collect()
}

/// HMAC-SHA256 over a domain label and length-prefixed parts, hex-encoded.
pub fn fingerprint(secret: &ClientHashKey, label: &str, parts: &[&str]) -> String {
    keyed(secret.as_bytes(), label, parts)
}

fn keyed(key: &[u8], label: &str, parts: &[&str]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(label.as_bytes());
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
