//! The one way a webhook leaves the function: the HTTPS client the function already has (its
//! compiled-in roots), with every address a name resolves to checked before it is connected,
//! redirects never followed, nothing of an answer read but its status (its body is dropped
//! unread, so a receiver cannot make us buffer anything), and a deadline over the whole exchange.

use super::address::is_public;
use super::endpoint::EndpointUrl;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a receiver has to answer: the specification's and the contract's 10 seconds.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered with this status (its body dropped unread).
    Answered(u16),
    /// No answer within the deadline.
    TimedOut,
    /// The name resolved to an address a webhook may not be sent to.
    Refused(String),
    /// No connection, or the exchange broke off.
    Unreachable(String),
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        matches!(self, Outcome::Answered(status) if (200..300).contains(status))
    }

    /// What the delivery's record and `webhooks list` say.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Answered(status) => status.to_string(),
            Outcome::TimedOut => "timeout".to_owned(),
            Outcome::Refused(_) => "refused".to_owned(),
            Outcome::Unreachable(_) => "unreachable".to_owned(),
        }
    }
}

/// The resolver every connection goes through: the system's, then every address checked; one
/// address that is not public refuses the name (a name that mixes them is not trusted).
#[derive(Clone)]
pub struct CheckedResolver {
    inner: GaiResolver,
}

#[derive(Debug, thiserror::Error)]
#[error("{name} resolves to {address}, which is not a public address")]
pub struct NotPublic {
    name: String,
    address: std::net::IpAddr,
}

type Resolving =
    Pin<Box<dyn Future<Output = Result<std::vec::IntoIter<SocketAddr>, BoxError>> + Send>>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower_service::Service<Name> for CheckedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Resolving;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let text = name.as_str().to_owned();
        let resolving = self.inner.call(name);
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = resolving.await?.collect();
            if let Some(address) = addresses.iter().find(|a| !is_public(a.ip())) {
                return Err(Box::new(NotPublic {
                    name: text,
                    address: address.ip(),
                }) as BoxError);
            }
            Ok(addresses.into_iter())
        })
    }
}

type SafeClient = Client<hyper_rustls::HttpsConnector<HttpConnector<CheckedResolver>>, Full<Bytes>>;

/// The webhooks' HTTP client, built once per cold start, when the first one is sent.
#[derive(Clone)]
pub struct Outbound {
    client: SafeClient,
}

impl Outbound {
    /// `allow_local_http`: the test variable, which also lets plain `http://` through (the
    /// endpoint's URL rule allows it only to 127.0.0.1, which is never resolved).
    pub fn new(allow_local_http: bool) -> Self {
        let mut http = HttpConnector::new_with_resolver(CheckedResolver {
            inner: GaiResolver::new(),
        });
        http.enforce_http(false);
        http.set_connect_timeout(Some(ANSWER_WITHIN));
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(crate::tls::crypto_provider())
            .expect("ring and AWS-LC offer the default TLS versions");
        let https = if allow_local_http {
            builder.https_or_http().enable_http1().wrap_connector(http)
        } else {
            builder.https_only().enable_http1().wrap_connector(http)
        };
        let client =
            Client::builder(hyper_util::rt::TokioExecutor::new()).build::<_, Full<Bytes>>(https);
        Self { client }
    }

    /// Posts `body` with `headers`, within `within` (at most [`ANSWER_WITHIN`]).
    pub async fn post(
        &self,
        url: &EndpointUrl,
        headers: &[(&str, String)],
        body: Bytes,
        within: Duration,
    ) -> Outcome {
        let mut request = hyper::Request::post(url.as_str())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .header(hyper::header::USER_AGENT, "consultation-form-webhooks");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let Ok(request) = request.body(Full::new(body)) else {
            return Outcome::Unreachable("the request could not be built".to_owned());
        };
        // The status is all we read: the body is dropped unread with the response.
        let exchange = async {
            let response = self.client.request(request).await?;
            Ok::<_, hyper_util::client::legacy::Error>(response.status().as_u16())
        };
        match tokio::time::timeout(within.min(ANSWER_WITHIN), exchange).await {
            Err(_) => Outcome::TimedOut,
            Ok(Ok(status)) => Outcome::Answered(status),
            Ok(Err(error)) => classify(&error),
        }
    }
}

/// A refused name is told apart from an unreachable receiver by the resolver's own error.
fn classify(error: &hyper_util::client::legacy::Error) -> Outcome {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<NotPublic>() {
            return Outcome::Refused(refused.to_string());
        }
        source = cause.source();
    }
    Outcome::Unreachable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_that_resolves_to_the_loopback_is_never_connected() {
        let outbound = Outbound::new(false);
        let url = EndpointUrl::parse("https://localhost/hook", false).unwrap();
        let outcome = outbound
            .post(&url, &[], Bytes::from_static(b"{}"), ANSWER_WITHIN)
            .await;
        assert!(matches!(outcome, Outcome::Refused(_)), "{outcome:?}");
    }

    #[tokio::test]
    async fn plain_http_is_never_sent_without_the_test_variable() {
        let outbound = Outbound::new(false);
        // Past the URL rule (as a stored URL from an older release could be): the client
        // itself refuses plain http.
        let url = EndpointUrl::parse("http://127.0.0.1:9/hook", true).unwrap();
        let outcome = outbound
            .post(&url, &[], Bytes::from_static(b"{}"), ANSWER_WITHIN)
            .await;
        assert!(matches!(outcome, Outcome::Unreachable(_)), "{outcome:?}");
    }
}
