//! The step-up: a passkey check within the last 5 minutes before a sensitive action.

use super::{count, encode, take, with_ceremony};
use crate::access_log::Action;
use crate::app::App;
use crate::console::access::{self, Visitor, return_path};
use crate::console::pages::{self, Chrome};
use crate::console::request::ConsoleRequest;
use crate::console::templates::{Ceremony, CeremonyPage};
use crate::console::{Console, ConsoleError};
use crate::staff::{Attempt, CeremonyKind, PendingCeremony};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::json;

/// The step-up page: one passkey check, then back to where the action was.
pub fn step_up_page(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Response<Body> {
    let t = console.texts(app);
    let back = return_path(&console.config.base_path, req.param("return"));
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("step-up-title"));
    chrome.nav = Some(visitor.nav());
    chrome.csrf = Some(visitor.session.csrf.clone());
    chrome.with_script = true;
    let page = CeremonyPage {
        chrome,
        lead: vec![t.get("step-up-lead")],
        failed: None,
        ceremony: Ceremony {
            kind: "get",
            options: console.link(&format!("/staff/step-up/options?return={}", encode(&back))),
            finish: console.link("/staff/step-up"),
            label: t.get("step-up-button"),
            conditional: false,
            failed: t.get("step-up-failed"),
        },
        autofill_label: None,
        no_script: t.get("needs-javascript"),
    };
    pages::render(StatusCode::OK, &page)
}

pub async fn step_up_options(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    count(app, console, req, Attempt::Challenge).await?;
    let passkeys = console.staff.passkeys_of(visitor.member.id).await?;
    let (options, state) = console
        .ceremonies
        .start_step_up(&passkeys)
        .map_err(|_| ConsoleError::Forbidden)?;
    let pending = PendingCeremony {
        kind: CeremonyKind::StepUp,
        state,
        member: Some(visitor.member.id),
        invite: None,
        return_to: Some(return_path(&console.config.base_path, req.param("return"))),
    };
    let id = console.staff.put_ceremony(&pending, app.now()).await?;
    Ok(with_ceremony(&options, &id))
}

pub async fn step_up(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    let now = app.now();
    let client = access::client_hash(app, req);
    if let Err(seconds) = console
        .staff
        .attempts_left(Attempt::FailedSignIn, &client, now)
        .await?
    {
        return Err(ConsoleError::TooMany(seconds));
    }
    let pending = take(app, console, req, CeremonyKind::StepUp)
        .await?
        .filter(|p| p.member == Some(visitor.member.id));
    let mut passkeys = console.staff.passkeys_of(visitor.member.id).await?;
    let checked = pending.as_ref().and_then(|p| {
        console
            .ceremonies
            .finish_step_up(
                &p.state,
                req.json.as_deref().unwrap_or_default(),
                &mut passkeys,
            )
            .ok()
    });
    let Some(used) = checked else {
        let _ = console
            .staff
            .count_attempt(Attempt::FailedSignIn, &client, now)
            .await?;
        access::log(
            app,
            console,
            req,
            access::entry(app, visitor, Action::SignInFailed).detail("step-up"),
        )
        .await?;
        return Err(ConsoleError::Forbidden);
    };
    console.staff.passkey_used(&passkeys[used], now).await?;
    console.staff.stepped_up(&visitor.session.hash, now).await?;
    let back = pending
        .and_then(|p| p.return_to)
        .unwrap_or_else(|| console.link("/staff/requests"));
    Ok(pages::json(StatusCode::OK, &json!({ "redirect": back })))
}
