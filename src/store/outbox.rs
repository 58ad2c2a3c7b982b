//! The deliveries a change owes the practice's webhooks, written in the same transaction as the
//! change: a crash between the change and the send loses nothing, and a change that did not
//! happen sends nothing. Also the one reading of a transaction's answer (done, refused by the
//! change's own condition, or beaten by another write), which assignments share.

use super::item::Item;
use super::item::{attr, s};
use super::{Store, StoreError, condition_failed, dynamodb, unbuildable};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};

/// Delivery items to write with a change (none when no endpoint wants the event).
#[derive(Debug, Clone, Default)]
pub struct Outbox(Vec<Item>);

/// What a transaction came to.
pub(super) enum Written {
    Done,
    /// The change's own condition (the first item's) did not hold.
    Refused,
    /// Another write won (a conflict, or a later item's condition); worth deciding again.
    Conflict,
}

impl Outbox {
    pub fn new(items: Vec<Item>) -> Self {
        Self(items)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The puts, each refused if its delivery exists already (a retried transaction).
    pub(super) fn puts(&self, table: &str) -> Result<Vec<TransactWriteItem>, StoreError> {
        self.0
            .iter()
            .map(|item| {
                let put = Put::builder()
                    .table_name(table)
                    .set_item(Some(item.clone()))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .map_err(unbuildable("TransactWriteItems"))?;
                Ok(TransactWriteItem::builder().put(put).build())
            })
            .collect()
    }
}

impl Store {
    /// Sends `update` alone when the outbox is empty (exactly as before webhooks), or with the
    /// outbox's deliveries in one transaction. True when the update's condition held.
    pub(super) async fn update_with(
        &self,
        update: UpdateItemFluentBuilder,
        outbox: &Outbox,
    ) -> Result<bool, StoreError> {
        if outbox.is_empty() {
            return match update.send().await {
                Ok(_) => Ok(true),
                Err(e) if condition_failed(&e) => Ok(false),
                Err(e) => Err(dynamodb("UpdateItem")(e)),
            };
        }
        let input = update.as_input();
        let change = Update::builder()
            .set_table_name(input.get_table_name().clone())
            .set_key(input.get_key().clone())
            .set_update_expression(input.get_update_expression().clone())
            .set_condition_expression(input.get_condition_expression().clone())
            .set_expression_attribute_names(input.get_expression_attribute_names().clone())
            .set_expression_attribute_values(input.get_expression_attribute_values().clone())
            .build()
            .map_err(unbuildable("TransactWriteItems"))?;
        let mut items = vec![TransactWriteItem::builder().update(change).build()];
        items.extend(outbox.puts(&self.table_name)?);
        self.transact_retrying(items).await
    }

    /// Deletes the item `key` with the outbox's deliveries, in one transaction; false when it
    /// was gone already.
    pub(super) async fn delete_with(&self, key: &str, outbox: &Outbox) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(key))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .build()
            .map_err(unbuildable("TransactWriteItems"))?;
        let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
        items.extend(outbox.puts(&self.table_name)?);
        self.transact_retrying(items).await
    }

    /// Sends `items` in one transaction, again after a conflict (three times at most); true
    /// when it was written, false when the first item's condition did not hold.
    async fn transact_retrying(&self, items: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        for attempt in 1..=3 {
            match self.transact(items.clone()).await? {
                Written::Done => return Ok(true),
                Written::Refused => return Ok(false),
                Written::Conflict if attempt < 3 => {
                    tokio::time::sleep(std::time::Duration::from_millis(20 * attempt)).await;
                }
                Written::Conflict => break,
            }
        }
        Err(conflicting())
    }

    /// The outbox's deliveries alone (`webhooks test`: an event no change caused).
    pub async fn write_outbox(&self, outbox: &Outbox) -> Result<(), StoreError> {
        if outbox.is_empty() {
            return Ok(());
        }
        match self.transact(outbox.puts(&self.table_name)?).await? {
            Written::Done | Written::Refused => Ok(()),
            Written::Conflict => Err(conflicting()),
        }
    }

    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Written, StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Written::Done),
            Err(error) => match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                    let codes: Vec<Option<&str>> = cancelled
                        .cancellation_reasons()
                        .iter()
                        .map(|reason| reason.code())
                        .collect();
                    if codes.first() == Some(&Some("ConditionalCheckFailed")) {
                        Ok(Written::Refused)
                    } else if codes.iter().any(|c| {
                        matches!(c, Some("ConditionalCheckFailed" | "TransactionConflict"))
                    }) {
                        Ok(Written::Conflict)
                    } else {
                        Err(dynamodb("TransactWriteItems")(error))
                    }
                }
                _ => Err(dynamodb("TransactWriteItems")(error)),
            },
        }
    }
}

fn conflicting() -> StoreError {
    StoreError::Unavailable(crate::aws::AwsError::other(
        "DynamoDB",
        "TransactWriteItems",
        "kept conflicting with concurrent writes",
    ))
}
