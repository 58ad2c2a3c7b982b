//! The stack's three signing secrets, each its own type so one can never stand in for another:
//! the hashing key behind the keyed fingerprints, the follow-up key behind the staff links and
//! the reply address, and the heartbeat's key behind the probe's header.

use super::{KeySet, Purpose, to_hex};

/// `CLIENT_HASH_KEY`: what the table keeps instead of a client address, an email address or a
/// message is its keyed fingerprint, so none can be recovered or guessed from it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientHashKey {
    keys: KeySet,
    /// Made at cold start because none was configured: limits then hold per instance only.
    pub generated: bool,
}

impl ClientHashKey {
    /// A configured key, with the version before a rotation (whose fingerprints still match).
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Self {
        Self {
            keys: KeySet::new(current, previous),
            generated: false,
        }
    }

    /// A random key for this instance alone.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self {
            generated: true,
            ..Self::new(bytes, None)
        })
    }

    /// How many bytes the current version has (a generated key has 32).
    pub fn key_len(&self) -> usize {
        self.keys.versions().current.len()
    }

    /// The fingerprint of `parts` under `label`, with the current key, hex-encoded.
    pub fn fingerprint(&self, label: &str, parts: &[&str]) -> String {
        to_hex(&self.keys.sign(&Purpose::Fingerprint { label, parts }))
    }

    /// The keyed fingerprint of an (already normalised) email address. Case is folded: nobody's
    /// mail depends on it in practice, and a person asking to be erased may type it differently.
    pub fn email_hash(&self, email: &str) -> String {
        self.fingerprint("email", &[&email.to_lowercase()])
    }

    /// The keyed fingerprint of a phone number as stored (E.164).
    pub fn phone_hash(&self, phone: &str) -> String {
        self.fingerprint("phone", &[phone])
    }

    /// The fingerprints a phone number may be stored under (current key, then previous).
    pub fn phone_hashes(&self, phone: &str) -> Vec<String> {
        let purpose = Purpose::Fingerprint {
            label: "phone",
            parts: &[phone],
        };
        self.keys
            .sign_each(&purpose)
            .iter()
            .map(|tag| to_hex(tag))
            .collect()
    }

    /// The fingerprints an address may be stored under: with the current key and, after a
    /// rotation, the previous one (so erasure still finds what was stored before it).
    pub fn email_hashes(&self, email: &str) -> Vec<String> {
        let email = email.to_lowercase();
        let purpose = Purpose::Fingerprint {
            label: "email",
            parts: &[&email],
        };
        self.keys
            .sign_each(&purpose)
            .iter()
            .map(|tag| to_hex(tag))
            .collect()
    }
}

impl std::fmt::Debug for ClientHashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHashKey")
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

/// `FOLLOW_UP_KEY`: the staff links (follow-up and release) and the signed reply address.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FollowUpKey(KeySet);

impl FollowUpKey {
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Self {
        Self(KeySet::new(current, previous))
    }

    pub fn keys(&self) -> &KeySet {
        &self.0
    }
}

/// `HEARTBEAT_KEY`: the daily probe's header.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HeartbeatKey(KeySet);

impl HeartbeatKey {
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Self {
        Self(KeySet::new(current, previous))
    }

    pub fn keys(&self) -> &KeySet {
        &self.0
    }
}
