//! The API Gateway event around a request, before `lambda_http` turns it into a request: a guard
//! for bodies that cannot be decoded.

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

/// Parses an API Gateway event the way the runtime does, guard included (for tests and tools).
pub fn request_from_event(json: &str) -> Result<Request, serde_json::Error> {
    let mut event: LambdaRequest = serde_json::from_str(json)?;
    guard_body_encoding(&mut event);
    Ok(event.into())
}
