//! The endpoints' life, for the operator tool: added (the secret made and kept in Secrets
//! Manager, shown once), listed, removed, tested, replayed; and disabled by the function when a
//! receiver answers `410 Gone`. Every change to the list is made under its version, so two
//! operators never undo each other's.

use super::endpoint::{Endpoint, EndpointUrl, EventType, Kind, UrlRefused};
use super::event::{About, Event};
use super::{Webhooks, endpoint_of};
use crate::signing::WebhookSecret;
use crate::store::StoreError;
use crate::store::webhooks::{EndpointRecord, delivery_key, endpoint_of_key};
use chrono::{DateTime, Utc};

/// Why a change to the endpoints could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WebhookChange {
    #[error("the URL is refused: {0}")]
    Url(#[from] UrlRefused),
    #[error("no endpoint {0}")]
    NoSuchEndpoint(String),
    #[error(
        "this is a {0} URL: add it with --kind {0}, which keeps it as a secret and sends what {0} shows"
    )]
    ChatUrl(&'static str),
    #[error(
        "the practice has {MOST_ENDPOINTS} endpoints, the most a change's transaction can carry with it"
    )]
    TooMany,
    #[error("the endpoint's secret could not be kept in Secrets Manager: {0}")]
    Secret(String),
    #[error("the endpoints kept changing under this change; try again")]
    Conflict,
    #[error("no random bytes for a secret: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The most endpoints: each change writes a delivery to each in its own transaction, which
/// DynamoDB limits to 100 items.
pub const MOST_ENDPOINTS: usize = 20;

/// What an endpoint's secret holds: its URL (which may itself carry a token, as Slack's, Teams'
/// and many automation tools' do) and, for a standard receiver, its signing secret.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Kept {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

/// The chat services whose URLs must be added as their kind, never as a standard receiver.
fn chat_of(url: &EndpointUrl) -> Option<&'static str> {
    let host = url.host();
    if host == "hooks.slack.com" {
        Some("slack")
    } else if [
        ".logic.azure.com",
        ".powerplatform.com",
        ".webhook.office.com",
    ]
    .iter()
    .any(|suffix| host.ends_with(suffix))
    {
        Some("teams")
    } else {
        None
    }
}

/// A new endpoint, and what to show once.
#[derive(Debug)]
pub struct Added {
    pub endpoint: Endpoint,
    /// The signing secret (standard receivers), shown this once and never again.
    pub secret: Option<WebhookSecret>,
}

impl Webhooks {
    /// Adds an endpoint: its secret (the signing key, or a chat's URL) kept as a Secrets Manager
    /// secret named `<prefix>/webhooks/<id>`.
    pub async fn add(
        &self,
        url: &str,
        kind: Kind,
        events: Vec<EventType>,
        secret_prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<Added, WebhookChange> {
        let url = EndpointUrl::parse(url, self.allow_local_http)?;
        if let (Kind::Standard, Some(chat)) = (kind, chat_of(&url)) {
            return Err(WebhookChange::ChatUrl(chat));
        }
        let (endpoints, _) = self.endpoints(true).await?;
        if endpoints.len() >= MOST_ENDPOINTS {
            return Err(WebhookChange::TooMany);
        }
        let id = format!("ep_{}", crate::domain::SubmissionId::new(now));
        let secret = match kind {
            Kind::Standard => {
                Some(WebhookSecret::generate().map_err(|e| WebhookChange::Random(e.to_string()))?)
            }
            Kind::Slack | Kind::Teams => None,
        };
        let kept = serde_json::to_string(&Kept {
            url: url.as_str().to_owned(),
            signing_secret: secret.as_ref().map(|s| s.expose().to_owned()),
        })
        .map_err(|e| WebhookChange::Secret(e.to_string()))?;
        let shown_url = url.masked();
        let created = self
            .secrets
            .create_secret()
            .name(format!("{secret_prefix}/webhooks/{id}"))
            .description(format!(
                "The consultation form's webhook {id} ({}): its URL{}",
                kind.as_str(),
                if secret.is_some() {
                    " and signing secret"
                } else {
                    ", which lets anyone post into the chat"
                }
            ))
            .secret_string(kept)
            .send()
            .await
            .map_err(|e| WebhookChange::Secret(e.to_string()))?;
        let endpoint = Endpoint {
            id,
            kind,
            shown_url,
            secret_arn: created.arn.unwrap_or_default(),
            events,
            disabled: None,
        };
        let record = EndpointRecord {
            id: endpoint.id.clone(),
            kind: kind.as_str().to_owned(),
            shown_url: endpoint.shown_url.clone(),
            secret_arn: endpoint.secret_arn.clone(),
            events: endpoint
                .events
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
            disabled: None,
            created_at: crate::store::rfc3339(now),
        };
        self.change(|records| {
            records.push(record.clone());
            Ok(())
        })
        .await?;
        Ok(Added { endpoint, secret })
    }

    /// Removes an endpoint and schedules its secret's deletion; deliveries still queued for it
    /// are cancelled when their time comes.
    pub async fn remove(&self, id: &str) -> Result<Endpoint, WebhookChange> {
        let mut removed = None;
        self.change(|records| {
            let at = records
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| WebhookChange::NoSuchEndpoint(id.to_owned()))?;
            removed = Some(records.remove(at));
            Ok(())
        })
        .await?;
        let record = removed.ok_or_else(|| WebhookChange::NoSuchEndpoint(id.to_owned()))?;
        self.secrets
            .delete_secret()
            .secret_id(&record.secret_arn)
            .recovery_window_in_days(7)
            .send()
            .await
            .map_err(|e| WebhookChange::Secret(e.to_string()))?;
        endpoint_of(&record).ok_or_else(|| WebhookChange::NoSuchEndpoint(id.to_owned()))
    }

    /// Disables an endpoint (`410 Gone`): nothing more is sent to it.
    pub(super) async fn disable(&self, id: &str, why: &str) -> Result<(), StoreError> {
        let why = format!("{why} at {}", crate::store::rfc3339(Utc::now()));
        let changed = self
            .change(|records| {
                if let Some(record) = records.iter_mut().find(|r| r.id == id) {
                    record.disabled.get_or_insert(why.clone());
                }
                Ok(())
            })
            .await;
        match changed {
            Ok(()) => Ok(()),
            Err(WebhookChange::Store(error)) => Err(error),
            // Removed meanwhile, or changing under us: its deliveries are cancelled anyway.
            Err(_) => Ok(()),
        }
    }

    /// Queues a `webhook.test` to one endpoint, due now; the delivery's key, to read its outcome.
    pub async fn test(&self, id: &str, now: DateTime<Utc>) -> Result<String, WebhookChange> {
        let (endpoints, _) = self.endpoints(true).await?;
        let endpoint = endpoints
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| WebhookChange::NoSuchEndpoint(id.to_owned()))?;
        let event = Event::new(EventType::Test, now, About::Test);
        self.store
            .write_outbox(&self.deliveries(&event, &[endpoint], now))
            .await?;
        Ok(delivery_key(&event.id, &endpoint.id))
    }

    /// Queues again every delivery made since `since` (to one endpoint, or to every one still
    /// enabled), due now; how many.
    pub async fn replay(
        &self,
        since: DateTime<Utc>,
        only: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, WebhookChange> {
        let (endpoints, _) = self.endpoints(true).await?;
        if let Some(id) = only
            && !endpoints.iter().any(|e| e.id == id)
        {
            return Err(WebhookChange::NoSuchEndpoint(id.to_owned()));
        }
        let enabled: Vec<&str> = endpoints
            .iter()
            .filter(|e| e.disabled.is_none() && only.is_none_or(|id| id == e.id))
            .map(|e| e.id.as_str())
            .collect();
        let mut queued = 0;
        for key in self.store.deliveries_since(since, now).await? {
            if endpoint_of_key(&key).is_some_and(|e| enabled.contains(&e))
                && self.store.queue_delivery_again(&key, now).await?
            {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Applies `edit` to the endpoints under their version, reading again on a conflict.
    async fn change(
        &self,
        mut edit: impl FnMut(&mut Vec<EndpointRecord>) -> Result<(), WebhookChange>,
    ) -> Result<(), WebhookChange> {
        for _ in 0..5 {
            let mut stored = self.store.webhook_endpoints(true).await?;
            edit(&mut stored.endpoints)?;
            if self
                .store
                .save_webhook_endpoints(&stored.endpoints, stored.version)
                .await?
            {
                return Ok(());
            }
        }
        Err(WebhookChange::Conflict)
    }
}
