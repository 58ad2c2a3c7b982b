//! The practice's webhook endpoints (one item, `webhook-endpoints`, changed under its version)
//! and their deliveries (`webhook#<message id>#<endpoint id>`, one per event and endpoint).
//!
//! A delivery still to be sent carries `reminder_queue = "webhook"` and its due time in
//! `reminder_due_at` (epoch milliseconds): the sparse index `reminders-due` serves it too, in a
//! partition of its own, so each run reads only what is due. Claiming one moves its due time to
//! the end of a lease: a run that dies holding it only delays it. Every delivery carries
//! `received_day = "webhook#<UTC date>"` and `received_at`, so `webhooks replay --since` finds
//! a day's deliveries by `received-by-day` without reading any request. Kept 30 days.

use super::item::{Item, REMINDERS_INDEX, WEEK_INDEX, attr, n, partition_key, rfc3339, s};
use super::read::ItemReader;
use super::{Store, StoreError, dynamodb};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;

pub const ENDPOINTS_KEY: &str = "webhook-endpoints";
/// The `reminder_queue` value of a delivery still to be sent.
pub const WEBHOOK_QUEUE: &str = "webhook";
/// How long a delivery's record is kept (for `replay`).
pub const DELIVERY_KEPT: Duration = Duration::days(30);

const DELIVERY_PREFIX: &str = "webhook#";
const ENDPOINTS: &str = "endpoints";
const VERSION: &str = "version";
const STATUS: &str = "status";
const ATTEMPTS: &str = "attempts";
const LAST_RESULT: &str = "last_result";
const BODY: &str = "body";
const WEBHOOK_ID: &str = "webhook_id";
const ENDPOINT: &str = "endpoint";
const EVENT: &str = "event";
const DELIVERED_AT: &str = "delivered_at";

/// An endpoint as stored (the webhooks module gives it its types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRecord {
    pub id: String,
    pub kind: String,
    pub shown_url: String,
    pub secret_arn: String,
    pub events: Vec<String>,
    pub disabled: Option<String>,
    pub created_at: String,
}

/// The endpoints and the version they were read at.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub endpoints: Vec<EndpointRecord>,
    pub version: i64,
}

/// One delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryItem {
    pub key: String,
    pub webhook_id: String,
    pub endpoint: String,
    pub event: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    /// When it is due (epoch milliseconds), while it waits to be sent.
    pub due_at: Option<i64>,
    pub status: String,
    pub last_result: Option<String>,
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish<'a> {
    Delivered {
        result: &'a str,
    },
    /// Not this time: due again at `next`.
    Retry {
        result: &'a str,
        next: DateTime<Utc>,
    },
    /// For good: `failed` (retries spent), `gone` (410: the endpoint was disabled) or
    /// `cancelled` (its endpoint was removed or disabled).
    Ended {
        status: &'a str,
        result: &'a str,
    },
}

pub fn delivery_key(webhook_id: &str, endpoint: &str) -> String {
    format!("{DELIVERY_PREFIX}{webhook_id}#{endpoint}")
}

/// A new delivery's item, due at `due`.
pub fn delivery_item(
    webhook_id: &str,
    endpoint: &str,
    event: &str,
    body: &str,
    created_at: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Item {
    [
        (attr::PK, s(&delivery_key(webhook_id, endpoint))),
        (WEBHOOK_ID, s(webhook_id)),
        (ENDPOINT, s(endpoint)),
        (EVENT, s(event)),
        (BODY, s(body)),
        (STATUS, s("pending")),
        (ATTEMPTS, n(0)),
        (attr::REMINDER_QUEUE, s(WEBHOOK_QUEUE)),
        (attr::REMINDER_DUE_AT, n(due.timestamp_millis())),
        (
            attr::RECEIVED_DAY,
            s(&day_partition(created_at.date_naive())),
        ),
        (attr::RECEIVED_AT, s(&rfc3339(created_at))),
        (
            attr::EXPIRES_AT,
            n((created_at + DELIVERY_KEPT).timestamp()),
        ),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}

fn day_partition(day: NaiveDate) -> String {
    format!("{DELIVERY_PREFIX}{}", day.format("%Y-%m-%d"))
}

fn endpoint_value(endpoint: &EndpointRecord) -> AttributeValue {
    let mut map: HashMap<String, AttributeValue> = [
        ("id", s(&endpoint.id)),
        ("kind", s(&endpoint.kind)),
        ("url", s(&endpoint.shown_url)),
        ("secret_arn", s(&endpoint.secret_arn)),
        ("created_at", s(&endpoint.created_at)),
        (
            "events",
            AttributeValue::L(endpoint.events.iter().map(|e| s(e)).collect()),
        ),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    if let Some(why) = &endpoint.disabled {
        map.insert("disabled".to_owned(), s(why));
    }
    AttributeValue::M(map)
}

fn read_endpoint(value: &AttributeValue) -> Option<EndpointRecord> {
    let map = value.as_m().ok()?;
    let text = |name: &str| map.get(name).and_then(|v| v.as_s().ok()).cloned();
    Some(EndpointRecord {
        id: text("id")?,
        kind: text("kind")?,
        shown_url: text("url")?,
        secret_arn: text("secret_arn")?,
        created_at: text("created_at").unwrap_or_default(),
        events: map
            .get("events")
            .and_then(|v| v.as_l().ok())
            .map(|list| list.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
            .unwrap_or_default(),
        disabled: text("disabled"),
    })
}

fn read_delivery(item: &Item) -> Result<DeliveryItem, StoreError> {
    let key = partition_key(item).unwrap_or_default();
    let reader = ItemReader::new(&key, item);
    let created_at = DateTime::parse_from_rfc3339(reader.string(attr::RECEIVED_AT)?)
        .map_err(|_| reader.corrupt("received_at"))?
        .to_utc();
    Ok(DeliveryItem {
        webhook_id: reader.string(WEBHOOK_ID)?.to_owned(),
        endpoint: reader.string(ENDPOINT)?.to_owned(),
        event: reader.string(EVENT)?.to_owned(),
        body: reader.string(BODY)?.to_owned(),
        created_at,
        attempts: u32::try_from(reader.number(ATTEMPTS)?).unwrap_or(u32::MAX),
        due_at: reader.number(attr::REMINDER_DUE_AT).ok(),
        status: reader.string(STATUS)?.to_owned(),
        last_result: reader.optional_string(LAST_RESULT).map(str::to_owned),
        key,
    })
}

impl Store {
    /// The endpoints (none before the first is added). `consistent` for a change to them.
    pub async fn webhook_endpoints(&self, consistent: bool) -> Result<Endpoints, StoreError> {
        let Some(item) = self.get_item_by_key(ENDPOINTS_KEY, consistent).await? else {
            return Ok(Endpoints::default());
        };
        let reader = ItemReader::new(ENDPOINTS_KEY, &item);
        Ok(Endpoints {
            version: reader.number(VERSION)?,
            endpoints: item
                .get(ENDPOINTS)
                .and_then(|v| v.as_l().ok())
                .map(|list| list.iter().filter_map(read_endpoint).collect())
                .unwrap_or_default(),
        })
    }

    /// Replaces the endpoints, only if nobody changed them since `seen` was read.
    pub async fn save_webhook_endpoints(
        &self,
        endpoints: &[EndpointRecord],
        seen: i64,
    ) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(ENDPOINTS_KEY))
            .item(
                ENDPOINTS,
                AttributeValue::L(endpoints.iter().map(endpoint_value).collect()),
            )
            .item(VERSION, n(seen + 1))
            .condition_expression("attribute_not_exists(#pk) OR #version = :seen")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#version", VERSION)
            .expression_attribute_values(":seen", n(seen));
        Self::claim_put(put).await
    }

    /// Up to `limit` deliveries due by `now`, the oldest due first.
    pub async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DeliveryItem>, StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(REMINDERS_INDEX)
            .key_condition_expression("#queue = :webhook AND #due <= :now")
            .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
            .expression_attribute_names("#due", attr::REMINDER_DUE_AT)
            .expression_attribute_values(":webhook", s(WEBHOOK_QUEUE))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .limit(i32::try_from(limit).unwrap_or(100))
            .send()
            .await
            .map_err(dynamodb("Query"))?
            .items
            .unwrap_or_default();
        items.iter().map(read_delivery).collect()
    }

    /// Claims a due delivery until `lease_until` and counts the attempt; false when another run
    /// claimed it first or it is no longer due. The lease is the claim: only its holder may
    /// finish the attempt ([`Store::finish_delivery`]).
    pub async fn claim_delivery(
        &self,
        delivery: &DeliveryItem,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(seen) = delivery.due_at else {
            return Ok(false);
        };
        Self::claim(
            self.update_item(&delivery.key)
                .update_expression("SET #due = :lease ADD #attempts :one")
                .condition_expression("#queue = :webhook AND #due = :seen")
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_names("#due", attr::REMINDER_DUE_AT)
                .expression_attribute_names("#attempts", ATTEMPTS)
                .expression_attribute_values(":webhook", s(WEBHOOK_QUEUE))
                .expression_attribute_values(":seen", n(seen))
                .expression_attribute_values(":lease", n(lease_until.timestamp_millis()))
                .expression_attribute_values(":one", n(1)),
        )
        .await
    }

    /// Records what an attempt came to, only while the claim at `lease` is still the one held:
    /// a delivery replayed (or claimed again after its lease ran out) meanwhile is left as the
    /// other holder makes it.
    pub async fn finish_delivery(
        &self,
        key: &str,
        lease: DateTime<Utc>,
        finish: Finish<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let update = self
            .update_item(key)
            .condition_expression("#due = :lease")
            .expression_attribute_values(":lease", n(lease.timestamp_millis()))
            .expression_attribute_names("#result", LAST_RESULT)
            .expression_attribute_names("#due", attr::REMINDER_DUE_AT);
        let update = match finish {
            Finish::Retry { result, next } => update
                .update_expression("SET #result = :result, #due = :next")
                .expression_attribute_values(":result", s(result))
                .expression_attribute_values(":next", n(next.timestamp_millis())),
            Finish::Delivered { result } => update
                .update_expression(
                    "SET #status = :delivered, #result = :result, #at = :at REMOVE #queue, #due",
                )
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_names("#at", DELIVERED_AT)
                .expression_attribute_values(":delivered", s("delivered"))
                .expression_attribute_values(":result", s(result))
                .expression_attribute_values(":at", s(&rfc3339(at))),
            Finish::Ended { status, result } => update
                .update_expression("SET #status = :status, #result = :result REMOVE #queue, #due")
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_values(":status", s(status))
                .expression_attribute_values(":result", s(result)),
        };
        Self::claim(update).await.map(|_| ())
    }

    /// The deliveries made since `since` (to `now`), by day; oldest first.
    pub async fn deliveries_since(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let mut keys = Vec::new();
        let first = since.max(now - DELIVERY_KEPT).date_naive();
        for day in first.iter_days().take_while(|day| *day <= now.date_naive()) {
            let items = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(WEEK_INDEX)
                .key_condition_expression("#day = :day AND #at >= :since")
                .expression_attribute_names("#day", attr::RECEIVED_DAY)
                .expression_attribute_names("#at", attr::RECEIVED_AT)
                .expression_attribute_values(":day", s(&day_partition(day)))
                .expression_attribute_values(":since", s(&rfc3339(since)))
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(dynamodb("Query"))?;
            keys.extend(items.iter().filter_map(partition_key));
        }
        Ok(keys)
    }

    /// Queues a delivery again, due now, its attempts counted afresh (`webhooks replay`).
    pub async fn queue_delivery_again(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Self::claim(
            self.update_item(key)
                .update_expression(
                    "SET #queue = :webhook, #due = :now, #attempts = :zero, #status = :pending \
                     REMOVE #result",
                )
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", attr::PK)
                .expression_attribute_names("#queue", attr::REMINDER_QUEUE)
                .expression_attribute_names("#due", attr::REMINDER_DUE_AT)
                .expression_attribute_names("#attempts", ATTEMPTS)
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_names("#result", LAST_RESULT)
                .expression_attribute_values(":webhook", s(WEBHOOK_QUEUE))
                .expression_attribute_values(":now", n(now.timestamp_millis()))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":pending", s("pending")),
        )
        .await
    }

    /// One delivery, read back (tests and `webhooks test` read its outcome).
    pub async fn delivery(&self, key: &str) -> Result<Option<DeliveryItem>, StoreError> {
        self.get_item_by_key(key, true)
            .await?
            .map(|item| read_delivery(&item))
            .transpose()
    }
}

/// The endpoint a delivery's key names.
pub fn endpoint_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(DELIVERY_PREFIX)?
        .rsplit_once('#')
        .map(|(_, endpoint)| endpoint)
}
