//! What SES said happened to a staff email, recorded on its request; and the one-time claim on
//! sending a request to the fallback address.

use super::item::{attr, n, rfc3339, s};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{DeliveryStatus, SubmissionId};
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

    /// Claims the one email to the fallback address for this request; false when it was sent
    /// already (SES sends an event per bounced recipient, and EventBridge may repeat one).
    pub async fn claim_fallback(
        &self,
        id: SubmissionId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_request(id)
                .update_expression("SET #fallback = :at")
                .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#fallback)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#fallback", attr::FALLBACK_SENT_AT)
                .expression_attribute_values(":at", s(&rfc3339(at))),
        )
        .await
    }
}
