//! Nobody waits unseen: each scheduled run reminds staff of the requests still `new` after the
//! follow-up time (counted in business hours; urgent ones after one), and tells `ESCALATE_TO`
//! after twice that. Each reminder is claimed by a conditional write, so two runs never send it
//! twice.

use crate::delivery::Delivery;
use crate::domain::{FollowUpState, ReceivedRequest};
use crate::follow_up::BusinessHours;
use crate::notify::{EmailKind, render_reminder};
use crate::store::{Reminder, StoreError};

/// When requests count as waiting too long.
#[derive(Debug, Clone, Copy)]
pub struct FollowUpPolicy {
    /// `FOLLOW_UP_AFTER_HOURS`, in business hours.
    pub after_hours: u32,
    pub business_hours: BusinessHours,
}

/// What one run of the reminders did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    /// Requests still `new`.
    pub open: usize,
    pub reminded: usize,
    pub escalated: usize,
}

impl Delivery {
    /// Sends the reminders and escalations that are due.
    pub async fn send_follow_up_reminders(&self) -> Result<ReminderReport, StoreError> {
        let ids = self.store.open_follow_ups().await?;
        let mut report = ReminderReport {
            open: ids.len(),
            ..ReminderReport::default()
        };
        for id in ids {
            let stored = match self.store.get_request(id).await {
                Ok(Some(stored)) => stored,
                Ok(None) => continue,
                Err(error) => {
                    tracing::warn!(submission_id = %id, error = %error, "an open request could not be read for its reminder");
                    continue;
                }
            };
            let still_new = stored
                .follow_up
                .is_some_and(|(state, _)| state == FollowUpState::New);
            if !still_new || stored.received.held_as_spam {
                continue;
            }
            let received = &stored.received;
            let hours = if received.urgent {
                1
            } else {
                self.follow_up.after_hours
            };
            let (hours_open, tz) = (self.follow_up.business_hours, self.settings.timezone);
            let now = self.clock.now();
            if now >= hours_open.add(received.received_at, hours, tz)
                && self.remind(received, Reminder::Staff, hours).await
            {
                report.reminded += 1;
            }
            if self.notifier.sends(EmailKind::Escalation)
                && now >= hours_open.add(received.received_at, 2 * hours, tz)
                && self.remind(received, Reminder::Escalation, 2 * hours).await
            {
                report.escalated += 1;
            }
        }
        Ok(report)
    }

    /// Claims and sends one reminder; true when it went. A send that fails gives the claim back,
    /// so the next run tries again.
    async fn remind(
        &self,
        received: &ReceivedRequest,
        reminder: Reminder,
        waited_hours: u32,
    ) -> bool {
        let id = received.id;
        match self
            .store
            .claim_reminder(id, reminder, self.clock.now())
            .await
        {
            Ok(true) => {}
            Ok(false) => return false,
            Err(error) => {
                tracing::warn!(submission_id = %id, error = %error, "could not claim a reminder");
                return false;
            }
        }
        let escalation = reminder == Reminder::Escalation;
        let kind = if escalation {
            EmailKind::Escalation
        } else {
            EmailKind::Reminder
        };
        let sent = async {
            let email = render_reminder(received, &self.settings, escalation, self.clock.now())?;
            let reply_to = &received.request.email;
            self.notifier.send_about(kind, &email, reply_to, id).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        };
        match sent.await {
            Ok(()) => {
                tracing::warn!(event = "follow_up_overdue", submission_id = %id, reminder = kind.as_str(), waited_business_hours = waited_hours, "a request is still new after its follow-up time; reminder sent");
                true
            }
            Err(error) => {
                tracing::warn!(submission_id = %id, reminder = kind.as_str(), error = %error, "a reminder could not be sent; the next run tries again");
                if let Err(e) = self.store.release_reminder(id, reminder).await {
                    tracing::warn!(submission_id = %id, error = %e, "could not give a reminder's claim back");
                }
                false
            }
        }
    }
}
