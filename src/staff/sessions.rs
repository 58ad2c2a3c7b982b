//! Sessions and ceremonies, server-side. A session is found by the hash of its cookie; it ends
//! after the idle limit without a request, after the absolute limit in any case, at sign-out, and
//! when its member is removed, all checked here on every request. A ceremony's state (a
//! challenge and what it expects) is kept 5 minutes and taken once.

use super::ceremony::{CeremonyKind, PendingCeremony};
use super::{
    Item, Member, Secret, Staff, StaffError, StaffId, attr, corrupt, dynamodb, n, number, s, text,
};
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Duration, Utc};

const SESSION: &str = "session";
const CEREMONY: &str = "ceremony";
pub const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The hash of the cookie: what names the session in the table and in the console's list.
    pub hash: String,
    pub member: StaffId,
    pub began_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    /// The anti-forgery token every form of this session carries.
    pub csrf: String,
    /// When its member last confirmed with a passkey (sign-in counts).
    pub step_up_at: DateTime<Utc>,
    pub browser: String,
}

/// What a session cookie is worth now.
#[derive(Debug)]
pub enum SessionCheck {
    Valid(Box<(Session, Member)>),
    /// No such session, ended, timed out, or its member removed.
    None,
}

fn session_key(hash: &str) -> String {
    format!("session#{hash}")
}

fn ceremony_key(hash: &str) -> String {
    format!("ceremony#{hash}")
}

fn time(item: &Item, name: &str) -> Option<DateTime<Utc>> {
    text(item, name)
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl Staff {
    /// A new session for `member` (a new random id at every sign-in): the cookie to set, and
    /// the session. It ends at `ends_at` whatever happens.
    pub async fn start_session(
        &self,
        member: StaffId,
        now: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        browser: &str,
    ) -> Result<(Secret, Session), StaffError> {
        let unrandom = |e: getrandom::Error| super::writes::unbuildable(&e);
        let cookie = Secret::generate().map_err(unrandom)?;
        let csrf = Secret::generate().map_err(unrandom)?;
        let session = Session {
            hash: cookie.hash(),
            member,
            began_at: now,
            seen_at: now,
            csrf: csrf.as_str().to_owned(),
            step_up_at: now,
            browser: browser.to_owned(),
        };
        let item: Item = Self::key(&session_key(&session.hash), SESSION)
            .into_iter()
            .chain([
                (attr::MEMBER_ID.to_owned(), s(&member.to_string())),
                ("began_at".to_owned(), s(&crate::store::rfc3339(now))),
                ("seen_at".to_owned(), s(&crate::store::rfc3339(now))),
                ("step_up_at".to_owned(), s(&crate::store::rfc3339(now))),
                ("csrf".to_owned(), s(&session.csrf)),
                ("browser".to_owned(), s(browser)),
                (attr::EXPIRES_AT.to_owned(), n(ends_at.timestamp())),
            ])
            .collect();
        self.client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .send()
            .await
            .map_err(dynamodb("PutItem"))?;
        Ok((cookie, session))
    }

    /// The session `cookie` names, if it is still good at `now`; being seen now keeps it alive
    /// for another `idle`.
    pub async fn check_session(
        &self,
        cookie: &Secret,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<SessionCheck, StaffError> {
        let hash = cookie.hash();
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&session_key(&hash), SESSION)))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        let Some(item) = answer.item else {
            return Ok(SessionCheck::None);
        };
        let session = session(&item)?;
        let ends_at = number(&item, attr::EXPIRES_AT)
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .unwrap_or(now);
        if now >= ends_at || now - session.seen_at >= idle {
            self.end_session(&hash).await?;
            return Ok(SessionCheck::None);
        }
        let Some(member) = self.member(session.member).await?.filter(Member::active) else {
            return Ok(SessionCheck::None);
        };
        // Seen now; a session ended meanwhile stays ended.
        let touched = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&session_key(&hash), SESSION)))
            .update_expression("SET seen_at = :now")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":now", s(&crate::store::rfc3339(now)))
            .send()
            .await;
        match touched {
            Ok(_) => Ok(SessionCheck::Valid(Box::new((
                Session {
                    seen_at: now,
                    ..session
                },
                member,
            )))),
            Err(e) if crate::store::condition_failed(&e) => Ok(SessionCheck::None),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Records a passkey check just now (step-up).
    pub async fn stepped_up(&self, hash: &str, now: DateTime<Utc>) -> Result<(), StaffError> {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&session_key(hash), SESSION)))
            .update_expression("SET step_up_at = :now")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":now", s(&crate::store::rfc3339(now)))
            .send()
            .await
            .map_err(dynamodb("UpdateItem"))?;
        Ok(())
    }

    pub async fn end_session(&self, hash: &str) -> Result<(), StaffError> {
        self.client
            .delete_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&session_key(hash), SESSION)))
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        Ok(())
    }

    /// A member's sessions, newest first.
    pub async fn sessions_of(&self, member: StaffId) -> Result<Vec<Session>, StaffError> {
        let items = self.of_member(member, SESSION).await?;
        let mut sessions = items.iter().map(session).collect::<Result<Vec<_>, _>>()?;
        sessions.sort_by_key(|s| std::cmp::Reverse(s.began_at));
        Ok(sessions)
    }

    pub(super) async fn end_sessions_of(&self, member: StaffId) -> Result<(), StaffError> {
        for session in self.sessions_of(member).await? {
            self.end_session(&session.hash).await?;
        }
        Ok(())
    }

    /// Keeps a ceremony's state for 5 minutes; the id to hand the browser (in a cookie).
    pub async fn put_ceremony(
        &self,
        ceremony: &PendingCeremony,
        now: DateTime<Utc>,
    ) -> Result<Secret, StaffError> {
        let id = Secret::generate().map_err(|e| super::writes::unbuildable(&e))?;
        let mut item: Item = Self::key(&ceremony_key(&id.hash()), CEREMONY)
            .into_iter()
            .chain([
                ("kind".to_owned(), s(ceremony.kind.as_str())),
                ("state".to_owned(), s(&ceremony.state)),
                (
                    attr::EXPIRES_AT.to_owned(),
                    n((now + CEREMONY_LIFETIME).timestamp()),
                ),
            ])
            .collect();
        for (name, value) in [
            ("for_member", ceremony.member.map(|m| m.to_string())),
            ("invite", ceremony.invite.clone()),
            ("return_to", ceremony.return_to.clone()),
        ] {
            if let Some(value) = value {
                item.insert(name.to_owned(), s(&value));
            }
        }
        self.client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .send()
            .await
            .map_err(dynamodb("PutItem"))?;
        Ok(id)
    }

    /// Takes a ceremony's state: deleted as it is read, so it is used at most once; `None` when
    /// unknown, used already, or older than 5 minutes.
    pub async fn take_ceremony(
        &self,
        id: &Secret,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingCeremony>, StaffError> {
        let answer = self
            .client
            .delete_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&ceremony_key(&id.hash()), CEREMONY)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(dynamodb("DeleteItem"))?;
        let Some(item) = answer.attributes else {
            return Ok(None);
        };
        let expires = number(&item, attr::EXPIRES_AT).unwrap_or(0);
        if expires <= now.timestamp() {
            return Ok(None);
        }
        let key = text(&item, attr::PK).unwrap_or_default();
        Ok(Some(PendingCeremony {
            kind: text(&item, "kind")
                .and_then(|k| CeremonyKind::parse(&k))
                .ok_or_else(|| corrupt(&key, "kind"))?,
            state: text(&item, "state").ok_or_else(|| corrupt(&key, "state"))?,
            member: text(&item, "for_member").and_then(|m| StaffId::parse(&m)),
            invite: text(&item, "invite"),
            return_to: text(&item, "return_to"),
        }))
    }
}

fn session(item: &Item) -> Result<Session, StaffError> {
    let key = text(item, attr::PK).unwrap_or_default();
    Ok(Session {
        hash: key
            .strip_prefix("session#")
            .map(str::to_owned)
            .ok_or_else(|| corrupt(&key, "pk"))?,
        member: text(item, attr::MEMBER_ID)
            .and_then(|id| StaffId::parse(&id))
            .ok_or_else(|| corrupt(&key, "member_id"))?,
        began_at: time(item, "began_at").ok_or_else(|| corrupt(&key, "began_at"))?,
        seen_at: time(item, "seen_at").ok_or_else(|| corrupt(&key, "seen_at"))?,
        csrf: text(item, "csrf").ok_or_else(|| corrupt(&key, "csrf"))?,
        step_up_at: time(item, "step_up_at").ok_or_else(|| corrupt(&key, "step_up_at"))?,
        browser: text(item, "browser").unwrap_or_default(),
    })
}
