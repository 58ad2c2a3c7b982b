//! When a staff address bounces, the request goes to `NOTIFY_FALLBACK_TO` (the owner's own
//! mailbox, say). That email has the staff email's retry path: queued, claimed with a lease, tried
//! again by the scheduled run with the same backoff (counted from the bounce) until it goes or
//! the backoff is spent; a failure is its own alarm (`fallback_deferred`, `fallback_failed`), not
//! hidden in the bounce's.

use super::{Delivery, next_attempt};
use crate::deadline::Deadline;
use crate::domain::SubmissionId;
use crate::notify::{EmailKind, StaffEmailKind, render};
use crate::store::StoreError;
use chrono::{DateTime, Utc};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Sent,
    Deferred,
    Failed,
    Skipped,
}

impl Delivery {
    /// After a staff address bounced: queues the request's fallback email (once per request) and
    /// tries it at once; true when it went now. What fails waits for the scheduled run.
    pub async fn start_fallback(&self, id: SubmissionId, deadline: Deadline) -> bool {
        if !self.notifier.sends(EmailKind::Fallback) {
            return false;
        }
        match self.store.queue_fallback(id, self.clock.now()).await {
            Ok(true) => {}
            Ok(false) => return false,
            Err(error) => {
                // Nothing queued: EventBridge retries the event, which queues it then.
                tracing::error!(event = "fallback_failed", submission_id = %id, error = %error, "the fallback email could not be queued");
                return false;
            }
        }
        let now = self.clock.now();
        self.try_fallback(id, deadline.claim_until(now)).await == Outcome::Sent
    }

    /// The scheduled run's step: every queued fallback email that is due, while there is time.
    pub async fn retry_fallbacks(&self, deadline: Deadline) -> Result<FallbackReport, StoreError> {
        let ids = self.store.queued_fallbacks(BATCH).await?;
        let stop_at = deadline.stop_at(self.clock.now());
        let mut report = FallbackReport {
            queued: ids.len(),
            ..FallbackReport::default()
        };
        for id in ids {
            let now = self.clock.now();
            if now >= stop_at {
                report.postponed += 1;
                continue;
            }
            match self.try_fallback(id, deadline.claim_until(now)).await {
                Outcome::Sent => report.sent += 1,
                Outcome::Deferred => report.deferred += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Skipped => report.skipped += 1,
            }
        }
        Ok(report)
    }

    async fn try_fallback(&self, id: SubmissionId, lease_until: DateTime<Utc>) -> Outcome {
        let claimed = match self
            .store
            .claim_fallback(id, self.clock.now(), lease_until)
            .await
        {
            Ok(Some(claimed)) => claimed,
            Ok(None) => return Outcome::Skipped,
            Err(error) => {
                tracing::warn!(submission_id = %id, error = %error, "could not claim a fallback email");
                return Outcome::Skipped;
            }
        };
        let received = &claimed.stored.received;
        let sent = async {
            let now = self.clock.now();
            let email = render(&self.settings.staff_email(
                received,
                StaffEmailKind::Notification,
                now,
            ))?;
            self.notifier
                .send_about(
                    EmailKind::Fallback,
                    &email,
                    &self.settings.reply_to(received),
                    id,
                )
                .await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        };
        let result = sent.await;
        let (outcome, sent_at, next) = match &result {
            Ok(()) => (Outcome::Sent, Some(self.clock.now()), None),
            Err(_) => match next_attempt(claimed.since, claimed.attempts) {
                Some(next) => (Outcome::Deferred, None, Some(next)),
                None => (Outcome::Failed, None, None),
            },
        };
        match (&result, outcome) {
            (Err(error), Outcome::Failed) => {
                tracing::error!(event = "fallback_failed", submission_id = %id, attempts = claimed.attempts, error = %error, "the request could not be sent to the fallback address, for good");
            }
            (Err(error), _) => {
                tracing::warn!(event = "fallback_deferred", submission_id = %id, attempts = claimed.attempts, error = %error, "the request could not be sent to the fallback address; tried again later");
            }
            (Ok(()), _) => {
                tracing::info!(event = "fallback_sent", submission_id = %id, "the request went to the fallback address");
            }
        }
        if let Err(error) = self.store.finish_fallback(id, sent_at, next).await {
            tracing::warn!(submission_id = %id, error = %error, "a fallback email's state was not recorded; its lease lapses");
        }
        outcome
    }
}
