//! The daily checks' bookkeeping: a probe accepted once (`heartbeat#` items, kept two days), the
//! latest probe's state (`heartbeat-state`: sent, delivered, missing reported), doctor's test
//! notification (`doctor-test#`), and the quiet-form check's day and clock (`quiet-check`). One
//! item each, read by key: none of it grows with the table.

use super::item::{HEARTBEAT_STATE_KEY, QUIET_CHECK_KEY, attr, n, probe_key, rfc3339, s, test_key};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::SubmissionId;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Duration, Utc};

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
        Self::claim_put(
            self.client
                .put_item()
                .table_name(&self.table_name)
                .item(attr::PK, s(&probe_key(id)))
                .item(attr::RECEIVED_AT, s(&rfc3339(now)))
                .item(attr::EXPIRES_AT, n((now + Duration::days(2)).timestamp()))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", attr::PK),
        )
        .await
    }

    pub async fn probe_state(&self) -> Result<Option<ProbeState>, StoreError> {
        Ok(self.daily_state().await?.0)
    }

    /// The latest probe, and the test notification `doctor --send-test` asked for and the
    /// scheduled run has not sent yet: one read.
    pub async fn daily_state(
        &self,
    ) -> Result<(Option<ProbeState>, Option<SubmissionId>), StoreError> {
        let item = self.get_item(HEARTBEAT_STATE_KEY).await?;
        let text = |name: &str| item.as_ref()?.get(name)?.as_s().ok().cloned();
        let test = text(attr::TEST_ID).and_then(|id| SubmissionId::parse(&id));
        let probe = (|| {
            let item = item.as_ref()?;
            Some(ProbeState {
                day: text(attr::PROBE_DAY)?,
                id: SubmissionId::parse(&text(attr::PROBE_ID)?)?,
                sent_at: time(item.get(attr::PROBE_SENT_AT))?,
                delivered_at: time(item.get(attr::DELIVERED_AT)),
                missing_reported: matches!(
                    item.get(attr::MISSING_REPORTED),
                    Some(AttributeValue::Bool(true))
                ),
            })
        })();
        Ok((probe, test))
    }

    /// `doctor --send-test` asks the scheduled run to send staff a test notification: the
    /// operator tool itself sends no email.
    pub async fn request_test(&self, id: SubmissionId) -> Result<(), StoreError> {
        self.update_item(HEARTBEAT_STATE_KEY)
            .update_expression("SET #test = :id")
            .expression_attribute_names("#test", attr::TEST_ID)
            .expression_attribute_values(":id", s(&id.to_string()))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// The test notification went out: the next run does not send it again.
    pub async fn test_sent(&self, id: SubmissionId) -> Result<bool, StoreError> {
        Self::claim(
            self.update_item(HEARTBEAT_STATE_KEY)
                .update_expression("REMOVE #test")
                .condition_expression("#test = :id")
                .expression_attribute_names("#test", attr::TEST_ID)
                .expression_attribute_values(":id", s(&id.to_string())),
        )
        .await
    }

    /// Claims today's probe: false when a run sent one today already.
    pub async fn claim_probe(
        &self,
        day: &str,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_item(HEARTBEAT_STATE_KEY)
                .update_expression(
                    "SET #day = :day, #id = :id, #sent = :now REMOVE #delivered, #missing",
                )
                .condition_expression("attribute_not_exists(#day) OR #day <> :day")
                .expression_attribute_names("#day", attr::PROBE_DAY)
                .expression_attribute_names("#id", attr::PROBE_ID)
                .expression_attribute_names("#sent", attr::PROBE_SENT_AT)
                .expression_attribute_names("#delivered", attr::DELIVERED_AT)
                .expression_attribute_names("#missing", attr::MISSING_REPORTED)
                .expression_attribute_values(":day", s(day))
                .expression_attribute_values(":id", s(&id.to_string()))
                .expression_attribute_values(":now", s(&rfc3339(now))),
        )
        .await
    }

    /// SES delivered the probe's email: false when it is not the latest probe.
    pub async fn record_probe_delivered(
        &self,
        id: SubmissionId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.latest_probe(id)
                .update_expression("SET #delivered = :at")
                .expression_attribute_names("#delivered", attr::DELIVERED_AT)
                .expression_attribute_values(":at", s(&rfc3339(at))),
        )
        .await
    }

    /// `heartbeat_missing` was logged for this probe: once is enough for the alarm.
    pub async fn mark_probe_missing(&self, id: SubmissionId) -> Result<bool, StoreError> {
        Self::claim(
            self.latest_probe(id)
                .update_expression("SET #missing = :yes")
                .expression_attribute_names("#missing", attr::MISSING_REPORTED)
                .expression_attribute_values(":yes", AttributeValue::Bool(true)),
        )
        .await
    }

    /// An update of the heartbeat's state that holds only while `id` is the latest probe.
    fn latest_probe(
        &self,
        id: SubmissionId,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.update_item(HEARTBEAT_STATE_KEY)
            .condition_expression("#id = :id")
            .expression_attribute_names("#id", attr::PROBE_ID)
            .expression_attribute_values(":id", s(&id.to_string()))
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
            .item(attr::SENT_AT, s(&rfc3339(now)))
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
        Self::claim(
            self.update_item(&test_key(id))
                .update_expression("SET #delivered = :at")
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#delivered", attr::DELIVERED_AT)
                .expression_attribute_values(":at", s(&rfc3339(at))),
        )
        .await
    }

    /// When SES reported the test notification delivered, if it has.
    pub async fn test_delivered_at(
        &self,
        id: SubmissionId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let item = self.get_item(&test_key(id)).await?;
        Ok(item.and_then(|item| time(item.get(attr::DELIVERED_AT))))
    }

    /// Claims today's quiet-form check: when no run did it today, the time its clock started
    /// (the first check's: a new stack is not quiet on its first day).
    pub async fn claim_quiet_check(
        &self,
        day: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let claimed = self
            .update_item(QUIET_CHECK_KEY)
            .update_expression("SET #done = :day, #since = if_not_exists(#since, :now)")
            .condition_expression("attribute_not_exists(#done) OR #done <> :day")
            .expression_attribute_names("#done", attr::DONE_DAY)
            .expression_attribute_names("#since", attr::SINCE)
            .expression_attribute_values(":day", s(day))
            .expression_attribute_values(":now", s(&rfc3339(now)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match claimed {
            Ok(output) => {
                Ok(time(output.attributes.as_ref().and_then(|a| a.get(attr::SINCE))).or(Some(now)))
            }
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }
}
