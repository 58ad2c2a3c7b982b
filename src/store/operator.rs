//! What the operator tools read and delete: scans (never on a request path), erasure by the email
//! fingerprint, purging what has expired.

use super::item::{EMAIL_INDEX, Item, REQUEST_KEY_PREFIX, attr, n, partition_key, rfc3339, s};
use super::read::{StoredRequest, stored_request};
use super::{Store, StoreError, dynamodb};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use chrono::{DateTime, Utc};

impl Store {
    /// Every item a scan finds, page by page; `progress` hears how many items were scanned.
    async fn scan_all(
        &self,
        scan: ScanFluentBuilder,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<Item>, StoreError> {
        let mut pages = scan.into_paginator().send();
        let mut items = Vec::new();
        let mut seen = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(dynamodb("Scan"))?;
            seen += usize::try_from(page.scanned_count()).unwrap_or_default();
            progress(seen);
            items.extend(page.items.unwrap_or_default());
        }
        Ok(items)
    }

    /// Every stored request received at or after `since`, oldest first, and the items that could
    /// not be read (which never stop the scan). A scan: for the operator's occasional list and
    /// export, never for a request path. `progress` hears the items seen.
    pub async fn requests_since(
        &self,
        since: Option<DateTime<Utc>>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<(Vec<StoredRequest>, Vec<StoreError>), StoreError> {
        let mut scan = self
            .client
            .scan()
            .table_name(&self.table_name)
            .filter_expression("begins_with(#pk, :request)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":request", s(REQUEST_KEY_PREFIX));
        if let Some(since) = since {
            scan = scan
                .filter_expression("begins_with(#pk, :request) AND #received >= :since")
                .expression_attribute_names("#received", attr::RECEIVED_AT)
                .expression_attribute_values(":since", s(&rfc3339(since)));
        }
        let (mut found, mut unreadable) = (Vec::new(), Vec::new());
        for item in self.scan_all(scan, progress).await? {
            match stored_request(&partition_key(&item).unwrap_or_default(), &item) {
                Ok(stored) => found.push(stored),
                Err(error) => unreadable.push(error),
            }
        }
        found.sort_by_key(|r| r.received.id);
        Ok((found, unreadable))
    }

    /// The keys of every item carrying this email fingerprint (requests and duplicate records):
    /// the index first, then a consistent scan, because the index is eventually consistent and
    /// may not yet hold a request written seconds ago. Erasure must not miss one.
    pub async fn keys_for_email(&self, email_hash: &str) -> Result<Vec<String>, StoreError> {
        let mut keys = self
            .index_keys(EMAIL_INDEX, attr::EMAIL_HASH, email_hash)
            .await?;
        let scan = self
            .client
            .scan()
            .table_name(&self.table_name)
            .consistent_read(true)
            .filter_expression("#hash = :hash")
            .projection_expression("#pk")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#hash", attr::EMAIL_HASH)
            .expression_attribute_values(":hash", s(email_hash));
        keys.extend(
            self.scan_all(scan, &mut |_| {})
                .await?
                .iter()
                .filter_map(partition_key),
        );
        keys.sort_unstable();
        keys.dedup();
        Ok(keys)
    }

    /// The keys of every item whose `expires_at` has passed (DynamoDB's TTL may not have run yet).
    pub async fn expired_keys(
        &self,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<String>, StoreError> {
        let scan = self
            .client
            .scan()
            .table_name(&self.table_name)
            .filter_expression("#expires < :now")
            .projection_expression("#pk")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":now", n(now.timestamp()));
        let items = self.scan_all(scan, progress).await?;
        Ok(items.iter().filter_map(partition_key).collect())
    }

    /// Deletes items by key; with `expired_at`, only those still expired then (one renewed since
    /// the scan stays). Returns how many were deleted; `progress` hears them.
    pub async fn delete(
        &self,
        keys: &[String],
        expired_at: Option<DateTime<Utc>>,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize, StoreError> {
        let mut deleted = 0;
        for key in keys {
            let mut delete = self
                .client
                .delete_item()
                .table_name(&self.table_name)
                .key(attr::PK, s(key));
            if let Some(now) = expired_at {
                delete = delete
                    .condition_expression("#expires < :now")
                    .expression_attribute_names("#expires", attr::EXPIRES_AT)
                    .expression_attribute_values(":now", n(now.timestamp()));
            }
            match delete.send().await {
                Ok(_) => deleted += 1,
                Err(e)
                    if matches!(
                        e.as_service_error(),
                        Some(DeleteItemError::ConditionalCheckFailedException(_))
                    ) => {}
                Err(e) => return Err(dynamodb("DeleteItem")(e)),
            }
            progress(deleted);
        }
        Ok(deleted)
    }
}
