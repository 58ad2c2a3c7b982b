//! Taking a new request in: the request item, its duplicate record and the client's rate-limit
//! counter, written in one transaction.

use super::item::{Item, attr, n, rate_key, request_item, s};
use super::{DuplicateGuard, Store, StoreError, dynamodb, unbuildable};
use crate::aws::AwsError;
use crate::domain::{ReceivedRequest, SubmissionId};
use crate::signing::ClientHashKey;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use chrono::{DateTime, Duration, DurationRound, Utc};

/// A per-client counter of accepted requests in a fixed window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub counter_key: String,
    pub limit: u32,
    pub window_end: DateTime<Utc>,
}

impl RateLimit {
    /// The client's counter for the current clock hour. The address is kept only as a keyed hash.
    pub fn per_hour(
        secret: &ClientHashKey,
        source_ip: &str,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Self {
        let hour_start = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
        let client = secret.fingerprint("client", &[source_ip]);
        Self {
            counter_key: rate_key(&client, hour_start),
            limit,
            window_end: hour_start + Duration::hours(1),
        }
    }
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

const OPERATION: &str = "TransactWriteItems";

impl Store {
    /// Writes a new request (pending, its notification claimed until `lease_until`, its first
    /// reminder due at `first_reminder_at`) and its
    /// duplicate record in one transaction, so a repeat can never see one without the other; or
    /// reports the request a repeat belongs to.
    ///
    /// With a rate limit, the client's counter is counted up in the same transaction, so only new,
    /// accepted requests count (a repeat never does) and concurrent requests cannot overshoot.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_request(
        &self,
        received: &ReceivedRequest,
        guard: &DuplicateGuard,
        rate_limit: Option<&RateLimit>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        first_reminder_at: Option<DateTime<Utc>>,
        outbox: &super::Outbox,
    ) -> Result<InsertOutcome, StoreError> {
        let hashes = (guard.email_hash.as_str(), guard.phone_hash.as_deref());
        let item = request_item(received, hashes, lease_until, first_reminder_at);
        let request = Put::builder()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .build()
            .map_err(unbuildable(OPERATION))?;
        let duplicate = Put::builder()
            .table_name(&self.table_name)
            .set_item(Some(duplicate_record(received.id, guard, now)))
            .condition_expression("attribute_not_exists(#pk) OR #expires < :now")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":now", n(now.timestamp()))
            .build()
            .map_err(unbuildable(OPERATION))?;
        let counter = rate_limit
            .map(|limit| self.counter_update(limit, now))
            .transpose()?;
        // After the counter, whose place (third) the cancellation reasons are read by.
        let deliveries = outbox.puts(&self.table_name)?;

        // Concurrent repeats cancel each other's transactions; the winner's record is then read.
        // Each attempt has its own client request token (the request's id and the attempt): when
        // the SDK retries a transaction that committed but whose answer was lost, DynamoDB answers
        // the retry as the original, and a cancelled attempt's token is never reused.
        const ATTEMPTS: u32 = 6;
        for attempt in 1..=ATTEMPTS {
            let mut transaction = self
                .client
                .transact_write_items()
                .client_request_token(format!("{}-{attempt}", received.id))
                .transact_items(TransactWriteItem::builder().put(request.clone()).build())
                .transact_items(TransactWriteItem::builder().put(duplicate.clone()).build());
            if let Some(counter) = &counter {
                transaction = transaction
                    .transact_items(TransactWriteItem::builder().update(counter.clone()).build());
            }
            for delivery in &deliveries {
                transaction = transaction.transact_items(delivery.clone());
            }
            let cancelled = match transaction.send().await {
                Ok(_) => return Ok(InsertOutcome::Inserted),
                Err(e) => match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                        Some(cancelled.clone())
                    }
                    // After an SDK retry: our own transaction, with the same token, is still
                    // being committed. Like a cancellation by our own write, what it wrote is
                    // looked for below (and, not there yet, tried again).
                    Some(TransactWriteItemsError::TransactionInProgressException(_)) => None,
                    _ => return Err(dynamodb(OPERATION)(e)),
                },
            };
            if let Some((submission_id, payload_hash)) = self.live_duplicate(guard, now).await? {
                // Our own record: an earlier attempt of this very call committed (its answer was
                // lost, or a token from another attempt was refused), so this is no repeat.
                if submission_id == received.id {
                    return Ok(InsertOutcome::Inserted);
                }
                return Ok(InsertOutcome::Duplicate {
                    submission_id,
                    same_payload: payload_hash == guard.payload_hash,
                });
            }
            let counter_refused = cancelled
                .as_ref()
                .and_then(|c| c.cancellation_reasons().get(2))
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
        Err(AwsError::other(
            "DynamoDB",
            OPERATION,
            "kept conflicting with concurrent writes",
        )
        .into())
    }

    /// Counts the client's accepted request, unless the window's count is spent.
    fn counter_update(&self, limit: &RateLimit, now: DateTime<Utc>) -> Result<Update, StoreError> {
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
            .map_err(unbuildable(OPERATION))
    }

    /// The live duplicate record for `guard`, if any: its submission id and payload hash.
    async fn live_duplicate(
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
            .map_err(dynamodb("GetItem"))?;
        let Some(item) = output.item else {
            return Ok(None);
        };
        let reader = super::read::ItemReader::new(&guard.record_key, &item);
        if reader.number(attr::EXPIRES_AT)? < now.timestamp() {
            return Ok(None);
        }
        let id = reader.string(attr::SUBMISSION_ID)?;
        let id =
            SubmissionId::parse(id).ok_or_else(|| reader.corrupt("submission_id is not an id"))?;
        Ok(Some((id, reader.string(attr::PAYLOAD_HASH)?.to_owned())))
    }
}

/// Which request a repeat belongs to, until the guard's window ends.
fn duplicate_record(id: SubmissionId, guard: &DuplicateGuard, now: DateTime<Utc>) -> Item {
    [
        (attr::PK, s(&guard.record_key)),
        (attr::SUBMISSION_ID, s(&id.to_string())),
        (attr::PAYLOAD_HASH, s(&guard.payload_hash)),
        (attr::EXPIRES_AT, n((now + guard.window).timestamp())),
        (attr::EMAIL_HASH, s(&guard.email_hash)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}
