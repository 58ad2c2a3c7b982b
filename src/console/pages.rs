//! How every console page is answered: the layout's data (`Chrome`), the console's texts in the
//! practice's language, and the headers no page goes without (never framed, never cached, a CSP
//! that allows only the console's own hashed style and script, HSTS, `nosniff`, and
//! `Referrer-Policy: same-origin`).

use crate::app::App;
use crate::catalogues::{Catalogues, Language, Rendering};
use crate::domain::FollowUpState;
use chrono::{DateTime, Utc};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use sha2::{Digest, Sha256};

pub const STYLE: &str = include_str!("../../templates/console/console.css");
pub const SCRIPT: &str = include_str!("../../templates/console/console.js");

/// The console's texts in one language.
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    catalogues: &'a Catalogues,
    language: Language,
}

impl<'a> Texts<'a> {
    pub fn new(catalogues: &'a Catalogues, language: Language) -> Self {
        Self {
            catalogues,
            language,
        }
    }

    pub fn get(&self, id: &str) -> String {
        self.catalogues.plain(self.language, id)
    }

    pub fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.catalogues
            .with_args(self.language, id, args, Rendering::Plain)
    }

    /// A text with a count, its plural chosen by the number.
    pub fn count(&self, id: &str, name: &str, n: usize) -> String {
        self.catalogues
            .with_count(self.language, id, name, n, Rendering::Plain)
    }

    pub fn language(&self) -> Language {
        self.language
    }
}

pub fn state_label(t: Texts<'_>, state: FollowUpState) -> String {
    t.get(&format!("state-{}", state.as_str()))
}

/// A time as the practice reads it: its own time zone.
pub fn practice_time(app: &App, at: DateTime<Utc>) -> String {
    at.with_timezone(&app.config().practice_timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The signed-in person, as the header shows them.
pub struct Nav {
    pub name: String,
    pub csrf: String,
    pub admin: bool,
    pub sees_every_request: bool,
}

/// What the layout needs from every page.
pub struct Chrome<'a> {
    pub t: Texts<'a>,
    pub lang: &'static str,
    pub title: String,
    /// The console's base path: every link starts with it.
    pub base: String,
    pub nav: Option<Nav>,
    pub csrf: Option<String>,
    /// The error summary: (link to the field, message).
    pub problems: Vec<(String, String)>,
    pub notice: Option<String>,
    pub style: &'static str,
    pub script: &'static str,
    pub with_script: bool,
}

impl<'a> Chrome<'a> {
    /// The error summary's problems, and the status they give the page (`422` with any).
    pub fn with_problems(&mut self, problems: Vec<(String, String)>) -> StatusCode {
        let status = if problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        self.problems = problems;
        status
    }

    pub fn new(t: Texts<'a>, base: &str, title: String) -> Self {
        Self {
            t,
            lang: t.language().tag(),
            title,
            base: base.to_owned(),
            nav: None,
            csrf: None,
            problems: Vec::new(),
            notice: None,
            style: STYLE,
            script: SCRIPT,
            with_script: false,
        }
    }
}

/// The CSP source of an inline style or script: its SHA-256.
fn sha256_source(content: &str) -> String {
    use base64::Engine;
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(content.as_bytes()))
    )
}

/// The console's Content-Security-Policy, hashed once per process.
pub struct Policy {
    csp: HeaderValue,
}

impl Policy {
    pub fn new() -> Self {
        let csp = format!(
            "default-src 'none'; style-src {}; script-src {}; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            sha256_source(STYLE),
            sha256_source(SCRIPT)
        );
        Self {
            csp: HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::new()
    }
}

/// Every console answer's headers.
pub fn secure(policy: &Policy, response: &mut Response<Body>) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.csp.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    );
}

/// An HTML page.
pub fn html(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// A JSON answer (the passkey ceremonies).
pub fn json(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A `303 See Other` to a console page (after a form post).
pub fn see_other(location: &str) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Renders a page template; a template that cannot render is a bug the tests catch, answered
/// with a bare 500 rather than a panic.
pub fn render(status: StatusCode, page: &impl askama::Template) -> Response<Body> {
    match page.render() {
        Ok(body) => html(status, body),
        Err(error) => {
            tracing::error!(event = "console_render_failed", error = %error, "a console page did not render");
            html(StatusCode::INTERNAL_SERVER_ERROR, String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_consoles_own_style_and_script_and_nothing_else() {
        let policy = Policy::new();
        let csp = policy.csp.to_str().unwrap();
        assert!(csp.contains(&sha256_source(STYLE)));
        assert!(csp.contains(&sha256_source(SCRIPT)));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe"));
    }
}
