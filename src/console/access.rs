//! Who is asking and what they may do: the session (from its cookie, checked on the server
//! every time), the same-origin rule and the anti-forgery token on every `POST`, the recent
//! passkey check the sensitive actions need, where a sign-in may return to, and the access log
//! written before anything is shown.

use super::pages::{self, Chrome, Nav};
use super::request::ConsoleRequest;
use super::templates::Message;
use super::{Console, ConsoleError, SESSION_COOKIE};
use crate::access_log::{Action, Actor, Entry};
use crate::app::App;
use crate::staff::{Member, Role, Secret, Session, SessionCheck};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};

/// How recent a passkey check the sensitive actions need.
pub const STEP_UP_WINDOW: chrono::Duration = chrono::Duration::minutes(5);

/// A signed-in staff member and their session.
pub struct Visitor {
    pub session: Session,
    pub member: Member,
}

impl Visitor {
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.member.id.to_string())
    }

    pub fn is_admin(&self) -> bool {
        self.member.role == Role::Admin
    }

    pub fn nav(&self) -> Nav {
        Nav {
            name: self.member.name.clone(),
            csrf: self.session.csrf.clone(),
            admin: self.is_admin(),
            sees_every_request: self.member.role.sees_every_request(),
        }
    }

    /// Confirmed with a passkey within the last 5 minutes.
    pub fn stepped_up(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now - self.session.step_up_at < STEP_UP_WINDOW
    }
}

/// Whether the visitor may see this request: front desk and admins every one, a clinician only
/// those assigned to them.
pub fn may_see(visitor: &Visitor, stored: &crate::store::StoredRequest) -> bool {
    visitor.member.role.sees_every_request()
        || stored.received.assignee.as_deref() == Some(visitor.member.id.to_string().as_str())
}

/// The visitor the session cookie names, if its session is still good.
pub async fn visitor(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
) -> Result<Option<Visitor>, ConsoleError> {
    let Some(cookie) = req.cookie(SESSION_COOKIE).and_then(Secret::from_client) else {
        return Ok(None);
    };
    match console
        .staff
        .check_session(&cookie, app.now(), console.config.idle)
        .await?
    {
        SessionCheck::Valid(found) => {
            let (session, member) = *found;
            Ok(Some(Visitor { session, member }))
        }
        SessionCheck::None => Ok(None),
    }
}

/// A `POST` must come from the console's own origin and carry the session's anti-forgery token.
pub fn check_post(req: &ConsoleRequest, visitor: &Visitor) -> Result<(), ConsoleError> {
    let token = Secret::from_client(req.csrf().unwrap_or_default());
    let token_ok = token.is_some_and(|t| t.matches(&visitor.session.csrf));
    if req.same_origin && token_ok {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden)
    }
}

/// Where a sign-in may return to: a path of this console (under `base`), else its requests.
pub fn return_path(base: &str, candidate: Option<&str>) -> String {
    let fallback = format!("{base}/staff/requests");
    let Some(candidate) = candidate else {
        return fallback;
    };
    let inside = candidate.strip_prefix(base).filter(|rest| {
        *rest == "/staff" || rest.starts_with("/staff/") || rest.starts_with("/staff?")
    });
    // Only a path: never `//host`, a scheme, a backslash or anything to be decoded first.
    let plain = !candidate.contains("//")
        && !candidate.contains('\\')
        && !candidate.contains('%')
        && !candidate.chars().any(char::is_control)
        && !candidate
            .split(['/', '?'])
            .any(|part| part == ".." || part == ".")
        && candidate.starts_with('/');
    match inside {
        Some(rest)
            if plain && !rest.starts_with("/staff/sign-") && !rest.starts_with("/staff/invite") =>
        {
            candidate.to_owned()
        }
        _ => fallback,
    }
}

/// The client's address as a keyed hash: what the access log and the attempt limits keep.
pub fn client_hash(app: &App, req: &ConsoleRequest) -> String {
    let address = req.source_ip.as_deref().unwrap_or("unknown");
    app.config()
        .client_hash_key
        .fingerprint("staff-client", &[address])
}

/// Writes an access log entry from this request; an entry that cannot be written stops what
/// it logs (nothing is shown or changed unlogged).
pub async fn log(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    entry: Entry,
) -> Result<(), ConsoleError> {
    let entry = entry.from_client(Some(client_hash(app, req)), Some(req.browser.to_owned()));
    console.log.write(&entry).await.map_err(ConsoleError::from)
}

/// Logs `action` by the visitor about one request, before it is shown or done.
pub async fn log_about(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    action: Action,
    id: crate::domain::SubmissionId,
) -> Result<(), ConsoleError> {
    log(app, console, req, entry(app, visitor, action).about([id])).await
}

/// An entry by the visitor, now.
pub fn entry(app: &App, visitor: &Visitor, action: Action) -> Entry {
    Entry::new(visitor.actor(), action, app.now())
}

/// The page for a request the console refuses.
pub fn refusal(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    error: &ConsoleError,
) -> Response<Body> {
    let t = console.texts(app);
    if let ConsoleError::StepUp(back) = error {
        let page = format!(
            "/staff/step-up?return={}",
            percent_encoding::utf8_percent_encode(back, percent_encoding::NON_ALPHANUMERIC)
        );
        return pages::see_other(&console.link(&page));
    }
    let (status, key) = match error {
        ConsoleError::Forbidden => (StatusCode::FORBIDDEN, "refused"),
        ConsoleError::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        ConsoleError::Erased => (StatusCode::GONE, "erased"),
        ConsoleError::TooMany(_) => (StatusCode::TOO_MANY_REQUESTS, "too-many"),
        ConsoleError::StepUp(_) => (StatusCode::FORBIDDEN, "refused"),
        ConsoleError::Staff(e) => {
            tracing::error!(event = "console_failed", error = %e, "a console request failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        ConsoleError::Store(e) => {
            tracing::error!(event = "console_failed", error = %e, "a console request failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    };
    let wants_json = req.json.is_some();
    let mut response = if wants_json {
        pages::json(
            status,
            &serde_json::json!({ "error": t.get(&format!("{key}-title")) }),
        )
    } else {
        let page = Message {
            chrome: Chrome::new(t, &console.config.base_path, t.get(&format!("{key}-title"))),
            paragraphs: vec![t.get(&format!("{key}-body"))],
            link: Some((console.link("/staff/requests"), t.get("back-to-requests"))),
        };
        pages::render(status, &page)
    };
    if let ConsoleError::TooMany(seconds) = error
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::return_path;

    #[test]
    fn a_return_path_can_only_be_a_path_of_this_console() {
        let id = "01JD0000000000000000000000";
        assert_eq!(
            return_path("", Some(&format!("/staff/requests/{id}"))),
            format!("/staff/requests/{id}")
        );
        assert_eq!(
            return_path("", Some("/staff?state=new")),
            "/staff?state=new"
        );
        let base = "/lambda-url/f";
        assert_eq!(
            return_path(base, Some("/lambda-url/f/staff/held")),
            "/lambda-url/f/staff/held"
        );
        for elsewhere in [
            "//evil.example/staff",
            "https://evil.example/staff",
            "/staff/../consultations",
            "/\\evil.example/staff",
            "/staff%2f%2fevil.example",
            // Browsers drop tabs and newlines from a URL, which would make `..` of `\t..`.
            "/staff/\t../\t../consultations",
            "/staff/\n..",
            "/staff/sign-in",
            "/staff/invite/abc",
            "/consultations",
            "staff/requests",
            "/staffing",
        ] {
            assert_eq!(
                return_path("", Some(elsewhere)),
                "/staff/requests",
                "{elsewhere}"
            );
        }
        assert_eq!(
            return_path(base, Some("/staff/requests")),
            "/lambda-url/f/staff/requests"
        );
        assert_eq!(return_path("", None), "/staff/requests");
    }
}
