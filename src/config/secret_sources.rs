//! Which of the configuration's secrets the deployed stack keeps in Secrets Manager (by ARN),
//! and which variables each secret's current and previous versions stand in for.

use super::error::ConfigError;
use super::secret_arn::SecretArn;
use super::vars::{self, Env};

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
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&Env::new(lookup))
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
