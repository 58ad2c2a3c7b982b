//! DynamoDB: where requests are kept.
//!
//! One table, partition key `pk`. A request is the item `request#<id>`; its `expires_at` (epoch
//! seconds) lets DynamoDB's TTL delete it `RETENTION_DAYS` after receipt.

use crate::aws::describe_sdk_error;
use crate::domain::{NotifyStatus, ReceivedRequest, SubmissionId};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;

/// Attribute names, shared with the infrastructure template and the tests.
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
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB {operation} failed: {detail}")]
    Unavailable {
        operation: &'static str,
        detail: String,
    },
}

/// The partition key of a request item.
pub fn request_key(id: SubmissionId) -> String {
    format!("request#{id}")
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table_name: String,
}

impl Store {
    pub fn new(client: Client, table_name: String) -> Self {
        Self { client, table_name }
    }

    /// Writes a new request with `notify_status = pending`. Never overwrites an existing item.
    pub async fn insert_request(&self, received: &ReceivedRequest) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(request_item(received)))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .send()
            .await
            .map_err(|e| StoreError::Unavailable {
                operation: "PutItem",
                detail: describe_sdk_error(&e),
            })?;
        Ok(())
    }

    /// Records that SES accepted the staff notification.
    pub async fn mark_sent(
        &self,
        id: SubmissionId,
        ses_message_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, AttributeValue::S(request_key(id)))
            .update_expression("SET #status = :sent, #message_id = :message_id, #notified_at = :at")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_names("#message_id", attr::SES_MESSAGE_ID)
            .expression_attribute_names("#notified_at", attr::NOTIFIED_AT)
            .expression_attribute_values(
                ":sent",
                AttributeValue::S(NotifyStatus::Sent.as_str().to_owned()),
            )
            .expression_attribute_values(
                ":message_id",
                AttributeValue::S(ses_message_id.to_owned()),
            )
            .expression_attribute_values(":at", AttributeValue::S(rfc3339(at)))
            .send()
            .await
            .map_err(|e| StoreError::Unavailable {
                operation: "UpdateItem",
                detail: describe_sdk_error(&e),
            })?;
        Ok(())
    }
}

/// The item for a new request: only the fields the contract names, absent optionals left out.
pub fn request_item(received: &ReceivedRequest) -> HashMap<String, AttributeValue> {
    let request = &received.request;
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let mut item = HashMap::from([
        (attr::PK.to_owned(), s(&request_key(received.id))),
        (attr::ID.to_owned(), s(&received.id.to_string())),
        (
            attr::RECEIVED_AT.to_owned(),
            s(&rfc3339(received.received_at)),
        ),
        (attr::NAME.to_owned(), s(request.name.as_str())),
        (attr::EMAIL.to_owned(), s(request.email.as_str())),
        (
            attr::PREFERRED_CONTACT.to_owned(),
            s(request.preferred_contact.as_str()),
        ),
        (
            attr::NOTIFY_STATUS.to_owned(),
            s(NotifyStatus::Pending.as_str()),
        ),
        (
            attr::EXPIRES_AT.to_owned(),
            AttributeValue::N(received.expires_at.timestamp().to_string()),
        ),
        (
            attr::CONSENT_VERSION.to_owned(),
            s(&received.consent_version),
        ),
        (
            attr::CONSENTED_AT.to_owned(),
            s(&rfc3339(received.received_at)),
        ),
        (
            attr::URGENT.to_owned(),
            AttributeValue::Bool(received.urgent),
        ),
    ]);
    let optional = [
        (attr::PHONE, request.phone.as_ref().map(|p| p.as_str())),
        (
            attr::BEST_TIME,
            request.best_time.as_ref().map(|b| b.as_str()),
        ),
        (
            attr::SESSION_FORMAT,
            request.session_format.map(|f| f.as_str()),
        ),
        (attr::MESSAGE, request.message.as_ref().map(|m| m.as_str())),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            item.insert(name.to_owned(), s(value));
        }
    }
    item
}
