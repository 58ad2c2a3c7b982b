//! Sending what is due: each run claims the deliveries due now (at most [`BATCH`]), sends each
//! with its endpoint's body and signature, and records the answer. A `2xx` within 10 seconds is
//! delivered; anything else is tried again after [`BACKOFF`] (about three days in all), then
//! marked failed with the line `webhook_failed`, which an alarm watches; `410 Gone` disables the
//! endpoint (`webhook_endpoint_disabled`).

use super::Webhooks;
use super::endpoint::{Endpoint, EndpointUrl, EventType, Kind};
use super::event::{slack_body, teams_body};
use super::manage::Kept;
use super::outbound::{ANSWER_WITHIN, Outbound, Outcome};
use crate::deadline::Deadline;
use crate::signing::WebhookSecret;
use crate::store::StoreError;
use crate::store::webhooks::{DeliveryItem, Finish};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use hyper::body::Bytes;
use serde::Serialize;

/// The waits between attempts: after the first attempt fails, 1 minute; then 5 and 30 minutes,
/// 2, 5, 10, 14, 20 and 24 hours (75.6 hours, a little over three days, from the first).
pub const BACKOFF: [Duration; 9] = [
    Duration::minutes(1),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(14),
    Duration::hours(20),
    Duration::hours(24),
];

/// The most deliveries one run claims: the rest wait a minute for the next.
pub const BATCH: usize = 25;
/// How many are sent at once.
const AT_ONCE: usize = 5;
/// What one attempt needs before the invocation's deadline: its 10 seconds and the record.
const NEEDS: std::time::Duration = std::time::Duration::from_secs(12);
/// Kept free after an attempt for its record.
const RECORD: std::time::Duration = std::time::Duration::from_secs(2);
/// How long a claim holds: longer than an attempt can take.
const LEASE: Duration = Duration::minutes(2);

/// What one run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SendReport {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
    pub disabled: usize,
    pub cancelled: usize,
    /// Due, but left for the next run (the deadline was near, or another run had it).
    pub left: usize,
}

enum Sent {
    Delivered,
    Retried,
    Failed,
    Disabled,
    Cancelled,
    Left,
}

impl Webhooks {
    fn outbound(&self) -> &Outbound {
        self.outbound
            .get_or_init(|| Outbound::new(self.allow_local_http))
    }

    /// Sends the deliveries due by `now`, within `deadline`.
    pub async fn send_due(
        &self,
        now: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<SendReport, StoreError> {
        let due = self.store.due_deliveries(now, BATCH).await?;
        let mut report = SendReport::default();
        if due.is_empty() {
            return Ok(report);
        }
        let (endpoints, _) = self.endpoints(false).await?;
        // Endpoints disabled by a 410 during this run: the rest of its batch is not sent to them.
        let gone = std::sync::Mutex::new(std::collections::HashSet::new());
        let gone = &gone;
        let started = Utc::now();
        let results: Vec<Result<Sent, StoreError>> = futures_util::stream::iter(due)
            .map(|delivery| {
                let endpoint = endpoints.iter().find(|e| e.id == delivery.endpoint);
                async move {
                    // An attempt needs its 10 seconds and the record after it.
                    if deadline.time_to_answer().is_some_and(|left| left < NEEDS) {
                        return Ok(Sent::Left);
                    }
                    // The run's clock, moved on by the time spent so far.
                    let now = now + (Utc::now() - started);
                    self.send_one(delivery, endpoint, now, deadline, gone).await
                }
            })
            .buffer_unordered(AT_ONCE)
            .collect()
            .await;
        for result in results {
            match result? {
                Sent::Delivered => report.delivered += 1,
                Sent::Retried => report.retried += 1,
                Sent::Failed => report.failed += 1,
                Sent::Disabled => report.disabled += 1,
                Sent::Cancelled => report.cancelled += 1,
                Sent::Left => report.left += 1,
            }
        }
        Ok(report)
    }

    async fn send_one(
        &self,
        delivery: DeliveryItem,
        endpoint: Option<&Endpoint>,
        now: DateTime<Utc>,
        deadline: Deadline,
        gone: &std::sync::Mutex<std::collections::HashSet<String>>,
    ) -> Result<Sent, StoreError> {
        let lease = now + LEASE;
        if !self.store.claim_delivery(&delivery, lease).await? {
            return Ok(Sent::Left);
        }
        let attempt = delivery.attempts + 1;
        let disabled_now = gone
            .lock()
            .is_ok_and(|gone| gone.contains(&delivery.endpoint));
        let endpoint = endpoint.filter(|e| e.disabled.is_none() && !disabled_now);
        let cancelled = match endpoint {
            None => Some("endpoint removed or disabled"),
            Some(_) if self.request_erased(&delivery).await? => Some("request erased"),
            Some(_) => None,
        };
        let (Some(endpoint), None) = (endpoint, cancelled) else {
            let result = cancelled.unwrap_or_default();
            let finish = Finish::Ended {
                status: "cancelled",
                result,
            };
            self.store
                .finish_delivery(&delivery.key, lease, finish, now)
                .await?;
            return Ok(Sent::Cancelled);
        };
        let sending = Utc::now();
        // Within the invocation's time, keeping a moment for the record after it.
        let within = deadline
            .time_to_answer()
            .map_or(ANSWER_WITHIN, |left| left.saturating_sub(RECORD));
        let outcome = self.attempt(&delivery, endpoint, within).await;
        let result = outcome.summary();
        let finished = now + (Utc::now() - sending);
        let (finish, sent) = if outcome.delivered() {
            (Finish::Delivered { result: &result }, Sent::Delivered)
        } else if outcome == Outcome::Answered(410) {
            if let Ok(mut gone) = gone.lock() {
                gone.insert(endpoint.id.clone());
            }
            self.disable(&endpoint.id, "410 Gone").await?;
            tracing::warn!(event = "webhook_endpoint_disabled", endpoint = %endpoint.id, "an endpoint answered 410 Gone: disabled, nothing more is sent to it");
            let finish = Finish::Ended {
                status: "gone",
                result: &result,
            };
            (finish, Sent::Disabled)
        } else if let Some(wait) = BACKOFF.get(attempt as usize - 1) {
            let next = finished + *wait;
            (
                Finish::Retry {
                    result: &result,
                    next,
                },
                Sent::Retried,
            )
        } else {
            tracing::error!(event = "webhook_failed", endpoint = %endpoint.id, event_type = %delivery.event, webhook_id = %delivery.webhook_id, attempts = attempt, result = %result, "a webhook was not delivered after three days of tries");
            let finish = Finish::Ended {
                status: "failed",
                result: &result,
            };
            (finish, Sent::Failed)
        };
        tracing::info!(event = "webhook_attempt", endpoint = %endpoint.id, event_type = %delivery.event, webhook_id = %delivery.webhook_id, attempt, result = %result, "a webhook was sent");
        self.store
            .finish_delivery(&delivery.key, lease, finish, finished)
            .await?;
        Ok(sent)
    }

    /// Whether the request a delivery is about was erased since (its `request.erased` is the
    /// last word: nothing before it is sent, nor replayed, after it).
    async fn request_erased(&self, delivery: &DeliveryItem) -> Result<bool, StoreError> {
        let about_a_request = matches!(
            EventType::parse(&delivery.event),
            Some(kind) if kind != EventType::Erased && kind != EventType::Test
        );
        let reference = serde_json::from_str::<serde_json::Value>(&delivery.body)
            .ok()
            .and_then(|body| body["data"]["reference"].as_str().map(str::to_owned))
            .and_then(|id| crate::domain::SubmissionId::parse(&id));
        match (about_a_request, reference) {
            (true, Some(id)) => Ok(self.store.get_request(id).await?.is_none()),
            _ => Ok(false),
        }
    }

    /// One attempt: the endpoint's secret, its body, its signature, the post.
    async fn attempt(
        &self,
        delivery: &DeliveryItem,
        endpoint: &Endpoint,
        within: std::time::Duration,
    ) -> Outcome {
        let kept = match self.secret(&endpoint.secret_arn).await {
            Ok(text) => serde_json::from_str::<Kept>(&text),
            Err(error) => return Outcome::Unreachable(error),
        };
        let Ok(Kept {
            url,
            signing_secret,
        }) = kept
        else {
            return Outcome::Unreachable("the endpoint's secret does not read".into());
        };
        let (body, headers) = match endpoint.kind {
            Kind::Standard => {
                let Some(Ok(secret)) = signing_secret.as_deref().map(WebhookSecret::parse) else {
                    return Outcome::Unreachable("the endpoint's secret does not read".into());
                };
                let timestamp = Utc::now().timestamp();
                let signature =
                    secret.signature(&delivery.webhook_id, timestamp, delivery.body.as_bytes());
                let headers = vec![
                    ("webhook-id", delivery.webhook_id.clone()),
                    ("webhook-timestamp", timestamp.to_string()),
                    ("webhook-signature", signature),
                ];
                (delivery.body.clone(), headers)
            }
            Kind::Slack => (slack_body(&delivery.body), Vec::new()),
            Kind::Teams => (teams_body(&delivery.body), Vec::new()),
        };
        let url = match EndpointUrl::parse(&url, self.allow_local_http) {
            Ok(url) => url,
            Err(refused) => return Outcome::Refused(refused.to_string()),
        };
        self.outbound()
            .post(&url, &headers, Bytes::from(body), within)
            .await
    }

    /// An endpoint's secret (its URL, and a standard receiver's signing key), read once per cold
    /// start.
    async fn secret(&self, arn: &str) -> Result<String, String> {
        if let Some(known) = self
            .read_secrets
            .lock()
            .ok()
            .and_then(|s| s.get(arn).cloned())
        {
            return Ok(known);
        }
        let value = self
            .secrets
            .get_secret_value()
            .secret_id(arn)
            .send()
            .await
            .map_err(|e| format!("the endpoint's secret cannot be read: {e}"))?
            .secret_string
            .ok_or("the endpoint's secret is empty")?;
        if let Ok(mut known) = self.read_secrets.lock() {
            known.insert(arn.to_owned(), value.clone());
        }
        Ok(value)
    }
}
