//! DynamoDB: where requests are kept, with their duplicate records, rate-limit counters and
//! notification state. One table, partition key `pk`; `item` says what every item looks like.
//!
//! DynamoDB's TTL deletes lazily (up to days late), so every condition compares `expires_at` or
//! `lease_until` with the current time itself.

mod answers;
mod assignment;
mod case_notes;
mod console_lists;
mod delivery;
mod duplicates;
mod follow_up_state;
mod heartbeat;
mod intake;
pub mod item;
mod listing;
mod notifications;
mod operator;
mod outbox;
mod read;
mod review;
mod summary;
mod upgrade;
pub mod webhooks;

pub use assignment::{Assigned, OpenAssignments, RoutingState};
pub use case_notes::RequestDetail;
pub use console_lists::{Fingerprint, PageCursor};
pub use delivery::{ClaimedFallback, DeliveryRecord};
pub use duplicates::{CONTENT_WINDOW, DuplicateGuard, KEY_WINDOW};
pub use follow_up_state::DueReminder;
pub use heartbeat::ProbeState;
pub use intake::{InsertOutcome, RateLimit};
pub use item::{EMAIL_INDEX, OPEN_INDEX, PENDING_INDEX, attr, request_key, rfc3339, summary_key};
pub use notifications::ClaimedNotification;
pub use outbox::Outbox;
pub use read::{StoredRequest, stored_request};
pub use review::{DigestState, HeldEntry, Released};
pub use summary::WeekEntry;
pub use upgrade::{DayUpgraded, UpgradeState};

use crate::aws::AwsError;
use crate::domain::SubmissionId;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Unavailable(#[from] AwsError),
    #[error("stored item {key} cannot be read: {problem}")]
    Corrupt { key: String, problem: String },
    /// The invocation's deadline came before DynamoDB answered; the write may still land, in
    /// which case the request is stored and the retry path emails it.
    #[error("DynamoDB did not answer before the invocation's deadline")]
    OutOfTime,
}

/// The one mapping from a DynamoDB SDK error: `.map_err(dynamodb("GetItem"))`.
fn dynamodb<E, R>(
    operation: &'static str,
) -> impl FnOnce(aws_sdk_dynamodb::error::SdkError<E, R>) -> StoreError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |error| StoreError::Unavailable(AwsError::of("DynamoDB", operation)(error))
}

/// Whether an update was refused by its condition (someone else's state won).
pub(crate) fn condition_failed<R>(error: &SdkError<UpdateItemError, R>) -> bool {
    matches!(
        error.as_service_error(),
        Some(UpdateItemError::ConditionalCheckFailedException(_))
    )
}

/// A request that could not be built never left the function; it reads like any other failure.
fn unbuildable(
    operation: &'static str,
) -> impl FnOnce(aws_sdk_dynamodb::error::BuildError) -> StoreError {
    move |error| StoreError::Unavailable(AwsError::other("DynamoDB", operation, error.to_string()))
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
            .map_err(dynamodb("DescribeTable"))?;
        Ok(())
    }

    /// An update of one request's item.
    fn update_request(&self, id: SubmissionId) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, item::s(&request_key(id)))
    }

    /// An update of the item with partition key `key` (the scheduled run's and the daily
    /// checks' records).
    fn update_item(&self, key: &str) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, item::s(key))
    }

    /// Sends a conditional update that claims something once; true when this caller won, false
    /// when its condition did not hold (someone else's state won).
    async fn claim(update: UpdateItemFluentBuilder) -> Result<bool, StoreError> {
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// The same for a conditional put: true when the item was written.
    async fn claim_put(put: PutItemFluentBuilder) -> Result<bool, StoreError> {
        match put.send().await {
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

    /// One item by its partition key, read eventually consistently.
    async fn get_item(&self, key: &str) -> Result<Option<item::Item>, StoreError> {
        self.get_item_by_key(key, false).await
    }

    /// One item by its partition key; `consistent` reads the latest write.
    async fn get_item_by_key(
        &self,
        key: &str,
        consistent: bool,
    ) -> Result<Option<item::Item>, StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, item::s(key))
            .consistent_read(consistent)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        Ok(answer.item)
    }

    /// A stored request with its notification state.
    pub async fn get_request(&self, id: SubmissionId) -> Result<Option<StoredRequest>, StoreError> {
        let key = request_key(id);
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, item::s(&key))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        output
            .item
            .map(|item| read::stored_request(&key, &item))
            .transpose()
    }

    /// The first `limit` items (1,000 at most; the rest wait for the next run) of the retry
    /// queue `queue` (`pending` or `fallback`) of the sparse index `pending-notifications`, oldest
    /// first, with the projected next attempt.
    async fn retry_queue(&self, queue: &str, limit: usize) -> Result<Vec<item::Item>, StoreError> {
        Ok(self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(PENDING_INDEX)
            .key_condition_expression("#queue = :queue")
            .expression_attribute_names("#queue", attr::RETRY_QUEUE)
            .expression_attribute_values(":queue", item::s(queue))
            .limit(i32::try_from(limit.min(1000)).unwrap_or(1000))
            .send()
            .await
            .map_err(dynamodb("Query"))?
            .items
            .unwrap_or_default())
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
            .expression_attribute_values(":value", item::s(value))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))?;
        Ok(items.iter().filter_map(item::partition_key).collect())
    }
}
