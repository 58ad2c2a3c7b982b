//! Reading items back: a request item into the domain types, as it was kept, and typed access
//! to any item's attributes with errors that name only the item and the attribute.

use super::StoreError;
use super::item::{Item, attr};
use crate::domain::{
    ConsultationRequest, FollowUpState, HoldReason, Language, NotifyStatus, ReceivedRequest,
    StoredFields, SubmissionId, Verification,
};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

/// A stored request with its notification and follow-up state (for tools and tests).
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub received: ReceivedRequest,
    pub notify_status: NotifyStatus,
    pub attempts: u32,
    /// `None` for a request held as spam: nobody follows it up.
    pub follow_up: Option<(FollowUpState, DateTime<Utc>)>,
    /// When its follow-up first left `new`.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// When its next reminder or escalation is due, while one is.
    pub reminder_due_at: Option<DateTime<Utc>>,
    /// Why routing decided as it did, when it did.
    pub routing_reason: Option<String>,
}

/// Reads a request item back into the domain types, as it was kept: without today's field rules
/// (see `domain::stored`). Only a missing or unreadable attribute makes it `Corrupt`.
pub fn stored_request(key: &str, item: &Item) -> Result<StoredRequest, StoreError> {
    let reader = ItemReader::new(key, item);
    let id = SubmissionId::parse(reader.string(attr::ID)?).ok_or_else(|| reader.corrupt("id"))?;
    let request = ConsultationRequest::from_stored(StoredFields {
        name: reader.string(attr::NAME)?,
        email: reader.string(attr::EMAIL)?,
        phone: reader.optional_string(attr::PHONE),
        preferred_contact: reader.string(attr::PREFERRED_CONTACT)?,
        best_time: reader.optional_string(attr::BEST_TIME),
        session_format: reader.optional_string(attr::SESSION_FORMAT),
        message: reader.optional_string(attr::MESSAGE),
    });
    let received_at = DateTime::parse_from_rfc3339(reader.string(attr::RECEIVED_AT)?)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| reader.corrupt("received_at"))?;
    let expires_at = DateTime::from_timestamp(reader.number(attr::EXPIRES_AT)?, 0)
        .ok_or_else(|| reader.corrupt("expires_at"))?;
    let notify_status = NotifyStatus::parse(reader.string(attr::NOTIFY_STATUS)?)
        .ok_or_else(|| reader.corrupt("notify_status"))?;
    Ok(StoredRequest {
        received: ReceivedRequest {
            id,
            received_at,
            request,
            consent_version: reader.string(attr::CONSENT_VERSION)?.to_owned(),
            urgent: matches!(item.get(attr::URGENT), Some(AttributeValue::Bool(true))),
            expires_at,
            verification: Verification::from_stored(reader.optional_string(attr::VERIFICATION)),
            hold: matches!(
                item.get(attr::HELD_AS_SPAM),
                Some(AttributeValue::Bool(true))
            )
            .then(|| {
                reader
                    .optional_string(attr::HELD_REASON)
                    .and_then(HoldReason::parse)
                    .unwrap_or(HoldReason::Honeypot)
            }),
            public_base_url: reader
                .optional_string(attr::PUBLIC_BASE_URL)
                .map(str::to_owned),
            // Stored before languages were: English, the only language there was.
            language: reader
                .optional_string(attr::LANGUAGE)
                .and_then(Language::from_tag)
                .unwrap_or_default(),
            answers: super::answers::read_answers(item, attr::ANSWERS),
            assignee: reader.optional_string(attr::ASSIGNEE).map(str::to_owned),
        },
        notify_status,
        attempts: u32::try_from(reader.number(attr::NOTIFY_ATTEMPTS).unwrap_or(0)).unwrap_or(0),
        follow_up: reader
            .optional_string(attr::FOLLOW_UP)
            .and_then(FollowUpState::parse)
            .zip(
                reader
                    .optional_string(attr::FOLLOW_UP_AT)
                    .and_then(parse_time),
            ),
        first_contact_at: reader
            .optional_string(attr::FIRST_CONTACT_AT)
            .and_then(parse_time),
        reminder_due_at: reader
            .optional_string(attr::REMINDER_QUEUE)
            .and_then(|_| reader.number(attr::REMINDER_DUE_AT).ok())
            .and_then(DateTime::from_timestamp_millis),
        routing_reason: reader
            .optional_string(attr::ROUTING_REASON)
            .map(str::to_owned),
    })
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Typed access to an item's attributes, with errors that name the item and attribute only.
pub(super) struct ItemReader<'a> {
    key: &'a str,
    item: &'a Item,
}

impl<'a> ItemReader<'a> {
    pub(super) fn new(key: &'a str, item: &'a Item) -> Self {
        Self { key, item }
    }

    pub(super) fn corrupt(&self, problem: &str) -> StoreError {
        StoreError::Corrupt {
            key: self.key.to_owned(),
            problem: problem.to_owned(),
        }
    }

    pub(super) fn optional_string(&self, name: &str) -> Option<&'a str> {
        self.item
            .get(name)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
    }

    pub(super) fn string(&self, name: &str) -> Result<&'a str, StoreError> {
        self.optional_string(name)
            .ok_or_else(|| self.corrupt(&format!("{name} missing")))
    }

    pub(super) fn number(&self, name: &str) -> Result<i64, StoreError> {
        self.item
            .get(name)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| self.corrupt(&format!("{name} missing")))
    }
}
