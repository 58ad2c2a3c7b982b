//! Requests as API Gateway HTTP API events, and their responses.

use super::{ALLOWED_ORIGIN, SOURCE_IP, unique};
use base64::Engine;
use lambda_http::{Body, Response};
use serde_json::{Value, json};

/// One HTTP request, turned into an API Gateway HTTP API (payload 2.0) event.
#[derive(Clone)]
pub struct RequestSpec {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub base64: bool,
    pub source_ip: String,
    /// API Gateway's request id, which the summary log line carries.
    pub request_id: String,
    /// The query string, without `?`.
    pub query: String,
    /// The host API Gateway received it on (`requestContext.domainName`).
    pub domain: String,
}

impl RequestSpec {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: vec![("origin".into(), ALLOWED_ORIGIN.into())],
            body: None,
            base64: false,
            source_ip: SOURCE_IP.to_owned(),
            request_id: format!("test-{}", unique()),
            query: String::new(),
            domain: "test.execute-api.us-east-1.amazonaws.com".to_owned(),
        }
    }

    /// The request as received on another host (the staff console's API).
    pub fn on(mut self, domain: &str) -> Self {
        self.domain = domain.to_owned();
        self
    }

    /// The event API Gateway would make of an HTTP request that reached it (no `Origin` unless
    /// the request had one).
    pub fn received(parts: &hyper::http::request::Parts, body: &[u8]) -> Self {
        let mut spec = Self::new(parts.method.as_str(), parts.uri.path())
            .header("origin", "")
            .body(body);
        for (name, value) in &parts.headers {
            spec = spec.header(name.as_str(), value.to_str().unwrap());
        }
        spec
    }

    pub fn post_json(body: &Value) -> Self {
        Self::new("POST", "/consultations")
            .header("content-type", "application/json")
            .body(body.to_string().as_bytes())
    }

    /// A form post as a browser sends it through API Gateway: base64-encoded.
    pub fn post_form(body: &str) -> Self {
        Self::new("POST", "/consultations")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html,application/xhtml+xml")
            .body(body.as_bytes())
            .base64()
    }

    /// Sets a header, replacing one of the same name; an empty value removes it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !value.is_empty() {
            self.headers.push((name.to_lowercase(), value.to_owned()));
        }
        self
    }

    pub fn body(mut self, body: &[u8]) -> Self {
        self.body = Some(body.to_vec());
        self
    }

    pub fn base64(mut self) -> Self {
        self.base64 = true;
        self
    }

    pub fn event_json(&self) -> String {
        let mut headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        // API Gateway passes the Host it routed by, which is the domain it received the request on.
        headers.entry("host").or_insert_with(|| json!(self.domain));
        let body = self.body.as_ref().map(|b| {
            if self.base64 {
                base64::engine::general_purpose::STANDARD.encode(b)
            } else {
                String::from_utf8(b.clone()).expect("a non-base64 test body is UTF-8")
            }
        });
        json!({
            "version": "2.0",
            "routeKey": format!("{} {}", self.method, self.path),
            "rawPath": self.path,
            "rawQueryString": self.query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "test",
                "domainName": self.domain,
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.source_ip,
                    "userAgent": "integration-test"
                },
                "requestId": self.request_id,
                "routeKey": format!("{} {}", self.method, self.path),
                "stage": "$default",
                "time": "26/Nov/2026:14:05:00 +0000",
                "timeEpoch": 1795702300000u64
            },
            "isBase64Encoded": self.base64,
            "body": body
        })
        .to_string()
    }
}

pub struct TestResponse {
    pub status: u16,
    pub headers: lambda_http::http::HeaderMap,
    pub body: String,
}

impl From<Response<Body>> for TestResponse {
    fn from(response: Response<Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = match response.into_body() {
            Body::Text(t) => t,
            Body::Binary(b) => String::from_utf8(b).expect("UTF-8 body"),
            _ => String::new(),
        };
        Self {
            status,
            headers,
            body,
        }
    }
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A complete, valid JSON submission.
pub fn full_submission() -> Value {
    json!({
        "name": "Ana Lima",
        "email": "Ana.Lima@Example.COM",
        "phone": "(415) 555-2671",
        "preferred_contact": "text",
        "best_time": "Weekday evenings",
        "session_format": "telehealth",
        "message": "I've been anxious at work.\r\nCould we talk?",
        "consent": true
    })
}

/// [`full_submission`] with a Turnstile token (which a stand-in verifier judges).
pub fn with_token() -> Value {
    let mut body = full_submission();
    body["cf-turnstile-response"] = json!("XXXX.DUMMY.TOKEN.XXXX");
    body
}
