//! A registered endpoint: where it is, what kind of receiver it is, which events it wants, and
//! the rule every address must pass before anything is sent to it.

use super::address::is_public;
use std::net::IpAddr;
use url::{Host, Url};

/// What kind of receiver an endpoint is, and so how its body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Standard Webhooks receiver: the thin JSON body, signed.
    Standard,
    /// A Slack incoming webhook: one line of text. Its URL is its secret.
    Slack,
    /// A Microsoft Teams Workflows webhook: an Adaptive Card. Its URL is its secret.
    Teams,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Standard, Kind::Slack, Kind::Teams];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Standard => "standard",
            Kind::Slack => "slack",
            Kind::Teams => "teams",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// A chat's URL lets anyone post into the practice's chat: it is kept as a secret.
    pub fn url_is_secret(self) -> bool {
        self != Kind::Standard
    }
}

/// The events an endpoint can ask for (`webhook.test` goes only where `webhooks test` sends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    Received,
    Assigned,
    FollowUpChanged,
    Overdue,
    Erased,
    Test,
}

impl EventType {
    /// What `--events` may name, in the contract's order.
    pub const SUBSCRIBABLE: [EventType; 5] = [
        EventType::Received,
        EventType::Assigned,
        EventType::FollowUpChanged,
        EventType::Overdue,
        EventType::Erased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Received => "request.received",
            EventType::Assigned => "request.assigned",
            EventType::FollowUpChanged => "request.follow_up_changed",
            EventType::Overdue => "request.overdue",
            EventType::Erased => "request.erased",
            EventType::Test => "webhook.test",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .into_iter()
            .chain([EventType::Test])
            .find(|event| event.as_str() == text)
    }
}

/// Why an address is refused, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlRefused {
    #[error("not a URL")]
    NotAUrl,
    #[error("only https:// URLs are sent to")]
    NotHttps,
    #[error("only port 443 is sent to")]
    NotPort443,
    #[error("a URL with a user name or password is not sent to")]
    Credentials,
    #[error("{0} is not a public address")]
    NotPublic(IpAddr),
}

/// An endpoint's URL that passed the rule: `https` on port 443, to a name (whose addresses are
/// checked again when it is resolved) or a public address. With `allow_local_http` (a variable
/// the template never sets, for tests), `http://127.0.0.1` on any port too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(Url);

impl EndpointUrl {
    pub fn parse(text: &str, allow_local_http: bool) -> Result<Self, UrlRefused> {
        let url = Url::parse(text.trim()).map_err(|_| UrlRefused::NotAUrl)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlRefused::Credentials);
        }
        let local = allow_local_http
            && url.scheme() == "http"
            && url.host() == Some(Host::Ipv4(std::net::Ipv4Addr::LOCALHOST));
        if local {
            return Ok(Self(url));
        }
        if url.scheme() != "https" {
            return Err(UrlRefused::NotHttps);
        }
        if url.port().is_some_and(|port| port != 443) {
            return Err(UrlRefused::NotPort443);
        }
        match url.host() {
            None => Err(UrlRefused::NotAUrl),
            Some(Host::Ipv4(v4)) if !is_public(IpAddr::V4(v4)) => {
                Err(UrlRefused::NotPublic(IpAddr::V4(v4)))
            }
            Some(Host::Ipv6(v6)) if !is_public(IpAddr::V6(v6)) => {
                Err(UrlRefused::NotPublic(IpAddr::V6(v6)))
            }
            Some(_) => Ok(Self(url)),
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_ascii_lowercase()
    }

    /// For `webhooks list`: the scheme and host, the rest (which may carry a token) hidden.
    pub fn masked(&self) -> String {
        format!(
            "{}://{}/…",
            self.0.scheme(),
            self.0.host_str().unwrap_or_default()
        )
    }
}

/// One endpoint as the function keeps it (its URL only masked: the URL is in its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `ep_` and a ULID.
    pub id: String,
    pub kind: Kind,
    /// The URL's masked form (scheme and host).
    pub shown_url: String,
    /// Its secret's ARN in Secrets Manager: the URL and, for a standard receiver, the signing
    /// secret.
    pub secret_arn: String,
    pub events: Vec<EventType>,
    /// Why it stopped receiving (`410 Gone`), when it did.
    pub disabled: Option<String>,
}

impl Endpoint {
    pub fn wants(&self, event: EventType) -> bool {
        self.disabled.is_none() && self.events.contains(&event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_on_443_to_a_name_or_public_address_is_allowed() {
        for url in [
            "https://hooks.slack.com/services/T0/B0/x",
            "https://example.com:443/hook",
            "https://8.8.8.8/hook",
        ] {
            assert!(EndpointUrl::parse(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn each_way_a_url_is_refused() {
        let cases = [
            ("not a url", UrlRefused::NotAUrl),
            ("http://example.com/hook", UrlRefused::NotHttps),
            ("ftp://example.com/hook", UrlRefused::NotHttps),
            ("https://example.com:8443/hook", UrlRefused::NotPort443),
            ("https://user:pw@example.com/hook", UrlRefused::Credentials),
            (
                "https://127.0.0.1/hook",
                UrlRefused::NotPublic("127.0.0.1".parse().unwrap()),
            ),
            (
                "https://169.254.169.254/latest",
                UrlRefused::NotPublic("169.254.169.254".parse().unwrap()),
            ),
            (
                "https://[::ffff:10.0.0.1]/hook",
                UrlRefused::NotPublic("::ffff:10.0.0.1".parse().unwrap()),
            ),
            ("http://127.0.0.1:9000/hook", UrlRefused::NotHttps),
        ];
        for (url, refused) in cases {
            assert_eq!(EndpointUrl::parse(url, false), Err(refused), "{url}");
        }
    }

    #[test]
    fn local_http_is_allowed_only_to_127_0_0_1_and_only_when_asked() {
        assert!(EndpointUrl::parse("http://127.0.0.1:9000/hook", true).is_ok());
        assert_eq!(
            EndpointUrl::parse("http://localhost:9000/hook", true),
            Err(UrlRefused::NotHttps)
        );
        assert_eq!(
            EndpointUrl::parse("http://10.0.0.1:9000/hook", true),
            Err(UrlRefused::NotHttps)
        );
    }

    #[test]
    fn a_chat_url_is_masked_to_its_host() {
        let url = EndpointUrl::parse("https://hooks.slack.com/services/T0/B0/secret", false);
        assert_eq!(url.unwrap().masked(), "https://hooks.slack.com/…");
    }

    #[test]
    fn event_names_read_back() {
        for event in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
        assert_eq!(EventType::parse("request.spam"), None);
    }
}
