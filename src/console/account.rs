//! A person's own passkeys (named, added, removed) and sessions (listed, ended), and signing
//! out. Adding or removing a passkey needs a passkey check in the last 5 minutes.

use super::access::{self, Visitor};
use super::pages::practice_time;
use super::pages::{self, Chrome};
use super::request::ConsoleRequest;
use super::templates::{AccountPage, Ceremony, Owned};
use super::{Console, ConsoleError, SESSION_COOKIE};
use crate::access_log::Action;
use crate::app::App;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

pub async fn show(
    app: &App,
    console: &Console,
    _req: &ConsoleRequest,
    visitor: &Visitor,
    notice: Option<String>,
) -> Result<Response<Body>, ConsoleError> {
    let t = console.texts(app);
    let id = visitor.member.id;
    let passkeys = console.staff.passkeys_of(id).await?;
    let sessions = console.staff.sessions_of(id).await?;
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("account-title"));
    chrome.nav = Some(visitor.nav());
    chrome.csrf = Some(visitor.session.csrf.clone());
    chrome.with_script = true;
    chrome.notice = notice;
    let never = t.get("never");
    let page = AccountPage {
        accepting: (visitor.member.role == crate::staff::Role::Clinician)
            .then_some(visitor.member.profile.accepting),
        chrome,
        passkeys: passkeys
            .iter()
            .map(|p| Owned {
                action: console.link(&format!("/staff/account/passkeys/{}", p.credential_id)),
                cells: vec![
                    p.name.clone(),
                    practice_time(app, p.created_at),
                    p.last_used_at
                        .map_or_else(|| never.clone(), |at| practice_time(app, at)),
                ],
                current: false,
            })
            .collect(),
        sessions: sessions
            .iter()
            .map(|s| Owned {
                action: console.link(&format!("/staff/account/sessions/{}", s.hash)),
                cells: vec![
                    practice_time(app, s.began_at),
                    practice_time(app, s.seen_at),
                    s.browser.clone(),
                ],
                current: s.hash == visitor.session.hash,
            })
            .collect(),
        add: Ceremony {
            kind: "create",
            options: console.link("/staff/account/passkeys/options"),
            finish: console.link("/staff/account/passkeys"),
            label: t.get("passkey-add"),
            conditional: false,
            failed: t.get("passkey-add-failed"),
        },
        csrf: visitor.session.csrf.clone(),
    };
    Ok(pages::render(StatusCode::OK, &page))
}

pub async fn remove_passkey(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    credential_id: &str,
) -> Result<Response<Body>, ConsoleError> {
    if !visitor.stepped_up(app.now()) {
        return Err(ConsoleError::StepUp(console.link("/staff/account")));
    }
    let record = console
        .staff
        .passkey(credential_id)
        .await?
        .filter(|p| p.member == visitor.member.id)
        .ok_or(ConsoleError::NotFound)?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::PasskeyRemoved).detail(visitor.member.id.to_string()),
    )
    .await?;
    console.staff.delete_passkey(&record.credential_id).await?;
    super::ceremonies::notify_passkey_change(app, console, &visitor.member, false).await;
    Ok(pages::see_other(&console.link("/staff/account")))
}

pub async fn rename_passkey(
    _app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    credential_id: &str,
) -> Result<Response<Body>, ConsoleError> {
    let name = req
        .field("name")
        .and_then(crate::staff::staff_name)
        .map(|n| n.chars().take(60).collect::<String>())
        .ok_or(ConsoleError::Forbidden)?;
    console
        .staff
        .rename_passkey(visitor.member.id, credential_id, &name)
        .await
        .map_err(|_| ConsoleError::NotFound)?;
    Ok(pages::see_other(&console.link("/staff/account")))
}

pub async fn end_session(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    hash: &str,
) -> Result<Response<Body>, ConsoleError> {
    let sessions = console.staff.sessions_of(visitor.member.id).await?;
    let session = sessions
        .iter()
        .find(|s| s.hash == hash)
        .ok_or(ConsoleError::NotFound)?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::SessionEnded).detail("ended from the console"),
    )
    .await?;
    console.staff.end_session(&session.hash).await?;
    if session.hash == visitor.session.hash {
        return Ok(signed_out(console));
    }
    Ok(pages::see_other(&console.link("/staff/account")))
}

pub async fn sign_out(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    // The session ends first: a sign-out on a shared computer must never wait on the log.
    console.staff.end_session(&visitor.session.hash).await?;
    if let Err(e) = access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::SignedOut),
    )
    .await
    {
        tracing::error!(event = "access_log_unavailable", error = %e, "a sign-out was not logged");
    }
    Ok(signed_out(console))
}

/// Back to the sign-in page, the session cookie cleared.
fn signed_out(console: &Console) -> Response<Body> {
    let mut response = pages::see_other(&console.link("/staff"));
    let cleared = cookie::Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    if let Ok(value) = HeaderValue::from_str(&cleared.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
