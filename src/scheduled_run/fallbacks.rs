//! The scheduled run's second step: each queued email to `NOTIFY_FALLBACK_TO` (a staff address
//! bounced) that is due, tried again with the staff email's backoff until it goes or its
//! backoff is spent.

use super::Run;
use crate::delivery::FallbackOutcome;
use crate::store::StoreError;

/// What the scheduled run's fallback step did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FallbackReport {
    pub queued: usize,
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Not due yet, or claimed by someone else at the moment.
    pub skipped: usize,
    /// Left for the next run because this invocation ran out of time.
    pub postponed: usize,
}

/// The most queued fallbacks one run looks at.
const BATCH: usize = 100;

/// Every queued fallback email that is due, while there is time.
pub async fn run(run: &Run<'_>) -> Result<FallbackReport, StoreError> {
    let ids = run.app.store().queued_fallbacks(BATCH).await?;
    let stop_at = run.deadline.stop_at(run.app.now());
    let mut report = FallbackReport {
        queued: ids.len(),
        ..FallbackReport::default()
    };
    for id in ids {
        let now = run.app.now();
        if now >= stop_at {
            report.postponed += 1;
            continue;
        }
        let lease_until = run.deadline.claim_until(now);
        match run.app.delivery().try_fallback(id, lease_until).await {
            FallbackOutcome::Sent => report.sent += 1,
            FallbackOutcome::Deferred => report.deferred += 1,
            FallbackOutcome::Failed => report.failed += 1,
            FallbackOutcome::Skipped => report.skipped += 1,
        }
    }
    Ok(report)
}
