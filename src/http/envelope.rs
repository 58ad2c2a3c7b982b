//! The API Gateway event around a request, before `lambda_http` turns it into a request: guards
//! for what would make `lambda_http` panic while it builds the request (a body that cannot be
//! decoded, a query or path `http::Uri` refuses, a `Host` that is no host), before our handler and
//! its panic guard, so that the invocation would fail and API Gateway answer a bare 502.

use base64::Engine;
use lambda_http::Request;
use lambda_http::request::LambdaRequest;

/// Set (only) by [`guard_body_encoding`] when the event claimed a base64 body that is not base64.
/// Any copy of this header sent by a client is removed first, so it cannot be forged.
pub const UNDECODABLE_BODY_HEADER: &str = "x-consultation-form-undecodable-body";

/// `lambda_http` panics on a body marked base64 that does not decode; such an event must get a
/// `400` instead, so the body is dropped and the request marked before conversion.
pub fn guard_body_encoding(event: &mut LambdaRequest) {
    if let LambdaRequest::ApiGatewayV2(request) = event {
        request.headers.remove(UNDECODABLE_BODY_HEADER);
        if request.is_base64_encoded {
            let decodes = request.body.as_deref().is_none_or(|body| {
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .is_ok()
            });
            if !decodes {
                request.body = None;
                request.is_base64_encoded = false;
                request.headers.insert(
                    UNDECODABLE_BODY_HEADER,
                    lambda_http::http::HeaderValue::from_static("1"),
                );
            }
        }
    }
}

/// Makes the event's path, query and `Host` ones `lambda_http` can build a request from: every
/// character a URI may not hold raw (a space, `"`, `<`, anything not ASCII) is percent-encoded,
/// and a `Host` header that is no host name is dropped (API Gateway's own domain name stands in).
/// Nothing is lost: the function reads no query and serves paths it knows by their ASCII names.
pub fn guard_uri(event: &mut LambdaRequest) {
    if let LambdaRequest::ApiGatewayV2(request) = event {
        for part in [&mut request.raw_path, &mut request.raw_query_string]
            .into_iter()
            .flatten()
        {
            if part.bytes().any(|b| !uri_safe(b)) {
                *part = percent_encoding::percent_encode(part.as_bytes(), NOT_URI_SAFE).to_string();
            }
        }
        let host_is_bad = request
            .headers
            .get(lambda_http::http::header::HOST)
            .is_some_and(|host| {
                host.to_str()
                    .ok()
                    .and_then(|h| url::Url::parse(&format!("https://{h}/")).ok())
                    .is_none()
            });
        if host_is_bad {
            request.headers.remove(lambda_http::http::header::HOST);
        }
    }
}

/// What a URI's path or query may hold as it is: RFC 3986's unreserved characters, sub-delimiters,
/// `:`, `@`, `/`, `?` and `%`.
fn uri_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&byte)
}

const NOT_URI_SAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(0x7F);

/// Parses an API Gateway event the way the runtime does, guards included (for tests and tools).
pub fn request_from_event(json: &str) -> Result<Request, serde_json::Error> {
    let mut event: LambdaRequest = serde_json::from_str(json)?;
    guard_body_encoding(&mut event);
    guard_uri(&mut event);
    Ok(event.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_a_uri_refuses_are_encoded_and_build_a_request() {
        for (path, query, host) in [
            ("/consultations", "a b", "api.example"),
            ("/consultations", "x=\"1\"&y=<script>", "api.example"),
            ("/consultations/a b", "q=é{}|^`", "api.example"),
            ("/consultations", "", "bad host"),
            ("/consultations", "%zz", "api.example:notaport"),
        ] {
            let event = serde_json::json!({
                "version": "2.0",
                "routeKey": "$default",
                "rawPath": path,
                "rawQueryString": query,
                "headers": {"host": host},
                "requestContext": {
                    "accountId": "123456789012", "apiId": "api", "domainName": "api.example",
                    "domainPrefix": "api", "requestId": "r", "routeKey": "$default",
                    "stage": "$default", "time": "01/Dec/2026:12:00:00 +0000",
                    "timeEpoch": 1796126400000u64,
                    "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1",
                             "sourceIp": "198.51.100.1", "userAgent": "test"}
                },
                "isBase64Encoded": false
            });
            let request = request_from_event(&event.to_string());
            assert!(request.is_ok(), "{path} {query}");
        }
    }
}
