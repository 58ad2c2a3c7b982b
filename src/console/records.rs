//! An admin's erase and export of one request, each after a passkey check in the last 5 minutes
//! and written to the access log first; an erasure tells the webhooks (`request.erased`).

use super::access::{self, Visitor};
use super::pages;
use super::request::ConsoleRequest;
use super::request_page::show;
use super::{Console, ConsoleError};
use crate::access_log::Action;
use crate::app::App;
use crate::domain::SubmissionId;
use crate::webhooks::{EventType, Subject};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

pub async fn erase(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    admin_stepped_up(app, console, visitor, id)?;
    if req.field("confirm") != Some("yes") {
        return show(app, console, req, visitor, id, Vec::new()).await;
    }
    access::log_about(app, console, req, visitor, Action::Erased, id).await?;
    let outbox = app
        .webhooks()
        .outbox(EventType::Erased, app.now(), Subject::Erased(id))
        .await;
    if !app.store().erase_request(id, &outbox).await? {
        return Err(ConsoleError::Erased);
    }
    tracing::info!(event = "request_erased", submission_id = %id, by = "console", "a request was erased from the console");
    Ok(pages::see_other(&console.link("/staff/requests")))
}

pub async fn export(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    admin_stepped_up(app, console, visitor, id)?;
    let detail = app
        .store()
        .request_detail(id)
        .await?
        .ok_or(ConsoleError::Erased)?;
    access::log_about(app, console, req, visitor, Action::Exported, id).await?;
    let body = crate::admin::export::json_of(&detail.stored);
    let mut response = pages::json(StatusCode::OK, &body);
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"request-{id}.json\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Erase and export: an admin, with a passkey check in the last 5 minutes (else the step-up
/// page, which returns to the request).
fn admin_stepped_up(
    app: &App,
    console: &Console,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<(), ConsoleError> {
    if !visitor.is_admin() {
        return Err(ConsoleError::Forbidden);
    }
    if !visitor.stepped_up(app.now()) {
        return Err(ConsoleError::StepUp(
            console.link(&format!("/staff/requests/{id}")),
        ));
    }
    Ok(())
}
