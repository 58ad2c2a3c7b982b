//! Signing in: the page, the challenge (discoverable: no email asked), and the answer, which
//! starts a new session.

use super::{count, encode, signed_in, take, with_ceremony};
use crate::access_log::{Action, Actor, Entry};
use crate::app::App;
use crate::console::access::{self, return_path};
use crate::console::pages::{self, Chrome};
use crate::console::request::ConsoleRequest;
use crate::console::templates::{Ceremony, CeremonyPage};
use crate::console::{Console, ConsoleError};
use crate::staff::{Attempt, CeremonyKind, Member, PendingCeremony};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::json;

/// The sign-in page: one button (and the browser's passkey autofill where it has one).
pub fn sign_in_page(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    failed: bool,
) -> Response<Body> {
    let t = console.texts(app);
    // Back to the page asked for, once signed in (checked again when the options are made).
    let back = match req.route {
        crate::console::route::Route::Home => req.param("return").map(str::to_owned),
        _ => Some(console.link(&req.here)),
    };
    let back = return_path(&console.config.base_path, back.as_deref());
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("sign-in-title"));
    chrome.with_script = true;
    let page = CeremonyPage {
        chrome,
        lead: vec![t.get("sign-in-lead")],
        failed: (failed || req.param("failed").is_some()).then(|| t.get("sign-in-failed")),
        ceremony: Ceremony {
            kind: "get",
            options: console.link(&format!("/staff/sign-in/options?return={}", encode(&back))),
            finish: console.link("/staff/sign-in"),
            label: t.get("sign-in-button"),
            conditional: true,
            failed: t.get("sign-in-failed"),
        },
        autofill_label: Some(t.get("sign-in-autofill")),
        no_script: t.get("needs-javascript"),
    };
    pages::render(StatusCode::OK, &page)
}

pub async fn sign_in_options(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
) -> Result<Response<Body>, ConsoleError> {
    if !req.same_origin {
        return Err(ConsoleError::Forbidden);
    }
    count(app, console, req, Attempt::Challenge).await?;
    let (options, state) = console
        .ceremonies
        .start_sign_in()
        .map_err(|_| ConsoleError::Forbidden)?;
    let pending = PendingCeremony {
        kind: CeremonyKind::SignIn,
        state,
        member: None,
        invite: None,
        return_to: Some(return_path(&console.config.base_path, req.param("return"))),
    };
    let id = console.staff.put_ceremony(&pending, app.now()).await?;
    Ok(with_ceremony(&options, &id))
}

pub async fn sign_in(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
) -> Result<Response<Body>, ConsoleError> {
    if !req.same_origin {
        return Err(ConsoleError::Forbidden);
    }
    let client = access::client_hash(app, req);
    let now = app.now();
    if let Err(seconds) = console
        .staff
        .attempts_left(Attempt::FailedSignIn, &client, now)
        .await?
    {
        return Err(ConsoleError::TooMany(seconds));
    }
    let pending = take(app, console, req, CeremonyKind::SignIn).await?;
    let back = pending.as_ref().and_then(|p| p.return_to.clone());
    let (who, outcome) = match pending {
        None => (None, Err("no ceremony".to_owned())),
        Some(pending) => check_sign_in(app, console, req, &pending).await?,
    };
    let member = match outcome {
        Ok(member) => member,
        Err(why) => {
            let _ = console
                .staff
                .count_attempt(Attempt::FailedSignIn, &client, now)
                .await?;
            let who = who.map_or_else(|| "unknown".to_owned(), |id| id.to_string());
            access::log(
                app,
                console,
                req,
                Entry::new(Actor::Staff(who), Action::SignInFailed, now),
            )
            .await?;
            tracing::warn!(event = "staff_sign_in_failed", reason = %why, "a staff sign-in did not work");
            let again = console.link(&format!(
                "/staff?failed=1&return={}",
                encode(&back.unwrap_or_else(|| console.link("/staff/requests")))
            ));
            return Ok(pages::json(
                StatusCode::FORBIDDEN,
                &json!({ "redirect": again }),
            ));
        }
    };
    let ends = now + console.config.session;
    let (cookie, _) = console
        .staff
        .start_session(member.id, now, ends, req.browser)
        .await?;
    access::log(
        app,
        console,
        req,
        Entry::new(Actor::Staff(member.id.to_string()), Action::SignedIn, now),
    )
    .await?;
    let to = back.unwrap_or_else(|| console.link("/staff/requests"));
    Ok(signed_in(&json!({ "redirect": to }), &cookie, console))
}

/// Checks a sign-in: whose passkey, stored and theirs, still active, and the signature.
async fn check_sign_in(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    pending: &PendingCeremony,
) -> Result<(Option<crate::staff::StaffId>, Result<Member, String>), ConsoleError> {
    let Some(response) = req.json.as_deref() else {
        return Ok((None, Err("no answer".into())));
    };
    let (member_id, credential_id, credential) = match console.ceremonies.identify(response) {
        Ok(found) => found,
        Err(e) => return Ok((None, Err(e.to_string()))),
    };
    let Some(mut record) = console
        .staff
        .passkey(&credential_id)
        .await?
        .filter(|r| r.member == member_id)
    else {
        // Nobody is named by a user handle alone: anyone can send one.
        return Ok((None, Err("unknown passkey".into())));
    };
    let Some(member) = console
        .staff
        .member(member_id)
        .await?
        .filter(Member::active)
    else {
        return Ok((Some(member_id), Err("removed".into())));
    };
    if let Err(e) = console
        .ceremonies
        .finish_sign_in(&pending.state, &credential, &mut record)
    {
        return Ok((Some(member_id), Err(e.to_string())));
    }
    console.staff.passkey_used(&record, app.now()).await?;
    Ok((Some(member_id), Ok(member)))
}
