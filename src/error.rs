//! Every way a request can fail, and the one place that maps each to the contract's status and code.

use crate::domain::FieldErrors;
use crate::store::StoreError;

/// Why a request was not accepted. Carries no submitted value, so it is always safe to log.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("no such path")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("method not allowed on a follow-up link")]
    FollowUpMethodNotAllowed,
    #[error("method not allowed on the hosted form")]
    FormMethodNotAllowed,
    /// A forged, altered or expired follow-up link (or links not configured): nothing changed.
    #[error("follow-up link refused: {0}")]
    FollowUpLinkInvalid(&'static str),
    #[error("no request to follow up")]
    FollowUpUnknown,
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// A heartbeat header that does not verify (altered, out of time, replayed): a probe's header
    /// is never taken for an ordinary request.
    #[error("heartbeat header refused: {0}")]
    HeartbeatRefused(&'static str),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("malformed body: {0}")]
    Malformed(&'static str),
    #[error("{} field error(s)", .0.len())]
    Validation(FieldErrors),
    #[error("idempotency key reused for other content")]
    IdempotencyKeyReused,
    #[error("rate limited for {retry_after} s")]
    RateLimited { retry_after: u32 },
    #[error("storage unavailable: {0}")]
    StorageUnavailable(#[source] StoreError),
    /// A bug (a panic); `what` says where, never with a submitted value.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// How an error looks on the wire: status, stable code and (in the catalogues) a sentence for a
/// person in their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorDescription {
    pub status: u16,
    pub code: &'static str,
    /// The catalogue message of its sentence for a person; its `.title` heads the HTML page.
    pub text: &'static str,
    /// Seconds after which retrying makes sense.
    pub retry_after: Option<u32>,
}

impl RequestError {
    pub fn describe(&self) -> ErrorDescription {
        let (status, code, text, retry_after) = match self {
            RequestError::NotFound => (404, "not_found", "error-not-found", None),
            RequestError::MethodNotAllowed => {
                (405, "method_not_allowed", "error-method-not-allowed", None)
            }
            RequestError::FollowUpMethodNotAllowed => (
                405,
                "method_not_allowed",
                "error-follow-up-method-not-allowed",
                None,
            ),
            RequestError::FormMethodNotAllowed => (
                405,
                "method_not_allowed",
                "error-form-method-not-allowed",
                None,
            ),
            RequestError::FollowUpLinkInvalid(_) => {
                (403, "link_invalid", "error-link-invalid", None)
            }
            RequestError::FollowUpUnknown => (404, "not_found", "error-follow-up-unknown", None),
            RequestError::OriginNotAllowed => {
                (403, "origin_not_allowed", "error-origin-not-allowed", None)
            }
            RequestError::HeartbeatRefused(_) => {
                (403, "heartbeat_refused", "error-heartbeat-refused", None)
            }
            RequestError::UnsupportedMediaType => (
                415,
                "unsupported_media_type",
                "error-unsupported-media-type",
                None,
            ),
            RequestError::PayloadTooLarge { .. } => {
                (413, "payload_too_large", "error-payload-too-large", None)
            }
            RequestError::Malformed(_) => (400, "malformed_request", "error-malformed", None),
            RequestError::Validation(_) => (422, "validation_failed", "error-validation", None),
            RequestError::IdempotencyKeyReused => (
                409,
                "idempotency_key_reused",
                "error-idempotency-key-reused",
                None,
            ),
            RequestError::RateLimited { retry_after } => (
                429,
                "rate_limited",
                "error-rate-limited",
                Some(*retry_after),
            ),
            RequestError::StorageUnavailable(_) => (
                503,
                "temporarily_unavailable",
                "error-temporarily-unavailable",
                Some(30),
            ),
            RequestError::Internal(_) => (500, "internal_error", "error-internal", None),
        };
        ErrorDescription {
            status,
            code,
            text,
            retry_after,
        }
    }

    /// The outcome recorded in the request's summary log line.
    pub fn outcome(&self) -> &'static str {
        match self {
            RequestError::StorageUnavailable(_) | RequestError::Internal(_) => "error",
            RequestError::IdempotencyKeyReused => "duplicate",
            RequestError::RateLimited { .. } => "rate_limited",
            _ => "invalid",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn unavailable() -> RequestError {
        let cause = crate::aws::AwsError::other("DynamoDB", "PutItem", "x");
        RequestError::StorageUnavailable(StoreError::Unavailable(cause))
    }

    /// One of each kind of error.
    pub(crate) fn every_error() -> Vec<RequestError> {
        each_with_its_status_and_code()
            .into_iter()
            .map(|(error, _, _)| error)
            .collect()
    }

    fn each_with_its_status_and_code() -> Vec<(RequestError, u16, &'static str)> {
        vec![
            (RequestError::NotFound, 404, "not_found"),
            (RequestError::MethodNotAllowed, 405, "method_not_allowed"),
            (
                RequestError::FollowUpMethodNotAllowed,
                405,
                "method_not_allowed",
            ),
            (RequestError::FollowUpLinkInvalid("x"), 403, "link_invalid"),
            (
                RequestError::FormMethodNotAllowed,
                405,
                "method_not_allowed",
            ),
            (RequestError::FollowUpUnknown, 404, "not_found"),
            (RequestError::OriginNotAllowed, 403, "origin_not_allowed"),
            (
                RequestError::HeartbeatRefused("forged"),
                403,
                "heartbeat_refused",
            ),
            (
                RequestError::UnsupportedMediaType,
                415,
                "unsupported_media_type",
            ),
            (
                RequestError::PayloadTooLarge { limit: 16384 },
                413,
                "payload_too_large",
            ),
            (RequestError::Malformed("json"), 400, "malformed_request"),
            (
                RequestError::Validation(FieldErrors::new()),
                422,
                "validation_failed",
            ),
            (unavailable(), 503, "temporarily_unavailable"),
            (RequestError::Internal("x"), 500, "internal_error"),
            (
                RequestError::IdempotencyKeyReused,
                409,
                "idempotency_key_reused",
            ),
            (
                RequestError::RateLimited { retry_after: 60 },
                429,
                "rate_limited",
            ),
        ]
    }

    #[test]
    fn each_error_maps_to_its_contract_status_and_code() {
        for (error, status, code) in each_with_its_status_and_code() {
            let d = error.describe();
            assert_eq!((d.status, d.code), (status, code), "{error:?}");
        }
        assert_eq!(unavailable().describe().retry_after, Some(30));
    }
}
