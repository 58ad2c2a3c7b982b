//! Reading the access log: by request, by person, or by day, each a query of the partitions
//! that hold it (`keys.rs`), newest first, never a scan.

use super::keys::{self, attr};
use super::{AccessLog, Action, Actor, Entry};
use crate::aws::AwsError;
use crate::domain::SubmissionId;
use crate::store::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// Which entries to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogQuery {
    /// Every entry naming this request (list views that showed it included).
    Request(SubmissionId),
    /// A staff member's (by id) or an operator's (`operator:ARN`) entries since a time.
    Who { who: String, since: DateTime<Utc> },
    /// Every entry since a time, day by day.
    Since(DateTime<Utc>),
}

impl AccessLog {
    /// The entries `query` names, newest first, at most `limit`; `until` bounds the days read.
    pub async fn read(
        &self,
        query: &LogQuery,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let (partitions, since) = match query {
            LogQuery::Request(id) => (vec![keys::request_key(*id)], None),
            LogQuery::Who { who, since } => (
                keys::months_between(since.date_naive(), until.date_naive())
                    .into_iter()
                    .map(|month| keys::who_key(who, month))
                    .collect(),
                Some(*since),
            ),
            LogQuery::Since(since) => (
                days_between(since.date_naive(), until.date_naive())
                    .into_iter()
                    .map(keys::day_key)
                    .collect(),
                Some(*since),
            ),
        };
        let mut entries = Vec::new();
        for partition in partitions {
            if entries.len() >= limit {
                break;
            }
            let wanted = limit - entries.len();
            entries.extend(self.partition(&partition, since, wanted).await?);
        }
        Ok(entries)
    }

    /// One partition, newest first, from `since` on.
    async fn partition(
        &self,
        pk: &str,
        since: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table_name)
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .scan_index_forward(false);
        query = match since {
            Some(since) => query
                .key_condition_expression("#pk = :pk AND #sk >= :since")
                .expression_attribute_names("#sk", attr::SK)
                .expression_attribute_values(
                    ":since",
                    AttributeValue::S(keys::sort_key_from(since)),
                ),
            None => query.key_condition_expression("#pk = :pk"),
        };
        let mut entries = Vec::new();
        let mut pages = query.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| StoreError::Unavailable(AwsError::of("DynamoDB", "Query")(e)))?;
            for item in page.items.unwrap_or_default() {
                entries.push(entry(pk, &item)?);
                if entries.len() >= limit {
                    return Ok(entries);
                }
            }
        }
        Ok(entries)
    }
}

/// Each day from `since` to `until`, newest first.
fn days_between(since: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = since.iter_days().take_while(|d| *d <= until).collect();
    days.reverse();
    days
}

fn entry(pk: &str, item: &HashMap<String, AttributeValue>) -> Result<Entry, StoreError> {
    let corrupt = |problem: &str| StoreError::Corrupt {
        key: pk.to_owned(),
        problem: problem.to_owned(),
    };
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let at = text(attr::AT)
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .ok_or_else(|| corrupt("at"))?
        .with_timezone(&Utc);
    let action = text(attr::ACTION)
        .and_then(|a| Action::parse(&a))
        .ok_or_else(|| corrupt("action"))?;
    let refs = match item.get(attr::REFS).and_then(|v| v.as_l().ok()) {
        Some(list) => list
            .iter()
            .filter_map(|v| v.as_s().ok())
            .filter_map(|id| SubmissionId::parse(id))
            .collect(),
        // A request's own copy names only that request.
        None => pk
            .strip_prefix("request#")
            .and_then(SubmissionId::parse)
            .into_iter()
            .collect(),
    };
    Ok(Entry {
        id: text(attr::ENTRY_ID).ok_or_else(|| corrupt("entry_id"))?,
        at,
        who: Actor::parse(&text(attr::WHO).ok_or_else(|| corrupt("who"))?),
        action,
        refs,
        client: text(attr::CLIENT),
        browser: text(attr::BROWSER),
        detail: text(attr::DETAIL),
    })
}
