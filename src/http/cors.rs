//! CORS and origin checks. The function owns CORS, so it behaves the same locally and deployed.

use super::response::{ClientKind, Responder};
use crate::config::AllowedOrigins;
use lambda_http::http::HeaderMap;
use lambda_http::http::header::{self, HeaderValue};
use lambda_http::{Body, Response};

pub const ALLOW_METHODS: &str = "POST, OPTIONS";
pub const ALLOW_HEADERS: &str = "Content-Type, Accept, Idempotency-Key";
pub const EXPOSE_HEADERS: &str = "Idempotent-Replayed, Retry-After";
pub const MAX_AGE_SECONDS: u32 = 600;

/// What the `Origin` header says about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` (curl, a server): allowed, no CORS headers needed.
    Absent,
    Allowed(String),
    Refused,
}

pub fn check_origin(origin: Option<&str>, allowed: &AllowedOrigins) -> OriginCheck {
    match origin {
        None => OriginCheck::Absent,
        Some(o) if allowed.allows(o) => OriginCheck::Allowed(o.to_owned()),
        Some(_) => OriginCheck::Refused,
    }
}

/// The answer to `OPTIONS /consultations`: `204` for an allowed origin, `403` otherwise.
pub fn preflight(check: &OriginCheck, responder: &Responder) -> Response<Body> {
    match check {
        OriginCheck::Allowed(_) => {
            let mut response = Response::new(Body::Empty);
            *response.status_mut() = lambda_http::http::StatusCode::NO_CONTENT;
            let headers = response.headers_mut();
            apply_to_response(headers, responder.cors_origin.as_deref());
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
        OriginCheck::Absent | OriginCheck::Refused => {
            let refusal = Responder {
                kind: ClientKind::Json,
                ..responder.clone()
            };
            refusal.error(&crate::error::RequestError::OriginNotAllowed)
        }
    }
}

/// Every response varies by `Origin`; an allowed one is echoed so the browser lets the page read it.
pub fn apply_to_response(headers: &mut HeaderMap, allowed_origin: Option<&str>) {
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = allowed_origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> AllowedOrigins {
        AllowedOrigins::parse("https://www.example.com,http://localhost:8080").unwrap()
    }

    #[test]
    fn origins_are_checked_exactly() {
        let allowed = origins();
        assert_eq!(check_origin(None, &allowed), OriginCheck::Absent);
        assert_eq!(
            check_origin(Some("http://localhost:8080"), &allowed),
            OriginCheck::Allowed("http://localhost:8080".into())
        );
        for refused in [
            "https://evil.example",
            "https://www.example.com.evil.example",
            "http://www.example.com",
            "https://www.example.com:8443",
            "null",
            "",
        ] {
            assert_eq!(
                check_origin(Some(refused), &allowed),
                OriginCheck::Refused,
                "{refused}"
            );
        }
    }

    #[test]
    fn preflight_answers() {
        let responder = Responder {
            kind: ClientKind::Html,
            cors_origin: Some("http://localhost:8080".into()),
            back_link: None,
            request_id: "r".into(),
        };
        let ok = preflight(
            &OriginCheck::Allowed("http://localhost:8080".into()),
            &responder,
        );
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
        let no = preflight(&OriginCheck::Refused, &refused);
        assert_eq!(no.status(), 403);
        assert!(no.headers().get("access-control-allow-origin").is_none());
    }
}
