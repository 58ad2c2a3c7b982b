//! The HTTP edge: reads a Lambda request once ([`Inbound`]), routes it, hands a submission to the
//! pipeline ([`App::accept`]) and turns the outcome into the contract's response, with one summary
//! log line per request.

pub mod cors;
pub mod envelope;
mod follow_up_link;
mod hosted_form;
mod page;
mod release;
pub mod request;
pub mod response;

pub use page::Page;
pub use request::{ClientKind, Inbound, PATH, Route};

use crate::app::{Accepted, App, Submission};
use crate::error::RequestError;
use cors::OriginCheck;
use futures_util::FutureExt;
use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use response::Responder;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

/// What the summary log line says about a request. Holds no submitted value.
struct Summary {
    outcome: &'static str,
    submission_id: Option<String>,
    field_errors: Vec<String>,
    notify: Option<&'static str>,
}

impl Summary {
    fn new(outcome: &'static str) -> Self {
        Self {
            outcome,
            submission_id: None,
            field_errors: Vec::new(),
            notify: None,
        }
    }

    fn of_error(error: &RequestError) -> Self {
        let mut summary = Self::new(error.outcome());
        if let RequestError::Validation(fields) = error {
            summary.field_errors = fields.codes();
        }
        summary
    }
}

/// Answers one request. Never fails: a panic becomes a `500` with the request id.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let started = Instant::now();
    let config = app.config();
    let inbound = Inbound::read(&request, config);
    let responder =
        Responder::for_request(&inbound, &config.catalogues).with_contact(&config.practice_contact);
    let handled = AssertUnwindSafe(answer(app, &inbound, &responder))
        .catch_unwind()
        .await;
    let (response, summary) = handled.unwrap_or_else(|_| {
        let error = RequestError::Internal("panic while handling the request");
        (responder.error(&error), Summary::new("error"))
    });
    log_summary(
        &inbound.request_id,
        &summary,
        response.status().as_u16(),
        started,
    );
    response
}

async fn answer(
    app: &App,
    inbound: &Inbound<'_>,
    responder: &Responder,
) -> (Response<Body>, Summary) {
    let refuse = |error: RequestError| (responder.error(&error), Summary::of_error(&error));
    match inbound.route {
        Route::NotFound => return refuse(RequestError::NotFound),
        Route::FollowUp(id) => {
            return match follow_up_link::answer(app, inbound, id, responder).await {
                Ok((response, outcome)) => (response, Summary::new(outcome)),
                Err(error) => refuse(error),
            };
        }
        Route::Release(id) => {
            return match release::answer(app, inbound, id, responder).await {
                Ok((response, outcome)) => (response, Summary::new(outcome)),
                Err(error) => refuse(error),
            };
        }
        Route::Form | Route::Embed => {
            let embed = inbound.route == Route::Embed;
            return match hosted_form::answer(app, inbound, responder, embed) {
                Ok(response) => (response, Summary::new("form_shown")),
                Err(error) => refuse(error),
            };
        }
        Route::Consultations => {}
    }
    match inbound.method {
        Method::OPTIONS => {
            let allowed = matches!(inbound.origin, OriginCheck::Allowed(_));
            let outcome = if allowed { "preflight" } else { "invalid" };
            return (responder.preflight(&inbound.origin), Summary::new(outcome));
        }
        Method::POST if inbound.origin == OriginCheck::Refused => {
            return refuse(RequestError::OriginNotAllowed);
        }
        Method::POST => {}
        _ => return refuse(RequestError::MethodNotAllowed),
    }
    if let Some(probe) = crate::app::probe::receive(app, inbound.heartbeat, inbound.raw_body).await
    {
        return match probe {
            Ok(id) => (
                responder.probe_answered(&id.to_string()),
                Summary::new("heartbeat"),
            ),
            Err(crate::app::probe::ProbeFailed::Refused(reason)) => {
                refuse(RequestError::HeartbeatRefused(reason))
            }
            Err(_) => refuse(RequestError::Internal(
                "the heartbeat could not be answered",
            )),
        };
    }
    let body = match &inbound.body {
        Some(Ok(body)) => body,
        Some(Err(error)) => return refuse((*error).into()),
        None => return refuse(RequestError::NotFound),
    };
    let submission = Submission {
        request_id: &inbound.request_id,
        body,
        source_ip: inbound.source_ip.as_deref(),
        domain_name: inbound.domain_name.as_deref(),
        deadline: inbound.deadline,
        form_post: inbound.client == ClientKind::Html,
        language: inbound.language,
        allowed: &inbound.allowed,
    };
    let thank_you_url = app.config().thank_you_url.as_deref();
    match app.accept(submission).await {
        Ok(accepted) => {
            let (outcome, id, notify, notice) = match accepted {
                Accepted::Stored { id, notify, notice } => {
                    ("stored", id, Some(notify.as_str()), notice)
                }
                Accepted::Spam { id } => ("spam", id, None, None),
                Accepted::Replayed { id } => ("duplicate", id, None, None),
            };
            let hosted = inbound.hosted_form && inbound.client == ClientKind::Html;
            let response = if hosted {
                let mut page = hosted_form::thank_you(app, responder, &id.to_string(), notice);
                if matches!(accepted, Accepted::Replayed { .. }) {
                    page.headers_mut().insert(
                        "idempotent-replayed",
                        lambda_http::http::HeaderValue::from_static("true"),
                    );
                }
                page
            } else if matches!(accepted, Accepted::Replayed { .. }) {
                responder.replayed(&id.to_string(), thank_you_url)
            } else {
                responder.accepted(&id.to_string(), thank_you_url, notice)
            };
            let mut summary = Summary::new(outcome);
            summary.submission_id = Some(id.to_string());
            summary.notify = notify;
            (response, summary)
        }
        Err(RequestError::Validation(fields))
            if inbound.hosted_form && inbound.client == ClientKind::Html =>
        {
            let response = hosted_form::with_errors(app, inbound, responder, &fields);
            (
                response,
                Summary::of_error(&RequestError::Validation(fields)),
            )
        }
        Err(error) => {
            if let RequestError::StorageUnavailable(_) | RequestError::Internal(_) = &error {
                tracing::error!(request_id = %inbound.request_id, error = %error, "request failed");
            }
            refuse(error)
        }
    }
}

fn log_summary(request_id: &str, summary: &Summary, status: u16, started: Instant) {
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let submission_id = summary.submission_id.as_deref().unwrap_or("");
    let field_errors = summary.field_errors.join(",");
    let notify = summary.notify.unwrap_or("");
    if summary.outcome == "error" {
        tracing::error!(target: "consultation_form::request", request_id, submission_id, outcome = summary.outcome, status, duration_ms, field_errors, notify, "request handled");
    } else {
        tracing::info!(target: "consultation_form::request", request_id, submission_id, outcome = summary.outcome, status, duration_ms, field_errors, notify, "request handled");
    }
}
