//! The retry run: every few minutes, send each pending staff email whose claim is free.

use super::Delivery;
use crate::deadline::Deadline;
use crate::domain::NotifyStatus;
use crate::store::StoreError;

/// What one retry run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub pending: usize,
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Claimed by another sender at the moment, or already done.
    pub skipped: usize,
    /// Left for the next run because this invocation ran out of time.
    pub postponed: usize,
}

/// The most pending requests one run looks at.
const BATCH: usize = 500;

impl Delivery {
    /// Sends every pending notification whose claim is free, while the invocation has time.
    pub async fn retry_pending_notifications(
        &self,
        deadline: Deadline,
    ) -> Result<RetryReport, StoreError> {
        let ids = self.store.pending_notifications(BATCH).await?;
        let stop_at = deadline.stop_at(self.clock.now());
        let mut report = RetryReport {
            pending: ids.len(),
            ..RetryReport::default()
        };
        for id in ids {
            let now = self.clock.now();
            if now >= stop_at {
                report.postponed += 1;
                continue;
            }
            match self
                .store
                .claim_notification(id, now, deadline.claim_until(now))
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
            "retry path ran"
        );
        Ok(report)
    }
}
