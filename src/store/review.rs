//! Requests held for review (a filled honeypot, no captcha): the sparse index `held-for-review`
//! the review digest reads newest first, the digest's own record (when it last went, and the
//! newest request it listed), and releasing a held request into the ordinary path.

use super::item::{
    DIGEST_KEY, HELD, HELD_INDEX, Item, PENDING, REMINDER_DUE, attr, n, partition_key,
    request_id_of_key, rfc3339, s,
};
use super::{Store, StoreError, dynamodb};
use crate::domain::{FollowUpState, HoldReason, NotifyStatus, Reminder, SubmissionId};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

/// What the digest shows of a held request: no address, no message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldEntry {
    pub id: SubmissionId,
    pub received_at: DateTime<Utc>,
    pub name: String,
    pub urgent: bool,
    pub reason: HoldReason,
    pub public_base_url: Option<String>,
}

/// When the digest last went out, and the newest request it listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestState {
    pub last_sent_at: Option<DateTime<Utc>>,
    pub newest_listed: Option<DateTime<Utc>>,
}

/// What releasing a held request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Released {
    /// Now an ordinary request: its staff email is due.
    Now,
    /// Staff had it already (an urgent hold sent at once) or have handled it: it only stopped
    /// being held, and is neither sent again nor moved back.
    StoppedHolding,
    /// Released before (the button pressed twice): nothing more.
    Already,
    /// No such request: deleted with the other held ones.
    Gone,
}

impl Store {
    /// Every request held for review, newest first (held requests are kept days, not months).
    pub async fn held_for_review(&self) -> Result<Vec<HeldEntry>, StoreError> {
        let items = self
            .held_query()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))?;
        Ok(items.iter().filter_map(held_entry).collect())
    }

    /// When the newest request held for review came in, if any: one item read.
    pub async fn newest_held(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let output = self
            .held_query()
            .limit(1)
            .send()
            .await
            .map_err(dynamodb("Query"))?;
        Ok(output
            .items
            .unwrap_or_default()
            .first()
            .and_then(|item| time(item, attr::RECEIVED_AT)))
    }

    fn held_query(&self) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table_name)
            .index_name(HELD_INDEX)
            .key_condition_expression("#queue = :held")
            .expression_attribute_names("#queue", attr::HELD_QUEUE)
            .expression_attribute_values(":held", s(HELD))
            .scan_index_forward(false)
    }

    pub async fn digest_state(&self) -> Result<DigestState, StoreError> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(DIGEST_KEY))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?
            .item
            .unwrap_or_default();
        Ok(DigestState {
            last_sent_at: time(&item, attr::SENT_AT),
            newest_listed: time(&item, attr::RECEIVED_AT),
        })
    }

    /// Claims sending the digest until `lease_until`; false when another run holds it.
    pub async fn claim_digest(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_item(DIGEST_KEY)
                .update_expression("SET #lease = :until")
                .condition_expression("attribute_not_exists(#lease) OR #lease < :now")
                .expression_attribute_names("#lease", attr::LEASE_UNTIL)
                .expression_attribute_values(":until", n(lease_until.timestamp_millis()))
                .expression_attribute_values(":now", n(now.timestamp_millis())),
        )
        .await
    }

    /// Records the digest sent at `at`, listing up to `newest`; `None` gives the claim back.
    pub async fn finish_digest(
        &self,
        sent: Option<(DateTime<Utc>, DateTime<Utc>)>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .update_item(DIGEST_KEY)
            .expression_attribute_names("#lease", attr::LEASE_UNTIL);
        update = match sent {
            Some((at, newest)) => update
                .update_expression("SET #sent = :at, #newest = :newest REMOVE #lease")
                .expression_attribute_names("#sent", attr::SENT_AT)
                .expression_attribute_names("#newest", attr::RECEIVED_AT)
                .expression_attribute_values(":at", s(&rfc3339(at)))
                .expression_attribute_values(":newest", s(&rfc3339(newest))),
            None => update.update_expression("REMOVE #lease"),
        };
        update.send().await.map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// Releases a held request into the ordinary path, once: its staff email due now (the retry
    /// path sends it), follow-up `new` with its first reminder due at `first_reminder_at`, kept
    /// until `expires_at` (`RETENTION_DAYS` after receipt). A request staff already got (an
    /// urgent hold sent at once) or already handled only stops being held: it is never sent
    /// again nor moved back.
    pub async fn release_held(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        first_reminder_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        outbox: &super::Outbox,
    ) -> Result<Released, StoreError> {
        let ordinary = self
            .release_update(id, now, expires_at)
            .update_expression(
                "SET #status = :pending, #queue = :queued, #attempts = :zero, #next = :now_ms, \
                 #state = :new, #state_at = :now, #open = :new, #rqueue = :due, #due = :due_at, \
                 #stage = :stage, #expires = :expires, #released = :now \
                 REMOVE #held, #held_queue",
            )
            // Never sent, never followed up: held and nothing more.
            .condition_expression(
                "#held = :true AND #status = :held_status \
                 AND (attribute_not_exists(#state) OR #state = :new)",
            )
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_names("#queue", attr::RETRY_QUEUE)
            .expression_attribute_names("#attempts", attr::NOTIFY_ATTEMPTS)
            .expression_attribute_names("#next", attr::NEXT_ATTEMPT_AT)
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_names("#state_at", attr::FOLLOW_UP_AT)
            .expression_attribute_names("#open", attr::FOLLOW_UP_OPEN)
            .expression_attribute_names("#rqueue", attr::REMINDER_QUEUE)
            .expression_attribute_names("#due", attr::REMINDER_DUE_AT)
            .expression_attribute_names("#stage", attr::REMINDER_STAGE)
            .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()))
            .expression_attribute_values(":held_status", s(NotifyStatus::Held.as_str()))
            .expression_attribute_values(":queued", s(PENDING))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":now_ms", n(now.timestamp_millis()))
            .expression_attribute_values(":new", s(FollowUpState::New.as_str()))
            .expression_attribute_values(":due", s(REMINDER_DUE))
            .expression_attribute_values(":due_at", n(first_reminder_at.timestamp_millis()))
            .expression_attribute_values(":stage", s(Reminder::Staff.as_str()));
        if self.update_with(ordinary, outbox).await? {
            return Ok(Released::Now);
        }
        let stop_holding = self
            .release_update(id, now, expires_at)
            .update_expression(
                "SET #expires = :expires, #released = :now REMOVE #held, #held_queue",
            )
            .condition_expression("#held = :true");
        // Staff had it at once (an urgent hold): the webhooks hear of it now.
        if self.update_with(stop_holding, outbox).await? {
            return Ok(Released::StoppedHolding);
        }
        Ok(match self.get_request(id).await? {
            Some(_) => Released::Already,
            None => Released::Gone,
        })
    }

    /// What both kinds of release write: no longer held, kept `RETENTION_DAYS`, released now.
    fn release_update(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.update_request(id)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_names("#released", attr::RELEASED_AT)
            .expression_attribute_names("#held", attr::HELD_AS_SPAM)
            .expression_attribute_names("#held_queue", attr::HELD_QUEUE)
            .expression_attribute_values(":now", s(&rfc3339(now)))
            .expression_attribute_values(":expires", n(expires_at.timestamp()))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
    }
}

fn time(item: &Item, name: &str) -> Option<DateTime<Utc>> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn held_entry(item: &Item) -> Option<HeldEntry> {
    let key = partition_key(item)?;
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    Some(HeldEntry {
        id: request_id_of_key(&key)?,
        received_at: time(item, attr::RECEIVED_AT)?,
        name: text(attr::NAME).unwrap_or_default(),
        urgent: matches!(item.get(attr::URGENT), Some(AttributeValue::Bool(true))),
        reason: text(attr::HELD_REASON)
            .and_then(|r| HoldReason::parse(&r))
            .unwrap_or(HoldReason::Honeypot),
        public_base_url: text(attr::PUBLIC_BASE_URL),
    })
}
