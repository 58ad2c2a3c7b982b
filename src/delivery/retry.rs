//! The retry run: every few minutes, send each pending staff email whose claim is free.

use super::Delivery;
use crate::deadline::Deadline;
use crate::domain::NotifyStatus;
use crate::store::StoreError;
use chrono::{DateTime, Duration, Utc};

/// When a staff email that failed is tried again, counted from receipt: backing off over a day,
/// so an SES pause of hours loses nobody. After the last, the request is `failed`.
pub const RETRY_AFTER: [Duration; 6] = [
    Duration::minutes(5),
    Duration::minutes(15),
    Duration::hours(1),
    Duration::hours(3),
    Duration::hours(8),
    Duration::hours(24),
];

/// When to try again after `attempts` failed attempts of a request received at `received_at`;
/// `None` once the schedule is spent.
pub fn next_attempt(received_at: DateTime<Utc>, attempts: u32) -> Option<DateTime<Utc>> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_AFTER.get(index).map(|after| received_at + *after)
}

/// What one retry run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub pending: usize,
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Not due yet, claimed by another sender at the moment, or already done.
    pub skipped: usize,
    /// Left for the next run because this invocation ran out of time.
    pub postponed: usize,
    /// How long the oldest pending request has waited for its staff email, in seconds (0 when
    /// none is pending): an alarm watches it.
    pub oldest_pending_seconds: i64,
}

/// The most pending requests one run looks at.
const BATCH: usize = 500;

impl Delivery {
    /// Sends every pending notification that is due and whose claim is free, while the
    /// invocation has time.
    pub async fn retry_pending_notifications(
        &self,
        deadline: Deadline,
    ) -> Result<RetryReport, StoreError> {
        self.send_pending(deadline, true).await
    }

    /// Sends every pending notification whose claim is free now, due or not (an operator's
    /// `resend --pending`, once SES works again).
    pub async fn send_pending_now(&self, deadline: Deadline) -> Result<RetryReport, StoreError> {
        self.send_pending(deadline, false).await
    }

    async fn send_pending(
        &self,
        deadline: Deadline,
        due_only: bool,
    ) -> Result<RetryReport, StoreError> {
        let pending = self.store.pending_notifications(BATCH).await?;
        let stop_at = deadline.stop_at(self.clock.now());
        let oldest = pending.iter().map(|(id, _)| id.time()).min();
        let mut report = RetryReport {
            pending: pending.len(),
            oldest_pending_seconds: oldest.map_or(0, |received| {
                (self.clock.now() - received).num_seconds().max(0)
            }),
            ..RetryReport::default()
        };
        for (id, next_attempt_at) in pending {
            let now = self.clock.now();
            if due_only && next_attempt_at.is_some_and(|next| next > now) {
                report.skipped += 1;
                continue;
            }
            if now >= stop_at {
                report.postponed += 1;
                continue;
            }
            match self
                .store
                .claim_notification(id, now, deadline.claim_until(now), due_only)
                .await
            {
                Ok(Some(claimed)) => {
                    match self.notify_staff(&claimed.received, claimed.attempts).await {
                        NotifyStatus::Sent => report.sent += 1,
                        NotifyStatus::Pending => report.deferred += 1,
                        NotifyStatus::Failed => report.failed += 1,
                        NotifyStatus::Held => report.skipped += 1,
                    }
                }
                Ok(None) => report.skipped += 1,
                Err(error @ StoreError::Corrupt { .. }) => {
                    // Retrying cannot make it readable: staff must look at it by hand.
                    tracing::error!(event = "stored_item_unreadable", submission_id = %id, error = %error, "a pending request cannot be read; marked failed");
                    if let Err(e) = self.store.release_failed_notification(id, None).await {
                        tracing::warn!(submission_id = %id, error = %e, "could not mark an unreadable request failed");
                    }
                    report.failed += 1;
                }
                Err(e) => {
                    tracing::warn!(submission_id = %id, error = %e, "could not claim a pending notification");
                    report.postponed += 1;
                }
            }
        }
        tracing::info!(
            event = "retry_run",
            pending = report.pending,
            sent = report.sent,
            deferred = report.deferred,
            failed = report.failed,
            skipped = report.skipped,
            postponed = report.postponed,
            oldest_pending_seconds = report.oldest_pending_seconds,
            "retry path ran"
        );
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_backs_off_over_a_day_from_receipt() {
        let received: DateTime<Utc> = "2026-11-26T14:00:00Z".parse().unwrap();
        let after = |attempts| next_attempt(received, attempts).map(|t| t - received);
        assert_eq!(after(1), Some(Duration::minutes(5)));
        assert_eq!(after(2), Some(Duration::minutes(15)));
        assert_eq!(after(3), Some(Duration::hours(1)));
        assert_eq!(after(4), Some(Duration::hours(3)));
        assert_eq!(after(5), Some(Duration::hours(8)));
        assert_eq!(after(6), Some(Duration::hours(24)));
        assert_eq!(after(7), None, "then it is failed");
        assert_eq!(after(0), None);
    }
}
