//! The configuration's secrets: kept out of every `Debug` and log line.

use super::ConfigError;
use super::vars::{self, Env};

/// The secret used to hash client addresses; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientHashKey {
    pub(super) bytes: Vec<u8>,
    /// Made at cold start because none was configured: limits then hold per instance only.
    pub generated: bool,
}

impl ClientHashKey {
    /// A configured key (at least 32 characters).
    pub fn parse(key: &str) -> Result<Self, ConfigError> {
        Env::new(&|_| Some(key.to_owned()))
            .required(&vars::CLIENT_HASH_KEY)
            .map(|bytes| Self {
                bytes,
                generated: false,
            })
    }

    pub(super) fn generate() -> Result<Self, ConfigError> {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| ConfigError::Invalid {
            variable: vars::CLIENT_HASH_KEY.name,
            reason: format!("unset, and no random key could be made: {e}"),
        })?;
        Ok(Self {
            bytes,
            generated: true,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::fmt::Debug for ClientHashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHashKey")
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

/// The secret behind the follow-up links' tokens (see `follow_up`); never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct FollowUpKey(Vec<u8>);

impl FollowUpKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for FollowUpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FollowUpKey(..)")
    }
}

/// The Turnstile secret; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnstileSecret(pub(super) String);

impl TurnstileSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TurnstileSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnstileSecret(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnstileConfig {
    pub secret: TurnstileSecret,
    pub verify_url: String,
}
