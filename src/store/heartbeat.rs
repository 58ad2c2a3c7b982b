//! The heartbeat's bookkeeping and the quiet form's clock: a probe accepted once (`heartbeat#`
//! items, kept two days), the latest probe's state (`heartbeat-state`: sent, delivered, missing
//! reported) and the time of the last real request (`last-request`). One item each, read by key:
//! none of it grows with the table.

use super::item::{attr, n, rfc3339, s};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::SubmissionId;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

const STATE_KEY: &str = "heartbeat-state";
const LAST_REQUEST_KEY: &str = "last-request";

fn probe_key(id: SubmissionId) -> String {
    format!("heartbeat#{id}")
}

fn test_key(id: SubmissionId) -> String {
    format!("doctor-test#{id}")
}

/// The latest probe, as the daily run sent it and SES reported on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeState {
    /// The practice-time day (`2026-12-01`) the latest probe was sent.
    pub day: String,
    pub id: SubmissionId,
    pub sent_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// `heartbeat_missing` was logged for this probe (once).
    pub missing_reported: bool,
}

/// A conditional update's outcome: done, or its condition did not hold.
fn applied<T, R>(
    result: Result<
        T,
        aws_sdk_dynamodb::error::SdkError<
            aws_sdk_dynamodb::operation::update_item::UpdateItemError,
            R,
        >,
    >,
) -> Result<bool, StoreError>
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if condition_failed(&e) => Ok(false),
        Err(e) => Err(dynamodb("UpdateItem")(e)),
    }
}

fn time(value: Option<&AttributeValue>) -> Option<DateTime<Utc>> {
    let text = value?.as_s().ok()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// Takes a probe's id, once: false for an id seen before (a replayed header).
    pub async fn accept_probe(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(&probe_key(id)))
            .item(attr::RECEIVED_AT, s(&rfc3339(now)))
            .item(attr::EXPIRES_AT, n((now + Duration::days(2)).timestamp()))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(PutItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(dynamodb("PutItem")(e)),
        }
    }

    pub async fn probe_state(&self) -> Result<Option<ProbeState>, StoreError> {
        Ok(self.daily_state().await?.0)
    }

    /// The latest probe, and the test notification `doctor --send-test` asked for and the
    /// scheduled run has not sent yet: one read.
    pub async fn daily_state(
        &self,
    ) -> Result<(Option<ProbeState>, Option<SubmissionId>), StoreError> {
        let item = self.get_item(STATE_KEY).await?;
        let test = item
            .as_ref()
            .and_then(|item| item.get("test_id")?.as_s().ok())
            .and_then(|id| SubmissionId::parse(id));
        Ok((
            item.and_then(|item| {
                Some(ProbeState {
                    day: item.get("probe_day")?.as_s().ok()?.clone(),
                    id: SubmissionId::parse(item.get("probe_id")?.as_s().ok()?)?,
                    sent_at: time(item.get("probe_sent_at"))?,
                    delivered_at: time(item.get("delivered_at")),
                    missing_reported: matches!(
                        item.get("missing_reported"),
                        Some(AttributeValue::Bool(true))
                    ),
                })
            }),
            test,
        ))
    }

    /// `doctor --send-test` asks the scheduled run to send staff a test notification: the
    /// operator tool itself sends no email.
    pub async fn request_test(&self, id: SubmissionId) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .update_expression("SET test_id = :id")
            .expression_attribute_values(":id", s(&id.to_string()))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// The test notification went out: the next run does not send it again.
    pub async fn test_sent(&self, id: SubmissionId) -> Result<bool, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .update_expression("REMOVE test_id")
            .condition_expression("test_id = :id")
            .expression_attribute_values(":id", s(&id.to_string()))
            .send()
            .await;
        applied(updated)
    }

    /// Claims today's probe: false when a run sent one today already.
    pub async fn claim_probe(
        &self,
        day: &str,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .update_expression(
                "SET probe_day = :day, probe_id = :id, probe_sent_at = :now REMOVE delivered_at, missing_reported",
            )
            .condition_expression("attribute_not_exists(probe_day) OR probe_day <> :day")
            .expression_attribute_values(":day", s(day))
            .expression_attribute_values(":id", s(&id.to_string()))
            .expression_attribute_values(":now", s(&rfc3339(now)))
            .send()
            .await;
        applied(updated)
    }

    /// SES delivered the probe's email: false when it is not the latest probe.
    pub async fn record_probe_delivered(
        &self,
        id: SubmissionId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.update_probe(id, "SET delivered_at = :at", Some(at))
            .await
    }

    /// `heartbeat_missing` was logged for this probe: once is enough for the alarm.
    pub async fn mark_probe_missing(&self, id: SubmissionId) -> Result<bool, StoreError> {
        self.update_probe(id, "SET missing_reported = :yes", None)
            .await
    }

    async fn update_probe(
        &self,
        id: SubmissionId,
        expression: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .update_expression(expression)
            .condition_expression("probe_id = :id")
            .expression_attribute_values(":id", s(&id.to_string()));
        update = match at {
            Some(at) => update.expression_attribute_values(":at", s(&rfc3339(at))),
            None => update.expression_attribute_values(":yes", AttributeValue::Bool(true)),
        };
        applied(update.send().await)
    }

    /// Claims a once-a-day task (`key`) for `day`: false when a run did it today already.
    pub async fn claim_day(&self, key: &str, day: &str) -> Result<bool, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(key))
            .update_expression("SET done_day = :day")
            .condition_expression("attribute_not_exists(done_day) OR done_day <> :day")
            .expression_attribute_values(":day", s(day))
            .send()
            .await;
        applied(updated)
    }

    /// `doctor --send-test`'s notification, waiting for SES's delivery event (kept a day).
    pub async fn put_test_notification(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(&test_key(id)))
            .item("sent_at", s(&rfc3339(now)))
            .item(attr::EXPIRES_AT, n((now + Duration::days(1)).timestamp()))
            .send()
            .await
            .map_err(dynamodb("PutItem"))?;
        Ok(())
    }

    /// SES delivered the test notification: false for an id no doctor sent.
    pub async fn record_test_delivered(
        &self,
        id: SubmissionId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&test_key(id)))
            .update_expression("SET delivered_at = :at")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .send()
            .await;
        applied(updated)
    }

    /// When SES reported the test notification delivered, if it has.
    pub async fn test_delivered_at(
        &self,
        id: SubmissionId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let item = self.get_item(&test_key(id)).await?;
        Ok(item.and_then(|item| time(item.get("delivered_at"))))
    }

    /// A real request arrived: the quiet form's clock starts again.
    pub async fn touch_last_request(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(LAST_REQUEST_KEY))
            .update_expression("SET #at = :at")
            .condition_expression("attribute_not_exists(#at) OR #at < :at")
            .expression_attribute_names("#at", attr::RECEIVED_AT)
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .send()
            .await
            .map(|_| ())
            .or_else(|e| {
                if condition_failed(&e) {
                    Ok(())
                } else {
                    Err(dynamodb("UpdateItem")(e))
                }
            })
    }

    /// When the last real request arrived; a stack that never had one starts its clock now.
    pub async fn last_real_request(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        let item = self.get_item(LAST_REQUEST_KEY).await?;
        match item.and_then(|item| time(item.get(attr::RECEIVED_AT))) {
            Some(at) => Ok(at),
            None => {
                self.touch_last_request(now).await?;
                Ok(now)
            }
        }
    }

    async fn get_item(
        &self,
        key: &str,
    ) -> Result<Option<std::collections::HashMap<String, AttributeValue>>, StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(key))
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        Ok(answer.item)
    }
}
