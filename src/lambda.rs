//! The Lambda entry point: every kind of invocation one binary answers, decoded once into
//! [`Invocation`], each to its own entry.
//!
//! - EventBridge Scheduler, every five minutes: `{"action": "scheduled_run", "heartbeat_url":
//!   …}` (the scheduled run; `retry_notifications`, its name before, is still accepted, so a stack
//!   deployed before keeps working until its next deploy);
//! - EventBridge Scheduler, every minute: `{"action": "send_webhooks"}` (the webhooks due);
//! - SES receiving, with `REPLY_TRACKING_DOMAIN`: the receipt event of a reply to a staff email;
//! - EventBridge: SES's events about the emails the function sent (`source` `aws.ses`);
//! - API Gateway HTTP API (payload 2.0): every request.

use crate::app::App;
use crate::console::ConsoleCell;
use crate::deadline::Deadline;
use crate::delivery::SesEventDetail;
use crate::http::envelope::{guard_body_encoding, guard_uri};
use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use aws_lambda_events::ses::SimpleEmailEvent;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, LambdaEvent, Request, Service, service_fn};
use serde::Deserialize;
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;

/// The EventBridge `source` of SES's events.
pub const SES_SOURCE: &str = "aws.ses";

/// One invocation, by what invoked the function. The variants are tried in this order; each
/// needs fields the ones after it never have (`action`, `Records`, `detail-type`), so an API
/// Gateway event is never taken for another.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Invocation {
    Scheduled(ScheduledAction),
    Reply(Box<SimpleEmailEvent>),
    SesEvent(Box<EventBridgeEvent<SesEventDetail>>),
    Http(Box<ApiGatewayV2httpRequest>),
}

/// The scheduled run's input, set by the schedule in the template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledAction {
    pub action: ActionName,
    /// The public URL the daily heartbeat probes (the function's own environment cannot name
    /// its API without a cycle in the template; the schedule's input can).
    #[serde(default)]
    pub heartbeat_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ActionName {
    #[serde(rename = "scheduled_run", alias = "retry_notifications")]
    ScheduledRun,
    /// Every minute: the webhooks due (first attempts within a minute of their change).
    #[serde(rename = "send_webhooks")]
    SendWebhooks,
}

/// The function as one instance runs it: the app built at cold start, and the staff console,
/// built on its first request (a form post never builds it).
pub struct Function {
    pub app: Arc<App>,
    pub console: Arc<ConsoleCell>,
}

impl Function {
    pub fn new(app: Arc<App>) -> Self {
        Self {
            app,
            console: Arc::new(ConsoleCell::new()),
        }
    }
}

/// Runs the Lambda runtime loop until the process ends.
pub async fn run(app: Arc<App>) -> Result<(), lambda_http::Error> {
    let function = Arc::new(Function::new(app));
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Invocation>| {
        let function = Arc::clone(&function);
        async move { dispatch(&function, event).await }
    }))
    .await
}

/// Hands one invocation to its entry.
pub async fn dispatch(
    function: &Function,
    event: LambdaEvent<Invocation>,
) -> Result<Value, lambda_http::Error> {
    let app = &function.app;
    let LambdaEvent { payload, context } = event;
    match payload {
        Invocation::Scheduled(ScheduledAction {
            action: ActionName::SendWebhooks,
            ..
        }) => {
            let deadline = Deadline::of(&context);
            Ok(crate::scheduled_run::webhooks::send_now(app, deadline).await)
        }
        Invocation::Scheduled(action) => {
            let deadline = Deadline::of(&context);
            let url = action.heartbeat_url.as_deref();
            // Boxed: the run's future nests every step's, and is only built every five minutes.
            Ok(Box::pin(crate::scheduled_run::run(app, url, deadline)).await)
        }
        Invocation::Reply(event) => {
            let report = crate::app::replies::record(app, *event).await?;
            Ok(serde_json::to_value(report)?)
        }
        Invocation::SesEvent(event) if event.source == SES_SOURCE => {
            let report = app.delivery().record_ses_event(*event).await?;
            Ok(serde_json::to_value(report)?)
        }
        Invocation::SesEvent(event) => {
            tracing::warn!(event = "event_ignored", source = %event.source, "an EventBridge event from another source; ignored");
            Ok(Value::Null)
        }
        Invocation::Http(request) => {
            let mut request = LambdaRequest::ApiGatewayV2(*request);
            guard_body_encoding(&mut request);
            guard_uri(&mut request);
            let handler = Arc::clone(app);
            let console = Arc::clone(&function.console);
            let mut adapter = Adapter::from(service_fn(move |request: Request| {
                let app = Arc::clone(&handler);
                let console = Arc::clone(&console);
                async move { Ok::<_, Infallible>(route(&app, &console, request).await) }
            }));
            let response = adapter
                .call(LambdaEvent::new(request, context))
                .await
                .map_err(|never: Infallible| match never {})?;
            Ok(serde_json::to_value(response)?)
        }
    }
}

/// A request on the console's host goes to the console; every other to the form's API (where
/// `/staff` is not found).
pub async fn route(
    app: &App,
    console: &ConsoleCell,
    request: Request,
) -> lambda_http::Response<lambda_http::Body> {
    match &app.config().console {
        Some(config) if crate::console::is_console_host(&request, config) => {
            crate::console::handle(app, console, request).await
        }
        _ => crate::http::handle(app, request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(path: &std::path::Path) -> Invocation {
        let text = std::fs::read_to_string(path).unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn every_sample_event_is_decoded_as_what_sends_it() {
        let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
        let mut seen = 0;
        for (folder, kind) in [
            ("", "http"),
            ("turnstile", "http"),
            ("scheduled", "scheduled"),
            ("ses", "ses"),
            ("ses-receipt", "reply"),
        ] {
            for entry in std::fs::read_dir(events.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let decoded = match decoded(&path) {
                    Invocation::Scheduled(_) => "scheduled",
                    Invocation::Reply(_) => "reply",
                    Invocation::SesEvent(event) if event.source == SES_SOURCE => "ses",
                    Invocation::SesEvent(_) => "other",
                    Invocation::Http(_) => "http",
                };
                assert_eq!(decoded, kind, "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen > 20, "{seen}");
    }

    #[test]
    fn the_scheduled_run_answers_to_its_old_name_and_nothing_else() {
        for action in ["scheduled_run", "retry_notifications"] {
            let invocation: Invocation =
                serde_json::from_value(serde_json::json!({ "action": action })).unwrap();
            assert!(matches!(invocation, Invocation::Scheduled(_)), "{action}");
        }
        let unknown = serde_json::from_value::<Invocation>(serde_json::json!({"action": "purge"}));
        assert!(unknown.is_err());
    }
}
