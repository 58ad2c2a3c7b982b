//! Building the responses: JSON for scripts, small HTML pages for plain form posts.

use super::cors::{self, ALLOW_HEADERS, ALLOW_METHODS, MAX_AGE_SECONDS, OriginCheck};
use super::page::{Contact, Page, Problem, notice_message};
use super::request::{ClientKind, Inbound};
use crate::app::Notice;
use crate::catalogues::{Catalogues, Language, Rendering, Texts, field_message};
use crate::config::PracticeContact;
use crate::domain::FieldErrors;
use crate::error::RequestError;
use askama::Template;
use lambda_http::http::header::{self, HeaderValue};
use lambda_http::{Body, Response};
use serde_json::json;
use std::sync::Arc;

pub const HTML_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";
pub const ALLOW: &str = "OPTIONS, POST";

/// What a response needs to know about the request it answers.
#[derive(Debug, Clone)]
pub struct Responder {
    pub kind: ClientKind,
    /// The request's allowed `Origin`, echoed for CORS.
    pub cors_origin: Option<String>,
    /// Where the "back to the form" link of an HTML error page points (an allowed page only).
    pub back_link: Option<String>,
    pub request_id: String,
    /// Shown with every `5xx`: how to reach the practice directly.
    pub contact: PracticeContact,
    pub language: Language,
    pub catalogues: Arc<Catalogues>,
}

impl Responder {
    pub fn for_request(inbound: &Inbound<'_>, catalogues: &Arc<Catalogues>) -> Self {
        Self {
            language: inbound.language,
            catalogues: Arc::clone(catalogues),
            kind: inbound.client,
            cors_origin: match &inbound.origin {
                OriginCheck::Allowed(origin) => Some(origin.clone()),
                _ => None,
            },
            back_link: inbound.back_link.clone(),
            request_id: inbound.request_id.clone(),
            contact: PracticeContact::default(),
        }
    }

    /// The catalogues in the language of the answer.
    pub fn texts(&self) -> Texts<'_> {
        Texts::new(&self.catalogues, self.language)
    }

    /// The practice's own phone and email, for the `5xx` answers.
    pub fn with_contact(mut self, contact: &PracticeContact) -> Self {
        self.contact = contact.clone();
        self
    }

    /// The answer to `OPTIONS /consultations`: `204` for an allowed origin, `403` otherwise.
    pub fn preflight(&self, check: &OriginCheck) -> Response<Body> {
        if !matches!(check, OriginCheck::Allowed(_)) {
            let refusal = Responder {
                kind: ClientKind::Json,
                ..self.clone()
            };
            return refusal.error(&RequestError::OriginNotAllowed);
        }
        let mut response = Response::new(Body::Empty);
        *response.status_mut() = lambda_http::http::StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        cors::apply_to_response(headers, self.cors_origin.as_deref());
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from(MAX_AGE_SECONDS),
        );
        response
    }

    /// `201` with the id for a script; `303` to the thank-you page or a built-in page for a form.
    pub fn accepted(
        &self,
        id: &str,
        thank_you_url: Option<&str>,
        notice: Option<Notice>,
    ) -> Response<Body> {
        match (self.kind, thank_you_url) {
            (ClientKind::Json, _) => {
                let mut body = json!({"id": id, "status": "received"});
                if let Some(notice) = notice {
                    body["notice"] = json!({
                        "code": notice.code(),
                        "message": self.texts().plain(&notice_message(notice)),
                    });
                }
                self.json(201, body)
            }
            (ClientKind::Html, Some(url)) => {
                let mut response = self.base(303, Body::Empty);
                let location = match notice {
                    Some(notice) => with_query(url, "notice", notice.code()),
                    None => url.to_owned(),
                };
                if let Ok(location) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
            (ClientKind::Html, None) => {
                let page = Page::thank_you(self.texts())
                    .with_notice(self.texts(), notice)
                    .with_reference(self.texts(), id);
                self.html(200, &page)
            }
        }
    }

    /// `201` to the heartbeat's probe: its id, and that it was a probe.
    pub fn probe_answered(&self, id: &str) -> Response<Body> {
        self.json(201, json!({"id": id, "status": "heartbeat"}))
    }

    /// The first answer again, for a repeat of a stored request.
    pub fn replayed(&self, id: &str, thank_you_url: Option<&str>) -> Response<Body> {
        let mut response = self.accepted(id, thank_you_url, None);
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }

    pub fn error(&self, error: &RequestError) -> Response<Body> {
        let description = error.describe();
        let texts = self.texts();
        let mut response = match self.kind {
            ClientKind::Json => {
                let message = texts.plain(description.text);
                let mut body = json!({"error": description.code, "message": message});
                if let RequestError::Validation(fields) = error {
                    body["fields"] = fields_json(texts, fields);
                }
                if let RequestError::Internal(_) = error {
                    body["request_id"] = json!(self.request_id);
                }
                if description.status >= 500 && !self.contact.is_empty() {
                    body["contact"] = json!({
                        "phone": self.contact.phone,
                        "email": self.contact.email.as_ref().map(|e| e.as_str()),
                    });
                }
                self.json(description.status, body)
            }
            ClientKind::Html => {
                let title = texts.html(&format!("{}.title", description.text));
                let mut page = Page::new(texts, title);
                page.paragraphs.push(texts.html(description.text));
                match error {
                    RequestError::Validation(fields) => {
                        page.problems = fields
                            .iter()
                            .map(|(field, e)| Problem {
                                message: field_message(
                                    texts.catalogues,
                                    texts.language,
                                    field,
                                    e,
                                    Rendering::Html,
                                ),
                                href: self
                                    .back_link
                                    .as_ref()
                                    .map(|back| format!("{back}#cf-{}", field.as_str())),
                            })
                            .collect();
                        page.back_link.clone_from(&self.back_link);
                        page.show_back_hint = true;
                        page.show_crisis = true;
                    }
                    RequestError::StorageUnavailable(_) | RequestError::Internal(_) => {
                        page.back_link.clone_from(&self.back_link);
                        page.show_back_hint = true;
                        page.show_crisis = true;
                        page = page.with_reference(texts, &self.request_id);
                    }
                    _ => {}
                }
                if description.status >= 500 && !self.contact.is_empty() {
                    page.contact = Some(Contact {
                        phone: self.contact.phone.clone().zip(self.contact.tel_href()),
                        email: self.contact.email.as_ref().map(|e| e.as_str().to_owned()),
                    });
                }
                self.html(description.status, &page)
            }
        };
        let headers = response.headers_mut();
        if let Some(seconds) = description.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        match error {
            RequestError::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static(ALLOW));
            }
            RequestError::FollowUpMethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
            }
            RequestError::FormMethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            }
            _ => {}
        }
        response
    }

    fn json(&self, status: u16, body: serde_json::Value) -> Response<Body> {
        let mut response = self.base(status, Body::Text(body.to_string()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }

    /// A small HTML page, whoever asks (the follow-up pages are for a person in a browser).
    pub fn page(&self, status: u16, page: &Page) -> Response<Body> {
        self.html(status, page)
    }

    fn html(&self, status: u16, page: &Page) -> Response<Body> {
        // Rendering a fixed template into a String cannot fail in practice; a plain fallback still
        // gives the person an answer if it ever did.
        let html = page.render().unwrap_or_else(|_| {
            "<!DOCTYPE html><title>Error</title><p>Please try again.</p>".to_owned()
        });
        let mut response = self.base(status, Body::Text(html));
        let headers = response.headers_mut();
        html_headers(headers);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HTML_CSP),
        );
        response
    }

    fn base(&self, status: u16, body: Body) -> Response<Body> {
        let mut response = Response::new(body);
        *response.status_mut() = lambda_http::http::StatusCode::from_u16(status)
            .unwrap_or(lambda_http::http::StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        cors::apply_to_response(headers, self.cors_origin.as_deref());
        response
    }
}

/// What every HTML answer carries: its type, and no referrer leaving it.
pub fn html_headers(headers: &mut lambda_http::http::HeaderMap) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

fn fields_json(texts: Texts<'_>, fields: &FieldErrors) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(field, error)| {
            let message = field_message(
                texts.catalogues,
                texts.language,
                field,
                error,
                Rendering::Plain,
            );
            (
                field.as_str().to_owned(),
                json!([{"code": error.code(), "message": message}]),
            )
        })
        .collect();
    serde_json::Value::Object(map)
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;

/// `url` with one more query parameter (`THANK_YOU_URL` may have its own query and fragment).
fn with_query(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = url
        .split_once('#')
        .map_or((url, None), |(b, f)| (b, Some(f)));
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{separator}{name}={value}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}
