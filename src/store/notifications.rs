//! The staff email's state on a request: claimed with a lease (so the request path and the retry
//! path never send the same email at once), then sent, deferred or failed.

use super::item::{FAILED, PENDING, attr, n, request_id_of_key, request_key, rfc3339, s};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{NotifyStatus, ReceivedRequest, SubmissionId};
use chrono::{DateTime, Utc};

/// A request whose notification this caller has claimed.
#[derive(Debug, Clone)]
pub struct ClaimedNotification {
    pub received: ReceivedRequest,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

impl Store {
    /// Claims a pending notification that is due and whose lease is free, counting the attempt.
    /// `None` when it is sent, failed, gone, not due yet, or claimed by someone else right now.
    /// With `due_only` false (an operator's "send it now"), the schedule is not waited for.
    pub async fn claim_notification(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        due_only: bool,
    ) -> Result<Option<ClaimedNotification>, StoreError> {
        let key = request_key(id);
        let free = "#status = :pending AND (attribute_not_exists(#lease) OR #lease < :now)";
        let mut claim = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&key))
            .update_expression("SET #lease = :until ADD #attempts :one");
        claim = if due_only {
            claim
                .condition_expression(format!(
                    "{free} AND (attribute_not_exists(#next) OR #next <= :now)"
                ))
                .expression_attribute_names("#next", attr::NEXT_ATTEMPT_AT)
        } else {
            claim.condition_expression(free)
        };
        let claimed = claim
            .expression_attribute_names("#lease", attr::LEASE_UNTIL)
            .expression_attribute_names("#attempts", attr::NOTIFY_ATTEMPTS)
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_values(":until", n(lease_until.timestamp_millis()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match claimed {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let stored = super::read::stored_request(&key, &item)?;
                Ok(Some(ClaimedNotification {
                    received: stored.received,
                    attempts: stored.attempts,
                }))
            }
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Records that SES accepted the staff notification.
    pub async fn mark_sent(
        &self,
        id: SubmissionId,
        ses_message_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.update_request(id)
            .update_expression(
                "SET #status = :sent, #message_id = :message_id, #notified_at = :at REMOVE #queue, #lease",
            )
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_names("#message_id", attr::SES_MESSAGE_ID)
            .expression_attribute_names("#notified_at", attr::NOTIFIED_AT)
            .expression_attribute_names("#queue", attr::RETRY_QUEUE)
            .expression_attribute_names("#lease", attr::LEASE_UNTIL)
            .expression_attribute_values(":sent", s(NotifyStatus::Sent.as_str()))
            .expression_attribute_values(":message_id", s(ses_message_id))
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// After a failed attempt: frees the lease and sets when to try next, or, with no next
    /// attempt, gives up (`failed`). Returns the status the request is left in.
    pub async fn release_failed_notification(
        &self,
        id: SubmissionId,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<NotifyStatus, StoreError> {
        let give_up = next_attempt_at.is_none();
        let mut update = self
            .update_request(id)
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_names("#lease", attr::LEASE_UNTIL)
            .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()));
        update = match next_attempt_at {
            None => update
                .update_expression("SET #status = :failed, #queue = :failed_queue REMOVE #lease")
                .expression_attribute_names("#queue", attr::RETRY_QUEUE)
                .expression_attribute_values(":failed", s(NotifyStatus::Failed.as_str()))
                .expression_attribute_values(":failed_queue", s(FAILED)),
            Some(next) => update
                .update_expression("SET #next = :next REMOVE #lease")
                .expression_attribute_names("#next", attr::NEXT_ATTEMPT_AT)
                .expression_attribute_values(":next", n(next.timestamp_millis())),
        };
        match update.send().await {
            Ok(_) if give_up => Ok(NotifyStatus::Failed),
            Ok(_) => Ok(NotifyStatus::Pending),
            Err(e) if condition_failed(&e) => Ok(NotifyStatus::Sent),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Hands a request's staff email back to the function's retry path, due now (an operator's
    /// `resend`): pending, in the retry queue, with a fresh round of attempts. The operator tool
    /// then needs neither SES nor the follow-up key. False when there is no such request.
    pub async fn requeue_notification(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Store::claim(
            self.update_request(id)
                .update_expression(
                    "SET #status = :pending, #queue = :queued, #next = :now, #attempts = :zero",
                )
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#status", attr::NOTIFY_STATUS)
                .expression_attribute_names("#queue", attr::RETRY_QUEUE)
                .expression_attribute_names("#next", attr::NEXT_ATTEMPT_AT)
                .expression_attribute_names("#attempts", attr::NOTIFY_ATTEMPTS)
                .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()))
                .expression_attribute_values(":queued", s(PENDING))
                .expression_attribute_values(":now", n(now.timestamp_millis()))
                .expression_attribute_values(":zero", n(0)),
        )
        .await
    }

    /// Makes a pending notification due now, keeping its attempts (`resend --pending`). False
    /// when it is no longer pending.
    pub async fn make_due_now(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Store::claim(
            self.update_request(id)
                .update_expression("SET #next = :now")
                .condition_expression("#status = :pending")
                .expression_attribute_names("#status", attr::NOTIFY_STATUS)
                .expression_attribute_names("#next", attr::NEXT_ATTEMPT_AT)
                .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()))
                .expression_attribute_values(":now", n(now.timestamp_millis())),
        )
        .await
    }

    /// The requests whose notification is pending, oldest first (at most `limit`, and 1,000: the
    /// rest wait for the next run), each with
    /// when its next attempt is due (`None`: now). One query: the index carries the due time, so a
    /// run claims only what is due.
    pub async fn pending_notifications(
        &self,
        limit: usize,
    ) -> Result<Vec<(SubmissionId, Option<DateTime<Utc>>)>, StoreError> {
        let items = self.retry_queue(PENDING, limit).await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let id = request_id_of_key(&super::item::partition_key(item)?)?;
                let next = item
                    .get(attr::NEXT_ATTEMPT_AT)
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .and_then(DateTime::from_timestamp_millis);
                Some((id, next))
            })
            .collect())
    }
}
