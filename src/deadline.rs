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
/// Time kept free before the deadline for the runtime to post the answer: the person's answer
/// always leaves before Lambda (and then API Gateway) would answer for us.
const ANSWER_MARGIN: Duration = Duration::seconds(1);

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
        Self::from_epoch_millis(context.deadline, Utc::now())
    }

    /// A deadline in milliseconds since the epoch, as the Runtime API sends it. One that has
    /// passed before the invocation even starts is no deadline: local runtimes send a timeout
    /// there instead (`cargo lambda watch` sends 600000), and such a value must never make every
    /// answer a `503`.
    fn from_epoch_millis(millis: u64, now: DateTime<Utc>) -> Self {
        let deadline = i64::try_from(millis)
            .ok()
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .filter(|deadline| *deadline > now);
        Self(deadline)
    }

    /// Until when a claim taken at `now` holds: just past the invocation's end, and at most
    /// [`CLAIM`] from now.
    pub fn claim_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let longest = now + CLAIM;
        self.0
            .map_or(longest, |deadline| (deadline + CLAIM_MARGIN).min(longest))
    }

    /// How long the work before the answer may still take, from now; `None` without a deadline
    /// (each AWS call is then bounded only by the SDK's own timeouts).
    pub fn time_to_answer(&self) -> Option<std::time::Duration> {
        self.0.map(|deadline| {
            (deadline - ANSWER_MARGIN - Utc::now())
                .to_std()
                .unwrap_or_default()
        })
    }

    /// Runs `work` if it finishes before the answer must leave; `None` when time ran out first
    /// (the work is then dropped where it stood).
    pub async fn within<F: std::future::Future>(&self, work: F) -> Option<F::Output> {
        match self.time_to_answer() {
            None => Some(work.await),
            Some(left) => tokio::time::timeout(left, work).await.ok(),
        }
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

    #[test]
    fn a_deadline_already_past_at_the_start_is_no_deadline() {
        let now: DateTime<Utc> = "2026-11-26T14:00:00Z".parse().unwrap();
        let in_20_s = u64::try_from(now.timestamp_millis() + 20_000).unwrap();
        assert_eq!(
            Deadline::from_epoch_millis(in_20_s, now),
            Deadline::at(now + Duration::seconds(20))
        );
        assert_eq!(
            Deadline::from_epoch_millis(600_000, now),
            Deadline::unknown()
        );
    }

    #[tokio::test]
    async fn work_past_the_answer_time_is_cut_off() {
        let passed = Deadline::at(Utc::now() - Duration::seconds(1));
        assert_eq!(passed.time_to_answer(), Some(std::time::Duration::ZERO));
        let never = std::future::pending::<()>();
        assert_eq!(passed.within(never).await, None);
        let soon = Deadline::at(Utc::now() + Duration::milliseconds(1200));
        let started = std::time::Instant::now();
        assert_eq!(soon.within(std::future::pending::<()>()).await, None);
        assert!(started.elapsed() < std::time::Duration::from_millis(1000));
        assert_eq!(Deadline::unknown().within(async { 7 }).await, Some(7));
    }
}
