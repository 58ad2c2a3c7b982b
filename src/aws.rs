//! AWS SDK set-up shared by every client: one configuration per cold start, bounded in time.

use crate::tls::TrustRootsError;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore};
use std::time::Duration;

/// Time limits that keep one request well inside API Gateway's 30 seconds: the store and the
/// email each take at most `OPERATION_TIMEOUT`, retries included.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);

/// Loads region, credentials and endpoint (`AWS_ENDPOINT_URL` points it at an emulator) from the
/// environment, with the time limits above and the trusted roots of [`crate::tls::aws_trust_store`].
pub async fn load_sdk_config() -> Result<SdkConfig, TrustRootsError> {
    Ok(sdk_config_loader()?.load().await)
}

/// The loader behind [`load_sdk_config`], for callers that override something (an endpoint).
pub fn sdk_config_loader() -> Result<ConfigLoader, TrustRootsError> {
    let loader = aws_config::defaults(BehaviorVersion::latest());
    // Lambda hands the function its role's credentials in these variables, and the default chain
    // would take them first anyway; but building that chain builds each of its other providers
    // (an STS client among them), about a fifth of init's CPU.
    let loader = if credentials_in_env(|name| std::env::var_os(name)) {
        loader.credentials_provider(EnvironmentVariableCredentialsProvider::new())
    } else {
        loader
    };
    Ok(loader
        .http_client(https_client(crate::tls::aws_trust_store()?))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        ))
}

/// Whether the variables the default credentials chain reads first hold credentials.
fn credentials_in_env(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .iter()
        .all(|name| var(name).is_some_and(|value| !value.is_empty()))
}

/// The SDK's HTTPS client: hyper and rustls on the crypto library chosen in [`crate::tls`].
fn https_client(roots: TrustStore) -> SharedHttpClient {
    let context = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .expect("a TLS context with a trust store always builds");
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(crate::tls::aws_crypto_mode()))
        .tls_context(context)
        .build_https()
}

/// A failed AWS call. `Display` names the service, the operation and what went wrong (the service's
/// error code, or the transport failure) and never the service's message, which may quote an address
/// from the request; the SDK error itself stays reachable as the source.
#[derive(Debug, thiserror::Error)]
#[error("{service} {operation} failed: {detail}")]
pub struct AwsError {
    pub service: &'static str,
    pub operation: &'static str,
    detail: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AwsError {
    /// The one way an SDK error becomes an `AwsError`: `.map_err(AwsError::of("DynamoDB", "GetItem"))`.
    pub fn of<E, R>(
        service: &'static str,
        operation: &'static str,
    ) -> impl FnOnce(SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        move |error| Self {
            service,
            operation,
            detail: describe_sdk_error(&error),
            source: Some(Box::new(error)),
        }
    }

    /// A failure with no SDK error behind it (a request that could not be built, a conflict).
    pub fn other(
        service: &'static str,
        operation: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            service,
            operation,
            detail: detail.into(),
            source: None,
        }
    }

    /// The service's error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.detail.strip_prefix("service error ")
    }
}

/// Describes an SDK error for a log line: the service's error code, or the transport failure.
/// Service messages are left out because they may quote addresses from the request.
fn describe_sdk_error<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(service) => format!(
            "service error {}",
            service.err().code().unwrap_or("(no code)")
        ),
        SdkError::TimeoutError(_) => "timed out".to_owned(),
        SdkError::DispatchFailure(_) => {
            format!(
                "could not reach the service: {}",
                DisplayErrorContext(error)
            )
        }
        SdkError::ResponseError(_) => "unreadable response".to_owned(),
        SdkError::ConstructionFailure(_) => "request could not be built".to_owned(),
        _ => "unknown SDK error".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_only_when_both_halves_are_there() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.into())
            }
        };
        const BOTH: &[(&str, &str)] = &[
            ("AWS_ACCESS_KEY_ID", "AKIA"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ];
        assert!(credentials_in_env(env(BOTH)));
        assert!(!credentials_in_env(env(&BOTH[..1])));
        assert!(!credentials_in_env(env(&[
            ("AWS_ACCESS_KEY_ID", "AKIA"),
            ("AWS_SECRET_ACCESS_KEY", "")
        ])));
        assert!(!credentials_in_env(env(&[])));
    }
}
