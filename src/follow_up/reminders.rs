//! Nobody waits unseen: each scheduled run reminds staff of the requests still `new` after the
//! follow-up time (counted in business hours; urgent ones after one), and tells `ESCALATE_TO`
//! after twice that. The run reads only the reminders that are due (each request's next due time
//! is computed when it is stored or reminded, with the settings then in force), oldest due first,
//! stops before the invocation's deadline, and claims each with a lease, so two runs never send
//! the same reminder and a run that dies holding one only delays it.

use super::BusinessHours;
use crate::deadline::Deadline;
use crate::delivery::Delivery;
use crate::domain::ReceivedRequest;
use crate::notify::{EmailKind, render};
use crate::store::{DueReminder, Reminder, StoreError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The most due reminders one run reads; what is left waits for the next run, five minutes on.
const BATCH: usize = 100;

/// When requests count as waiting too long.
#[derive(Debug, Clone, Copy)]
pub struct FollowUpPolicy {
    /// `FOLLOW_UP_AFTER_HOURS`, in business hours.
    pub after_hours: u32,
    pub business_hours: BusinessHours,
    /// `PRACTICE_TIMEZONE`, where the business hours are.
    pub timezone: Tz,
}

impl FollowUpPolicy {
    /// Business hours a request may wait before `reminder`: the follow-up time (urgent: 1) for
    /// staff's, twice that for the escalation.
    pub fn waits(&self, urgent: bool, reminder: Reminder) -> u32 {
        let hours = if urgent { 1 } else { self.after_hours };
        match reminder {
            Reminder::Staff => hours,
            Reminder::Escalation => 2 * hours,
        }
    }

    /// When `reminder` is due for a request received at `received_at`.
    pub fn due_at(
        &self,
        received_at: DateTime<Utc>,
        urgent: bool,
        reminder: Reminder,
    ) -> DateTime<Utc> {
        self.business_hours
            .add(received_at, self.waits(urgent, reminder), self.timezone)
    }
}

/// What one run of the reminders did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    /// Reminders due when the run read them.
    pub due: usize,
    pub reminded: usize,
    pub escalated: usize,
    /// Claimed by another run, or moved on since they were read.
    pub skipped: usize,
    /// Left for the next run: the invocation ran out of time, or the send failed.
    pub postponed: usize,
}

impl Delivery {
    /// Sends the reminders and escalations that are due, while the invocation has time.
    pub async fn send_follow_up_reminders(
        &self,
        deadline: Deadline,
    ) -> Result<ReminderReport, StoreError> {
        let stop_at = deadline.stop_at(self.clock.now());
        let (due, unreadable) = self.store.due_reminders(self.clock.now(), BATCH).await?;
        for error in &unreadable {
            tracing::error!(event = "stored_item_unreadable", error = %error, "a request due a reminder cannot be read");
        }
        let mut report = ReminderReport {
            due: due.len(),
            ..ReminderReport::default()
        };
        for due in due {
            let now = self.clock.now();
            if now >= stop_at {
                report.postponed += 1;
                continue;
            }
            match self.remind(&due, deadline.claim_until(now)).await {
                Reminded::Sent => match due.reminder {
                    Reminder::Staff => report.reminded += 1,
                    Reminder::Escalation => report.escalated += 1,
                },
                Reminded::NotClaimed => report.skipped += 1,
                Reminded::Failed => report.postponed += 1,
            }
        }
        Ok(report)
    }

    /// Claims and sends one due reminder, then queues the next one (the escalation, when
    /// `ESCALATE_TO` is set) or takes the request out of the queue.
    async fn remind(&self, due: &DueReminder, lease_until: DateTime<Utc>) -> Reminded {
        let received = &due.stored.received;
        let (id, reminder) = (received.id, due.reminder);
        match self
            .store
            .claim_reminder(id, reminder, self.clock.now(), lease_until)
            .await
        {
            Ok(true) => {}
            Ok(false) => return Reminded::NotClaimed,
            Err(error) => {
                tracing::warn!(submission_id = %id, error = %error, "could not claim a reminder");
                return Reminded::NotClaimed;
            }
        }
        let kind = match reminder {
            Reminder::Staff => EmailKind::Reminder,
            Reminder::Escalation => EmailKind::Escalation,
        };
        let waited = self.follow_up.waits(received.urgent, reminder);
        if let Err(error) = self.send_reminder(received, kind).await {
            tracing::warn!(submission_id = %id, reminder = kind.as_str(), error = %error, "a reminder could not be sent; the next run tries again");
            if let Err(e) = self.store.release_reminder(id).await {
                tracing::warn!(submission_id = %id, error = %e, "could not give a reminder's claim back; it lapses");
            }
            return Reminded::Failed;
        }
        tracing::warn!(event = "follow_up_overdue", submission_id = %id, reminder = kind.as_str(), waited_business_hours = waited, "a request is still new after its follow-up time; reminder sent");
        let next = (reminder == Reminder::Staff && self.notifier.sends(EmailKind::Escalation))
            .then(|| {
                let at = self.follow_up.due_at(
                    received.received_at,
                    received.urgent,
                    Reminder::Escalation,
                );
                (Reminder::Escalation, at)
            });
        if let Err(error) = self
            .store
            .complete_reminder(id, reminder, self.clock.now(), next)
            .await
        {
            // Its lease lapses and a later run may send it once more: at least once, never none.
            tracing::warn!(submission_id = %id, error = %error, "a reminder was sent but not recorded");
        }
        Reminded::Sent
    }

    async fn send_reminder(
        &self,
        received: &ReceivedRequest,
        kind: EmailKind,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let escalation = kind == EmailKind::Escalation;
        let email = render(
            &self
                .settings
                .reminder(received, escalation, self.clock.now()),
        )?;
        self.notifier
            .send_about(kind, &email, &self.settings.reply_to(received), received.id)
            .await?;
        Ok(())
    }
}

enum Reminded {
    Sent,
    NotClaimed,
    Failed,
}
