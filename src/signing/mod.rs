//! Every HMAC-SHA256 the function makes, and the only place one is made: the key sets (a secret's
//! current version and the one before a rotation), what each signature is for ([`Purpose`],
//! which fixes the signed bytes), signing, verification in constant time through the `hmac`
//! crate, and the rotation rule.
//!
//! The rotation rule: a signature made with the current or the previous version verifies, so a
//! rotation orphans nothing that was signed before it. An instance started before a rotation does
//! not know the new version; when a signature does not verify, it reads the secret again (at most
//! once a minute) and checks once more before it refuses, so a link, a reply address or a probe
//! signed by a newer instance is never lost to an older one.

mod keys;
mod purpose;
mod webhook;

pub use keys::{ClientHashKey, FollowUpKey, HeartbeatKey};
pub use purpose::Purpose;
pub use webhook::{WebhookSecret, WebhookSecretError};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

/// A signature: the whole HMAC-SHA256 output.
pub type Tag = [u8; 32];

/// The shortest tag a caller may keep (the reply address keeps 8 bytes: 64 bits).
pub const MIN_TAG_BYTES: usize = 8;

/// How often an instance may read a secret again because a signature did not verify.
pub const RELOAD_AT_MOST_EVERY: Duration = Duration::from_secs(60);

/// A secret's versions: new signatures use the current one; one made with the previous one
/// (`AWSPREVIOUS`) still verifies. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyVersions {
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl KeyVersions {
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Self {
        Self { current, previous }
    }

    fn each(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.current.as_slice()).chain(self.previous.as_deref())
    }
}

impl std::fmt::Debug for KeyVersions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyVersions(..)")
    }
}

/// Where a key set's versions can be read again (Secrets Manager, in a deployed stack).
pub trait KeySource: Send + Sync {
    fn reload(&self) -> Pin<Box<dyn Future<Output = Result<KeyVersions, String>> + Send + '_>>;
}

/// One secret's versions, shared by every clone (and so by everything one instance signs with
/// it), with where to read them again after a rotation.
#[derive(Clone)]
pub struct KeySet {
    shared: Arc<Shared>,
}

struct Shared {
    versions: RwLock<Arc<KeyVersions>>,
    source: OnceLock<Arc<dyn KeySource>>,
    last_reload: Mutex<Option<Instant>>,
}

impl KeySet {
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Self {
        Self {
            shared: Arc::new(Shared {
                versions: RwLock::new(Arc::new(KeyVersions::new(current, previous))),
                source: OnceLock::new(),
                last_reload: Mutex::new(None),
            }),
        }
    }

    /// Where to read the versions again when a signature does not verify; set once.
    pub fn reload_from(&self, source: Arc<dyn KeySource>) {
        let _ = self.shared.source.set(source);
    }

    fn versions(&self) -> Arc<KeyVersions> {
        match self.shared.versions.read() {
            Ok(versions) => Arc::clone(&versions),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The current version's signature of `purpose`.
    pub fn sign(&self, purpose: &Purpose<'_>) -> Tag {
        mac(&self.versions().current, purpose)
            .finalize()
            .into_bytes()
            .into()
    }

    /// The signature of `purpose` under each version, current first: what a fingerprint made
    /// before a rotation looks like.
    pub fn sign_each(&self, purpose: &Purpose<'_>) -> Vec<Tag> {
        self.versions()
            .each()
            .map(|key| mac(key, purpose).finalize().into_bytes().into())
            .collect()
    }

    /// Whether `tag` (the whole signature, or its first bytes, at least [`MIN_TAG_BYTES`]) is
    /// `purpose`'s under a version this instance knows. Constant time.
    pub fn verifies(&self, purpose: &Purpose<'_>, tag: &[u8]) -> bool {
        if tag.len() < MIN_TAG_BYTES {
            return false;
        }
        self.versions().each().any(|key| {
            let mac = mac(key, purpose);
            if tag.len() == 32 {
                mac.verify_slice(tag).is_ok()
            } else {
                mac.verify_truncated_left(tag).is_ok()
            }
        })
    }

    /// [`KeySet::verifies`], and on a miss the rotation rule: the secret read again (at most once
    /// a minute) and the tag checked once more.
    pub async fn verify(&self, purpose: &Purpose<'_>, tag: &[u8]) -> bool {
        if self.verifies(purpose, tag) {
            return true;
        }
        self.reload_if_due().await && self.verifies(purpose, tag)
    }

    /// Reads the versions again, unless there is nowhere to read them from or they were read
    /// less than a minute ago; true when new versions were read.
    async fn reload_if_due(&self) -> bool {
        let Some(source) = self.shared.source.get() else {
            return false;
        };
        {
            let Ok(mut last) = self.shared.last_reload.lock() else {
                return false;
            };
            if last.is_some_and(|at| at.elapsed() < RELOAD_AT_MOST_EVERY) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match source.reload().await {
            Ok(versions) => {
                let changed = *self.versions() != versions;
                if let Ok(mut held) = self.shared.versions.write() {
                    *held = Arc::new(versions);
                }
                tracing::info!(
                    event = "key_reloaded",
                    changed,
                    "a signature did not verify: the secret was read again"
                );
                changed
            }
            Err(error) => {
                tracing::warn!(event = "key_reload_failed", error = %error, "a signature did not verify and the secret could not be read again");
                false
            }
        }
    }
}

impl PartialEq for KeySet {
    fn eq(&self, other: &Self) -> bool {
        *self.versions() == *other.versions()
    }
}

impl Eq for KeySet {}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySet(..)")
    }
}

fn mac(key: &[u8], purpose: &Purpose<'_>) -> Hmac<Sha256> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    purpose.feed(&mut mac);
    mac
}

/// Lower-case hexadecimal, as tokens, addresses and fingerprints write a signature.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// A signature written in hexadecimal; `None` for anything else.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

#[cfg(test)]
mod tests;
