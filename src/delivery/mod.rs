//! Did a person get it: the staff email and its state, the acknowledgement to the person, and the
//! retry run that sends what failed. Every staff email, from the request path, the retry run or
//! the operator's `resend`, goes through [`Delivery::send_staff_email`].

mod assignee;
mod backoff;
mod compose;
mod fallback;
mod ses_events;

pub use assignee::Recipients;
pub use backoff::{RETRY_AFTER, next_attempt};
pub use compose::{EmailSettings, mailto};
pub use fallback::FallbackOutcome;

pub use ses_events::{SesEventDetail, SesEventReport};

use crate::clock::Clock;
use crate::deadline::Deadline;
use crate::domain::{NotifyStatus, ReceivedRequest};
use crate::follow_up::FollowUpPolicy;
use crate::notify::{Acknowledgement, EmailKind, NotifyError, SesNotifier, StaffEmailKind, render};
use crate::staff::Staff;
use crate::store::Store;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the email could not be rendered")]
    Render(#[source] askama::Error),
    #[error(transparent)]
    Send(#[from] NotifyError),
}

/// Sends emails about stored requests and keeps their notification state.
#[derive(Clone)]
pub struct Delivery {
    pub(crate) store: Store,
    pub(crate) notifier: SesNotifier,
    pub(crate) settings: EmailSettings,
    pub(crate) follow_up: FollowUpPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    /// The staff table, to find who a request is assigned to (with the console).
    staff: Option<Staff>,
    /// `NOTIFY_FRONT_DESK_ON_ASSIGNED`.
    front_desk_copy: bool,
}

impl Delivery {
    pub fn new(
        store: Store,
        notifier: SesNotifier,
        settings: EmailSettings,
        follow_up: FollowUpPolicy,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            notifier,
            settings,
            follow_up,
            clock,
            staff: None,
            front_desk_copy: true,
        }
    }

    pub fn notifier(&self) -> &SesNotifier {
        &self.notifier
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The practice's settings every email is written with.
    pub fn settings(&self) -> &EmailSettings {
        &self.settings
    }

    /// When a request counts as waiting too long.
    pub fn policy(&self) -> &FollowUpPolicy {
        &self.follow_up
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Renders and sends the staff email, and records it as sent; returns SES's message id.
    pub async fn send_staff_email(
        &self,
        received: &ReceivedRequest,
    ) -> Result<String, DeliveryError> {
        let now = self.clock.now();
        let recipients = self.recipients(received).await;
        let email = render(
            &self
                .settings
                .staff_email(received, StaffEmailKind::Notification, now)
                .with_assignee(recipients.assigned_to.as_deref()),
        )
        .map_err(DeliveryError::Render)?;
        let message_id = self
            .notifier
            .send_to(
                EmailKind::Staff,
                &recipients.to,
                &email,
                &self.settings.reply_to(received),
                received.id,
            )
            .await?;
        if let Err(e) = self
            .store
            .mark_sent(received.id, &message_id, self.clock.now())
            .await
        {
            tracing::warn!(submission_id = %received.id, error = %e, "notification sent but not recorded as sent");
        }
        Ok(message_id)
    }

    /// Emails staff about a request whose notification the caller has claimed (attempt number
    /// `attempts`). A failure leaves it `pending` for the retry path, or `failed` after the last
    /// attempt; the person is not told, because their request is safe.
    pub async fn notify_staff(&self, received: &ReceivedRequest, attempts: u32) -> NotifyStatus {
        let error = match self.send_staff_email(received).await {
            Ok(_) => return NotifyStatus::Sent,
            Err(error) => error,
        };
        let released = self
            .store
            .release_failed_notification(received.id, next_attempt(received.received_at, attempts))
            .await;
        let status = match &released {
            Ok(status) => *status,
            // The claim runs out by itself, so the retry path still gets it.
            Err(_) => NotifyStatus::Pending,
        };
        let release_error = released.err().map(|e| e.to_string());
        if status == NotifyStatus::Failed {
            tracing::error!(event = "notification_failed", submission_id = %received.id, attempts, error = %error, "notification failed for good; staff were not told");
        } else {
            tracing::warn!(event = "notification_deferred", submission_id = %received.id, attempts, error = %error, release_error = release_error.as_deref(), "notification not sent; request stays pending");
        }
        status
    }

    /// Everything sent about a newly stored request, in the time left before the answer must
    /// leave: the staff email, and the acknowledgement when `acknowledge`. What does not fit is
    /// left to the retry path (the staff email, whose claim lapses soon after the deadline) or
    /// skipped (the acknowledgement).
    pub async fn announce(
        &self,
        received: &ReceivedRequest,
        deadline: Deadline,
        acknowledge: bool,
    ) -> NotifyStatus {
        const OUT_OF_TIME: &str = "out of time before the answer";
        let notify = deadline
            .within(self.notify_staff(received, 1))
            .await
            .unwrap_or_else(|| {
                tracing::warn!(event = "notification_deferred", submission_id = %received.id, attempts = 1, error = OUT_OF_TIME, "notification not sent; request stays pending");
                NotifyStatus::Pending
            });
        if acknowledge && deadline.within(self.acknowledge(received)).await.is_none() {
            tracing::warn!(event = "acknowledgement_failed", submission_id = %received.id, error = OUT_OF_TIME, "acknowledgement not sent");
        }
        notify
    }

    /// The short reply to the person. Only a new, accepted request gets one (so it is rate-limited
    /// like the rest, and a repeat never sends a second); a failure is logged, not retried.
    pub async fn acknowledge(&self, received: &ReceivedRequest) {
        let acknowledgement = Acknowledgement::new(&self.settings.catalogues, received.language);
        let sent = match render(&acknowledgement) {
            Ok(email) => self
                .notifier
                .acknowledge(&received.request.email, &email, received.id)
                .await
                .map_err(DeliveryError::from),
            Err(e) => Err(DeliveryError::Render(e)),
        };
        if let Err(error) = sent {
            tracing::warn!(event = "acknowledgement_failed", submission_id = %received.id, error = %error, "acknowledgement not sent");
        }
    }
}
