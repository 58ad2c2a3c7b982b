//! The last step: the one-time upgrade of requests stored before the console (`store/upgrade.rs`),
//! a few days of them a run, newest first, back as far as requests are kept; then nothing, ever
//! again (one read a run).

use super::Run;
use crate::store::{StoreError, UpgradeState};
use chrono::Duration;

/// What this run's part of the upgrade did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct UpgradeReport {
    pub days: usize,
    pub opened: usize,
    pub phones: usize,
    pub done: bool,
}

/// Days upgraded by one run at most (a day is one query and a read by key): a year of requests
/// in a dozen runs, an hour.
const DAYS_PER_RUN: usize = 31;

pub async fn run(run: &Run<'_>) -> Result<UpgradeReport, StoreError> {
    let (store, config) = (run.app.store(), run.app.config());
    let today = run.app.now().date_naive();
    let oldest = today - Duration::days(i64::from(config.retention_days.get()));
    let mut report = UpgradeReport::default();
    let stop_at = run.deadline.stop_at(run.app.now());
    let mut next = match store.upgrade_state().await? {
        Some(UpgradeState::Done) => {
            report.done = true;
            return Ok(report);
        }
        Some(UpgradeState::Next(day)) => day,
        None => today,
    };
    while report.days < DAYS_PER_RUN && chrono::Utc::now() < stop_at {
        if next < oldest {
            store.save_upgrade_state(UpgradeState::Done).await?;
            report.done = true;
            tracing::info!(
                event = "console_upgrade_done",
                "every stored request is upgraded for the console"
            );
            return Ok(report);
        }
        let day = store.upgrade_day(next, &config.client_hash_key).await?;
        report.opened += day.opened;
        report.phones += day.phones;
        report.days += 1;
        next = next.pred_opt().unwrap_or(oldest);
    }
    // Saved once a run: a run stopped before this redoes a few days, which changes nothing.
    store.save_upgrade_state(UpgradeState::Next(next)).await?;
    Ok(report)
}
