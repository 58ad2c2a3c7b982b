//! DynamoDB: where requests are kept, with their duplicate records and notification state.
//!
//! One table, partition key `pk`:
//! - `request#<id>`: a request, with `expires_at` (epoch seconds) `RETENTION_DAYS` after receipt;
//! - `dup#key#<hmac>` / `dup#content#<hmac>`: which request a repeat belongs to, for 24 hours or 10
//!   minutes.
//!
//! While a request's staff email is not yet sent it carries `retry_queue = "pending"`, the key of
//! the sparse index `pending-notifications` that the retry path queries. Sending is claimed with a
//! lease (`lease_until`), so the request path and the retry path never send the same email at once.
//!
//! DynamoDB's TTL deletes lazily (up to days late), so every condition compares `expires_at` or
//! `lease_until` with the current time itself.

use crate::aws::describe_sdk_error;
use crate::domain::{
    BestTime, ConsultationRequest, Field, FieldInput, Message, NotifyStatus, PhoneRegion,
    ReceivedRequest, SessionFormat, SubmissionId, SubmissionRules, SubmittedForm, Verification,
};
use crate::duplicates::DuplicateGuard;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
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
    pub const NOTIFY_ATTEMPTS: &str = "notify_attempts";
    pub const LEASE_UNTIL: &str = "lease_until";
    pub const RETRY_QUEUE: &str = "retry_queue";
    pub const SUBMISSION_ID: &str = "submission_id";
    pub const PAYLOAD_HASH: &str = "payload_hash";
    pub const VERIFICATION: &str = "verification";
    pub const EMAIL_HASH: &str = "email_hash";
    pub const COUNT: &str = "count";
}

/// The sparse index of requests whose staff email is not yet sent.
pub const PENDING_INDEX: &str = "pending-notifications";
/// Every item about a person, by the keyed fingerprint of their address (for erasure).
pub const EMAIL_INDEX: &str = "by-email";
const PENDING: &str = "pending";

/// After this many failed attempts a notification is `failed` and an alarm fires.
pub const MAX_NOTIFY_ATTEMPTS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB {operation} failed: {detail}")]
    Unavailable {
        operation: &'static str,
        detail: String,
    },
    #[error("stored item {key} cannot be read: {problem}")]
    Corrupt { key: String, problem: String },
}

/// A per-client counter of accepted requests in a fixed window (`rate#<hmac>#<window>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub counter_key: String,
    pub limit: u32,
    pub window_end: DateTime<Utc>,
}

/// What happened to a new request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    /// The client already had its share of accepted requests in this window.
    RateLimited {
        window_end: DateTime<Utc>,
    },
    /// The same request came before; `same_payload` is false when an idempotency key was reused
    /// for other content.
    Duplicate {
        submission_id: SubmissionId,
        same_payload: bool,
    },
}

/// A request whose notification this caller has claimed.
#[derive(Debug, Clone)]
pub struct ClaimedNotification {
    pub received: ReceivedRequest,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// A stored request with its notification state (for tools and tests).
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub received: ReceivedRequest,
    pub notify_status: NotifyStatus,
    pub attempts: u32,
}

/// The partition key of a request item.
pub fn request_key(id: SubmissionId) -> String {
    format!("request#{id}")
}

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn unavailable<E, R>(
    operation: &'static str,
) -> impl FnOnce(aws_sdk_dynamodb::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    move |e| StoreError::Unavailable {
        operation,
        detail: describe_sdk_error(&e),
    }
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

    pub fn table_name(&self) -> &str {
        &self.table_name
    }

    /// A cheap call that opens (and so warms) the connection to DynamoDB.
    pub async fn warm_up(&self) -> Result<(), StoreError> {
        self.client
            .describe_table()
            .table_name(&self.table_name)
            .send()
            .await
            .map_err(unavailable("DescribeTable"))?;
        Ok(())
    }

    /// Writes a new request (pending, its notification claimed until `lease_until`) and its
    /// duplicate record in one transaction, so a repeat can never see one without the other; or
    /// reports the request a repeat belongs to.
    ///
    /// With a rate limit, the client's counter is counted up in the same transaction, so only new,
    /// accepted requests count (a repeat never does) and concurrent requests cannot overshoot.
    pub async fn insert_request(
        &self,
        received: &ReceivedRequest,
        guard: &DuplicateGuard,
        rate_limit: Option<&RateLimit>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<InsertOutcome, StoreError> {
        let request = Put::builder()
            .table_name(&self.table_name)
            .set_item(Some(request_item(received, &guard.email_hash, lease_until)))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .build()
            .map_err(|e| StoreError::Unavailable {
                operation: "TransactWriteItems",
                detail: e.to_string(),
            })?;
        let duplicate = Put::builder()
            .table_name(&self.table_name)
            .set_item(Some(HashMap::from([
                (attr::PK.to_owned(), s(&guard.record_key)),
                (attr::SUBMISSION_ID.to_owned(), s(&received.id.to_string())),
                (attr::PAYLOAD_HASH.to_owned(), s(&guard.payload_hash)),
                (
                    attr::EXPIRES_AT.to_owned(),
                    n((now + guard.window).timestamp()),
                ),
                (attr::EMAIL_HASH.to_owned(), s(&guard.email_hash)),
            ])))
            .condition_expression("attribute_not_exists(#pk) OR #expires < :now")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":now", n(now.timestamp()))
            .build()
            .map_err(|e| StoreError::Unavailable {
                operation: "TransactWriteItems",
                detail: e.to_string(),
            })?;

        let counter = rate_limit
            .map(|limit| {
                Update::builder()
                    .table_name(&self.table_name)
                    .key(attr::PK, s(&limit.counter_key))
                    .update_expression("ADD #count :one SET #expires = :expires")
                    .condition_expression(
                        "attribute_not_exists(#count) OR #count < :limit OR #expires < :now",
                    )
                    .expression_attribute_names("#count", attr::COUNT)
                    .expression_attribute_names("#expires", attr::EXPIRES_AT)
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":limit", n(i64::from(limit.limit)))
                    .expression_attribute_values(":expires", n(limit.window_end.timestamp()))
                    .expression_attribute_values(":now", n(now.timestamp()))
                    .build()
                    .map_err(|e| StoreError::Unavailable {
                        operation: "TransactWriteItems",
                        detail: e.to_string(),
                    })
            })
            .transpose()?;

        // Concurrent repeats cancel each other's transactions; the winner's record is then read.
        const ATTEMPTS: u32 = 6;
        for attempt in 1..=ATTEMPTS {
            let mut transaction = self
                .client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().put(request.clone()).build())
                .transact_items(TransactWriteItem::builder().put(duplicate.clone()).build());
            if let Some(counter) = &counter {
                transaction = transaction
                    .transact_items(TransactWriteItem::builder().update(counter.clone()).build());
            }
            let cancelled = match transaction.send().await {
                Ok(_) => return Ok(InsertOutcome::Inserted),
                Err(e) => match e.into_service_error() {
                    TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled,
                    other => {
                        return Err(StoreError::Unavailable {
                            operation: "TransactWriteItems",
                            detail: format!(
                                "service error {}",
                                aws_sdk_dynamodb::error::ProvideErrorMetadata::code(&other)
                                    .unwrap_or("(no code)")
                            ),
                        });
                    }
                },
            };
            if let Some((submission_id, payload_hash)) = self.duplicate_record(guard, now).await? {
                return Ok(InsertOutcome::Duplicate {
                    submission_id,
                    same_payload: payload_hash == guard.payload_hash,
                });
            }
            let counter_refused = cancelled
                .cancellation_reasons()
                .get(2)
                .and_then(|reason| reason.code())
                == Some("ConditionalCheckFailed");
            if let (true, Some(limit)) = (counter_refused, rate_limit) {
                return Ok(InsertOutcome::RateLimited {
                    window_end: limit.window_end,
                });
            }
            if attempt < ATTEMPTS {
                tokio::time::sleep(std::time::Duration::from_millis(15 * u64::from(attempt))).await;
            }
        }
        Err(StoreError::Unavailable {
            operation: "TransactWriteItems",
            detail: "kept conflicting with concurrent writes".to_owned(),
        })
    }

    /// The live duplicate record for `guard`, if any: its submission id and payload hash.
    async fn duplicate_record(
        &self,
        guard: &DuplicateGuard,
        now: DateTime<Utc>,
    ) -> Result<Option<(SubmissionId, String)>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&guard.record_key))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable("GetItem"))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let reader = ItemReader::new(&guard.record_key, &item);
        if reader.number(attr::EXPIRES_AT)? < now.timestamp() {
            return Ok(None);
        }
        let id = reader.string(attr::SUBMISSION_ID)?;
        let id =
            SubmissionId::parse(id).ok_or_else(|| reader.corrupt("submission_id is not an id"))?;
        Ok(Some((id, reader.string(attr::PAYLOAD_HASH)?.to_owned())))
    }

    /// Claims a pending notification whose lease is free, counting the attempt. `None` when it is
    /// sent, failed, gone, or claimed by someone else right now.
    pub async fn claim_notification(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ClaimedNotification>, StoreError> {
        let claimed = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&request_key(id)))
            .update_expression("SET #lease = :until ADD #attempts :one")
            .condition_expression(
                "#status = :pending AND (attribute_not_exists(#lease) OR #lease < :now)",
            )
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
                let stored = stored_request(&request_key(id), &item)?;
                Ok(Some(ClaimedNotification {
                    received: stored.received,
                    attempts: stored.attempts,
                }))
            }
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(unavailable("UpdateItem")(e)),
        }
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
            .key(attr::PK, s(&request_key(id)))
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
            .map_err(unavailable("UpdateItem"))?;
        Ok(())
    }

    /// After a failed attempt: frees the lease for the next try, or gives up (`failed`) after
    /// [`MAX_NOTIFY_ATTEMPTS`]. Returns the status the request is left in.
    pub async fn release_failed_notification(
        &self,
        id: SubmissionId,
        attempts: u32,
    ) -> Result<NotifyStatus, StoreError> {
        let give_up = attempts >= MAX_NOTIFY_ATTEMPTS;
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&request_key(id)))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", attr::NOTIFY_STATUS)
            .expression_attribute_names("#lease", attr::LEASE_UNTIL)
            .expression_attribute_values(":pending", s(NotifyStatus::Pending.as_str()));
        update = if give_up {
            update
                .update_expression("SET #status = :failed REMOVE #queue, #lease")
                .expression_attribute_names("#queue", attr::RETRY_QUEUE)
                .expression_attribute_values(":failed", s(NotifyStatus::Failed.as_str()))
        } else {
            update.update_expression("REMOVE #lease")
        };
        match update.send().await {
            Ok(_) => Ok(if give_up {
                NotifyStatus::Failed
            } else {
                NotifyStatus::Pending
            }),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(NotifyStatus::Sent)
            }
            Err(e) => Err(unavailable("UpdateItem")(e)),
        }
    }

    /// Ids of requests whose notification is pending, oldest first (at most `limit`).
    pub async fn pending_notifications(
        &self,
        limit: usize,
    ) -> Result<Vec<SubmissionId>, StoreError> {
        let keys = self
            .index_keys(PENDING_INDEX, attr::RETRY_QUEUE, PENDING)
            .await?;
        Ok(keys
            .iter()
            .filter_map(|pk| pk.strip_prefix("request#"))
            .filter_map(SubmissionId::parse)
            .take(limit)
            .collect())
    }

    /// The partition keys of every item in `index` whose `key` attribute equals `value`.
    async fn index_keys(
        &self,
        index: &str,
        key: &str,
        value: &str,
    ) -> Result<Vec<String>, StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(index)
            .key_condition_expression("#key = :value")
            .expression_attribute_names("#key", key)
            .expression_attribute_values(":value", s(value))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(unavailable("Query"))?;
        Ok(items
            .iter()
            .filter_map(|item| item.get(attr::PK).and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }

    /// A stored request with its notification state.
    pub async fn get_request(&self, id: SubmissionId) -> Result<Option<StoredRequest>, StoreError> {
        let key = request_key(id);
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&key))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable("GetItem"))?;
        output
            .item
            .map(|item| stored_request(&key, &item))
            .transpose()
    }
}

/// Operator tools: listing, erasure and purging.
impl Store {
    /// Every stored request received at or after `since`, oldest first. A scan: for the operator's
    /// occasional list and export, never for a request path. `progress` hears the items seen.
    pub async fn requests_since(
        &self,
        since: Option<DateTime<Utc>>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<StoredRequest>, StoreError> {
        let mut found = Vec::new();
        let mut seen = 0;
        let mut start = None;
        loop {
            let mut scan = self
                .client
                .scan()
                .table_name(&self.table_name)
                .filter_expression("begins_with(#pk, :request)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_values(":request", s("request#"))
                .set_exclusive_start_key(start);
            if let Some(since) = since {
                scan = scan
                    .filter_expression("begins_with(#pk, :request) AND #received >= :since")
                    .expression_attribute_names("#received", attr::RECEIVED_AT)
                    .expression_attribute_values(":since", s(&rfc3339(since)));
            }
            let page = scan.send().await.map_err(unavailable("Scan"))?;
            seen += usize::try_from(page.scanned_count()).unwrap_or_default();
            progress(seen);
            for item in page.items() {
                let key = item
                    .get(attr::PK)
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default();
                found.push(stored_request(&key, item)?);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                found.sort_by_key(|r| r.received.id);
                return Ok(found);
            }
        }
    }

    /// The keys of every item carrying this email fingerprint (requests and duplicate records).
    pub async fn keys_for_email(&self, email_hash: &str) -> Result<Vec<String>, StoreError> {
        self.index_keys(EMAIL_INDEX, attr::EMAIL_HASH, email_hash)
            .await
    }

    /// The keys of every item whose `expires_at` has passed (DynamoDB's TTL may not have run yet).
    pub async fn expired_keys(
        &self,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let mut seen = 0;
        let mut start = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.table_name)
                .filter_expression("#expires < :now")
                .projection_expression("#pk")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#expires", attr::EXPIRES_AT)
                .expression_attribute_values(":now", n(now.timestamp()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable("Scan"))?;
            seen += usize::try_from(page.scanned_count()).unwrap_or_default();
            progress(seen);
            keys.extend(
                page.items()
                    .iter()
                    .filter_map(|item| item.get(attr::PK).and_then(|v| v.as_s().ok()).cloned()),
            );
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(keys);
            }
        }
    }

    /// Deletes items by key; `progress` hears how many are gone.
    pub async fn delete(
        &self,
        keys: &[String],
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize, StoreError> {
        for (done, key) in keys.iter().enumerate() {
            self.client
                .delete_item()
                .table_name(&self.table_name)
                .key(attr::PK, s(key))
                .send()
                .await
                .map_err(unavailable("DeleteItem"))?;
            progress(done + 1);
        }
        Ok(keys.len())
    }
}

/// The item for a new request: only the fields the contract names (absent optionals left out),
/// plus the notification bookkeeping.
pub fn request_item(
    received: &ReceivedRequest,
    email_hash: &str,
    lease_until: DateTime<Utc>,
) -> HashMap<String, AttributeValue> {
    let request = &received.request;
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
        (attr::NOTIFY_ATTEMPTS.to_owned(), n(1)),
        (
            attr::LEASE_UNTIL.to_owned(),
            n(lease_until.timestamp_millis()),
        ),
        (attr::RETRY_QUEUE.to_owned(), s(PENDING)),
        (
            attr::EXPIRES_AT.to_owned(),
            n(received.expires_at.timestamp()),
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
        (attr::EMAIL_HASH.to_owned(), s(email_hash)),
    ]);
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
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            item.insert(name.to_owned(), s(value));
        }
    }
    item
}

/// Reads a request item back into the domain types, through the same parsers as a submission.
pub fn stored_request(
    key: &str,
    item: &HashMap<String, AttributeValue>,
) -> Result<StoredRequest, StoreError> {
    let reader = ItemReader::new(key, item);
    let id = SubmissionId::parse(reader.string(attr::ID)?).ok_or_else(|| reader.corrupt("id"))?;
    let mut form = SubmittedForm::new()
        .with(Field::Name, reader.string(attr::NAME)?)
        .with(Field::Email, reader.string(attr::EMAIL)?)
        .with(
            Field::PreferredContact,
            reader.string(attr::PREFERRED_CONTACT)?,
        )
        .with(Field::Consent, "true");
    for (field, name) in [
        (Field::Phone, attr::PHONE),
        (Field::BestTime, attr::BEST_TIME),
        (Field::SessionFormat, attr::SESSION_FORMAT),
        (Field::Message, attr::MESSAGE),
    ] {
        if let Some(value) = reader.optional_string(name) {
            form.insert(field, FieldInput::Text(value.to_owned()));
        }
    }
    let rules = SubmissionRules {
        phone_region: PhoneRegion::default(),
    };
    let request: ConsultationRequest = ConsultationRequest::parse(&form, rules)
        .map_err(|errors| reader.corrupt(&format!("fields {:?}", errors.codes())))?
        .request;
    let received_at = parse_time(reader.string(attr::RECEIVED_AT)?)
        .ok_or_else(|| reader.corrupt("received_at"))?;
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
        },
        notify_status,
        attempts: u32::try_from(reader.number(attr::NOTIFY_ATTEMPTS).unwrap_or(0)).unwrap_or(0),
    })
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Typed access to an item's attributes, with errors that name the item and attribute only.
struct ItemReader<'a> {
    key: &'a str,
    item: &'a HashMap<String, AttributeValue>,
}

impl<'a> ItemReader<'a> {
    fn new(key: &'a str, item: &'a HashMap<String, AttributeValue>) -> Self {
        Self { key, item }
    }

    fn corrupt(&self, problem: &str) -> StoreError {
        StoreError::Corrupt {
            key: self.key.to_owned(),
            problem: problem.to_owned(),
        }
    }

    fn optional_string(&self, name: &str) -> Option<&'a str> {
        self.item
            .get(name)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
    }

    fn string(&self, name: &str) -> Result<&'a str, StoreError> {
        self.optional_string(name)
            .ok_or_else(|| self.corrupt(&format!("{name} missing")))
    }

    fn number(&self, name: &str) -> Result<i64, StoreError> {
        self.item
            .get(name)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| self.corrupt(&format!("{name} missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, SubmittedForm};

    #[test]
    fn an_item_reads_back_as_the_request_it_was_written_from() {
        let form = SubmittedForm::new()
            .with(Field::Name, "Ana Lima")
            .with(Field::Email, "ana@example.com")
            .with(Field::Phone, "+44 20 7946 0958")
            .with(Field::PreferredContact, "phone")
            .with(Field::BestTime, "mornings")
            .with(Field::SessionFormat, "either")
            .with(Field::Message, "line one\nline two")
            .with(Field::Consent, "on");
        let request = ConsultationRequest::parse(&form, SubmissionRules::default())
            .unwrap()
            .request;
        let at: DateTime<Utc> = "2026-11-26T14:05:00.123Z".parse().unwrap();
        let received = ReceivedRequest {
            id: SubmissionId::new(at),
            received_at: at,
            request,
            consent_version: "3".into(),
            urgent: true,
            expires_at: DateTime::from_timestamp(at.timestamp() + 86_400, 0).unwrap(),
            verification: crate::domain::Verification::Unverified,
        };
        let item = request_item(&received, "hash", at);
        let stored = stored_request("k", &item).unwrap();
        assert_eq!(stored.received, received);
        assert_eq!(stored.notify_status, NotifyStatus::Pending);
        assert_eq!(stored.attempts, 1);
    }

    #[test]
    fn a_damaged_item_names_the_attribute_not_the_value() {
        let mut item = HashMap::new();
        item.insert("id".to_owned(), s("not-an-id-but-a-secret"));
        let error = stored_request("request#x", &item).unwrap_err().to_string();
        assert!(error.contains("request#x"));
        assert!(!error.contains("secret"));
    }
}
