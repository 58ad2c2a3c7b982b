//! The weekly summary to staff: Monday morning in the practice's time zone, once (claimed by a
//! conditional write), the follow-up figures of the past seven days. No message text.

use super::stats::FollowUpStats;
use crate::delivery::Delivery;
use crate::notify::NotificationEmail;
use crate::store::StoreError;
use chrono::{Datelike, Duration, Timelike, Weekday};

/// From this hour on Monday (practice time) the week's summary goes out.
const SENDS_FROM_HOUR: u32 = 8;

impl Delivery {
    /// Sends the weekly summary when it is due and not sent yet; true when it went.
    pub async fn send_weekly_summary(&self) -> Result<bool, StoreError> {
        let now = self.clock.now();
        let local = now.with_timezone(&self.settings.timezone);
        if local.weekday() != Weekday::Mon || local.hour() < SENDS_FROM_HOUR {
            return Ok(false);
        }
        let week = local.iso_week();
        let name = format!("{}-W{:02}", week.year(), week.week());
        if !self.store.claim_weekly_summary(&name, now).await? {
            return Ok(false);
        }
        let (requests, _) = self
            .store
            .requests_since(Some(now - Duration::days(7)), &mut |_| {})
            .await?;
        let stats = FollowUpStats::of(&requests);
        let email = summary_email(&stats, &name);
        match self.notifier.send_summary(&email).await {
            Ok(_) => {
                tracing::info!(event = "weekly_summary", week = %name, received = stats.received, open = stats.open.len(), "weekly summary sent");
                Ok(true)
            }
            Err(error) => {
                tracing::warn!(event = "weekly_summary_failed", week = %name, error = %error, "the weekly summary could not be sent");
                self.store.release_weekly_summary(&name).await?;
                Ok(false)
            }
        }
    }
}

/// Only counts and references go into it: nothing to escape but what is written here.
fn summary_email(stats: &FollowUpStats, week: &str) -> NotificationEmail {
    let lines = stats.lines();
    let text = format!(
        "Consultation requests, the seven days to this morning ({week}):\n\n{}\n\nLook a request up by its reference with consultation-admin show, or in the staff email.\n",
        lines.join("\n")
    );
    let items: String = lines
        .iter()
        .map(|line| format!("<li>{line}</li>"))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Weekly summary</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;\"><h1 style=\"font-size:18px;\">Consultation requests, the seven days to this morning ({week})</h1><ul>{items}</ul><p style=\"color:#52606d;\">Look a request up by its reference with consultation-admin show, or in the staff email.</p></body></html>"
    );
    NotificationEmail {
        subject: format!(
            "Weekly summary: {} consultation requests, {} still open",
            stats.received,
            stats.open.len()
        ),
        text,
        html,
    }
}
