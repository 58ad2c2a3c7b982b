//! Writing an entry: one `Put` per partition (`keys::partitions`), each conditional on the key
//! being absent, in transactions of at most 100 (DynamoDB's limit), so an entry is never half
//! written within one. The stack grants `PutItem` on the table and nothing else that writes.

use super::keys::{self, attr};
use super::{AccessLog, Entry};
use crate::aws::AwsError;
use crate::store::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use std::collections::HashMap;

/// DynamoDB's most items in one transaction.
const TRANSACTION_LIMIT: usize = 100;

impl AccessLog {
    /// Writes `entry` to every partition it is read from. An error means the entry may be missing
    /// from some of them: callers refuse to show what they could not log.
    pub async fn write(&self, entry: &Entry) -> Result<(), StoreError> {
        let expires = entry.at + chrono::Duration::days(i64::from(self.keep_days));
        let shared = shared_attributes(entry, expires.timestamp());
        let sort_key = keys::sort_key(entry);
        let partitions = keys::partitions(entry);
        let puts = partitions
            .iter()
            .enumerate()
            .map(|(i, pk)| {
                let mut item = shared.clone();
                item.insert(attr::PK.into(), s(pk));
                item.insert(attr::SK.into(), s(&sort_key));
                // The day's and the author's copies carry every reference; a request's copy
                // only its own, and how many the view showed.
                if i >= 2 {
                    item.remove(attr::REFS);
                    item.insert(
                        attr::SHOWN_WITH.into(),
                        AttributeValue::N(entry.refs.len().to_string()),
                    );
                }
                Put::builder()
                    .table_name(&self.table_name)
                    .set_item(Some(item))
                    .condition_expression("attribute_not_exists(#pk)")
                    .expression_attribute_names("#pk", attr::PK)
                    .build()
                    .map(|put| TransactWriteItem::builder().put(put).build())
                    .map_err(|e| {
                        StoreError::Unavailable(AwsError::other(
                            "DynamoDB",
                            "TransactWriteItems",
                            e.to_string(),
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (i, chunk) in puts.chunks(TRANSACTION_LIMIT).enumerate() {
            self.client
                .transact_write_items()
                .set_transact_items(Some(chunk.to_vec()))
                // The same entry written twice (a retried call) is refused by its condition
                // rather than doubled; the token makes a retried transaction one.
                .client_request_token(token(entry, i))
                .send()
                .await
                .map_err(|e| {
                    StoreError::Unavailable(AwsError::of("DynamoDB", "TransactWriteItems")(e))
                })?;
        }
        Ok(())
    }
}

/// A transaction's idempotency token: the entry's id and which chunk (at most 36 characters).
fn token(entry: &Entry, chunk: usize) -> String {
    format!("{}-{chunk}", entry.id)
}

fn shared_attributes(entry: &Entry, expires: i64) -> HashMap<String, AttributeValue> {
    let mut item = HashMap::from([
        (attr::ENTRY_ID.to_owned(), s(&entry.id)),
        (attr::AT.to_owned(), s(&crate::store::rfc3339(entry.at))),
        (attr::WHO.to_owned(), s(&entry.who.key())),
        (attr::ACTION.to_owned(), s(entry.action.as_str())),
        (
            attr::EXPIRES_AT.to_owned(),
            AttributeValue::N(expires.to_string()),
        ),
    ]);
    if !entry.refs.is_empty() {
        let refs = entry.refs.iter().map(|id| s(&id.to_string())).collect();
        item.insert(attr::REFS.into(), AttributeValue::L(refs));
    }
    for (name, value) in [
        (attr::CLIENT, &entry.client),
        (attr::BROWSER, &entry.browser),
        (attr::DETAIL, &entry.detail),
    ] {
        if let Some(value) = value {
            item.insert(name.into(), s(value));
        }
    }
    item
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}
