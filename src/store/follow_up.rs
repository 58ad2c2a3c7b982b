//! Where a request stands after staff got it: its follow-up state.

use super::item::{OPEN_INDEX, attr, n, request_id_of_key, rfc3339, s, summary_key};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{FollowUpState, SubmissionId};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
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
        let mut update = self
            .update_request(id)
            .condition_expression("attribute_exists(#state)")
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_names("#at", attr::FOLLOW_UP_AT)
            .expression_attribute_names("#open", attr::FOLLOW_UP_OPEN)
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .return_values(ReturnValue::UpdatedOld);
        update = if state == FollowUpState::New {
            update.update_expression("SET #state = :state, #at = :at, #open = :state")
        } else {
            // The first move away from `new` is the first contact: kept for time-to-contact.
            update
                .update_expression(
                    "SET #state = :state, #at = :at, #first = if_not_exists(#first, :at) REMOVE #open",
                )
                .expression_attribute_names("#first", attr::FIRST_CONTACT_AT)
        };
        let updated = update.send().await;
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

/// Which reminder a claim is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// To staff, after the follow-up time.
    Staff,
    /// To `ESCALATE_TO`, after twice that.
    Escalation,
}

impl Store {
    /// Ids of the requests still `new` (the sparse index holds nothing else).
    pub async fn open_follow_ups(&self) -> Result<Vec<SubmissionId>, StoreError> {
        let keys = self
            .index_keys(
                OPEN_INDEX,
                attr::FOLLOW_UP_OPEN,
                FollowUpState::New.as_str(),
            )
            .await?;
        Ok(keys
            .iter()
            .filter_map(|key| request_id_of_key(key))
            .collect())
    }

    /// Claims sending `reminder` for a request still `new`; false when it was sent already (by
    /// another run) or the request moved on. Two runs never send the same reminder.
    pub async fn claim_reminder(
        &self,
        id: SubmissionId,
        reminder: Reminder,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let sent = match reminder {
            Reminder::Staff => attr::REMINDED_AT,
            Reminder::Escalation => attr::ESCALATED_AT,
        };
        Self::claim(
            self.update_request(id)
                .update_expression("SET #sent = :at")
                .condition_expression("#state = :new AND attribute_not_exists(#sent)")
                .expression_attribute_names("#sent", sent)
                .expression_attribute_names("#state", attr::FOLLOW_UP)
                .expression_attribute_values(":at", s(&rfc3339(at)))
                .expression_attribute_values(":new", s(FollowUpState::New.as_str())),
        )
        .await
    }

    /// Gives a reminder's claim back after its email could not be sent.
    pub async fn release_reminder(
        &self,
        id: SubmissionId,
        reminder: Reminder,
    ) -> Result<(), StoreError> {
        let sent = match reminder {
            Reminder::Staff => attr::REMINDED_AT,
            Reminder::Escalation => attr::ESCALATED_AT,
        };
        self.update_request(id)
            .update_expression("REMOVE #sent")
            .expression_attribute_names("#sent", sent)
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// Claims the weekly summary of `week` (`2026-W48`); false when it went out already.
    pub async fn claim_weekly_summary(
        &self,
        week: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(&summary_key(week)))
            .item(
                attr::EXPIRES_AT,
                n((now + chrono::Duration::days(14)).timestamp()),
            )
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .send()
            .await;
        match claimed {
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

    /// Gives the week's claim back when its email could not be sent.
    pub async fn release_weekly_summary(&self, week: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&summary_key(week)))
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        Ok(())
    }
}
