//! What the console's lists read: the open requests by state (the sparse index
//! `open-follow-ups`, whose key is the state while a request is `new`, `contacted` or
//! `scheduled`), the others by the day they came in, and a person's requests by the keyed
//! fingerprint of their address or phone. Always an index, then the items by key; never a scan.

use super::item::{
    EMAIL_INDEX, OPEN_INDEX, PHONE_INDEX, WEEK_INDEX, attr, day_key, partition_key,
    request_id_of_key, s,
};
use super::{Store, StoreError, dynamodb};
use crate::domain::{FollowUpState, SubmissionId};
use chrono::{DateTime, NaiveDate};
use std::collections::HashMap;

/// Where a page of open requests continues: the state's partition and the last key read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    pub state: FollowUpState,
    pub received_at: String,
    pub id: SubmissionId,
}

impl PageCursor {
    /// As a link carries it.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.state.as_str(), self.received_at, self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '.');
        let state = FollowUpState::parse(parts.next()?)?;
        let received_at = parts.next()?;
        // The time itself holds a dot (milliseconds): split the id off the end.
        let rest = parts.next()?;
        let (millis, id) = rest.split_once('.')?;
        let received_at = format!("{received_at}.{millis}");
        DateTime::parse_from_rfc3339(&received_at).ok()?;
        Some(Self {
            state,
            received_at,
            id: SubmissionId::parse(id)?,
        })
    }
}

impl Store {
    /// Up to `limit` open requests in `states`' order (each oldest first), from `cursor` on,
    /// and where the next page starts.
    pub async fn open_requests(
        &self,
        states: &[FollowUpState],
        cursor: Option<&PageCursor>,
        limit: usize,
    ) -> Result<(Vec<SubmissionId>, Option<PageCursor>), StoreError> {
        let mut ids = Vec::new();
        let start = cursor
            .and_then(|c| states.iter().position(|s| *s == c.state))
            .unwrap_or(0);
        for (i, state) in states.iter().enumerate().skip(start) {
            let mut from = cursor.filter(|c| i == start && c.state == *state).map(|c| {
                HashMap::from([
                    (attr::PK.to_owned(), s(&super::request_key(c.id))),
                    (attr::FOLLOW_UP_OPEN.to_owned(), s(state.as_str())),
                    (attr::RECEIVED_AT.to_owned(), s(&c.received_at)),
                ])
            });
            loop {
                let wanted = limit - ids.len();
                let page = self
                    .client
                    .query()
                    .table_name(&self.table_name)
                    .index_name(OPEN_INDEX)
                    .key_condition_expression("#open = :state")
                    .expression_attribute_names("#open", attr::FOLLOW_UP_OPEN)
                    .expression_attribute_values(":state", s(state.as_str()))
                    .set_exclusive_start_key(from.take())
                    .limit(i32::try_from(wanted).unwrap_or(i32::MAX))
                    .send()
                    .await
                    .map_err(dynamodb("Query"))?;
                let items = page.items.unwrap_or_default();
                for item in &items {
                    if let Some(id) = partition_key(item).and_then(|k| request_id_of_key(&k)) {
                        ids.push(id);
                    }
                }
                if ids.len() >= limit {
                    let next = items.last().and_then(|item| {
                        Some(PageCursor {
                            state: *state,
                            received_at: item.get(attr::RECEIVED_AT)?.as_s().ok()?.clone(),
                            id: request_id_of_key(&partition_key(item)?)?,
                        })
                    });
                    return Ok((ids, next));
                }
                match page.last_evaluated_key {
                    Some(key) => from = Some(key),
                    None => break,
                }
            }
        }
        Ok((ids, None))
    }

    /// The requests that came in on `day` and are in `state` (closed ones: the open index no
    /// longer holds them), from the received-by-day index.
    pub async fn requests_of_day_in(
        &self,
        day: NaiveDate,
        state: FollowUpState,
    ) -> Result<Vec<SubmissionId>, StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(WEEK_INDEX)
            .key_condition_expression("#day = :day")
            .filter_expression("#state = :state")
            .expression_attribute_names("#day", attr::RECEIVED_DAY)
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_values(":day", s(&day_key(day)))
            .expression_attribute_values(":state", s(state.as_str()))
            .scan_index_forward(false)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))?;
        Ok(items
            .iter()
            .filter_map(|item| request_id_of_key(&partition_key(item)?))
            .collect())
    }

    /// The requests of a person, by the fingerprints of their address (`email`) or phone
    /// (`phone`) under the current and previous keys, newest first.
    pub async fn requests_of_person(
        &self,
        kind: Fingerprint,
        hashes: &[String],
    ) -> Result<Vec<SubmissionId>, StoreError> {
        let (index, key) = match kind {
            Fingerprint::Email => (EMAIL_INDEX, attr::EMAIL_HASH),
            Fingerprint::Phone => (PHONE_INDEX, attr::PHONE_HASH),
        };
        let mut ids = Vec::new();
        for hash in hashes {
            for pk in self.index_keys(index, key, hash).await? {
                if let Some(id) = request_id_of_key(&pk) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        Ok(ids)
    }
}

/// Which keyed fingerprint a search uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fingerprint {
    Email,
    Phone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_link() {
        let id = SubmissionId::new(chrono::Utc::now());
        let cursor = PageCursor {
            state: FollowUpState::Contacted,
            received_at: "2026-12-03T10:00:00.123Z".into(),
            id,
        };
        assert_eq!(PageCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(PageCursor::decode("closed.x.y"), None);
        assert_eq!(PageCursor::decode(""), None);
    }
}
