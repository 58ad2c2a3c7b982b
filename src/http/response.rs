//! Building the responses: JSON for scripts, small HTML pages for plain form posts.

use super::cors::{self, ALLOW_HEADERS, ALLOW_METHODS, MAX_AGE_SECONDS, OriginCheck};
use super::page::{Contact, Page, Problem};
use super::request::{ClientKind, Inbound};
use crate::config::PracticeContact;
use crate::domain::FieldErrors;
use crate::error::RequestError;
use askama::Template;
use lambda_http::http::header::{self, HeaderValue};
use lambda_http::{Body, Response};
use serde_json::json;

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
}

impl Responder {
    pub fn for_request(inbound: &Inbound<'_>) -> Self {
        Self {
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
    pub fn accepted(&self, id: &str, thank_you_url: Option<&str>) -> Response<Body> {
        match (self.kind, thank_you_url) {
            (ClientKind::Json, _) => self.json(201, json!({"id": id, "status": "received"})),
            (ClientKind::Html, Some(url)) => {
                let mut response = self.base(303, Body::Empty);
                if let Ok(location) = HeaderValue::from_str(url) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
            (ClientKind::Html, None) => {
                let mut page = Page::thank_you();
                page.reference = Some(id.to_owned());
                self.html(200, &page)
            }
        }
    }

    /// The first answer again, for a repeat of a stored request.
    pub fn replayed(&self, id: &str, thank_you_url: Option<&str>) -> Response<Body> {
        let mut response = self.accepted(id, thank_you_url);
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }

    pub fn error(&self, error: &RequestError) -> Response<Body> {
        let description = error.describe();
        let mut response = match self.kind {
            ClientKind::Json => {
                let mut body = json!({"error": description.code, "message": description.message});
                if let RequestError::Validation(fields) = error {
                    body["fields"] = fields_json(fields);
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
                let mut page = Page::new(description.title);
                page.paragraphs.push(description.message.to_owned());
                match error {
                    RequestError::Validation(fields) => {
                        page.problems = fields
                            .iter()
                            .map(|(field, e)| Problem {
                                message: e.message(field),
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
                        page.reference = Some(self.request_id.clone());
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
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
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

fn fields_json(fields: &FieldErrors) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(field, error)| {
            (
                field.as_str().to_owned(),
                json!([{"code": error.code(), "message": error.message(field)}]),
            )
        })
        .collect();
    serde_json::Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, FieldError};

    fn responder(kind: ClientKind) -> Responder {
        Responder {
            kind,
            cors_origin: Some("https://www.example.com".into()),
            back_link: Some("https://www.example.com/contact".into()),
            request_id: "req-1".into(),
            contact: PracticeContact::default(),
        }
    }

    fn body_text(response: &Response<Body>) -> String {
        match response.body() {
            Body::Text(t) => t.clone(),
            Body::Empty => String::new(),
            Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
            _ => String::new(),
        }
    }

    #[test]
    fn accepted_answers() {
        let json = responder(ClientKind::Json).accepted("01J", None);
        assert_eq!(json.status(), 201);
        assert_eq!(body_text(&json), r#"{"id":"01J","status":"received"}"#);
        assert_eq!(
            json.headers()["access-control-allow-origin"],
            "https://www.example.com"
        );

        let redirect =
            responder(ClientKind::Html).accepted("01J", Some("https://www.example.com/thanks"));
        assert_eq!(redirect.status(), 303);
        assert_eq!(
            redirect.headers()["location"],
            "https://www.example.com/thanks"
        );

        let page = responder(ClientKind::Html).accepted("01J", None);
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["content-security-policy"], HTML_CSP);
        assert!(body_text(&page).contains("01J"));
    }

    #[test]
    fn validation_errors_list_every_field() {
        let mut fields = FieldErrors::new();
        fields.add(Field::Email, FieldError::InvalidEmail);
        fields.add(Field::Consent, FieldError::ConsentRequired);
        let error = RequestError::Validation(fields);

        let json = responder(ClientKind::Json).error(&error);
        assert_eq!(json.status(), 422);
        let body: serde_json::Value = serde_json::from_str(&body_text(&json)).unwrap();
        assert_eq!(body["error"], "validation_failed");
        assert_eq!(body["fields"]["email"][0]["code"], "invalid_email");
        assert_eq!(
            body["fields"]["email"][0]["message"],
            "Enter an email address in the correct format, like name@example.com"
        );
        assert_eq!(body["fields"]["consent"][0]["code"], "consent_required");

        let html = responder(ClientKind::Html).error(&error);
        assert_eq!(html.status(), 422);
        let page = body_text(&html);
        // The GOV.UK pattern: "Error: " in the title, a summary headed "There is a problem" whose
        // links go to each field, worded as the message beside it.
        assert!(
            page.contains("<title>Error: There is a problem</title>"),
            "{page}"
        );
        assert!(page.contains("There is a problem"));
        assert!(page.contains(
            "<a href=\"https://www.example.com/contact#cf-email\">Enter an email address in the correct format, like name@example.com</a>"
        ), "{page}");
        assert!(page.contains("href=\"https://www.example.com/contact#cf-consent\""));
        assert!(page.contains("href=\"https://www.example.com/contact\""));
    }

    #[test]
    fn special_errors_carry_their_headers() {
        let r = responder(ClientKind::Json);
        let not_allowed = r.error(&RequestError::MethodNotAllowed);
        assert_eq!(not_allowed.status(), 405);
        assert_eq!(not_allowed.headers()["allow"], ALLOW);
        let unavailable = r.error(&crate::error::tests::unavailable());
        assert_eq!(unavailable.status(), 503);
        assert_eq!(unavailable.headers()["retry-after"], "30");
        let internal = r.error(&RequestError::Internal("boom"));
        let body: serde_json::Value = serde_json::from_str(&body_text(&internal)).unwrap();
        assert_eq!(body["request_id"], "req-1");
        assert!(!body_text(&internal).contains("boom"));
    }

    #[test]
    fn preflight_answers() {
        let responder = Responder {
            kind: ClientKind::Html,
            cors_origin: Some("http://localhost:8080".into()),
            back_link: None,
            request_id: "r".into(),
            contact: PracticeContact::default(),
        };
        let ok = responder.preflight(&OriginCheck::Allowed("http://localhost:8080".into()));
        assert_eq!(ok.status(), 204);
        let h = ok.headers();
        assert_eq!(h["access-control-allow-origin"], "http://localhost:8080");
        assert_eq!(h["access-control-allow-methods"], ALLOW_METHODS);
        assert_eq!(h["access-control-allow-headers"], ALLOW_HEADERS);
        assert_eq!(h["access-control-max-age"], "600");
        assert_eq!(h["vary"], "Origin");

        let refused = Responder {
            cors_origin: None,
            ..responder
        };
        let no = refused.preflight(&OriginCheck::Refused);
        assert_eq!(no.status(), 403);
        assert!(no.headers().get("access-control-allow-origin").is_none());
    }

    #[test]
    fn every_5xx_says_how_to_reach_the_practice_directly_and_nothing_else_does() {
        let contact = PracticeContact {
            phone: Some("(312) 555-0142".into()),
            email: Some(crate::domain::EmailAddress::parse("frontdesk@practice.example").unwrap()),
        };
        let unavailable = RequestError::StorageUnavailable(crate::store::StoreError::OutOfTime);
        let page = responder(ClientKind::Html)
            .with_contact(&contact)
            .error(&unavailable);
        assert_eq!(page.status(), 503);
        let html = body_text(&page);
        assert!(
            html.contains(r#"<a href="tel:3125550142">(312) 555-0142</a>"#),
            "{html}"
        );
        assert!(html.contains("mailto:frontdesk@practice.example"), "{html}");
        let json = responder(ClientKind::Json)
            .with_contact(&contact)
            .error(&unavailable);
        let body: serde_json::Value = serde_json::from_str(&body_text(&json)).unwrap();
        assert_eq!(body["contact"]["phone"], "(312) 555-0142");
        assert_eq!(body["contact"]["email"], "frontdesk@practice.example");
        let refused = responder(ClientKind::Html)
            .with_contact(&contact)
            .error(&RequestError::MethodNotAllowed);
        assert!(
            !body_text(&refused).contains("tel:"),
            "a 4xx has its own way forward"
        );
        let none = responder(ClientKind::Html).error(&unavailable);
        assert!(!body_text(&none).contains("reach the practice directly"));
    }
}
