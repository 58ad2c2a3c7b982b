//! When a request counts as waiting too long: the follow-up time in business hours (urgent
//! requests: one), and twice that before the escalation.

use crate::domain::BusinessHours;
use crate::domain::Reminder;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
