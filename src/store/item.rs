//! The table's layout: every attribute name, every key format and index, and the conversion of a
//! request to and from its item. Shared with the infrastructure template and the tests.
//!
//! - `request#<id>`: a request, with `expires_at` (epoch seconds) `RETENTION_DAYS` after receipt;
//! - `dup#key#<hmac>` / `dup#content#<hmac>`: which request a repeat belongs to, for 24 hours or 10
//!   minutes;
//! - `rate#<hmac>#<yyyymmddhh>`: a client's count of accepted requests in one clock hour;
//! - `summary#<week>`, `review#digest`, `quiet-check`, `upgrade#console`: the scheduled run's records;
//! - `heartbeat-state`, `heartbeat#<id>`, `doctor-test#<id>`: the daily checks'.
//!
//! While a request's staff email is not yet sent it carries `retry_queue = "pending"`, the key of
//! the sparse index `pending-notifications` that the retry path queries.

use crate::domain::{
    BestTime, FollowUpState, Message, NotifyStatus, ReceivedRequest, Reminder, SessionFormat,
    SubmissionId,
};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// Attribute names.
pub mod attr {
    pub const PK: &str = "pk";
    pub const ID: &str = "id";
    pub const RECEIVED_AT: &str = "received_at";
    pub const NAME: &str = "name";
    pub const EMAIL: &str = "email";
    pub const PHONE: &str = "phone";
    pub const PREFERRED_CONTACT: &str = "preferred_contact";
    pub const BEST_TIME: &str = "best_time";
    pub const SESSION_FORMAT: &str = "session_format";
    pub const MESSAGE: &str = "message";
    pub const NOTIFY_STATUS: &str = "notify_status";
    pub const EXPIRES_AT: &str = "expires_at";
    pub const CONSENT_VERSION: &str = "consent_version";
    pub const CONSENTED_AT: &str = "consented_at";
    pub const URGENT: &str = "urgent";
    pub const SES_MESSAGE_ID: &str = "ses_message_id";
    pub const NOTIFIED_AT: &str = "notified_at";
    pub const NOTIFY_ATTEMPTS: &str = "notify_attempts";
    pub const LEASE_UNTIL: &str = "lease_until";
    pub const NEXT_ATTEMPT_AT: &str = "next_attempt_at";
    pub const DELIVERY_STATUS: &str = "delivery_status";
    pub const DELIVERY_STATUS_AT: &str = "delivery_status_at";
    pub const DELIVERY_RANK: &str = "delivery_rank";
    pub const FALLBACK_SENT_AT: &str = "fallback_sent_at";
    pub const FOLLOW_UP: &str = "follow_up";
    pub const FOLLOW_UP_AT: &str = "follow_up_at";
    pub const PUBLIC_BASE_URL: &str = "public_base_url";
    pub const FOLLOW_UP_OPEN: &str = "follow_up_open";
    pub const REMINDED_AT: &str = "reminded_at";
    pub const FIRST_CONTACT_AT: &str = "first_contact_at";
    pub const ESCALATED_AT: &str = "escalated_at";
    pub const RETRY_QUEUE: &str = "retry_queue";
    pub const SUBMISSION_ID: &str = "submission_id";
    pub const PAYLOAD_HASH: &str = "payload_hash";
    pub const VERIFICATION: &str = "verification";
    pub const EMAIL_HASH: &str = "email_hash";
    pub const COUNT: &str = "count";
    pub const HELD_AS_SPAM: &str = "held_as_spam";
    /// Why: `honeypot` or `no_captcha`.
    pub const HELD_REASON: &str = "held_reason";
    pub const LANGUAGE: &str = "language";
    /// `held` while held for review: the key of [`super::HELD_INDEX`].
    pub const HELD_QUEUE: &str = "held_queue";
    /// When a held request was released to staff from the review digest.
    pub const RELEASED_AT: &str = "released_at";
    /// `due` while a reminder or escalation is still to be sent; with `reminder_due_at` (epoch
    /// milliseconds) the key of [`super::REMINDERS_INDEX`].
    pub const REMINDER_QUEUE: &str = "reminder_queue";
    pub const REMINDER_DUE_AT: &str = "reminder_due_at";
    /// Which reminder is due: `staff` or `escalation`.
    pub const REMINDER_STAGE: &str = "reminder_stage";
    pub const REMINDER_LEASE_UNTIL: &str = "reminder_lease_until";
    /// The UTC date of receipt (`2026-11-30`): the key of [`super::WEEK_INDEX`].
    pub const RECEIVED_DAY: &str = "received_day";
    /// A fallback email's retry state, like the staff email's.
    pub const FALLBACK_ATTEMPTS: &str = "fallback_attempts";
    pub const FALLBACK_SINCE: &str = "fallback_since";
    pub const FALLBACK_NEXT_AT: &str = "fallback_next_at";
    pub const FALLBACK_LEASE_UNTIL: &str = "fallback_lease_until";
    /// On a weekly summary's record: when SES accepted it; on doctor's test record, when it
    /// was asked for.
    pub const SENT_AT: &str = "sent_at";
    /// On `heartbeat-state`: the test notification `doctor --send-test` asked for, not yet sent.
    pub const TEST_ID: &str = "test_id";
    /// On `heartbeat-state`: the latest probe, the practice-time day it went, and when.
    pub const PROBE_DAY: &str = "probe_day";
    pub const PROBE_ID: &str = "probe_id";
    pub const PROBE_SENT_AT: &str = "probe_sent_at";
    /// On `heartbeat-state` and doctor's test record: when SES reported the email delivered.
    pub const DELIVERED_AT: &str = "delivered_at";
    /// On `heartbeat-state`: `heartbeat_missing` was logged for the latest probe.
    pub const MISSING_REPORTED: &str = "missing_reported";
    /// On a once-a-day task's record (`quiet-check`): the day it was last done.
    pub const DONE_DAY: &str = "done_day";
    /// On `quiet-check`: when the quiet form's clock started (its first check).
    pub const SINCE: &str = "since";
    /// A request's follow-up history and staff notes (lists of maps; `store/case_notes.rs`).
    pub const HISTORY: &str = "history";
    pub const NOTES: &str = "notes";
    /// The keyed fingerprint of the person's phone: the key of [`super::PHONE_INDEX`].
    pub const PHONE_HASH: &str = "phone_hash";
    /// The answers to the practice's own questions (`store/answers.rs`).
    pub const ANSWERS: &str = "answers";
    /// The staff id of the clinician a request is assigned to (none: the front desk's).
    pub const ASSIGNEE: &str = "assignee";
    /// Why routing assigned it as it did ("matched 2 of 5: licensed in IL; fewest open (1)").
    pub const ROUTING_REASON: &str = "routing_reason";
}

/// The sparse index of requests whose staff email is not yet sent.
pub const PENDING_INDEX: &str = "pending-notifications";
/// The sparse index of requests still being worked (`new`, `contacted`, `scheduled`): the console's
/// open list, routing's counts and the weekly summary's (the reminders query [`REMINDERS_INDEX`]).
pub const OPEN_INDEX: &str = "open-follow-ups";
/// Every item about a person, by the keyed fingerprint of their address (for erasure).
pub const EMAIL_INDEX: &str = "by-email";
/// Requests by the keyed fingerprint of the person's phone (the console's search).
pub const PHONE_INDEX: &str = "by-phone";
/// Requests with a reminder or escalation still to send, by when it is due (sparse).
pub const REMINDERS_INDEX: &str = "reminders-due";
/// Requests by the UTC day they came in: the weekly summary reads its week from it.
pub const WEEK_INDEX: &str = "received-by-day";
/// The `retry_queue` value of a request in [`PENDING_INDEX`] whose staff email is not sent yet.
pub const PENDING: &str = "pending";
/// The `retry_queue` value of a request whose email to `NOTIFY_FALLBACK_TO` is not sent yet.
pub const FALLBACK: &str = "fallback";
/// The `retry_queue` value of a request whose staff email failed for good: `resend --failed`
/// finds them there (the scheduled run reads only `pending`).
pub const FAILED: &str = "failed";
/// Requests held for review, newest first for the review digest (sparse).
pub const HELD_INDEX: &str = "held-for-review";
/// The `held_queue` value of a request in [`HELD_INDEX`].
pub const HELD: &str = "held";
/// The `reminder_queue` value of a request in [`REMINDERS_INDEX`].
pub const REMINDER_DUE: &str = "due";

const REQUEST_PREFIX: &str = "request#";

/// The partition key of a request item.
pub fn request_key(id: SubmissionId) -> String {
    format!("{REQUEST_PREFIX}{id}")
}

/// The id in a request item's partition key; `None` for any other item.
pub fn request_id_of_key(key: &str) -> Option<SubmissionId> {
    key.strip_prefix(REQUEST_PREFIX)
        .and_then(SubmissionId::parse)
}

pub fn is_request_key(key: &str) -> bool {
    key.starts_with(REQUEST_PREFIX)
}

/// The scan filter value that selects request items.
pub const REQUEST_KEY_PREFIX: &str = REQUEST_PREFIX;

/// The duplicate record of a request sent with an idempotency key (by the key's fingerprint).
pub fn duplicate_key_by_idempotency_key(fingerprint: &str) -> String {
    format!("dup#key#{fingerprint}")
}

/// The duplicate record of a request sent without a key (by its content's fingerprint).
pub fn duplicate_key_by_content(fingerprint: &str) -> String {
    format!("dup#content#{fingerprint}")
}

/// The latest heartbeat probe's state, and doctor's pending test notification: one item.
pub const HEARTBEAT_STATE_KEY: &str = "heartbeat-state";
/// The review digest's record: when it last went, and the newest request it listed.
pub const DIGEST_KEY: &str = "review#digest";
/// The once-a-day quiet-form check's record.
pub const QUIET_CHECK_KEY: &str = "quiet-check";
/// How far the one-time upgrade of older requests for the console has come (`store/upgrade.rs`).
pub const UPGRADE_KEY: &str = "upgrade#console";

/// A heartbeat probe's id, accepted once (kept two days).
pub fn probe_key(id: SubmissionId) -> String {
    format!("heartbeat#{id}")
}

/// `doctor --send-test`'s notification, waiting for SES's delivery event (kept a day).
pub fn test_key(id: SubmissionId) -> String {
    format!("doctor-test#{id}")
}

/// The record that the weekly summary of `week` (`2026-W48`) went out.
pub fn summary_key(week: &str) -> String {
    format!("summary#{week}")
}

/// A client's rate-limit counter for the clock hour that starts at `hour_start`.
pub fn rate_key(client_fingerprint: &str, hour_start: DateTime<Utc>) -> String {
    format!(
        "rate#{client_fingerprint}#{}",
        hour_start.format("%Y%m%d%H")
    )
}

/// The [`WEEK_INDEX`] key of a time: its UTC date.
pub fn received_day(at: DateTime<Utc>) -> String {
    day_key(at.date_naive())
}

/// The [`WEEK_INDEX`] key of a UTC date (`2026-11-30`).
pub fn day_key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

pub(super) fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// An item's partition key.
pub(super) fn partition_key(item: &Item) -> Option<String> {
    item.get(attr::PK).and_then(|v| v.as_s().ok()).cloned()
}

/// The item for a new request: only the fields the contract names (absent optionals left out),
/// plus the notification bookkeeping. A request held as spam has no email to send, so it never
/// enters the retry queue.
pub fn request_item(
    received: &ReceivedRequest,
    (email_hash, phone_hash): (&str, Option<&str>),
    lease_until: DateTime<Utc>,
    first_reminder_at: Option<DateTime<Utc>>,
) -> Item {
    let request = &received.request;
    let received_at = rfc3339(received.received_at);
    let mut fields = vec![
        (attr::PK, s(&request_key(received.id))),
        (attr::ID, s(&received.id.to_string())),
        (attr::RECEIVED_AT, s(&received_at)),
        (attr::NAME, s(request.name.as_str())),
        (attr::EMAIL, s(request.email.as_str())),
        (
            attr::PREFERRED_CONTACT,
            s(request.preferred_contact.as_str()),
        ),
        (attr::EXPIRES_AT, n(received.expires_at.timestamp())),
        (attr::CONSENT_VERSION, s(&received.consent_version)),
        (attr::CONSENTED_AT, s(&received_at)),
        (attr::URGENT, AttributeValue::Bool(received.urgent)),
        (attr::EMAIL_HASH, s(email_hash)),
        (attr::RECEIVED_DAY, s(&received_day(received.received_at))),
        (attr::LANGUAGE, s(received.language.tag())),
    ];
    if let Some(reason) = received.hold {
        fields.extend([
            (attr::HELD_AS_SPAM, AttributeValue::Bool(true)),
            (attr::HELD_REASON, s(reason.as_str())),
            (attr::HELD_QUEUE, s(HELD)),
        ]);
    }
    // A held request waits for the review digest, unless it is urgent and came without the
    // captcha: staff get that one at once (marked unverified) and follow it up like any other.
    if !received.followed_up() {
        fields.push((attr::NOTIFY_STATUS, s(NotifyStatus::Held.as_str())));
    } else {
        fields.extend([
            (attr::NOTIFY_STATUS, s(NotifyStatus::Pending.as_str())),
            (attr::NOTIFY_ATTEMPTS, n(1)),
            (attr::LEASE_UNTIL, n(lease_until.timestamp_millis())),
            (attr::RETRY_QUEUE, s(PENDING)),
            (attr::FOLLOW_UP, s(FollowUpState::New.as_str())),
            (attr::FOLLOW_UP_AT, s(&received_at)),
            (attr::FOLLOW_UP_OPEN, s(FollowUpState::New.as_str())),
        ]);
        if let Some(due) = first_reminder_at {
            fields.extend([
                (attr::REMINDER_QUEUE, s(REMINDER_DUE)),
                (attr::REMINDER_DUE_AT, n(due.timestamp_millis())),
                (attr::REMINDER_STAGE, s(Reminder::Staff.as_str())),
            ]);
        }
    }
    let optional = [
        (attr::VERIFICATION, received.verification.as_stored()),
        (attr::PHONE, request.phone.as_ref().map(|p| p.as_str())),
        (
            attr::BEST_TIME,
            request.best_time.as_ref().map(BestTime::as_str),
        ),
        (
            attr::SESSION_FORMAT,
            request.session_format.map(SessionFormat::as_str),
        ),
        (attr::MESSAGE, request.message.as_ref().map(Message::as_str)),
        (attr::PUBLIC_BASE_URL, received.public_base_url.as_deref()),
        (attr::PHONE_HASH, phone_hash),
    ];
    fields.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| Some((name, s(value?)))),
    );
    if let Some(answers) = super::answers::answers_value(&received.answers) {
        fields.push((attr::ANSWERS, answers));
    }
    fields
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

#[cfg(test)]
#[path = "item_tests.rs"]
mod tests;
