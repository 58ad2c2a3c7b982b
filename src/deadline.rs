//! Time limits of one invocation, all worked out from the one deadline Lambda gives it, never from
//! a sum of timeouts.

use chrono::{DateTime, Duration, Utc};
use lambda_http::Context;

/// How long a claim on a notification holds at most: longer than one send can take.
pub const CLAIM: Duration = Duration::seconds(60);
/// How far past the invocation's end a claim may outlive it, so a function killed between the
/// write and the email leaves the request to the retry path soon after.
const CLAIM_MARGIN: Duration = Duration::seconds(10);
/// Time kept free at the end of a batch, so the last piece of work finishes before the deadline.
const RESERVE: Duration = Duration::seconds(10);

/// When the current invocation must have answered (unknown outside the Lambda runtime).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deadline(Option<DateTime<Utc>>);

impl Deadline {
    pub fn at(deadline: DateTime<Utc>) -> Self {
        Self(Some(deadline))
    }

    /// No deadline known: a tool or a test, where the limits fall back to fixed spans from now.
    pub fn unknown() -> Self {
        Self(None)
    }

    /// The deadline of the invocation `context` describes.
    pub fn of(context: &Context) -> Self {
        Self(
            i64::try_from(context.deadline)
                .ok()
                .and_then(DateTime::<Utc>::from_timestamp_millis),
        )
    }

    /// Until when a claim taken at `now` holds: just past the invocation's end, and at most
    /// [`CLAIM`] from now.
    pub fn claim_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let longest = now + CLAIM;
        self.0
            .map_or(longest, |deadline| (deadline + CLAIM_MARGIN).min(longest))
    }

    /// When a batch stops starting new work.
    pub fn stop_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.0.map_or(now + RESERVE, |deadline| deadline - RESERVE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_deadline() {
        let now: DateTime<Utc> = "2026-11-26T14:00:00Z".parse().unwrap();
        let soon = Deadline::at(now + Duration::seconds(20));
        assert_eq!(soon.claim_until(now), now + Duration::seconds(30));
        assert_eq!(soon.stop_at(now), now + Duration::seconds(10));
        let late = Deadline::at(now + Duration::minutes(10));
        assert_eq!(late.claim_until(now), now + CLAIM);
        assert_eq!(Deadline::unknown().claim_until(now), now + CLAIM);
        assert_eq!(Deadline::unknown().stop_at(now), now + RESERVE);
    }
}
