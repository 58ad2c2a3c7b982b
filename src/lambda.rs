//! The Lambda entry point: one binary answers API Gateway requests and the retry schedule.
//!
//! EventBridge Scheduler invokes the function every few minutes with `{"action":
//! "retry_notifications"}`; every other event is an API Gateway HTTP API request.

use crate::app::App;
use crate::http::envelope::guard_body_encoding;
use chrono::{DateTime, Duration, Utc};
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Request, Service, service_fn};
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;

pub const RETRY_ACTION: &str = "retry_notifications";

/// Time kept free at the end of a retry run, so the last send finishes before the deadline.
const RETRY_RESERVE: Duration = Duration::seconds(10);

/// Runs the Lambda runtime loop until the process ends.
pub async fn run(app: Arc<App>) -> Result<(), lambda_http::Error> {
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let app = Arc::clone(&app);
        async move { dispatch(&app, event).await }
    }))
    .await
}

/// Routes one invocation to the retry path or to the HTTP handler.
pub async fn dispatch(
    app: &Arc<App>,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_http::Error> {
    let LambdaEvent { payload, context } = event;
    if payload.get("action").and_then(Value::as_str) == Some(RETRY_ACTION) {
        let report = app
            .retry_pending_notifications(retry_stop_at(&context))
            .await?;
        return Ok(serde_json::to_value(report)?);
    }
    let mut request: LambdaRequest = serde_json::from_value(payload)
        .map_err(|e| format!("not an API Gateway HTTP API event nor a retry run: {e}"))?;
    guard_body_encoding(&mut request);
    let handler = Arc::clone(app);
    let mut adapter = Adapter::from(service_fn(move |request: Request| {
        let app = Arc::clone(&handler);
        async move { Ok::<_, Infallible>(app.handle(request).await) }
    }));
    let response = adapter
        .call(LambdaEvent::new(request, context))
        .await
        .map_err(|never: Infallible| match never {})?;
    Ok(serde_json::to_value(response)?)
}

fn retry_stop_at(context: &Context) -> DateTime<Utc> {
    i64::try_from(context.deadline)
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map_or_else(
            || Utc::now() + Duration::seconds(10),
            |deadline| deadline - RETRY_RESERVE,
        )
}
