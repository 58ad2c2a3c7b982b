//! When a staff address bounces, the request goes to `NOTIFY_FALLBACK_TO` (the owner's own
//! mailbox, say). That email has the staff email's retry path: queued, claimed with a lease, tried
//! again by the scheduled run with the same backoff (counted from the bounce) until it goes or
//! the backoff is spent; a failure is its own alarm (`fallback_deferred`, `fallback_failed`), not
//! hidden in the bounce's.

use super::{Delivery, next_attempt};
use crate::deadline::Deadline;
use crate::domain::SubmissionId;
use crate::notify::{EmailKind, StaffEmailKind, render};
use chrono::{DateTime, Utc};

/// What one attempt at a fallback email came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackOutcome {
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
        self.try_fallback(id, deadline.claim_until(now)).await == FallbackOutcome::Sent
    }

    /// Claims a queued fallback email and sends it; what became of it.
    pub async fn try_fallback(
        &self,
        id: SubmissionId,
        lease_until: DateTime<Utc>,
    ) -> FallbackOutcome {
        let claimed = match self
            .store
            .claim_fallback(id, self.clock.now(), lease_until)
            .await
        {
            Ok(Some(claimed)) => claimed,
            Ok(None) => return FallbackOutcome::Skipped,
            Err(error) => {
                tracing::warn!(submission_id = %id, error = %error, "could not claim a fallback email");
                return FallbackOutcome::Skipped;
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
            Ok(()) => (FallbackOutcome::Sent, Some(self.clock.now()), None),
            Err(_) => match next_attempt(claimed.since, claimed.attempts) {
                Some(next) => (FallbackOutcome::Deferred, None, Some(next)),
                None => (FallbackOutcome::Failed, None, None),
            },
        };
        match (&result, outcome) {
            (Err(error), FallbackOutcome::Failed) => {
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
