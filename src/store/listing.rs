//! Requests read by key, many at once (`BatchGetItem`): what the weekly summary's count by
//! language and the front desk's commands read after an index has named the requests, so no
//! command needs a scan of the table.

use super::item::{FAILED, Item, attr, partition_key, request_id_of_key, request_key, s};
use super::read::{StoredRequest, stored_request};
use super::{Store, StoreError, dynamodb};
use crate::aws::AwsError;
use crate::domain::SubmissionId;
use aws_sdk_dynamodb::types::KeysAndAttributes;

/// Attributes to read of each item, and the names they use: `None` reads the whole item.
pub(super) type Projection<'a> = Option<(&'a str, &'a [(&'a str, &'a str)])>;

impl Store {
    /// The requests with these ids, each as stored, in id order; an id that names no request is
    /// left out, and an item that cannot be read is reported apart (it never stops the rest).
    pub async fn requests_by_id(
        &self,
        ids: &[SubmissionId],
    ) -> Result<(Vec<StoredRequest>, Vec<StoreError>), StoreError> {
        let (mut found, mut unreadable) = (Vec::new(), Vec::new());
        for item in self.batch_get(ids, None).await? {
            match stored_request(&partition_key(&item).unwrap_or_default(), &item) {
                Ok(stored) => found.push(stored),
                Err(error) => unreadable.push(error),
            }
        }
        found.sort_by_key(|r| r.received.id);
        Ok((found, unreadable))
    }

    /// The requests whose staff email failed for good, oldest first: the retry queue `failed`
    /// of the sparse index `pending-notifications`.
    pub async fn failed_notifications(&self) -> Result<Vec<SubmissionId>, StoreError> {
        let items = self.retry_queue(FAILED, usize::MAX).await?;
        Ok(items
            .iter()
            .filter_map(|item| request_id_of_key(&partition_key(item)?))
            .collect())
    }

    /// The request items with these ids, 100 a call, what DynamoDB leaves unprocessed under load
    /// asked for again a few times.
    pub(super) async fn batch_get(
        &self,
        ids: &[SubmissionId],
        projection: Projection<'_>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        for chunk in ids.chunks(100) {
            let keys: Vec<Item> = chunk
                .iter()
                .map(|id| Item::from([(attr::PK.to_owned(), s(&request_key(*id)))]))
                .collect();
            let mut wanted = KeysAndAttributes::builder().set_keys(Some(keys));
            if let Some((expression, names)) = projection {
                wanted = wanted.projection_expression(expression);
                for (placeholder, name) in names {
                    wanted = wanted.expression_attribute_names(*placeholder, *name);
                }
            }
            let mut wanted = Some(wanted.build().map_err(|e| {
                StoreError::Unavailable(AwsError::other("DynamoDB", "BatchGetItem", e.to_string()))
            })?);
            for _ in 0..5 {
                let Some(request) = wanted.take() else { break };
                let answer = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table_name, request)
                    .send()
                    .await
                    .map_err(dynamodb("BatchGetItem"))?;
                items.extend(
                    answer
                        .responses()
                        .and_then(|r| r.get(&self.table_name))
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
                wanted = answer
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table_name))
                    .filter(|k| !k.keys().is_empty())
                    .cloned();
            }
        }
        Ok(items)
    }
}
