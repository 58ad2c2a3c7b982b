//! Where a request stands after staff got it: its follow-up state, and the queue of reminders and
//! escalations still to send, which the scheduled run reads by due time (the sparse index
//! `reminders-due`), so its reads do not grow with the requests stored or still open.

use super::item::{
    Item, OPEN_INDEX, REMINDER_DUE, REMINDERS_INDEX, attr, n, request_id_of_key, rfc3339, s,
};
use super::{Outbox, Store, StoreError, StoredRequest, condition_failed, dynamodb};
use crate::domain::{Actor, FollowUpState, Reminder, SubmissionId};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};

impl Store {
    /// Records a request's follow-up state; returns the state it had, or `None` when there is no
    /// such request to follow up (never stored, erased, or held as spam). The first move away
    /// from `new` takes it out of the reminders' queue.
    pub async fn set_follow_up(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        at: DateTime<Utc>,
        by: &Actor,
        outbox: &Outbox,
    ) -> Result<Option<FollowUpState>, StoreError> {
        if !outbox.is_empty() {
            return self.set_follow_up_with(id, state, at, by, outbox).await;
        }
        let update = self
            .follow_up_update(id, state, at, by)
            .condition_expression("attribute_exists(#state)")
            .return_values(ReturnValue::UpdatedOld);
        match update.send().await {
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

    /// [`Store::set_follow_up`] with the webhooks' deliveries: a transaction returns no old
    /// state, so it is read first and the change made only from it. A state recorded again
    /// (the same link pressed twice) changes nothing a receiver needs to hear.
    async fn set_follow_up_with(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        at: DateTime<Utc>,
        by: &Actor,
        outbox: &Outbox,
    ) -> Result<Option<FollowUpState>, StoreError> {
        for _ in 0..3 {
            let Some((previous, _)) = self.get_request(id).await?.and_then(|r| r.follow_up) else {
                return Ok(None);
            };
            let none = Outbox::default();
            let deliveries = if previous == state { &none } else { outbox };
            let update = self
                .follow_up_update(id, state, at, by)
                .condition_expression("#state = :seen")
                .expression_attribute_values(":seen", s(previous.as_str()));
            if self.update_with(update, deliveries).await? {
                return Ok(Some(previous));
            }
        }
        Err(StoreError::Unavailable(crate::aws::AwsError::other(
            "DynamoDB",
            "TransactWriteItems",
            "the follow-up kept changing under this change",
        )))
    }

    /// Records `contacted` at `at` (a staff reply's time) only for a request still `new`: a reply
    /// never moves a request back. False when it was followed up already, or is gone.
    pub async fn record_reply(
        &self,
        id: SubmissionId,
        at: DateTime<Utc>,
        outbox: &Outbox,
    ) -> Result<bool, StoreError> {
        let update = self
            .follow_up_update(id, FollowUpState::Contacted, at, &Actor::Reply)
            .condition_expression("#state = :new")
            .expression_attribute_values(":new", s(FollowUpState::New.as_str()));
        self.update_with(update, outbox).await
    }

    /// The update that records `state` at `at` by `by`, without its condition: the state, its
    /// line in the follow-up history, and the open-requests index (`follow_up_open` holds the
    /// state while it is `new`, `contacted` or `scheduled`).
    fn follow_up_update(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        at: DateTime<Utc>,
        by: &Actor,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        let update = self
            .update_request(id)
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_names("#at", attr::FOLLOW_UP_AT)
            .expression_attribute_names("#open", attr::FOLLOW_UP_OPEN)
            .expression_attribute_names("#history", attr::HISTORY)
            .expression_attribute_values(":state", s(state.as_str()))
            .expression_attribute_values(":at", s(&rfc3339(at)))
            .expression_attribute_values(":entry", super::case_notes::history_entry(state, at, by))
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()));
        let history = "#history = list_append(if_not_exists(#history, :none), :entry)";
        if state == FollowUpState::New {
            update.update_expression(format!(
                "SET #state = :state, #at = :at, #open = :state, {history}"
            ))
        } else {
            // The first move away from `new` is the first contact: kept for time-to-contact.
            let open = if state.is_open() {
                "#open = :state,"
            } else {
                ""
            };
            let remove_open = if state.is_open() { "" } else { "#open, " };
            update
                .update_expression(format!(
                    "SET #state = :state, #at = :at, {open} #first = if_not_exists(#first, :at), \
                     {history} REMOVE {remove_open}#queue, #due, #stage, #lease"
                ))
                .expression_attribute_names("#first", attr::FIRST_CONTACT_AT)
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_names("#due", attr::REMINDER_DUE_AT)
                .expression_attribute_names("#stage", attr::REMINDER_STAGE)
                .expression_attribute_names("#lease", attr::REMINDER_LEASE_UNTIL)
        }
    }
}

/// A reminder whose time has come, with the request it is about (the index holds the whole
/// item, so no further read is needed).
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub stored: StoredRequest,
    pub reminder: Reminder,
    pub due_at: DateTime<Utc>,
}

impl Store {
    /// The reminders due by `now`, oldest due first, at most `limit`; an item that cannot be
    /// read is reported apart, so one bad item never stops the rest.
    pub async fn due_reminders(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Vec<DueReminder>, Vec<StoreError>), StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(REMINDERS_INDEX)
            .key_condition_expression("#queue = :due AND #at <= :now")
            .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
            .expression_attribute_names("#at", attr::REMINDER_DUE_AT)
            .expression_attribute_values(":due", s(REMINDER_DUE))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(dynamodb("Query"))?;
        let (mut due, mut unreadable) = (Vec::new(), Vec::new());
        for item in output.items.unwrap_or_default() {
            match due_reminder(&item) {
                Ok(reminder) => due.push(reminder),
                Err(error) => unreadable.push(error),
            }
        }
        Ok((due, unreadable))
    }

    /// Claims a due reminder until `lease_until`: false when it was sent already, the request
    /// moved on or is gone, or another run holds it. A run that dies holding it only delays it.
    pub async fn claim_reminder(
        &self,
        id: SubmissionId,
        reminder: Reminder,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_request(id)
                .update_expression("SET #lease = :until")
                .condition_expression(
                    "#state = :new AND #queue = :due AND #stage = :stage AND #at <= :now \
                     AND (attribute_not_exists(#lease) OR #lease < :now)",
                )
                .expression_attribute_names("#state", attr::FOLLOW_UP)
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_names("#stage", attr::REMINDER_STAGE)
                .expression_attribute_names("#at", attr::REMINDER_DUE_AT)
                .expression_attribute_names("#lease", attr::REMINDER_LEASE_UNTIL)
                .expression_attribute_values(":new", s(FollowUpState::New.as_str()))
                .expression_attribute_values(":due", s(REMINDER_DUE))
                .expression_attribute_values(":stage", s(reminder.as_str()))
                .expression_attribute_values(":now", n(now.timestamp_millis()))
                .expression_attribute_values(":until", n(lease_until.timestamp_millis())),
        )
        .await
    }

    /// Records a claimed reminder as sent: the next one (`next`: the escalation and when it is
    /// due) takes its place in the queue, or the request leaves the queue.
    pub async fn complete_reminder(
        &self,
        id: SubmissionId,
        reminder: Reminder,
        sent_at: DateTime<Utc>,
        next: Option<(Reminder, DateTime<Utc>)>,
        outbox: &Outbox,
    ) -> Result<(), StoreError> {
        let mut update = self
            .update_request(id)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#sent", sent_attribute(reminder))
            .expression_attribute_names("#stage", attr::REMINDER_STAGE)
            .expression_attribute_names("#at", attr::REMINDER_DUE_AT)
            .expression_attribute_names("#lease", attr::REMINDER_LEASE_UNTIL)
            .expression_attribute_values(":sent", s(&rfc3339(sent_at)));
        update = match next {
            Some((next, due)) => update
                .update_expression("SET #sent = :sent, #stage = :next, #at = :due REMOVE #lease")
                .expression_attribute_values(":next", s(next.as_str()))
                .expression_attribute_values(":due", n(due.timestamp_millis())),
            None => update
                .update_expression("SET #sent = :sent REMOVE #queue, #stage, #at, #lease")
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE),
        };
        // Erased meanwhile: nothing to record, and nothing may come back.
        self.update_with(update, outbox).await.map(|_| ())
    }

    /// Gives a reminder's claim back after its email could not be sent; the next run tries again.
    /// Never brings back a request erased meanwhile.
    pub async fn release_reminder(&self, id: SubmissionId) -> Result<(), StoreError> {
        let release = self
            .update_request(id)
            .update_expression("REMOVE #lease")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#lease", attr::REMINDER_LEASE_UNTIL);
        Self::claim(release).await.map(|_| ())
    }

    /// Ids of the requests still `new`, oldest first (the sparse index holds nothing else): read
    /// once a week by the summary, and by `consultation-admin list --open`.
    pub async fn open_follow_ups(&self) -> Result<Vec<SubmissionId>, StoreError> {
        let keys = self
            .index_keys(
                OPEN_INDEX,
                attr::FOLLOW_UP_OPEN,
                FollowUpState::New.as_str(),
            )
            .await?;
        let mut ids: Vec<SubmissionId> = keys
            .iter()
            .filter_map(|key| request_id_of_key(key))
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }
}

fn due_reminder(item: &Item) -> Result<DueReminder, StoreError> {
    let key = super::item::partition_key(item).unwrap_or_default();
    let reader = super::read::ItemReader::new(&key, item);
    let reminder = Reminder::parse(reader.string(attr::REMINDER_STAGE)?)
        .ok_or_else(|| reader.corrupt("reminder_stage"))?;
    let due_at = DateTime::from_timestamp_millis(reader.number(attr::REMINDER_DUE_AT)?)
        .ok_or_else(|| reader.corrupt("reminder_due_at"))?;
    Ok(DueReminder {
        stored: super::read::stored_request(&key, item)?,
        reminder,
        due_at,
    })
}

/// The attribute that records when a reminder was sent.
fn sent_attribute(reminder: Reminder) -> &'static str {
    match reminder {
        Reminder::Staff => attr::REMINDED_AT,
        Reminder::Escalation => attr::ESCALATED_AT,
    }
}
