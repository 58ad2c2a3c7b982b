//! The configuration's secrets: kept out of every `Debug` and log line.

use super::ConfigError;
use super::vars::{self, Env};

/// The secret used to hash client addresses; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientHashKey {
    pub(super) bytes: Vec<u8>,
    /// The version before a rotation: what was fingerprinted with it is still found.
    pub(super) previous: Option<Vec<u8>>,
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
                previous: None,
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
            previous: None,
            generated: true,
        })
    }

    /// The current key: every new fingerprint is made with it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The current key and the previous one, if any: a fingerprint made with either matches.
    pub fn versions(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.bytes.as_slice()).chain(self.previous.as_deref())
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
pub struct FollowUpKey {
    current: Vec<u8>,
    /// The version before a rotation: links signed with it still verify.
    previous: Option<Vec<u8>>,
}

impl FollowUpKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self {
            current: bytes,
            previous: None,
        }
    }

    pub fn with_previous(mut self, previous: Option<Vec<u8>>) -> Self {
        self.previous = previous;
        self
    }

    /// The current key: every new link is signed with it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.current
    }

    /// The current key and the previous one, if any: a link signed with either verifies.
    pub fn versions(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.current.as_slice()).chain(self.previous.as_deref())
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

/// A Secrets Manager secret's ARN (or its name, as `GetSecretValue` also takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretArn(String);

impl SecretArn {
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.splitn(7, ':').collect();
        let valid = parts.len() == 7
            && parts[0] == "arn"
            && parts[2] == "secretsmanager"
            && parts[5] == "secret"
            && !parts[6].is_empty()
            && !text.chars().any(char::is_whitespace);
        valid.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which configuration secrets are held in Secrets Manager, each with the variable that names it
/// and the variables its current and previous versions stand in for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretArns {
    pub client_hash_key: Option<SecretArn>,
    pub follow_up_key: Option<SecretArn>,
    pub turnstile_secret_key: Option<SecretArn>,
    pub heartbeat_key: Option<SecretArn>,
}

/// One secret to read: the variable naming it, its ARN, and the variables its `AWSCURRENT` and
/// (where a rotation must orphan nothing) `AWSPREVIOUS` versions answer for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSource {
    pub variable: &'static str,
    pub arn: SecretArn,
    pub current: &'static str,
    pub previous: Option<&'static str>,
}

impl SecretArns {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(&Env::new(&|name| std::env::var(name).ok()))
    }

    pub(super) fn read(env: &Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            client_hash_key: env.optional(&vars::CLIENT_HASH_KEY_ARN)?,
            follow_up_key: env.optional(&vars::FOLLOW_UP_KEY_ARN)?,
            turnstile_secret_key: env.optional(&vars::TURNSTILE_SECRET_KEY_ARN)?,
            heartbeat_key: env.optional(&vars::HEARTBEAT_KEY_ARN)?,
        })
    }

    /// The secrets to read, in a stable order.
    pub fn sources(&self) -> Vec<SecretSource> {
        let source = |arn: &Option<SecretArn>,
                      variable: &'static str,
                      current: &'static str,
                      previous: Option<&'static str>| {
            arn.clone().map(|arn| SecretSource {
                variable,
                arn,
                current,
                previous,
            })
        };
        [
            source(
                &self.client_hash_key,
                vars::CLIENT_HASH_KEY_ARN.name,
                vars::CLIENT_HASH_KEY.name,
                Some(vars::CLIENT_HASH_KEY_PREVIOUS.name),
            ),
            source(
                &self.follow_up_key,
                vars::FOLLOW_UP_KEY_ARN.name,
                vars::FOLLOW_UP_KEY.name,
                Some(vars::FOLLOW_UP_KEY_PREVIOUS.name),
            ),
            source(
                &self.heartbeat_key,
                vars::HEARTBEAT_KEY_ARN.name,
                vars::HEARTBEAT_KEY.name,
                Some(vars::HEARTBEAT_KEY_PREVIOUS.name),
            ),
            // Cloudflare holds one Turnstile secret at a time: there is no previous one to keep.
            source(
                &self.turnstile_secret_key,
                vars::TURNSTILE_SECRET_KEY_ARN.name,
                vars::TURNSTILE_SECRET_KEY.name,
                None,
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_arns_are_recognised() {
        for good in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:client-hash-key-AbCdEf",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x",
        ] {
            assert!(SecretArn::parse(good).is_some(), "{good}");
        }
        for bad in [
            "client-hash-key",
            "arn:aws:ssm:us-east-1:123456789012:parameter/x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:a b",
        ] {
            assert!(SecretArn::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn both_versions_of_a_key_are_tried_current_first() {
        let key = FollowUpKey::new(b"new".to_vec()).with_previous(Some(b"old".to_vec()));
        let versions: Vec<&[u8]> = key.versions().collect();
        assert_eq!(versions, [b"new".as_slice(), b"old".as_slice()]);
        assert_eq!(FollowUpKey::new(b"only".to_vec()).versions().count(), 1);
    }
}
