//! Registering a passkey: with an invite (the account's first) or, signed in, another one.

use super::{count, encode, notify_passkey_change, signed_in, take, with_ceremony};
use crate::access_log::{Action, Actor, Entry};
use crate::app::App;
use crate::console::access::{self, Visitor};
use crate::console::pages::{self, Chrome};
use crate::console::request::ConsoleRequest;
use crate::console::templates::{Ceremony, CeremonyPage, Message};
use crate::console::{Console, ConsoleError};
use crate::staff::{
    Attempt, CeremonyKind, InviteState, PasskeyRecord, PendingCeremony, Secret, StaffError,
};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::json;

/// An invite's page: opening it uses nothing up.
pub async fn invite_page(
    app: &App,
    console: &Console,
    _req: &ConsoleRequest,
    token: &str,
) -> Result<Response<Body>, ConsoleError> {
    let t = console.texts(app);
    let state = match Secret::from_client(token) {
        Some(secret) => console.staff.invite(&secret, app.now()).await?,
        None => InviteState::Unknown,
    };
    let (status, key) = match state {
        InviteState::Valid(invite) => {
            let mut chrome = Chrome::new(t, &console.config.base_path, t.get("invite-title"));
            chrome.with_script = true;
            let page = CeremonyPage {
                chrome,
                lead: vec![
                    t.with("invite-greeting", &[("name", &invite.member.name)]),
                    t.get("invite-lead"),
                ],
                failed: None,
                ceremony: Ceremony {
                    kind: "create",
                    options: console.link(&format!("/staff/invite/{token}/options")),
                    finish: console.link(&format!("/staff/invite/{token}/register")),
                    label: t.get("invite-button"),
                    conditional: false,
                    failed: t.get("invite-failed"),
                },
                autofill_label: None,
                no_script: t.get("needs-javascript"),
            };
            return Ok(pages::render(StatusCode::OK, &page));
        }
        InviteState::Expired => (StatusCode::GONE, "invite-expired"),
        InviteState::Used => (StatusCode::GONE, "invite-used"),
        InviteState::Unknown => (StatusCode::NOT_FOUND, "invite-unknown"),
    };
    let page = Message {
        chrome: Chrome::new(t, &console.config.base_path, t.get(&format!("{key}-title"))),
        paragraphs: vec![t.get(&format!("{key}-body"))],
        link: None,
    };
    Ok(pages::render(status, &page))
}

pub async fn invite_options(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    token: &str,
) -> Result<Response<Body>, ConsoleError> {
    if !req.same_origin {
        return Err(ConsoleError::Forbidden);
    }
    count(app, console, req, Attempt::Challenge).await?;
    let secret = Secret::from_client(token).ok_or(ConsoleError::NotFound)?;
    let InviteState::Valid(invite) = console.staff.invite(&secret, app.now()).await? else {
        return Err(ConsoleError::NotFound);
    };
    let existing = console.staff.passkeys_of(invite.member.id).await?;
    let (options, state) = console
        .ceremonies
        .start_registration(&invite.member, &existing)
        .map_err(|_| ConsoleError::Forbidden)?;
    let pending = PendingCeremony {
        kind: CeremonyKind::Register,
        state,
        member: Some(invite.member.id),
        invite: Some(invite.hash),
        return_to: None,
    };
    let id = console.staff.put_ceremony(&pending, app.now()).await?;
    Ok(with_ceremony(&options, &id))
}

/// Registers the passkey an invite asked for, uses the invite up in the same write, and signs
/// the person in.
pub async fn register(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    token: &str,
) -> Result<Response<Body>, ConsoleError> {
    if !req.same_origin {
        return Err(ConsoleError::Forbidden);
    }
    count(app, console, req, Attempt::InviteRedemption).await?;
    let now = app.now();
    let secret = Secret::from_client(token).ok_or(ConsoleError::NotFound)?;
    let InviteState::Valid(invite) = console.staff.invite(&secret, now).await? else {
        return Err(ConsoleError::NotFound);
    };
    let pending = take(app, console, req, CeremonyKind::Register)
        .await?
        .filter(|p| {
            p.invite.as_deref() == Some(invite.hash.as_str()) && p.member == Some(invite.member.id)
        })
        .ok_or(ConsoleError::Forbidden)?;
    let passkey = console
        .ceremonies
        .finish_registration(&pending.state, req.json.as_deref().unwrap_or_default())
        .map_err(|_| ConsoleError::Forbidden)?;
    let record = PasskeyRecord::new(invite.member.id, passkey, console.ceremonies.rp_id(), now);
    let who = Actor::Staff(invite.member.id.to_string());
    access::log(
        app,
        console,
        req,
        Entry::new(who.clone(), Action::PasskeyAdded, now),
    )
    .await?;
    match console.staff.add_passkey(&record, Some(&invite)).await {
        Ok(()) => {}
        Err(StaffError::InviteUsed | StaffError::CredentialTaken) => {
            return Err(ConsoleError::Forbidden);
        }
        Err(e) => return Err(e.into()),
    }
    notify_passkey_change(app, console, &invite.member, true).await;
    let (cookie, _) = console
        .staff
        .start_session(
            invite.member.id,
            now,
            now + console.config.session,
            req.browser,
        )
        .await?;
    access::log(app, console, req, Entry::new(who, Action::SignedIn, now)).await?;
    Ok(signed_in(
        &json!({ "redirect": console.link("/staff/requests") }),
        &cookie,
        console,
    ))
}

pub async fn passkey_options(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    if !visitor.stepped_up(app.now()) {
        let back = console.link(&format!(
            "/staff/step-up?return={}",
            encode(&console.link("/staff/account"))
        ));
        return Ok(pages::json(
            StatusCode::FORBIDDEN,
            &json!({ "redirect": back }),
        ));
    }
    count(app, console, req, Attempt::Challenge).await?;
    let existing = console.staff.passkeys_of(visitor.member.id).await?;
    let (options, state) = console
        .ceremonies
        .start_registration(&visitor.member, &existing)
        .map_err(|_| ConsoleError::Forbidden)?;
    let pending = PendingCeremony {
        kind: CeremonyKind::Register,
        state,
        member: Some(visitor.member.id),
        invite: None,
        return_to: None,
    };
    let id = console.staff.put_ceremony(&pending, app.now()).await?;
    Ok(with_ceremony(&options, &id))
}

pub async fn add_passkey(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    let now = app.now();
    if !visitor.stepped_up(now) {
        return Err(ConsoleError::Forbidden);
    }
    let pending = take(app, console, req, CeremonyKind::Register)
        .await?
        .filter(|p| p.invite.is_none() && p.member == Some(visitor.member.id))
        .ok_or(ConsoleError::Forbidden)?;
    let passkey = console
        .ceremonies
        .finish_registration(&pending.state, req.json.as_deref().unwrap_or_default())
        .map_err(|_| ConsoleError::Forbidden)?;
    let record = PasskeyRecord::new(visitor.member.id, passkey, console.ceremonies.rp_id(), now);
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::PasskeyAdded),
    )
    .await?;
    console
        .staff
        .add_passkey(&record, None)
        .await
        .map_err(|e| match e {
            StaffError::CredentialTaken => ConsoleError::Forbidden,
            other => other.into(),
        })?;
    notify_passkey_change(app, console, &visitor.member, true).await;
    Ok(pages::json(
        StatusCode::OK,
        &json!({ "redirect": console.link("/staff/account") }),
    ))
}
