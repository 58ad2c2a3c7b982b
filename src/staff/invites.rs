//! Invites: a link valid 24 hours. Opening it (a `GET`, as mail scanners do) uses nothing up;
//! registering a passkey with it does; a newer invite for the same person cancels older ones
//! (the member records the one that works).

use super::members::Member;
use super::writes::{Refusal, put};
use super::{Item, Secret, Staff, StaffError, StaffId, attr, dynamodb, n, s, text};
use chrono::{DateTime, Duration, Utc};

pub const INVITE_LIFETIME: Duration = Duration::hours(24);

fn invite_key(hash: &str) -> String {
    format!("invite#{hash}")
}

/// A working invite and whom it is for.
#[derive(Debug, Clone)]
pub struct Invite {
    pub hash: String,
    pub member: Member,
    pub expires_at: DateTime<Utc>,
}

/// What an invite link is, now.
#[derive(Debug, Clone)]
pub enum InviteState {
    Valid(Box<Invite>),
    /// Past its 24 hours.
    Expired,
    /// Used, replaced by a newer invite, or the person removed.
    Used,
    /// Never issued (or long gone).
    Unknown,
}

impl Staff {
    /// A new invite for a member: the token to send (never stored), valid 24 hours.
    pub async fn issue_invite(
        &self,
        member: StaffId,
        now: DateTime<Utc>,
    ) -> Result<Secret, StaffError> {
        let token = Secret::generate().map_err(|e| super::writes::unbuildable(&e))?;
        let hash = token.hash();
        let expires = now + INVITE_LIFETIME;
        let item: Item = Self::key(&invite_key(&hash), "invite")
            .into_iter()
            .chain([
                (attr::MEMBER_ID.to_owned(), s(&member.to_string())),
                ("issued_at".to_owned(), s(&crate::store::rfc3339(now))),
                // DynamoDB's TTL removes it a day or two later; the time is checked on use.
                (attr::EXPIRES_AT.to_owned(), n(expires.timestamp())),
            ])
            .collect();
        self.transact(vec![(
            put(self, item, "attribute_not_exists(#pk)")?,
            Refusal::Gone,
        )])
        .await?;
        self.set_invite(member, &hash).await?;
        Ok(token)
    }

    /// What `token` is now. Reads only.
    pub async fn invite(
        &self,
        token: &Secret,
        now: DateTime<Utc>,
    ) -> Result<InviteState, StaffError> {
        let hash = token.hash();
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&invite_key(&hash), "invite")))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        let Some(item) = answer.item else {
            return Ok(InviteState::Unknown);
        };
        let expires_at = super::number(&item, attr::EXPIRES_AT)
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or(now);
        let member = match text(&item, attr::MEMBER_ID).and_then(|id| StaffId::parse(&id)) {
            Some(id) => self.member(id).await?,
            None => None,
        };
        let used = item.contains_key("used");
        let Some(member) = member.filter(|m| m.active() && m.invite.as_deref() == Some(&hash))
        else {
            return Ok(InviteState::Used);
        };
        if used {
            return Ok(InviteState::Used);
        }
        if expires_at <= now {
            return Ok(InviteState::Expired);
        }
        Ok(InviteState::Valid(Box::new(Invite {
            hash,
            member,
            expires_at,
        })))
    }

    pub(super) async fn delete_invite(&self, hash: &str) -> Result<(), StaffError> {
        self.client
            .delete_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&invite_key(hash), "invite")))
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        Ok(())
    }
}

/// The writes that use an invite up, in the same transaction as the passkey it registers: the
/// member's invite must still be this one, and the invite is marked used.
pub(super) fn use_up(
    staff: &Staff,
    invite: &Invite,
) -> Result<Vec<(aws_sdk_dynamodb::types::TransactWriteItem, Refusal)>, StaffError> {
    use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
    let member = Update::builder()
        .table_name(&staff.table_name)
        .set_key(Some(Staff::key(
            "members",
            &format!("member#{}", invite.member.id),
        )))
        .update_expression("REMOVE invite")
        .condition_expression("invite = :hash AND attribute_not_exists(removed_at)")
        .expression_attribute_values(":hash", s(&invite.hash))
        .build()
        .map_err(|e| super::writes::unbuildable(&e))?;
    // Marked used, not deleted: opening it again says it was used (TTL removes it later).
    let used = Update::builder()
        .table_name(&staff.table_name)
        .set_key(Some(Staff::key(&invite_key(&invite.hash), "invite")))
        .update_expression("SET used = :yes")
        .condition_expression("attribute_exists(#pk) AND attribute_not_exists(used)")
        .expression_attribute_names("#pk", attr::PK)
        .expression_attribute_values(":yes", AttributeValue::Bool(true))
        .build()
        .map_err(|e| super::writes::unbuildable(&e))?;
    Ok(vec![
        (
            TransactWriteItem::builder().update(member).build(),
            Refusal::InviteUsed,
        ),
        (
            TransactWriteItem::builder().update(used).build(),
            Refusal::InviteUsed,
        ),
    ])
}
