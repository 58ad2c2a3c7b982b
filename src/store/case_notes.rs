//! A request as the console shows it (the stored request, SES's word on the staff email, the
//! follow-up history, the notes), notes added, and one request erased. The history and notes are
//! lists on the request's own item, so they are erased with it.

use super::item::{Item, attr, request_key, rfc3339, s};
use super::read::{ItemReader, StoredRequest, stored_request};
use super::{Store, StoreError, condition_failed, dynamodb};
use crate::domain::{Actor, Change, FollowUpState, HistoryEntry, Note, NoteText, SubmissionId};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Everything the console's page of one request shows.
#[derive(Debug, Clone)]
pub struct RequestDetail {
    pub stored: StoredRequest,
    /// SES's latest word on the staff email (`delivered`, `bounced`, …) and when.
    pub delivery: Option<(String, Option<DateTime<Utc>>)>,
    pub history: Vec<HistoryEntry>,
    pub notes: Vec<Note>,
}

/// One line of the follow-up history, as `list_append` takes it.
pub(super) fn history_entry(state: FollowUpState, at: DateTime<Utc>, by: &Actor) -> AttributeValue {
    AttributeValue::L(vec![AttributeValue::M(HashMap::from([
        ("at".to_owned(), s(&rfc3339(at))),
        ("by".to_owned(), s(&by.as_stored())),
        ("to".to_owned(), s(state.as_str())),
    ]))])
}

/// One line of the history recording who a request is now assigned to (`""`: nobody).
pub(super) fn assignment_entry(
    assignee: Option<&str>,
    at: DateTime<Utc>,
    by: &Actor,
) -> AttributeValue {
    AttributeValue::L(vec![AttributeValue::M(HashMap::from([
        ("at".to_owned(), s(&rfc3339(at))),
        ("by".to_owned(), s(&by.as_stored())),
        ("assigned".to_owned(), s(assignee.unwrap_or_default())),
    ]))])
}

impl Store {
    /// The request and what staff recorded about it; `None` when there is no such request
    /// (never stored, or erased).
    pub async fn request_detail(
        &self,
        id: SubmissionId,
    ) -> Result<Option<RequestDetail>, StoreError> {
        let key = request_key(id);
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&key))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        let Some(item) = answer.item else {
            return Ok(None);
        };
        let stored = stored_request(&key, &item)?;
        let reader = ItemReader::new(&key, &item);
        let delivery = reader.optional_string(attr::DELIVERY_STATUS).map(|status| {
            let at = reader
                .optional_string(attr::DELIVERY_STATUS_AT)
                .and_then(time);
            (status.to_owned(), at)
        });
        Ok(Some(RequestDetail {
            stored,
            delivery,
            history: list(&item, attr::HISTORY)
                .filter_map(|entry| {
                    let change = match (field(entry, "to"), field(entry, "assigned")) {
                        (Some(to), _) => Change::State(FollowUpState::parse(to)?),
                        (None, Some("")) => Change::Assigned(None),
                        (None, Some(staff)) => Change::Assigned(Some(staff.to_owned())),
                        (None, None) => return None,
                    };
                    Some(HistoryEntry {
                        at: time(field(entry, "at")?)?,
                        by: Actor::from_stored(field(entry, "by")?),
                        change,
                    })
                })
                .collect(),
            notes: list(&item, attr::NOTES)
                .filter_map(|entry| {
                    Some(Note {
                        at: time(field(entry, "at")?)?,
                        by: Actor::from_stored(field(entry, "by")?),
                        text: NoteText::kept(field(entry, "text")?),
                    })
                })
                .collect(),
        }))
    }

    /// Adds a note; false when the request is gone (erased meanwhile).
    pub async fn add_note(&self, id: SubmissionId, note: &Note) -> Result<bool, StoreError> {
        let entry = AttributeValue::L(vec![AttributeValue::M(HashMap::from([
            ("at".to_owned(), s(&rfc3339(note.at))),
            ("by".to_owned(), s(&note.by.as_stored())),
            ("text".to_owned(), s(note.text.as_str())),
        ]))]);
        let update = self
            .update_request(id)
            .update_expression("SET #notes = list_append(if_not_exists(#notes, :none), :note)")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#notes", attr::NOTES)
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":note", entry);
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Deletes one request's item (an admin's erase of one request, in the console or by the
    /// operator tool), with its `request.erased`; false when it was gone already.
    pub async fn erase_request(
        &self,
        id: SubmissionId,
        outbox: &super::Outbox,
    ) -> Result<bool, StoreError> {
        if !outbox.is_empty() {
            return self.delete_with(&request_key(id), outbox).await;
        }
        let answer = self
            .client
            .delete_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&request_key(id)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        Ok(answer.attributes.is_some())
    }
}

fn list<'a>(
    item: &'a Item,
    name: &str,
) -> impl Iterator<Item = &'a HashMap<String, AttributeValue>> {
    item.get(name)
        .and_then(|v| v.as_l().ok())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_m().ok())
}

fn field<'a>(entry: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    entry
        .get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
