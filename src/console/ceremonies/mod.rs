//! The passkey ceremonies, each in two requests: the options (a challenge, its state kept
//! server-side for 5 minutes behind a cookie) and the browser's answer, checked by webauthn-rs.
//! Signing in (a new session), registering with an invite, adding a passkey, and the step-up the
//! sensitive actions need. Challenges, failed sign-ins and invite redemptions are limited per
//! client address.

mod registration;
mod sign_in;
mod step_up;

pub use registration::{add_passkey, invite_options, invite_page, passkey_options, register};
pub use sign_in::{sign_in, sign_in_options, sign_in_page};
pub use step_up::{step_up, step_up_options, step_up_page};

use super::access::{self};
use super::pages::{self};
use super::request::ConsoleRequest;
use super::{CEREMONY_COOKIE, Console, ConsoleError, SESSION_COOKIE};
use crate::app::App;
use crate::staff::notices::{self, Change};
use crate::staff::{Attempt, CeremonyKind, Member, PendingCeremony, Secret};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

pub(super) fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Counts a challenge for this client; refuses beyond the limit.
pub(super) async fn count(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    what: Attempt,
) -> Result<(), ConsoleError> {
    let client = access::client_hash(app, req);
    console
        .staff
        .count_attempt(what, &client, app.now())
        .await?
        .map_err(ConsoleError::TooMany)
}

/// The options as JSON, the ceremony's cookie set.
pub(super) fn with_ceremony(options: &str, id: &Secret) -> Response<Body> {
    let value: serde_json::Value = serde_json::from_str(options).unwrap_or_default();
    let mut response = pages::json(StatusCode::OK, &value);
    let cookie = cookie::Cookie::build((CEREMONY_COOKIE, id.as_str().to_owned()))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::minutes(5))
        .build();
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The ceremony this request's cookie names, taken (so never used twice), if it is of `kind`.
pub(super) async fn take(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    kind: CeremonyKind,
) -> Result<Option<PendingCeremony>, ConsoleError> {
    let Some(id) = req.cookie(CEREMONY_COOKIE).and_then(Secret::from_client) else {
        return Ok(None);
    };
    Ok(console
        .staff
        .take_ceremony(&id, app.now())
        .await?
        .filter(|c| c.kind == kind))
}

/// Tells the person and every admin that a passkey was added or removed. A notice that cannot
/// be sent is logged; the change stands.
pub async fn notify_passkey_change(app: &App, console: &Console, member: &Member, added: bool) {
    let change = if added {
        Change::PasskeyAdded
    } else {
        Change::PasskeyRemoved
    };
    let everyone = console.staff.members().await.unwrap_or_default();
    let to = notices::notice_recipients(member, &everyone);
    let email = notices::notice(
        &console.texts,
        app.config().default_language,
        member,
        change,
    );
    let sent = match crate::notify::render(&email) {
        Ok(email) => app
            .delivery()
            .notifier()
            .send_account(&to, &email)
            .await
            .map(|_| ()),
        Err(e) => Err(crate::notify::NotifyError::Render(e)),
    };
    if let Err(error) = sent {
        tracing::error!(event = "account_notice_failed", error = %error, "a staff account notice could not be sent");
    }
}

/// A JSON answer that starts a session: its cookie set, the ceremony's cleared.
pub(super) fn signed_in(
    body: &serde_json::Value,
    cookie: &Secret,
    console: &Console,
) -> Response<Body> {
    let mut response = pages::json(StatusCode::OK, body);
    let session = cookie::Cookie::build((SESSION_COOKIE, cookie.as_str().to_owned()))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(
            console.config.session.num_seconds(),
        ))
        .build();
    let cleared = cookie::Cookie::build((CEREMONY_COOKIE, ""))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    for cookie in [session.to_string(), cleared.to_string()] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}
