//! The weekly summary's record (claimed with a lease, counted as sent only once SES accepted it)
//! and what it reads: the week's requests by the day they came in (the index `received-by-day`),
//! never a scan of the table.

use super::item::{Item, WEEK_INDEX, attr, day_key, n, request_id_of_key, rfc3339, s};
use super::{Store, StoreError, StoredRequest, dynamodb, summary_key};
use crate::domain::{FollowUpState, HoldReason, Language, SubmissionId};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;

/// What the summary needs of one request: no name, no address, no message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekEntry {
    pub id: SubmissionId,
    pub received_at: DateTime<Utc>,
    /// Held for review, and why.
    pub hold: Option<HoldReason>,
    /// `None` for a request held as spam.
    pub follow_up: Option<FollowUpState>,
    pub first_contact_at: Option<DateTime<Utc>>,
    /// Read separately ([`Store::languages_of`]): the index does not carry it.
    pub language: Option<Language>,
}

impl From<&StoredRequest> for WeekEntry {
    fn from(stored: &StoredRequest) -> Self {
        Self {
            id: stored.received.id,
            received_at: stored.received.received_at,
            hold: stored.received.hold,
            follow_up: stored.follow_up.map(|(state, _)| state),
            first_contact_at: stored.first_contact_at,
            language: Some(stored.received.language),
        }
    }
}

impl Store {
    /// Claims sending the summary of `week` (`2026-W48`) until `lease_until`; false when it was
    /// sent already or another run holds it. A run that fails or dies only delays it.
    pub async fn claim_weekly_summary(
        &self,
        week: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let expires = n((now + Duration::days(14)).timestamp());
        let claim = self
            .update_item(&summary_key(week))
            .update_expression("SET #lease = :until, #expires = :expires")
            .condition_expression(
                "attribute_not_exists(#sent) AND (attribute_not_exists(#lease) OR #lease < :now)",
            )
            .expression_attribute_names("#lease", attr::LEASE_UNTIL)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_names("#sent", attr::SENT_AT)
            .expression_attribute_values(":until", n(lease_until.timestamp_millis()))
            .expression_attribute_values(":now", n(now.timestamp_millis()))
            .expression_attribute_values(":expires", expires);
        Self::claim(claim).await
    }

    /// Records that SES accepted the week's summary: no later run sends it again.
    pub async fn complete_weekly_summary(
        &self,
        week: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.summary_update(week, "SET #sent = :at REMOVE #lease", Some(at))
            .await
    }

    /// Gives the week's claim back (its email could not be sent): the next run tries again.
    pub async fn release_weekly_summary(&self, week: &str) -> Result<(), StoreError> {
        self.summary_update(week, "REMOVE #lease", None).await
    }

    async fn summary_update(
        &self,
        week: &str,
        expression: &str,
        sent_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .update_item(&summary_key(week))
            .update_expression(expression)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#lease", attr::LEASE_UNTIL);
        if let Some(at) = sent_at {
            update = update
                .expression_attribute_names("#sent", attr::SENT_AT)
                .expression_attribute_values(":at", s(&rfc3339(at)));
        }
        Self::claim(update).await.map(|_| ())
    }

    /// When the newest real request (not held for review) came in, looking back one UTC day at a
    /// time from `until` to `from`: one query of the index per day, stopping at the first day
    /// that has one. Read once a day, by the quiet-form check.
    pub async fn newest_real_request(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let mut day = until;
        while day >= from {
            let mut pages = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(WEEK_INDEX)
                .key_condition_expression("#day = :day")
                .filter_expression("attribute_not_exists(#held)")
                .expression_attribute_names("#day", attr::RECEIVED_DAY)
                .expression_attribute_names("#held", attr::HELD_AS_SPAM)
                .expression_attribute_values(":day", s(&day_key(day)))
                .scan_index_forward(false)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(dynamodb("Query"))?;
                if let Some(at) = page
                    .items()
                    .first()
                    .and_then(|item| item.get(attr::RECEIVED_AT)?.as_s().ok())
                    .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                {
                    return Ok(Some(at.with_timezone(&Utc)));
                }
            }
            let Some(before) = day.pred_opt() else { break };
            day = before;
        }
        Ok(None)
    }

    /// The requests received from `since` to `until`, held ones included: one query per UTC day
    /// of the index, so the reads grow with the week's requests, not with the table.
    pub async fn received_between(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<WeekEntry>, StoreError> {
        let mut entries = Vec::new();
        let last = until.date_naive();
        for day in since
            .date_naive()
            .iter_days()
            .take_while(|day| *day <= last)
        {
            let items = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(WEEK_INDEX)
                .key_condition_expression("#day = :day AND #at BETWEEN :since AND :until")
                .expression_attribute_names("#day", attr::RECEIVED_DAY)
                .expression_attribute_names("#at", attr::RECEIVED_AT)
                .expression_attribute_values(":day", s(&day_key(day)))
                .expression_attribute_values(":since", s(&rfc3339(since)))
                .expression_attribute_values(":until", s(&rfc3339(until)))
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(dynamodb("Query"))?;
            entries.extend(items.iter().filter_map(week_entry));
        }
        Ok(entries)
    }
}

impl Store {
    /// The language of each of these requests, read by key (only the key and `language`): the
    /// week's index does not carry it, and an index deployed without it cannot gain it in place.
    /// Once a week, for the summary's count by language.
    pub async fn languages_of(
        &self,
        ids: &[SubmissionId],
    ) -> Result<HashMap<SubmissionId, Language>, StoreError> {
        let names = [("#pk", attr::PK), ("#language", attr::LANGUAGE)];
        let items = self
            .batch_get(ids, Some(("#pk, #language", &names)))
            .await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let id = request_id_of_key(&super::item::partition_key(item)?)?;
                let language = item
                    .get(attr::LANGUAGE)
                    .and_then(|v| v.as_s().ok())
                    .and_then(|tag| Language::from_tag(tag))
                    .unwrap_or_default();
                Some((id, language))
            })
            .collect())
    }
}

/// A request's summary entry as the index projects it; `None` for anything else.
fn week_entry(item: &Item) -> Option<WeekEntry> {
    let key = super::item::partition_key(item)?;
    let id = request_id_of_key(&key)?;
    let time = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    Some(WeekEntry {
        id,
        received_at: time(attr::RECEIVED_AT)?,
        hold: matches!(
            item.get(attr::HELD_AS_SPAM),
            Some(AttributeValue::Bool(true))
        )
        .then(|| {
            item.get(attr::HELD_REASON)
                .and_then(|v| v.as_s().ok())
                .and_then(|v| HoldReason::parse(v))
                .unwrap_or(HoldReason::Honeypot)
        }),
        follow_up: item
            .get(attr::FOLLOW_UP)
            .and_then(|v| v.as_s().ok())
            .and_then(|v| FollowUpState::parse(v)),
        first_contact_at: time(attr::FIRST_CONTACT_AT),
        language: None,
    })
}
