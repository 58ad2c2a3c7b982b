//! Where a request stands after staff got it: its follow-up state.

use super::item::{attr, request_key, rfc3339, s};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{FollowUpState, SubmissionId};
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Utc};

impl Store {
    /// Records a request's follow-up state; returns the state it had, or `None` when there is no
    /// such request to follow up (never stored, erased, or held as spam).
    pub async fn set_follow_up(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        at: DateTime<Utc>,
    ) -> Result<Option<FollowUpState>, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&request_key(id)))
            .update_expression("SET #state = :state, #at = :at")
            .condition_expression("attribute_exists(#state)")
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_names("#at", attr::FOLLOW_UP_AT)
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        match updated {
            Ok(output) => Ok(output
                .attributes
                .as_ref()
                .and_then(|old| old.get(attr::FOLLOW_UP))
                .and_then(|v| v.as_s().ok())
                .and_then(|v| FollowUpState::parse(v))
                .or(Some(FollowUpState::New))),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }
}
