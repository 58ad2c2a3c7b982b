//! The scheduled run: EventBridge Scheduler invokes the function every five minutes with
//! `{"action": "scheduled_run"}`. It reads only what is due, in the contract's order (staff
//! notifications, then fallbacks, then reminders and escalations, each oldest due first, then the
//! review digest and the weekly summary, then the daily checks: the heartbeat's probe and the
//! quiet form), stops starting work before the invocation's deadline and leaves the rest to
//! the next run. A step that fails does not stop the ones after it; the run then reports the
//! failure, so Lambda counts an error and the alarm on the function's errors sees it.

use crate::app::App;
use crate::deadline::Deadline;
use crate::store::StoreError;
use serde_json::Value;

fn json(report: impl serde::Serialize) -> Value {
    serde_json::to_value(report).unwrap_or_default()
}

/// Runs every step; the answer is each step's report. `heartbeat_url` is the public URL the
/// schedule's input names, for the daily probe.
pub async fn run(
    app: &App,
    heartbeat_url: Option<&str>,
    deadline: Deadline,
) -> Result<Value, StoreError> {
    let delivery = app.delivery();
    let mut answer = serde_json::Map::new();
    let mut first_error = None;
    let mut record = |name: &str, report: Result<Value, StoreError>| match report {
        Ok(value) => {
            answer.insert(name.to_owned(), value);
        }
        Err(error) => {
            tracing::error!(event = "scheduled_step_failed", step = name, error = %error, "a step of the scheduled run failed; the next run tries again");
            first_error.get_or_insert(error);
        }
    };
    record(
        "notifications",
        delivery
            .retry_pending_notifications(deadline)
            .await
            .map(json),
    );
    record(
        "fallbacks",
        delivery.retry_fallbacks(deadline).await.map(json),
    );
    record(
        "reminders",
        delivery.send_follow_up_reminders(deadline).await.map(json),
    );
    record(
        "review_digest_sent",
        delivery.send_review_digest(deadline).await.map(Value::from),
    );
    record(
        "weekly_summary_sent",
        delivery
            .send_weekly_summary(deadline)
            .await
            .map(Value::from),
    );
    record(
        "daily_checks",
        app.heartbeat()
            .daily(
                app.store(),
                delivery.notifier(),
                app.now(),
                heartbeat_url,
                deadline,
            )
            .await
            .map(json),
    );
    match first_error {
        Some(error) => Err(error),
        None => Ok(Value::Object(answer)),
    }
}
