//! Limits per client address on what an attacker would repeat: challenges issued, failed
//! sign-ins, invite redemptions. More than 10 in a 15-minute window is refused until the window
//! ends. The address is a keyed hash (`CLIENT_HASH_KEY`), like the form's rate limit.

use super::{Staff, StaffError, attr, dynamodb, n, number};
use chrono::{DateTime, Duration, Utc};

pub const LIMIT_PER_WINDOW: i64 = 10;
pub const LIMIT_WINDOW: Duration = Duration::minutes(15);

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Challenge,
    FailedSignIn,
    InviteRedemption,
}

impl Attempt {
    fn as_str(self) -> &'static str {
        match self {
            Self::Challenge => "challenge",
            Self::FailedSignIn => "failed-sign-in",
            Self::InviteRedemption => "invite",
        }
    }
}

/// The window `now` falls in: its start and end.
fn window(now: DateTime<Utc>) -> (i64, DateTime<Utc>) {
    let length = LIMIT_WINDOW.num_seconds();
    let start = now.timestamp().div_euclid(length) * length;
    (
        start,
        DateTime::from_timestamp(start + length, 0).unwrap_or(now),
    )
}

impl Staff {
    /// Counts one attempt; `Err(seconds)` (until the window ends) when it is one too many.
    pub async fn count_attempt(
        &self,
        what: Attempt,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), u32>, StaffError> {
        let (start, end) = window(now);
        let key = format!("limit#{}#{client}#{start}", what.as_str());
        let counted = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&key, "limit")))
            .update_expression("ADD #count :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(LIMIT_PER_WINDOW))
            .expression_attribute_values(":expires", n((end + Duration::hours(1)).timestamp()))
            .send()
            .await;
        match counted {
            Ok(_) => Ok(Ok(())),
            Err(e) if crate::store::condition_failed(&e) => Ok(Err(seconds_until(end, now))),
            Err(e) => Err(dynamodb("UpdateItem")(e)),
        }
    }

    /// Whether the attempts counted in this window already reached the limit: `Err(seconds)`.
    pub async fn attempts_left(
        &self,
        what: Attempt,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), u32>, StaffError> {
        let (start, end) = window(now);
        let key = format!("limit#{}#{client}#{start}", what.as_str());
        let answer = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .set_key(Some(Self::key(&key, "limit")))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamodb("GetItem"))?;
        let count = answer
            .item
            .as_ref()
            .and_then(|item| number(item, "count"))
            .unwrap_or(0);
        Ok(if count >= LIMIT_PER_WINDOW {
            Err(seconds_until(end, now))
        } else {
            Ok(())
        })
    }
}

fn seconds_until(end: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    u32::try_from(
        (end - now)
            .num_seconds()
            .clamp(1, LIMIT_WINDOW.num_seconds()),
    )
    .unwrap_or(900)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fifteen_minutes_on_the_clock() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        let (start, end) = window(at("2026-12-03T10:07:30Z"));
        assert_eq!(
            DateTime::from_timestamp(start, 0).unwrap(),
            at("2026-12-03T10:00:00Z")
        );
        assert_eq!(end, at("2026-12-03T10:15:00Z"));
        assert_eq!(seconds_until(end, at("2026-12-03T10:07:30Z")), 450);
    }
}
