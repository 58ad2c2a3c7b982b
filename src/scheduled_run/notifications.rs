//! The scheduled run's first step: each staff email still pending (SES refused it, or the function
//! stopped between storing and sending) whose next attempt is due and whose claim is free, sent
//! again, while the invocation has time.

use super::Run;
use crate::domain::NotifyStatus;
use crate::store::StoreError;

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

/// Sends every pending notification that is due and whose claim is free, while the invocation
/// has time.
pub async fn run(run: &Run<'_>) -> Result<RetryReport, StoreError> {
    let (store, delivery, deadline) = (run.app.store(), run.app.delivery(), run.deadline);
    let pending = store.pending_notifications(BATCH).await?;
    let stop_at = deadline.stop_at(run.app.now());
    let oldest = pending.iter().map(|(id, _)| id.time()).min();
    let mut report = RetryReport {
        pending: pending.len(),
        oldest_pending_seconds: oldest.map_or(0, |received| {
            (run.app.now() - received).num_seconds().max(0)
        }),
        ..RetryReport::default()
    };
    for (id, next_attempt_at) in pending {
        let now = run.app.now();
        if next_attempt_at.is_some_and(|next| next > now) {
            report.skipped += 1;
            continue;
        }
        if now >= stop_at {
            report.postponed += 1;
            continue;
        }
        match store
            .claim_notification(id, now, deadline.claim_until(now), true)
            .await
        {
            Ok(Some(claimed)) => {
                match delivery
                    .notify_staff(&claimed.received, claimed.attempts)
                    .await
                {
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
                if let Err(e) = store.release_failed_notification(id, None).await {
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
