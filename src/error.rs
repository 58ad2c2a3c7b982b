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
    /// A forged, altered or expired follow-up link (or links not configured): nothing changed.
    #[error("follow-up link refused: {0}")]
    FollowUpLinkInvalid(&'static str),
    #[error("no request to follow up")]
    FollowUpUnknown,
    #[error("origin not allowed")]
    OriginNotAllowed,
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

/// How an error looks on the wire: status, stable code and a sentence for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorDescription {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub message: &'static str,
    /// Seconds after which retrying makes sense.
    pub retry_after: Option<u32>,
}

impl RequestError {
    pub fn describe(&self) -> ErrorDescription {
        let (status, code, title, message, retry_after) = match self {
            RequestError::NotFound => (
                404,
                "not_found",
                "Page not found",
                "There is nothing at this address. Requests are sent to /consultations.",
                None,
            ),
            RequestError::MethodNotAllowed => (
                405,
                "method_not_allowed",
                "Method not allowed",
                "This address only accepts form submissions (POST).",
                None,
            ),
            RequestError::FollowUpMethodNotAllowed => (
                405,
                "method_not_allowed",
                "Method not allowed",
                "This address opens a follow-up page (GET) and records it (POST).",
                None,
            ),
            RequestError::FollowUpLinkInvalid(_) => (
                403,
                "link_invalid",
                "This link does not work",
                "The link is not valid or has expired, so nothing was recorded. Use a link from a newer email, or ask whoever runs the form to record it.",
                None,
            ),
            RequestError::FollowUpUnknown => (
                404,
                "not_found",
                "No such request",
                "There is no request to follow up at this address: it may have been erased.",
                None,
            ),
            RequestError::OriginNotAllowed => (
                403,
                "origin_not_allowed",
                "Not allowed from this site",
                "This form cannot be sent from the site you are on. Please use the practice's own website.",
                None,
            ),
            RequestError::UnsupportedMediaType => (
                415,
                "unsupported_media_type",
                "Unsupported form encoding",
                "Send the form as application/json or application/x-www-form-urlencoded (UTF-8).",
                None,
            ),
            RequestError::PayloadTooLarge { .. } => (
                413,
                "payload_too_large",
                "Request too large",
                "The form is larger than we can accept (64 KiB). Please shorten your message.",
                None,
            ),
            RequestError::Malformed(_) => (
                400,
                "malformed_request",
                "We could not read the form",
                "The form data could not be read. Please reload the page and try again.",
                None,
            ),
            RequestError::Validation(_) => (
                422,
                "validation_failed",
                "There is a problem",
                "Some answers need changing before the form can be sent. What you typed is still in the form.",
                None,
            ),
            RequestError::IdempotencyKeyReused => (
                409,
                "idempotency_key_reused",
                "Please send the form again",
                "This form was already sent with different answers. Reload the page and send it again.",
                None,
            ),
            RequestError::RateLimited { retry_after } => (
                429,
                "rate_limited",
                "Too many requests",
                "We have received several requests from your connection in the last hour. Please try again later, or call the practice.",
                Some(*retry_after),
            ),
            RequestError::StorageUnavailable(_) => (
                503,
                "temporarily_unavailable",
                "Please try again shortly",
                "We could not save your request just now. Nothing was sent. Please try again in a minute.",
                Some(30),
            ),
            RequestError::Internal(_) => (
                500,
                "internal_error",
                "Something went wrong",
                "Something went wrong on our side and your request may not have been saved. Please try again, or contact the practice directly.",
                None,
            ),
        };
        ErrorDescription {
            status,
            code,
            title,
            message,
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

    #[test]
    fn each_error_maps_to_its_contract_status_and_code() {
        let cases: Vec<(RequestError, u16, &str)> = vec![
            (RequestError::NotFound, 404, "not_found"),
            (RequestError::MethodNotAllowed, 405, "method_not_allowed"),
            (
                RequestError::FollowUpMethodNotAllowed,
                405,
                "method_not_allowed",
            ),
            (RequestError::FollowUpLinkInvalid("x"), 403, "link_invalid"),
            (RequestError::FollowUpUnknown, 404, "not_found"),
            (RequestError::OriginNotAllowed, 403, "origin_not_allowed"),
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
        ];
        for (error, status, code) in cases {
            let d = error.describe();
            assert_eq!((d.status, d.code), (status, code), "{error:?}");
        }
        assert_eq!(unavailable().describe().retry_after, Some(30));
    }
}
