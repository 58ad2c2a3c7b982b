//! Held for review: what the review digest lists, with *Not spam* (the same release as the
//! digest's button). The front desk's and admins'.

use super::access::{self, Visitor};
use super::pages::practice_time;
use super::pages::{self, Chrome};
use super::request::ConsoleRequest;
use super::templates::HeldPage;
use super::{Console, ConsoleError};
use crate::access_log::Action;
use crate::app::App;
use crate::domain::{HoldReason, SubmissionId};
use crate::store::Released;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub async fn list(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    if !visitor.member.role.sees_every_request() {
        return Err(ConsoleError::NotFound);
    }
    let held = app.store().held_for_review().await?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::Listed)
            .about(held.iter().map(|h| h.id))
            .detail("held"),
    )
    .await?;
    let t = console.texts(app);
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("held-title"));
    chrome.nav = Some(visitor.nav());
    let page = HeldPage {
        chrome,
        rows: held
            .iter()
            .map(|h| {
                (
                    console.link(&format!("/staff/held/{}/release", h.id)),
                    h.id.to_string(),
                    h.name.clone(),
                    practice_time(app, h.received_at),
                    t.get(&format!("held-{}", h.reason.as_str())),
                    h.urgent,
                    // An urgent request without the captcha went to staff at once.
                    h.urgent && h.reason == HoldReason::NoCaptcha,
                )
            })
            .collect(),
        csrf: visitor.session.csrf.clone(),
    };
    Ok(pages::render(StatusCode::OK, &page))
}

pub async fn release(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    if !visitor.member.role.sees_every_request() {
        return Err(ConsoleError::Forbidden);
    }
    access::log_about(app, console, req, visitor, Action::Released, id).await?;
    match crate::app::release::release_now(app, id).await? {
        Released::Gone => Err(ConsoleError::Erased),
        Released::Now | Released::StoppedHolding | Released::Already => {
            Ok(pages::see_other(&console.link("/staff/held")))
        }
    }
}
