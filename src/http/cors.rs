//! CORS and origin checks. The function owns CORS, so it behaves the same locally and deployed.

use crate::config::AllowedOrigins;
use lambda_http::http::HeaderMap;
use lambda_http::http::header::{self, HeaderValue};

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

/// Judges a request's `Origin`. A plain HTML form post (`form_post`) with `Origin: null` counts as
/// one with no `Origin`: browsers send `null` for a cross-origin form post from a page whose
/// `Referrer-Policy` is `no-referrer` or `same-origin`, which a health site may well choose. A
/// script's request or a preflight with `null` stays refused.
pub fn check_origin(
    origin: Option<&str>,
    allowed: &AllowedOrigins,
    form_post: bool,
) -> OriginCheck {
    match origin {
        None => OriginCheck::Absent,
        Some("null") if form_post => OriginCheck::Absent,
        Some(o) if allowed.allows(o) => OriginCheck::Allowed(o.to_owned()),
        Some(_) => OriginCheck::Refused,
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
        assert_eq!(check_origin(None, &allowed, false), OriginCheck::Absent);
        assert_eq!(
            check_origin(Some("http://localhost:8080"), &allowed, false),
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
                check_origin(Some(refused), &allowed, false),
                OriginCheck::Refused,
                "{refused}"
            );
        }
    }

    #[test]
    fn a_null_origin_counts_as_none_only_for_a_form_post() {
        let allowed = origins();
        assert_eq!(
            check_origin(Some("null"), &allowed, true),
            OriginCheck::Absent
        );
        assert_eq!(
            check_origin(Some("null"), &allowed, false),
            OriginCheck::Refused
        );
        assert_eq!(
            check_origin(Some("https://evil.example"), &allowed, true),
            OriginCheck::Refused
        );
    }
}
