//! Staff accounts: added (or brought back) by an invite, listed, given another role, removed.
//! The count of admins lives on one item changed in the same transaction as the member, so two
//! admins removing each other at once can never leave the practice without one.

use super::writes::{Refusal, put, unbuildable};
use super::{
    ClinicianProfile, Item, Role, Staff, StaffError, StaffId, attr, corrupt, dynamodb, email_key,
    n, number, s, text,
};
use crate::domain::EmailAddress;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use chrono::{DateTime, Utc};

const MEMBERS: &str = "members";
const DIRECTORY: &str = "directory";
const ADMIN_COUNT: &str = "admin_count";

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: StaffId,
    pub email: EmailAddress,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// Removed members are kept (the access log names them by id) but can do nothing.
    pub removed_at: Option<DateTime<Utc>>,
    /// The hash of the one invite that still works.
    pub invite: Option<String>,
    /// What routing matches a request against (a clinician's; empty for the others).
    pub profile: ClinicianProfile,
}

impl Member {
    pub fn active(&self) -> bool {
        self.removed_at.is_none()
    }
}

/// Who an invite is for.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub email: EmailAddress,
    pub name: String,
    pub role: Role,
}

/// A staff member's name: one line, 1–100 characters.
pub fn staff_name(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control))
        .then(|| name.to_owned())
}

fn member_sk(id: StaffId) -> String {
    format!("member#{id}")
}

impl Staff {
    pub async fn member(&self, id: StaffId) -> Result<Option<Member>, StaffError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(MEMBERS, &member_sk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        answer.item.as_ref().map(member).transpose()
    }

    pub async fn member_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<Member>, StaffError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(MEMBERS, &email_key(email))))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        let Some(id) = answer
            .item
            .as_ref()
            .and_then(|item| text(item, attr::MEMBER_ID))
            .and_then(|id| StaffId::parse(&id))
        else {
            return Ok(None);
        };
        self.member(id).await
    }

    /// Every member, removed ones included, in the order they were added.
    pub async fn members(&self) -> Result<Vec<Member>, StaffError> {
        let items: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table_name)
            .key_condition_expression("#pk = :members AND begins_with(#sk, :member)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#sk", attr::SK)
            .expression_attribute_values(":members", s(MEMBERS))
            .expression_attribute_values(":member", s("member#"))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(dynamodb("Query"))?;
        items.iter().map(member).collect()
    }

    /// Adds a member, or brings back a removed one with this address (their id, and so their
    /// access log, stays theirs). An active member's address is taken.
    pub async fn add_member(
        &self,
        new: &NewMember,
        now: DateTime<Utc>,
    ) -> Result<Member, StaffError> {
        let existing = self.member_by_email(&new.email).await?;
        if existing.as_ref().is_some_and(Member::active) {
            return Err(StaffError::EmailTaken(new.email.as_str().to_owned()));
        }
        let member = Member {
            id: existing
                .as_ref()
                .map_or_else(|| StaffId::new(now), |m| m.id),
            email: new.email.clone(),
            name: new.name.clone(),
            role: new.role,
            created_at: existing.as_ref().map_or(now, |m| m.created_at),
            removed_at: None,
            invite: None,
            profile: ClinicianProfile::default(),
        };
        let mut item = member_item(&member);
        item.extend(Self::key(MEMBERS, &member_sk(member.id)));
        let lock: Item = Self::key(MEMBERS, &email_key(&member.email))
            .into_iter()
            .chain([(attr::MEMBER_ID.to_owned(), s(&member.id.to_string()))])
            .collect();
        // A removed member comes back in place; a new address must be free.
        let (condition, lock_condition) = match &existing {
            Some(_) => ("attribute_exists(#pk)", "attribute_exists(#pk)"),
            None => ("attribute_not_exists(#pk)", "attribute_not_exists(#pk)"),
        };
        let mut writes = vec![
            (put(self, item, condition)?, Refusal::EmailTaken),
            (put(self, lock, lock_condition)?, Refusal::EmailTaken),
        ];
        if member.role == Role::Admin {
            writes.push((self.count_admins(1)?, Refusal::LastAdmin));
        }
        self.transact(writes).await?;
        Ok(member)
    }

    /// Removes a member: they can do nothing from now on (every session and passkey check reads
    /// the member), and their sessions, passkeys and invite are deleted.
    pub async fn remove_member(&self, id: StaffId, now: DateTime<Utc>) -> Result<(), StaffError> {
        let member = self
            .member(id)
            .await?
            .filter(Member::active)
            .ok_or_else(|| StaffError::NoSuchMember(id.to_string()))?;
        let mut writes = vec![(
            update(
                self,
                &member_sk(id),
                "SET removed_at = :now REMOVE invite",
                &[(":now", s(&crate::store::rfc3339(now)))],
            )?,
            Refusal::Gone,
        )];
        if member.role == Role::Admin {
            writes.push((self.count_admins(-1)?, Refusal::LastAdmin));
        }
        self.transact(writes).await?;
        if let Some(invite) = &member.invite {
            self.delete_invite(invite).await?;
        }
        self.end_sessions_of(id).await?;
        for passkey in self.passkeys_of(id).await? {
            self.delete_passkey(&passkey.credential_id).await?;
        }
        Ok(())
    }

    /// Gives a member another role; the last admin keeps theirs.
    pub async fn change_role(&self, id: StaffId, role: Role) -> Result<(), StaffError> {
        let member = self
            .member(id)
            .await?
            .filter(Member::active)
            .ok_or_else(|| StaffError::NoSuchMember(id.to_string()))?;
        if member.role == role {
            return Ok(());
        }
        let mut writes = vec![(
            update(
                self,
                &member_sk(id),
                "SET #role = :role",
                &[(":role", s(role.as_str()))],
            )?,
            Refusal::Gone,
        )];
        if member.role == Role::Admin {
            writes.push((self.count_admins(-1)?, Refusal::LastAdmin));
        } else if role == Role::Admin {
            writes.push((self.count_admins(1)?, Refusal::LastAdmin));
        }
        self.transact(writes).await
    }

    /// How many admins there are.
    pub async fn admin_count(&self) -> Result<i64, StaffError> {
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(MEMBERS, DIRECTORY)))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        Ok(answer
            .item
            .as_ref()
            .and_then(|item| number(item, ADMIN_COUNT))
            .unwrap_or(0))
    }

    /// Records the invite that now works for a member (older ones stop working).
    pub(super) async fn set_invite(&self, id: StaffId, hash: &str) -> Result<(), StaffError> {
        let write = update(
            self,
            &member_sk(id),
            "SET invite = :hash",
            &[(":hash", s(hash))],
        )?;
        self.transact(vec![(write, Refusal::Gone)]).await
    }

    /// One admin more or fewer; never fewer than one.
    fn count_admins(&self, change: i64) -> Result<TransactWriteItem, StaffError> {
        let key = Self::key(MEMBERS, DIRECTORY);
        let mut update = Update::builder()
            .table_name(&self.table_name)
            .set_key(Some(key))
            .update_expression("ADD #count :change")
            .expression_attribute_names("#count", ADMIN_COUNT)
            .expression_attribute_values(":change", n(change));
        if change < 0 {
            update = update
                .condition_expression("#count > :one")
                .expression_attribute_values(":one", n(1));
        }
        let update = update.build().map_err(|e| unbuildable(&e))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Writes all or nothing; a refused condition becomes the error its write names.
    pub(super) async fn transact(
        &self,
        writes: Vec<(TransactWriteItem, Refusal)>,
    ) -> Result<(), StaffError> {
        let (items, refusals): (Vec<_>, Vec<_>) = writes.into_iter().unzip();
        let error = match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(canceled)) =
            error.as_service_error()
        else {
            return Err(dynamodb("TransactWriteItems")(error));
        };
        let refused = canceled
            .cancellation_reasons()
            .iter()
            .position(|r| r.code() == Some("ConditionalCheckFailed"));
        match refused.and_then(|i| refusals.get(i)) {
            Some(Refusal::Gone) => Err(StaffError::NoSuchMember("removed meanwhile".into())),
            Some(Refusal::EmailTaken) => Err(StaffError::EmailTaken("this address".into())),
            Some(Refusal::LastAdmin) => Err(StaffError::LastAdmin),
            Some(Refusal::CredentialTaken) => Err(StaffError::CredentialTaken),
            Some(Refusal::InviteUsed) => Err(StaffError::InviteUsed),
            None => Err(dynamodb("TransactWriteItems")(error)),
        }
    }
}

/// An update of an active member's item, as one write of a transaction.
pub(super) fn member_update(
    staff: &Staff,
    id: StaffId,
    expression: &str,
    values: &[(&str, aws_sdk_dynamodb::types::AttributeValue)],
) -> Result<TransactWriteItem, StaffError> {
    update(staff, &member_sk(id), expression, values)
}

fn update(
    staff: &Staff,
    sk: &str,
    expression: &str,
    values: &[(&str, aws_sdk_dynamodb::types::AttributeValue)],
) -> Result<TransactWriteItem, StaffError> {
    let mut update = Update::builder()
        .table_name(&staff.table_name)
        .set_key(Some(Staff::key(MEMBERS, sk)))
        .update_expression(expression)
        .condition_expression("attribute_exists(#pk) AND attribute_not_exists(removed_at)")
        .expression_attribute_names("#pk", attr::PK);
    if expression.contains("#role") {
        update = update.expression_attribute_names("#role", "role");
    }
    if expression.contains("#profile") {
        update = update.expression_attribute_names("#profile", "profile");
    }
    for (name, value) in values {
        update = update.expression_attribute_values(*name, value.clone());
    }
    let update = update.build().map_err(|e| unbuildable(&e))?;
    Ok(TransactWriteItem::builder().update(update).build())
}

fn member_item(member: &Member) -> Item {
    let mut item = Item::from([
        ("id".to_owned(), s(&member.id.to_string())),
        ("email".to_owned(), s(member.email.as_str())),
        ("name".to_owned(), s(&member.name)),
        ("role".to_owned(), s(member.role.as_str())),
        (
            "created_at".to_owned(),
            s(&crate::store::rfc3339(member.created_at)),
        ),
    ]);
    if let Some(invite) = &member.invite {
        item.insert("invite".into(), s(invite));
    }
    item
}

fn member(item: &Item) -> Result<Member, StaffError> {
    let key = text(item, attr::SK).unwrap_or_default();
    let time = |name: &str| {
        text(item, name)
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    Ok(Member {
        id: text(item, "id")
            .and_then(|id| StaffId::parse(&id))
            .ok_or_else(|| corrupt(&key, "id"))?,
        email: text(item, "email")
            .and_then(|e| EmailAddress::parse(&e).ok())
            .ok_or_else(|| corrupt(&key, "email"))?,
        name: text(item, "name").ok_or_else(|| corrupt(&key, "name"))?,
        role: text(item, "role")
            .and_then(|r| Role::parse(&r))
            .ok_or_else(|| corrupt(&key, "role"))?,
        created_at: time("created_at").ok_or_else(|| corrupt(&key, "created_at"))?,
        removed_at: time("removed_at"),
        invite: text(item, "invite"),
        profile: ClinicianProfile::from_item(item),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_name_is_one_short_line() {
        assert_eq!(staff_name("  Ana Ruiz "), Some("Ana Ruiz".to_owned()));
        assert_eq!(staff_name(""), None);
        assert_eq!(staff_name("Ana\nRuiz"), None);
        assert_eq!(staff_name(&"a".repeat(101)), None);
    }
}
