//! Who a request is assigned to: a request's `assignee` (a staff id) and `routing_reason`.
//! A clinician's open requests are counted from the data, the open requests (the
//! `open-follow-ups` index) and their `assignee`: one that is closed, erased or expires is no
//! longer counted, without a counter anyone must remember to move.
//!
//! Every assignment to someone also moves `routing#state` (a version, when each clinician was
//! last given one, and the last two minutes' assignments, which the index may not show yet) under
//! a condition on its version: assignments made at once are put in an order, and each sees the
//! ones before it, so equals stay within one of each other.

use super::case_notes::assignment_entry;
use super::item::{Item, OPEN_INDEX, attr, n, request_id_of_key, s};
use super::{Store, StoreError, dynamodb, rfc3339};
use crate::domain::{Actor, FollowUpState, SubmissionId};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

const STATE_KEY: &str = "routing#state";
/// How long an assignment is remembered on the state item: longer than the index takes.
const RECENT: Duration = Duration::minutes(2);

/// Open requests by assignee (`None`: nobody, the front desk's).
pub type OpenAssignments = HashMap<Option<String>, Vec<SubmissionId>>;

/// The routing state as read, with the version a write must find unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingState {
    version: i64,
    /// Staff id → when they were last given a request.
    pub last_assigned: HashMap<String, DateTime<Utc>>,
    /// The last minutes' assignments: request, staff id, when.
    recent: Vec<(SubmissionId, String, DateTime<Utc>)>,
}

impl RoutingState {
    /// The requests assigned to `staff` lately, which the index may not show yet.
    pub fn recent_for<'a>(&'a self, staff: &'a str) -> impl Iterator<Item = SubmissionId> + 'a {
        self.recent
            .iter()
            .filter(move |(_, to, _)| to == staff)
            .map(|(id, _, _)| *id)
    }
}

/// How an assignment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    Done,
    /// Another assignment came first (or DynamoDB saw two at once): read again and decide again.
    Conflict,
    /// The request is gone, or its assignee is not who the change expected.
    Refused,
}

impl Store {
    /// Every open request, by assignee (their staff id); those of nobody under `None`.
    pub async fn open_assignments(&self) -> Result<OpenAssignments, StoreError> {
        let mut open = Vec::new();
        for state in FollowUpState::OPEN {
            let keys = self
                .index_keys(OPEN_INDEX, attr::FOLLOW_UP_OPEN, state.as_str())
                .await?;
            open.extend(keys.iter().filter_map(|k| request_id_of_key(k)));
        }
        let names = [("#pk", attr::PK), ("#assignee", attr::ASSIGNEE)];
        let mut by_assignee: OpenAssignments = HashMap::new();
        for item in self
            .batch_get(&open, Some(("#pk, #assignee", &names[..])))
            .await?
        {
            let Some(id) = super::item::partition_key(&item).and_then(|k| request_id_of_key(&k))
            else {
                continue;
            };
            let assignee = item
                .get(attr::ASSIGNEE)
                .and_then(|v| v.as_s().ok())
                .cloned();
            by_assignee.entry(assignee).or_default().push(id);
        }
        Ok(by_assignee)
    }

    pub async fn routing_state(&self) -> Result<RoutingState, StoreError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        Ok(answer.item.as_ref().map(read_state).unwrap_or_default())
    }

    /// Records who a request is assigned to (`None`: nobody, for the front desk) and why, with
    /// its line in the history. `expected` is the assignee the change is made against: `None`
    /// for a request nobody has yet. An assignment to someone also moves the routing state,
    /// under its version as `seen`.
    #[allow(clippy::too_many_arguments)]
    pub async fn assign(
        &self,
        id: SubmissionId,
        expected: Option<&str>,
        to: Option<&str>,
        reason: Option<&str>,
        seen: &RoutingState,
        by: &Actor,
        now: DateTime<Utc>,
        outbox: &super::Outbox,
    ) -> Result<Assigned, StoreError> {
        let mut update = Update::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(&super::request_key(id)))
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#assignee", attr::ASSIGNEE)
            .expression_attribute_names("#history", attr::HISTORY)
            .expression_attribute_names("#reason", attr::ROUTING_REASON)
            .expression_attribute_values(":entry", assignment_entry(to, now, by))
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()));
        let history = "#history = list_append(if_not_exists(#history, :none), :entry)";
        let mut set = format!("SET {history}");
        let mut remove = Vec::new();
        match to {
            Some(staff) => {
                set.push_str(", #assignee = :to");
                update = update.expression_attribute_values(":to", s(staff));
            }
            None => remove.push("#assignee"),
        }
        match reason {
            Some(reason) => {
                set.push_str(", #reason = :reason");
                update = update.expression_attribute_values(":reason", s(reason));
            }
            None => remove.push("#reason"),
        }
        let expression = if remove.is_empty() {
            set
        } else {
            format!("{set} REMOVE {}", remove.join(", "))
        };
        update = update.update_expression(expression);
        update = match expected {
            Some(staff) => update
                .condition_expression("attribute_exists(#pk) AND #assignee = :expected")
                .expression_attribute_values(":expected", s(staff)),
            None => update
                .condition_expression("attribute_exists(#pk) AND attribute_not_exists(#assignee)"),
        };
        let request = update.build().map_err(super::unbuildable("UpdateItem"))?;
        let mut items = vec![TransactWriteItem::builder().update(request).build()];
        if let Some(staff) = to {
            items.push(self.state_write(seen, id, staff, now)?);
        }
        items.extend(outbox.puts(&self.table_name)?);
        Ok(match self.transact(items).await? {
            super::outbox::Written::Done => Assigned::Done,
            super::outbox::Written::Refused => Assigned::Refused,
            super::outbox::Written::Conflict => Assigned::Conflict,
        })
    }

    /// The routing state's next version: this assignment added, the old ones forgotten.
    fn state_write(
        &self,
        seen: &RoutingState,
        id: SubmissionId,
        staff: &str,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut last = seen.last_assigned.clone();
        last.insert(staff.to_owned(), now);
        let mut recent: Vec<_> = seen
            .recent
            .iter()
            .filter(|(_, _, at)| now - *at < RECENT)
            .cloned()
            .collect();
        recent.push((id, staff.to_owned(), now));
        let last = AttributeValue::M(
            last.into_iter()
                .map(|(staff, at)| (staff, s(&rfc3339(at))))
                .collect(),
        );
        let recent = AttributeValue::L(
            recent
                .into_iter()
                .map(|(id, staff, at)| s(&format!("{id} {staff} {}", rfc3339(at))))
                .collect(),
        );
        let update = Update::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(STATE_KEY))
            .update_expression("SET #version = :next, #last = :last, #recent = :recent")
            .condition_expression("attribute_not_exists(#version) OR #version = :seen")
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#last", "last_assigned")
            .expression_attribute_names("#recent", "recent")
            .expression_attribute_values(":next", n(seen.version + 1))
            .expression_attribute_values(":seen", n(seen.version))
            .expression_attribute_values(":last", last)
            .expression_attribute_values(":recent", recent)
            .build()
            .map_err(super::unbuildable("UpdateItem"))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

fn read_state(item: &Item) -> RoutingState {
    let time = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let version = item
        .get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let last_assigned = item
        .get("last_assigned")
        .and_then(|v| v.as_m().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(staff, at)| Some((staff.clone(), time(at.as_s().ok()?)?)))
                .collect()
        })
        .unwrap_or_default();
    let recent = item
        .get("recent")
        .and_then(|v| v.as_l().ok())
        .map(|l| {
            l.iter()
                .filter_map(|entry| {
                    let mut parts = entry.as_s().ok()?.split(' ');
                    let id = SubmissionId::parse(parts.next()?)?;
                    let staff = parts.next()?.to_owned();
                    Some((id, staff, time(parts.next()?)?))
                })
                .collect()
        })
        .unwrap_or_default();
    RoutingState {
        version,
        last_assigned,
        recent,
    }
}
