//! The scheduled run: EventBridge Scheduler invokes the function every five minutes with
//! `{"action": "scheduled_run"}`. Its steps, in the contract's order, each one function of the
//! same shape ([`Step::run`]): staff notifications still pending, then fallbacks, then reminders
//! and escalations (each oldest due first), then the review digest and the weekly summary, then
//! the daily checks (the heartbeat's probe, the quiet form, doctor's test email), then the
//! one-time upgrade of older requests for the console, and last the webhooks due (which have a
//! one-minute run of their own too). Each reads only
//! what is due and stops starting work before the invocation's deadline, leaving the rest to the
//! next run.
//!
//! A step that fails is logged (`scheduled_step_failed`, which an alarm watches) and does not
//! stop the ones after it, nor fail the invocation: the scheduler invokes asynchronously, so a
//! failed invocation would be run twice more by Lambda and then parked in the dead-letter queue,
//! for a job that runs again by itself five minutes later.

pub mod daily_checks;
pub mod fallbacks;
pub mod notifications;
pub mod reminders;
pub mod review_digest;
pub mod upgrade;
pub mod webhooks;
pub mod weekly_summary;

pub use daily_checks::DailyReport;
pub use fallbacks::FallbackReport;
pub use notifications::RetryReport;
pub use reminders::ReminderReport;

use crate::app::App;
use crate::deadline::Deadline;
use crate::store::StoreError;
use serde_json::Value;

/// One scheduled run: what every step works with.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub app: &'a App,
    pub deadline: Deadline,
    /// The public URL the schedule's input names, for the daily probe.
    pub heartbeat_url: Option<&'a str>,
}

impl<'a> Run<'a> {
    pub fn new(app: &'a App, deadline: Deadline) -> Self {
        Self {
            app,
            deadline,
            heartbeat_url: None,
        }
    }
}

/// The steps, by the name each has in the run's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Notifications,
    Fallbacks,
    Reminders,
    /// The practice's webhooks due (every minute on their own schedule too).
    Webhooks,
    ReviewDigest,
    WeeklySummary,
    DailyChecks,
    /// The one-time upgrade of requests stored before the console.
    Upgrade,
}

impl Step {
    /// The contract's order.
    pub const IN_ORDER: [Step; 8] = [
        Step::Notifications,
        Step::Fallbacks,
        Step::Reminders,
        Step::ReviewDigest,
        Step::WeeklySummary,
        Step::DailyChecks,
        Step::Upgrade,
        // Last: a receiver that does not answer never delays the steps about people.
        Step::Webhooks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Step::Notifications => "notifications",
            Step::Fallbacks => "fallbacks",
            Step::Reminders => "reminders",
            Step::Webhooks => "webhooks",
            Step::ReviewDigest => "review_digest_sent",
            Step::WeeklySummary => "weekly_summary_sent",
            Step::DailyChecks => "daily_checks",
            Step::Upgrade => "upgrade",
        }
    }

    /// Runs the step; its report as JSON.
    pub async fn run(self, run: &Run<'_>) -> Result<Value, StoreError> {
        fn json(report: impl serde::Serialize) -> Value {
            serde_json::to_value(report).unwrap_or_default()
        }
        Ok(match self {
            Step::Notifications => json(notifications::run(run).await?),
            Step::Fallbacks => json(fallbacks::run(run).await?),
            Step::Reminders => json(reminders::run(run).await?),
            Step::Webhooks => json(webhooks::run(run).await?),
            Step::ReviewDigest => json(review_digest::run(run).await?),
            Step::WeeklySummary => json(weekly_summary::run(run).await?),
            Step::DailyChecks => json(daily_checks::run(run).await?),
            Step::Upgrade => json(upgrade::run(run).await?),
        })
    }
}

/// Runs every step; the answer is each step's report, and `failed_steps` names those that failed.
pub async fn run(app: &App, heartbeat_url: Option<&str>, deadline: Deadline) -> Value {
    let run = Run {
        app,
        deadline,
        heartbeat_url,
    };
    let mut answer = serde_json::Map::new();
    let mut failed = Vec::new();
    for step in Step::IN_ORDER {
        match step.run(&run).await {
            Ok(report) => {
                answer.insert(step.name().to_owned(), report);
            }
            Err(error) => {
                tracing::error!(event = "scheduled_step_failed", step = step.name(), error = %error, "a step of the scheduled run failed; the next run tries again");
                failed.push(Value::from(step.name()));
            }
        }
    }
    answer.insert("failed_steps".to_owned(), Value::Array(failed));
    Value::Object(answer)
}
