//! Nobody waits unseen: each scheduled run reminds staff of the requests still `new` after the
//! follow-up time (counted in business hours; urgent ones after one), and tells `ESCALATE_TO`
//! after twice that. The run reads only the reminders that are due (each request's next due time
//! is computed when it is stored or reminded, with the settings then in force), oldest due first,
//! stops before the invocation's deadline, and claims each with a lease, so two runs never send
//! the same reminder and a run that dies holding one only delays it.

use super::Run;
use crate::deadline::Deadline;
use crate::delivery::Delivery;
use crate::domain::ReceivedRequest;
use crate::domain::{FollowUpState, Reminder};
use crate::notify::{EmailKind, render};
use crate::store::Outbox;
use crate::store::{DueReminder, StoreError};
use crate::webhooks::{EventType, Subject, Webhooks};
use chrono::{DateTime, Utc};

/// The most due reminders one run reads; what is left waits for the next run, five minutes on.
const BATCH: usize = 100;

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

/// Sends the reminders and escalations that are due, while the invocation has time.
pub async fn run(run: &Run<'_>) -> Result<ReminderReport, StoreError> {
    send(run.app.delivery(), run.app.webhooks(), run.deadline).await
}

async fn send(
    delivery: &Delivery,
    webhooks: &Webhooks,
    deadline: Deadline,
) -> Result<ReminderReport, StoreError> {
    let stop_at = deadline.stop_at(delivery.now());
    let (due, unreadable) = delivery
        .store()
        .due_reminders(delivery.now(), BATCH)
        .await?;
    for error in &unreadable {
        tracing::error!(event = "stored_item_unreadable", error = %error, "a request due a reminder cannot be read");
    }
    let mut report = ReminderReport {
        due: due.len(),
        ..ReminderReport::default()
    };
    for due in due {
        let now = delivery.now();
        if now >= stop_at {
            report.postponed += 1;
            continue;
        }
        match remind(delivery, webhooks, &due, deadline.claim_until(now)).await {
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
async fn remind(
    delivery: &Delivery,
    webhooks: &Webhooks,
    due: &DueReminder,
    lease_until: DateTime<Utc>,
) -> Reminded {
    let received = &due.stored.received;
    let (id, reminder) = (received.id, due.reminder);
    match delivery
        .store()
        .claim_reminder(id, reminder, delivery.now(), lease_until)
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
    let waited = delivery.policy().waits(received.urgent, reminder);
    if let Err(error) = send_reminder(delivery, received, kind).await {
        tracing::warn!(submission_id = %id, reminder = kind.as_str(), error = %error, "a reminder could not be sent; the next run tries again");
        if let Err(e) = delivery.store().release_reminder(id).await {
            tracing::warn!(submission_id = %id, error = %e, "could not give a reminder's claim back; it lapses");
        }
        return Reminded::Failed;
    }
    tracing::warn!(event = "follow_up_overdue", submission_id = %id, reminder = kind.as_str(), waited_business_hours = waited, "a request is still new after its follow-up time; reminder sent");
    let next = (reminder == Reminder::Staff && delivery.notifier().sends(EmailKind::Escalation))
        .then(|| {
            let at = delivery.policy().due_at(
                received.received_at,
                received.urgent,
                Reminder::Escalation,
            );
            (Reminder::Escalation, at)
        });
    // The first reminder is when a request becomes overdue: `request.overdue`, once.
    let outbox = match reminder {
        Reminder::Staff => {
            let subject = Subject::Request(received, Some(FollowUpState::New));
            let now = delivery.now();
            webhooks.outbox(EventType::Overdue, now, subject).await
        }
        Reminder::Escalation => Outbox::default(),
    };
    if let Err(error) = delivery
        .store()
        .complete_reminder(id, reminder, delivery.now(), next, &outbox)
        .await
    {
        // Its lease lapses and a later run may send it once more: at least once, never none.
        tracing::warn!(submission_id = %id, error = %error, "a reminder was sent but not recorded");
    }
    Reminded::Sent
}

async fn send_reminder(
    delivery: &Delivery,
    received: &ReceivedRequest,
    kind: EmailKind,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let escalation = kind == EmailKind::Escalation;
    let settings = delivery.settings();
    // A reminder goes to the assignee first (the front desk's without one); an escalation to
    // `ESCALATE_TO` whoever it is assigned to.
    let recipients = delivery.recipients(received).await;
    let email = render(
        &settings
            .reminder(received, escalation, delivery.now())
            .with_assignee(recipients.assigned_to.as_deref()),
    )?;
    let reply_to = settings.reply_to(received);
    if escalation {
        delivery
            .notifier()
            .send_about(kind, &email, &reply_to, received.id)
            .await?;
    } else {
        delivery
            .notifier()
            .send_to(kind, &recipients.to, &email, &reply_to, received.id)
            .await?;
    }
    Ok(())
}

enum Reminded {
    Sent,
    NotClaimed,
    Failed,
}
