//! The one-time upgrade of requests stored before the console: a request already `contacted` or
//! `scheduled` gains `follow_up_open` (the console's open lists read it), and one with a phone
//! gains its keyed fingerprint (the console's search by phone). Day by day, newest first, through
//! the received-by-day index and reads by key; where it has come is kept on `upgrade#console`,
//! so a run that stops (its deadline) leaves the rest to the next. Every write is conditional:
//! one a newer write made already is left alone.

use super::item::{
    Item, UPGRADE_KEY, WEEK_INDEX, attr, day_key, partition_key, request_id_of_key, s,
};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{FollowUpState, SubmissionId};
use crate::signing::ClientHashKey;
use chrono::NaiveDate;

/// Where the upgrade has come: the next day to do, or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeState {
    Next(NaiveDate),
    Done,
}

/// What one day's upgrade changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DayUpgraded {
    pub opened: usize,
    pub phones: usize,
}

impl Store {
    /// Where the upgrade has come; `None` before it started.
    pub async fn upgrade_state(&self) -> Result<Option<UpgradeState>, StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(UPGRADE_KEY))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        Ok(answer.item.and_then(|item| {
            let next = item.get("next_day")?.as_s().ok()?;
            Some(match next.as_str() {
                "done" => UpgradeState::Done,
                day => UpgradeState::Next(NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?),
            })
        }))
    }

    pub async fn save_upgrade_state(&self, state: UpgradeState) -> Result<(), StoreError> {
        let next = match state {
            UpgradeState::Next(day) => day_key(day),
            UpgradeState::Done => "done".to_owned(),
        };
        self.update_item(UPGRADE_KEY)
            .update_expression("SET next_day = :next")
            .expression_attribute_values(":next", s(&next))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// Upgrades the requests received on `day`.
    pub async fn upgrade_day(
        &self,
        day: NaiveDate,
        key: &ClientHashKey,
    ) -> Result<DayUpgraded, StoreError> {
        let items: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(WEEK_INDEX)
            .key_condition_expression("#day = :day")
            .expression_attribute_names("#day", attr::RECEIVED_DAY)
            .expression_attribute_values(":day", s(&day_key(day)))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))?;
        let mut done = DayUpgraded::default();
        let mut ids = Vec::new();
        for item in &items {
            let Some(id) = partition_key(item).and_then(|k| request_id_of_key(&k)) else {
                continue;
            };
            ids.push(id);
            let state = item
                .get(attr::FOLLOW_UP)
                .and_then(|v| v.as_s().ok())
                .and_then(|v| FollowUpState::parse(v));
            if let Some(state) = state.filter(|s| s.is_open() && *s != FollowUpState::New)
                && self.open_again(id, state).await?
            {
                done.opened += 1;
            }
        }
        let names = [
            ("#pk", attr::PK),
            ("#phone", attr::PHONE),
            ("#hash", attr::PHONE_HASH),
        ];
        for item in self
            .batch_get(&ids, Some(("#pk, #phone, #hash", &names)))
            .await?
        {
            let phone = item.get(attr::PHONE).and_then(|v| v.as_s().ok());
            let id = partition_key(&item).and_then(|k| request_id_of_key(&k));
            if let (Some(phone), Some(id), None) = (phone, id, item.get(attr::PHONE_HASH))
                && self.add_phone_hash(id, &key.phone_hash(phone)).await?
            {
                done.phones += 1;
            }
        }
        Ok(done)
    }

    async fn open_again(&self, id: SubmissionId, state: FollowUpState) -> Result<bool, StoreError> {
        let update = self
            .update_request(id)
            .update_expression("SET #open = :state")
            .condition_expression("#state = :state AND attribute_not_exists(#open)")
            .expression_attribute_names("#open", attr::FOLLOW_UP_OPEN)
            .expression_attribute_names("#state", attr::FOLLOW_UP)
            .expression_attribute_values(":state", s(state.as_str()));
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    async fn add_phone_hash(&self, id: SubmissionId, hash: &str) -> Result<bool, StoreError> {
        let update = self
            .update_request(id)
            .update_expression("SET #hash = :hash")
            .condition_expression("attribute_exists(#phone) AND attribute_not_exists(#hash)")
            .expression_attribute_names("#hash", attr::PHONE_HASH)
            .expression_attribute_names("#phone", attr::PHONE)
            .expression_attribute_values(":hash", s(hash));
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }
}
