//! The webhooks due: a step of the five-minute run, and the whole of the one-minute run
//! (`{"action": "send_webhooks"}`), so a change's first attempt goes within a minute.

use super::Run;
use crate::app::App;
use crate::deadline::Deadline;
use crate::store::StoreError;
use crate::webhooks::SendReport;
use serde_json::Value;

pub async fn run(run: &Run<'_>) -> Result<SendReport, StoreError> {
    run.app
        .webhooks()
        .send_due(run.app.now(), run.deadline)
        .await
}

/// The one-minute run. Like the five-minute run, a failure is logged and the invocation still
/// succeeds: the next minute tries again.
pub async fn send_now(app: &App, deadline: Deadline) -> Value {
    match run(&Run::new(app, deadline)).await {
        Ok(report) => serde_json::json!({ "webhooks": report, "failed_steps": [] }),
        Err(error) => {
            tracing::error!(event = "scheduled_step_failed", step = "webhooks", error = %error, "a step of the scheduled run failed; the next run tries again");
            serde_json::json!({ "failed_steps": ["webhooks"] })
        }
    }
}
