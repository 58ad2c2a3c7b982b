//! The weekly summary to staff: Monday morning in the practice's time zone, once, the follow-up
//! figures of the past seven days and every request still open, however old. No message text.
//! The week is claimed with a lease and counts as sent only once SES accepted it: a run that
//! fails at any step, or dies, leaves it for the next run. It reads the week by query (the
//! requests by day) and the open requests once a week, never a scan of the table.

use super::Run;
use crate::deadline::Deadline;
use crate::delivery::Delivery;
use crate::follow_up::stats::FollowUpStats;
use crate::notify::{WeeklySummary, render};
use crate::store::StoreError;
use chrono::{Datelike, Duration, Timelike, Weekday};

/// From this hour on Monday (practice time) the week's summary goes out.
const SENDS_FROM_HOUR: u32 = 8;

/// Sends this week's summary if it is due and not sent yet; true when this run sent it.
pub async fn run(run: &Run<'_>) -> Result<bool, StoreError> {
    send(run.app.delivery(), run.deadline).await
}

async fn send(delivery: &Delivery, deadline: Deadline) -> Result<bool, StoreError> {
    let now = delivery.now();
    let local = now.with_timezone(&delivery.settings().timezone);
    if local.weekday() != Weekday::Mon || local.hour() < SENDS_FROM_HOUR {
        return Ok(false);
    }
    let week = local.iso_week();
    let name = format!("{}-W{:02}", week.year(), week.week());
    if !delivery
        .store()
        .claim_weekly_summary(&name, now, deadline.claim_until(now))
        .await?
    {
        return Ok(false);
    }
    let sent = async {
        let mut week_entries = delivery
            .store()
            .received_between(now - Duration::days(7), now)
            .await?;
        let received: Vec<_> = week_entries
            .iter()
            .filter(|e| e.hold.is_none())
            .map(|e| e.id)
            .collect();
        let languages = delivery.store().languages_of(&received).await?;
        for entry in &mut week_entries {
            entry.language = languages.get(&entry.id).copied();
        }
        let open = delivery.store().open_follow_ups().await?;
        let stats = FollowUpStats::of_week(&week_entries, open);
        let mut lines = stats.lines();
        // An extra line: a staff table that cannot be read never holds the summary back.
        match delivery.open_by_clinician().await {
            Ok(line) => lines.extend(line),
            Err(error) => {
                tracing::warn!(event = "summary_by_clinician_failed", error = %error, "the weekly summary goes without open requests by clinician");
            }
        }
        let email = render(&WeeklySummary {
            week: name.clone(),
            received: stats.received,
            open: stats.open.len(),
            lines,
        })?;
        delivery.notifier().send_summary(&email).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(stats)
    };
    match deadline.within(sent).await {
        Some(Ok(stats)) => {
            tracing::info!(event = "weekly_summary", week = %name, received = stats.received, open = stats.open.len(), "weekly summary sent");
            if let Err(error) = delivery.store().complete_weekly_summary(&name, now).await {
                // Its lease lapses and a later run sends it once more: at least once.
                tracing::warn!(week = %name, error = %error, "the weekly summary was sent but not recorded");
            }
            Ok(true)
        }
        failed => {
            let error = failed.map_or_else(
                || "out of time".to_owned(),
                |result| result.err().map(|e| e.to_string()).unwrap_or_default(),
            );
            tracing::warn!(event = "weekly_summary_failed", week = %name, error = %error, "the weekly summary could not be sent; the next run tries again");
            delivery.store().release_weekly_summary(&name).await?;
            Ok(false)
        }
    }
}
