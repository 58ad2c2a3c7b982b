//! The configuration's secrets read from Secrets Manager by ARN, once per cold start: none is in
//! the function's environment (where `GetFunctionConfiguration` would show it), and a rotation
//! needs no deploy. Each key's previous version (`AWSPREVIOUS`) is read too, so links signed and
//! fingerprints made before a rotation still verify and match.
//!
//! A secret that cannot be read stops the cold start with a line naming it: a made-up key would
//! make that instance's requests unfindable for erasure and its links unverifiable.

use crate::aws::AwsError;
use crate::config::{Config, SecretArns, SecretSource, vars};
use crate::signing::{FollowUpKey, KeySource, KeyVersions};
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueError;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Attempts per secret version, with a pause between them: a throttle or a blip at cold start is
/// worth a moment's wait, a missing grant is not worth more.
const ATTEMPTS: u32 = 3;
const PAUSE: Duration = Duration::from_millis(200);

/// The stage a rotation moves the version before the current one to.
const PREVIOUS_STAGE: &str = "AWSPREVIOUS";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{variable}: the secret {arn} could not be read: {source}")]
    Unreadable {
        variable: &'static str,
        arn: String,
        #[source]
        source: AwsError,
    },
    #[error("{variable}: the secret {arn} holds no text value")]
    NotText { variable: &'static str, arn: String },
}

impl SecretError {
    pub fn variable(&self) -> &'static str {
        match self {
            SecretError::Unreadable { variable, .. } | SecretError::NotText { variable, .. } => {
                variable
            }
        }
    }
}

/// The secrets' values, by the configuration variable each answers for (`CLIENT_HASH_KEY`,
/// `CLIENT_HASH_KEY_PREVIOUS`, ...). Never printed.
#[derive(Default)]
pub struct SecretValues(HashMap<&'static str, String>);

impl SecretValues {
    pub fn get(&self, variable: &str) -> Option<String> {
        self.0.get(variable).cloned()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Reads every source's current (and, where kept, previous) version, all at once.
pub async fn read(
    client: &aws_sdk_secretsmanager::Client,
    sources: &[SecretSource],
) -> Result<SecretValues, SecretError> {
    let reads = sources.iter().flat_map(|source| {
        let current = read_version(client, source, None);
        let previous = source
            .previous
            .map(|_| read_version(client, source, Some(PREVIOUS_STAGE)));
        std::iter::once(futures_util::future::Either::Left(current))
            .chain(previous.map(futures_util::future::Either::Right))
    });
    let versions = futures_util::future::try_join_all(reads).await?;
    let mut values = SecretValues::default();
    for (variable, value) in versions.into_iter().flatten() {
        values.0.insert(variable, value);
    }
    Ok(values)
}

/// One version of a secret, as the variable it answers for; `None` for a previous version that
/// does not exist (the secret was never rotated).
async fn read_version(
    client: &aws_sdk_secretsmanager::Client,
    source: &SecretSource,
    stage: Option<&str>,
) -> Result<Option<(&'static str, String)>, SecretError> {
    let answering = match stage {
        Some(_) => source.previous.unwrap_or(source.current),
        None => source.current,
    };
    let mut attempt = 1;
    let output = loop {
        let call = client
            .get_secret_value()
            .secret_id(source.arn.as_str())
            .set_version_stage(stage.map(str::to_owned))
            .send()
            .await;
        match call {
            Ok(output) => break output,
            Err(error) if stage.is_some() && never_rotated(&error) => return Ok(None),
            Err(error) if attempt < ATTEMPTS && !refused(&error) => {
                tracing::warn!(variable = source.variable, attempt, error = %AwsError::of("SecretsManager", "GetSecretValue")(error), "could not read a secret; trying again");
                tokio::time::sleep(PAUSE * attempt).await;
                attempt += 1;
            }
            Err(error) => {
                return Err(SecretError::Unreadable {
                    variable: source.variable,
                    arn: source.arn.as_str().to_owned(),
                    source: AwsError::of("SecretsManager", "GetSecretValue")(error),
                });
            }
        }
    };
    let value = output
        .secret_string
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| SecretError::NotText {
            variable: source.variable,
            arn: source.arn.as_str().to_owned(),
        })?;
    Ok(Some((answering, value)))
}

type GetError = aws_sdk_secretsmanager::error::SdkError<
    GetSecretValueError,
    aws_sdk_secretsmanager::config::http::HttpResponse,
>;

/// Asking for `AWSPREVIOUS` of a secret that was never rotated.
fn never_rotated(error: &GetError) -> bool {
    error
        .as_service_error()
        .is_some_and(GetSecretValueError::is_resource_not_found_exception)
}

/// An answer that trying again cannot change: no such secret, no permission, a bad request.
fn refused(error: &GetError) -> bool {
    use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
    error.as_service_error().is_some_and(|e| {
        matches!(
            e.code(),
            Some(
                "ResourceNotFoundException"
                    | "AccessDeniedException"
                    | "AccessDenied"
                    | "InvalidParameterException"
                    | "InvalidRequestException"
                    | "DecryptionFailure"
                    | "UnrecognizedClientException"
            )
        )
    })
}

/// Why a cold start could not put its configuration together.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl StartupError {
    pub fn variable(&self) -> &'static str {
        match self {
            StartupError::Config(error) => error.variable(),
            StartupError::Secret(error) => error.variable(),
        }
    }
}

/// The function's configuration, built once per cold start: from the environment, with the
/// secrets it names by ARN read from Secrets Manager standing in for their variables; each
/// signing key is told where to read its secret again after a rotation.
pub async fn config_from_env(sdk: &aws_config::SdkConfig) -> Result<Config, StartupError> {
    let sources = SecretArns::from_env()?.sources();
    if sources.is_empty() {
        return Ok(Config::from_env()?);
    }
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let values = read(&client, &sources).await?;
    let config =
        Config::from_lookup(&|name| values.get(name).or_else(|| std::env::var(name).ok()))?;
    for source in sources {
        let keys = if source.variable == vars::FOLLOW_UP_KEY_ARN.name {
            config.follow_up_key.as_ref().map(FollowUpKey::keys)
        } else if source.variable == vars::HEARTBEAT_KEY_ARN.name {
            config.heartbeat.as_ref().map(|h| h.key.keys())
        } else {
            None
        };
        if let Some(keys) = keys {
            keys.reload_from(Arc::new(SecretReload {
                client: client.clone(),
                source,
            }));
        }
    }
    Ok(config)
}

/// The configuration over other variables (the operator tool's: its stack's, under its own),
/// with the given secrets read from Secrets Manager standing in for their variables (a secret by
/// ARN wins over a plain variable of the same name).
pub async fn config_with_secrets_from(
    sdk: &aws_config::SdkConfig,
    sources: &[SecretSource],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, StartupError> {
    let values = if sources.is_empty() {
        SecretValues::default()
    } else {
        read(&aws_sdk_secretsmanager::Client::new(sdk), sources).await?
    };
    Ok(Config::from_lookup(&|name| {
        values.get(name).or_else(|| lookup(name))
    })?)
}

/// A signing secret read again (its current and previous versions) when a signature does not
/// verify: another instance may have started after a rotation.
struct SecretReload {
    client: aws_sdk_secretsmanager::Client,
    source: SecretSource,
}

impl KeySource for SecretReload {
    fn reload(&self) -> Pin<Box<dyn Future<Output = Result<KeyVersions, String>> + Send + '_>> {
        Box::pin(async move {
            let current = read_version(&self.client, &self.source, None)
                .await
                .map_err(|e| e.to_string())?;
            let previous = read_version(&self.client, &self.source, Some(PREVIOUS_STAGE))
                .await
                .map_err(|e| e.to_string())?;
            let bytes = |value: Option<(&str, String)>| value.map(|(_, v)| v.into_bytes());
            let current = bytes(current).ok_or("the secret has no current version")?;
            Ok(KeyVersions::new(current, bytes(previous)))
        })
    }
}
