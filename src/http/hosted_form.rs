//! `GET /consultations/form` (the hosted form) and `GET /consultations/embed.js` (the script that
//! inserts it), and the hosted form's own answers to its plain posts: the thank-you page inside
//! the frame, and the form again, with what was typed, after field errors.

use super::page::Page;
use super::request::Inbound;
use super::response::{Responder, html_headers};
use crate::app::{App, Notice};
use crate::config::{AllowedOrigins, Origin};
use crate::domain::FieldErrors;
use crate::error::RequestError;
use crate::hosted_form::{FormPage, Mode, Typed, embed_script};
use askama::Template;
use lambda_http::http::Method;
use lambda_http::http::header::{self, HeaderValue};
use lambda_http::{Body, Response};

/// A few minutes: a new deploy's form is live soon, and a visit still wakes a cold function.
const FORM_MAX_AGE: &str = "public, max-age=300";
const EMBED_MAX_AGE: &str = "public, max-age=3600";

/// The relative way from the page's path to `/consultations/`: the form works under any prefix
/// (a stage, the local runtime's `/lambda-url/<name>`).
fn up(inbound: &Inbound<'_>) -> &'static str {
    if inbound.path.ends_with('/') {
        "../"
    } else {
        ""
    }
}

fn turnstile_origin(app: &App) -> Option<String> {
    let (_, script) = app.config().turnstile_widget.as_ref()?;
    Origin::of_url(script).map(|o| o.as_str().to_owned())
}

/// The hosted form's page, in the person's language, framed only by the practice's pages.
fn form_page(app: &App, inbound: &Inbound<'_>, responder: &Responder) -> FormPage {
    let config = app.config();
    let turnstile = config
        .turnstile_widget
        .as_ref()
        .map(|(key, script)| (key.as_str(), script.as_str()));
    FormPage::new(
        &config.catalogues,
        responder.language,
        Mode::Hosted {
            up: up(inbound),
            captcha_required: config.turnstile.is_some(),
            turnstile,
        },
    )
    .with_practice_contact(
        config.practice_contact.phone.as_deref(),
        config.practice_contact.email.as_ref().map(|e| e.as_str()),
    )
}

/// The hosted form's own headers: its CSP (framed only by the practice's pages), and a referrer
/// policy that lets its posts carry its origin (`no-referrer` would make them `Origin: null`), so
/// the function can tell its own form's posts from a foreign page's.
fn with_policy(app: &App, response: &mut Response<Body>) {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    let policy = app.hosted_policy().content_security_policy(
        &app.config().allowed_origins,
        turnstile_origin(app).as_deref(),
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

fn rendered(template: &impl Template) -> String {
    template
        .render()
        .unwrap_or_else(|_| "<!DOCTYPE html><title>Error</title>".to_owned())
}

/// Answers `GET /consultations/form` and `GET /consultations/embed.js`.
pub fn answer(
    app: &App,
    inbound: &Inbound<'_>,
    responder: &Responder,
    embed: bool,
) -> Result<Response<Body>, RequestError> {
    if !matches!(inbound.method, Method::GET | Method::HEAD) {
        return Err(RequestError::FormMethodNotAllowed);
    }
    let mut response = if embed {
        let mut response = Response::new(Body::Text(embed_script(&app.config().catalogues)));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(EMBED_MAX_AGE),
        );
        response
    } else {
        let page = form_page(app, inbound, responder);
        let mut response = Response::new(Body::Text(rendered(&page)));
        html_headers(response.headers_mut());
        with_policy(app, &mut response);
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(FORM_MAX_AGE),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
        response
    };
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The hosted form's thank-you page: shown inside the frame, never a redirect to a page that
/// may refuse to be framed.
pub fn thank_you(
    app: &App,
    responder: &Responder,
    id: &str,
    notice: Option<Notice>,
) -> Response<Body> {
    let page = Page::thank_you(responder.texts())
        .with_notice(responder.texts(), notice)
        .with_reference(responder.texts(), id);
    let mut response = responder.page(200, &page);
    with_ancestors(&app.config().allowed_origins, &mut response);
    response
}

/// The form again after field errors, with what was typed: never cached.
pub fn with_errors(
    app: &App,
    inbound: &Inbound<'_>,
    responder: &Responder,
    fields: &FieldErrors,
) -> Response<Body> {
    let page = form_page(app, inbound, responder).with_errors(
        &app.config().catalogues,
        responder.language,
        fields,
        inbound
            .body
            .as_ref()
            .and_then(|b| b.as_ref().ok())
            .filter(|_| inbound.same_origin)
            .map(|b| Typed::of_form(&b.form))
            .unwrap_or_default(),
    );
    let mut response = Response::new(Body::Text(rendered(&page)));
    *response.status_mut() = lambda_http::http::StatusCode::UNPROCESSABLE_ENTITY;
    html_headers(response.headers_mut());
    with_policy(app, &mut response);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A page answered inside the frame keeps the frame's rule: only the practice's pages frame it.
fn with_ancestors(allowed: &AllowedOrigins, response: &mut Response<Body>) {
    let ancestors: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
    let policy = format!(
        "{}; frame-ancestors {}",
        super::response::HTML_CSP,
        ancestors.join(" ")
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
}
