//! What SES said happened to a staff email, recorded on its request; and the request's email to
//! the fallback address, which has a retry path of its own (queued, claimed with a lease, backing
//! off like the staff email).

use super::item::{FALLBACK, attr, n, request_id_of_key, request_key, rfc3339, s};
use super::read::{ItemReader, stored_request};
use super::{Store, StoreError, StoredRequest, condition_failed, dynamodb};
use crate::domain::{DeliveryStatus, SubmissionId};
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Utc};

/// What became of an SES event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryRecord {
    Recorded,
    /// A status that says more was recorded already (a late "delayed" after "delivered").
    Superseded,
    /// No such request: an event never creates one.
    UnknownRequest,
}

impl Store {
    /// Records `status` on the request, unless a status of higher rank is there already.
    pub async fn record_delivery(
        &self,
        id: SubmissionId,
        status: DeliveryStatus,
        at: DateTime<Utc>,
    ) -> Result<DeliveryRecord, StoreError> {
        let updated = self
            .update_request(id)
            .update_expression("SET #status = :status, #at = :at, #rank = :rank")
            .condition_expression(
                "attribute_exists(#pk) AND (attribute_not_exists(#rank) OR #rank <= :rank)",
            )
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#status", attr::DELIVERY_STATUS)
            .expression_attribute_names("#at", attr::DELIVERY_STATUS_AT)
            .expression_attribute_names("#rank", attr::DELIVERY_RANK)
            .expression_attribute_values(":status", s(status.as_str()))
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .expression_attribute_values(":rank", n(status.rank()))
            .send()
            .await;
        match updated {
            Ok(_) => Ok(DeliveryRecord::Recorded),
            Err(e) if condition_failed(&e) => Ok(match self.get_request(id).await {
                Ok(None) => DeliveryRecord::UnknownRequest,
                _ => DeliveryRecord::Superseded,
            }),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Puts a request's email to the fallback address in the retry queue, due now, once per
    /// request (SES sends an event per bounced recipient, and EventBridge may repeat one); false
    /// when it was queued before or the request is gone.
    pub async fn queue_fallback(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_request(id)
                .update_expression(
                    "SET #queue = if_not_exists(#queue, :fallback), #since = :now, #next = :at, #attempts = :zero",
                )
                .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#since)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#queue", attr::RETRY_QUEUE)
                .expression_attribute_names("#since", attr::FALLBACK_SINCE)
                .expression_attribute_names("#next", attr::FALLBACK_NEXT_AT)
                .expression_attribute_names("#attempts", attr::FALLBACK_ATTEMPTS)
                .expression_attribute_values(":fallback", s(FALLBACK))
                .expression_attribute_values(":now", s(&rfc3339(now)))
                .expression_attribute_values(":at", n(now.timestamp_millis()))
                .expression_attribute_values(":zero", n(0)),
        )
        .await
    }

    /// Claims a queued fallback email that is due and free until `lease_until`, counting the
    /// attempt; `None` when it is sent, not due, held by another run, or the request is gone.
    pub async fn claim_fallback(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ClaimedFallback>, StoreError> {
        let key = request_key(id);
        let claimed = self
            .update_request(id)
            .update_expression("SET #lease = :until ADD #attempts :one")
            .condition_expression(
                "#queue = :fallback AND #next <= :now AND (attribute_not_exists(#lease) OR #lease < :now)",
            )
            .expression_attribute_names("#queue", attr::RETRY_QUEUE)
            .expression_attribute_names("#next", attr::FALLBACK_NEXT_AT)
            .expression_attribute_names("#lease", attr::FALLBACK_LEASE_UNTIL)
            .expression_attribute_names("#attempts", attr::FALLBACK_ATTEMPTS)
            .expression_attribute_values(":fallback", s(FALLBACK))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .expression_attribute_values(":until", n(lease_until.timestamp_millis()))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match claimed {
            Ok(output) => {
                let item = output.attributes.unwrap_or_default();
                let reader = ItemReader::new(&key, &item);
                let attempts = u32::try_from(reader.number(attr::FALLBACK_ATTEMPTS)?).unwrap_or(1);
                let since = reader
                    .optional_string(attr::FALLBACK_SINCE)
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map_or(now, |t| t.with_timezone(&Utc));
                Ok(Some(ClaimedFallback {
                    stored: stored_request(&key, &item)?,
                    attempts,
                    since,
                }))
            }
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// After a claimed fallback email: sent (it leaves the queue), or not, with when to try
    /// next (`None`: given up, it leaves the queue). Never brings back an erased request.
    pub async fn finish_fallback(
        &self,
        id: SubmissionId,
        sent_at: Option<DateTime<Utc>>,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .update_request(id)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#lease", attr::FALLBACK_LEASE_UNTIL)
            .expression_attribute_names("#next", attr::FALLBACK_NEXT_AT);
        update = match (sent_at, next_attempt_at) {
            (Some(at), _) => update
                .update_expression("SET #sent = :at REMOVE #queue, #lease, #next")
                .expression_attribute_names("#queue", attr::RETRY_QUEUE)
                .expression_attribute_names("#sent", attr::FALLBACK_SENT_AT)
                .expression_attribute_values(":at", s(&rfc3339(at))),
            (None, Some(next)) => update
                .update_expression("SET #next = :next REMOVE #lease")
                .expression_attribute_values(":next", n(next.timestamp_millis())),
            (None, None) => update
                .update_expression("REMOVE #queue, #lease, #next")
                .expression_attribute_names("#queue", attr::RETRY_QUEUE),
        };
        // Erased meanwhile: nothing to record, and nothing may come back.
        Self::claim(update).await.map(|_| ())
    }

    /// Ids of requests whose fallback email is queued, oldest first (at most `limit`).
    pub async fn queued_fallbacks(&self, limit: usize) -> Result<Vec<SubmissionId>, StoreError> {
        let items = self.retry_queue(FALLBACK, limit).await?;
        Ok(items
            .iter()
            .filter_map(|item| request_id_of_key(&super::item::partition_key(item)?))
            .collect())
    }
}

/// A fallback email this caller has claimed.
#[derive(Debug, Clone)]
pub struct ClaimedFallback {
    pub stored: StoredRequest,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// When the staff address bounced: the fallback's backoff counts from then.
    pub since: DateTime<Utc>,
}
