//! Passkeys as the staff table keeps them: webauthn-rs's `Passkey` (the public key, its counter
//! and flags) as JSON, with whose it is, its name, and when it was added and last used.

use super::invites::{Invite, use_up};
use super::writes::{Refusal, put};
use super::{Item, MEMBER_INDEX, Staff, StaffError, StaffId, attr, corrupt, dynamodb, s, text};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use webauthn_rs::prelude::Passkey;

const CREDENTIAL: &str = "credential";

/// A registered passkey.
#[derive(Debug, Clone)]
pub struct PasskeyRecord {
    /// The credential id, base64url.
    pub credential_id: String,
    pub member: StaffId,
    /// What its owner calls it ("Work laptop").
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The relying party it was registered for: one registered under another `STAFF_RP_ID`
    /// cannot sign in (doctor says so).
    pub rp_id: String,
    pub passkey: Passkey,
}

impl PasskeyRecord {
    pub fn new(member: StaffId, passkey: Passkey, rp_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            credential_id: credential_id(passkey.cred_id().as_ref()),
            member,
            name: "Passkey".to_owned(),
            created_at: now,
            last_used_at: None,
            rp_id: rp_id.to_owned(),
            passkey,
        }
    }
}

/// A credential id as the table keys it.
pub fn credential_id(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn credential_key(id: &str) -> String {
    format!("credential#{id}")
}

impl Staff {
    /// Stores a new passkey, using up `invite` in the same transaction when registration came
    /// by one. A credential registered already is refused.
    pub async fn add_passkey(
        &self,
        record: &PasskeyRecord,
        invite: Option<&Invite>,
    ) -> Result<(), StaffError> {
        let mut writes = vec![(
            put(self, record_item(record)?, "attribute_not_exists(#pk)")?,
            Refusal::CredentialTaken,
        )];
        if let Some(invite) = invite {
            writes.extend(use_up(self, invite)?);
        }
        self.transact(writes).await
    }

    pub async fn passkey(&self, credential_id: &str) -> Result<Option<PasskeyRecord>, StaffError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&credential_key(credential_id), CREDENTIAL)))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        answer.item.as_ref().map(record).transpose()
    }

    /// A member's passkeys, oldest first.
    pub async fn passkeys_of(&self, member: StaffId) -> Result<Vec<PasskeyRecord>, StaffError> {
        let items = self.of_member(member, CREDENTIAL).await?;
        let mut records = items.iter().map(record).collect::<Result<Vec<_>, _>>()?;
        records.sort_by_key(|r| r.created_at);
        Ok(records)
    }

    /// Saves what a sign-in changed (its counter, its backup state) and when it was used.
    pub async fn passkey_used(
        &self,
        record: &PasskeyRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StaffError> {
        let json = serde_json::to_string(&record.passkey)
            .map_err(|e| corrupt(&record.credential_id, &e.to_string()))?;
        self.client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(
                &credential_key(&record.credential_id),
                CREDENTIAL,
            )))
            .update_expression("SET passkey = :passkey, last_used_at = :now")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":passkey", s(&json))
            .expression_attribute_values(":now", s(&crate::store::rfc3339(now)))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    /// Names one of a member's own passkeys.
    pub async fn rename_passkey(
        &self,
        member: StaffId,
        credential_id: &str,
        name: &str,
    ) -> Result<(), StaffError> {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&credential_key(credential_id), CREDENTIAL)))
            .update_expression("SET #name = :name")
            .condition_expression("#member = :member")
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#member", attr::MEMBER_ID)
            .expression_attribute_values(":name", s(name))
            .expression_attribute_values(":member", s(&member.to_string()))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    pub async fn delete_passkey(&self, credential_id: &str) -> Result<(), StaffError> {
        self.client
            .delete_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&credential_key(credential_id), CREDENTIAL)))
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        Ok(())
    }

    /// A member's items of one kind (`credential`, `session`) through the member index.
    pub(super) async fn of_member(
        &self,
        member: StaffId,
        kind: &str,
    ) -> Result<Vec<Item>, StaffError> {
        self.client
            .query()
            .table_name(&self.table_name)
            .index_name(MEMBER_INDEX)
            .key_condition_expression("#member = :member AND #sk = :kind")
            .expression_attribute_names("#member", attr::MEMBER_ID)
            .expression_attribute_names("#sk", attr::SK)
            .expression_attribute_values(":member", s(&member.to_string()))
            .expression_attribute_values(":kind", s(kind))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))
    }
}

fn record_item(record: &PasskeyRecord) -> Result<Item, StaffError> {
    let json = serde_json::to_string(&record.passkey)
        .map_err(|e| corrupt(&record.credential_id, &e.to_string()))?;
    Ok(
        Staff::key(&credential_key(&record.credential_id), CREDENTIAL)
            .into_iter()
            .chain([
                (attr::MEMBER_ID.to_owned(), s(&record.member.to_string())),
                ("credential_id".to_owned(), s(&record.credential_id)),
                ("name".to_owned(), s(&record.name)),
                (
                    "created_at".to_owned(),
                    s(&crate::store::rfc3339(record.created_at)),
                ),
                ("rp_id".to_owned(), s(&record.rp_id)),
                ("passkey".to_owned(), s(&json)),
            ])
            .collect(),
    )
}

fn record(item: &Item) -> Result<PasskeyRecord, StaffError> {
    let key = text(item, attr::PK).unwrap_or_default();
    let time = |name: &str| {
        text(item, name)
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let passkey: Passkey = text(item, "passkey")
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(|| corrupt(&key, "passkey"))?;
    Ok(PasskeyRecord {
        credential_id: text(item, "credential_id").ok_or_else(|| corrupt(&key, "credential_id"))?,
        member: text(item, attr::MEMBER_ID)
            .and_then(|id| StaffId::parse(&id))
            .ok_or_else(|| corrupt(&key, "member_id"))?,
        name: text(item, "name").unwrap_or_default(),
        created_at: time("created_at").ok_or_else(|| corrupt(&key, "created_at"))?,
        last_used_at: time("last_used_at"),
        rp_id: text(item, "rp_id").unwrap_or_default(),
        passkey,
    })
}
