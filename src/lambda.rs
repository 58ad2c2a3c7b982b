//! The Lambda entry point: the kinds of invocation one binary answers, each to its own entry.
//!
//! EventBridge Scheduler invokes the function every few minutes with `{"action":
//! "retry_notifications"}` (the scheduled run); EventBridge delivers SES's events about the staff emails (`"source":
//! "aws.ses"`); SES receiving delivers replies to the staff email (`"Records": [{"eventSource":
//! "aws:ses"}]`, with `REPLY_TRACKING_DOMAIN`); every other event is an API Gateway HTTP API request.

use crate::app::App;
use crate::deadline::Deadline;
use crate::http::envelope::{guard_body_encoding, guard_uri};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, LambdaEvent, Request, Service, service_fn};
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;

pub const RETRY_ACTION: &str = "retry_notifications";
/// The EventBridge `source` of SES's events.
pub const SES_SOURCE: &str = "aws.ses";

/// Runs the Lambda runtime loop until the process ends.
pub async fn run(app: Arc<App>) -> Result<(), lambda_http::Error> {
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = Arc::clone(&app);
        async move { dispatch(&app, event).await }
    }))
    .await
}

/// Routes one invocation to the retry run or to the HTTP edge.
pub async fn dispatch(
    app: &Arc<App>,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_http::Error> {
    let LambdaEvent { payload, context } = event;
    if payload.get("action").and_then(Value::as_str) == Some(RETRY_ACTION) {
        let heartbeat_url = payload.get("heartbeat_url").and_then(Value::as_str);
        let deadline = Deadline::of(&context);
        return Ok(crate::scheduled_run::run(app, heartbeat_url, deadline).await?);
    }
    if payload["Records"][0]["eventSource"].as_str()
        == Some(crate::follow_up::reply::RECEIPT_SOURCE)
    {
        let report = crate::follow_up::reply::record(app, payload).await?;
        return Ok(serde_json::to_value(report)?);
    }
    if payload.get("source").and_then(Value::as_str) == Some(SES_SOURCE) {
        let report = app.delivery().record_ses_event(payload).await?;
        return Ok(serde_json::to_value(report)?);
    }
    let mut request: LambdaRequest = serde_json::from_value(payload)
        .map_err(|e| format!("not an API Gateway HTTP API event nor a retry run: {e}"))?;
    guard_body_encoding(&mut request);
    guard_uri(&mut request);
    let handler = Arc::clone(app);
    let mut adapter = Adapter::from(service_fn(move |request: Request| {
        let app = Arc::clone(&handler);
        async move { Ok::<_, Infallible>(crate::http::handle(&app, request).await) }
    }));
    let response = adapter
        .call(LambdaEvent::new(request, context))
        .await
        .map_err(|never: Infallible| match never {})?;
    Ok(serde_json::to_value(response)?)
}
