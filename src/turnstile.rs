//! Cloudflare Turnstile: the server-side check of the token the form's widget produced.
//!
//! A person must never be turned away by an outage: when the verifier cannot be reached in time the
//! request is kept and marked unverified, and a warning is logged.

use crate::config::{AllowedOrigins, TurnstileConfig};
use crate::deadline::Deadline;
use crate::domain::{FieldError, Verification};
use crate::tls::HttpsClient;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use std::time::Duration;

/// How long the verifier gets before the request is kept unverified.
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(3);

/// Of the time left before the answer, what the check leaves for the write that follows it.
const WRITE_SHARE: Duration = Duration::from_secs(2);

/// What the pipeline asks the verifier about one request.
#[derive(Debug, Clone, Copy)]
pub struct Challenge<'a> {
    pub token: Option<&'a str>,
    pub remote_ip: Option<&'a str>,
    /// The same for every repeat of the request, so a resubmitted token is judged as before.
    pub idempotency_key: &'a str,
    /// The invocation's id, for the warning an alarm watches.
    pub request_id: &'a str,
}

/// What the check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// Cloudflare said no (or vouched for another site): a `422 captcha_failed`.
    Rejected,
    /// The token expired while the person was writing, or was used twice: `422 captcha_expired`,
    /// and sending again (with a fresh token) goes through.
    Expired,
    /// The verifier could not be asked; the reason is safe to log.
    Unavailable(String),
}

/// The verifier's client, built once per cold start.
#[derive(Clone)]
pub struct TurnstileVerifier {
    config: TurnstileConfig,
    client: HttpsClient,
}

impl std::fmt::Debug for TurnstileVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnstileVerifier")
            .field("verify_url", &self.config.verify_url)
            .finish_non_exhaustive()
    }
}

impl TurnstileVerifier {
    /// The check as the contract wants it, in the time the invocation has left: passed, a field
    /// error (`captcha_failed`, `captcha_expired`), or unverified when the verifier could not
    /// judge, with the warning (`event = captcha_unavailable`) an alarm watches.
    pub async fn check(
        &self,
        challenge: Challenge<'_>,
        allowed: &AllowedOrigins,
        deadline: Deadline,
    ) -> Result<Verification, FieldError> {
        let limit = deadline
            .time_to_answer()
            .map_or(VERIFY_TIMEOUT, |left| left.saturating_sub(WRITE_SHARE));
        let verdict = self
            .verify(
                challenge.token,
                challenge.remote_ip,
                challenge.idempotency_key,
                allowed,
                limit,
            )
            .await;
        match verdict {
            Verdict::Passed => Ok(Verification::Passed),
            Verdict::Rejected => Err(FieldError::CaptchaFailed),
            Verdict::Expired => Err(FieldError::CaptchaExpired),
            Verdict::Unavailable(reason) => {
                tracing::warn!(event = "captcha_unavailable", request_id = %challenge.request_id, reason = %reason, "Turnstile could not be checked; keeping the request unverified");
                Ok(Verification::Unverified)
            }
        }
    }

    /// On the shared client ([`crate::tls::https_client`]): Cloudflare's certificates chain to
    /// roots of its compiled-in store whichever CA it uses.
    pub fn new(config: TurnstileConfig, client: HttpsClient) -> Self {
        Self { config, client }
    }

    /// Checks `token` for a request from `remote_ip`, waiting at most `limit` (and never more than
    /// [`VERIFY_TIMEOUT`]); `idempotency_key` lets Cloudflare accept a retried check of the same
    /// token.
    pub async fn verify(
        &self,
        token: Option<&str>,
        remote_ip: Option<&str>,
        idempotency_key: &str,
        allowed: &AllowedOrigins,
        limit: Duration,
    ) -> Verdict {
        let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 2048) else {
            return Verdict::Rejected;
        };
        let mut form = form_urlencoded_pairs(&[
            ("secret", self.config.secret.expose()),
            ("response", token),
            ("idempotency_key", idempotency_key),
        ]);
        if let Some(ip) = remote_ip {
            form.push('&');
            form.push_str(&form_urlencoded_pairs(&[("remoteip", ip)]));
        }
        let request = match hyper::Request::post(&self.config.verify_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(form)))
        {
            Ok(request) => request,
            Err(e) => return Verdict::Unavailable(format!("bad verify URL: {e}")),
        };
        let answered = tokio::time::timeout(limit.min(VERIFY_TIMEOUT), async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok::<_, String>((status, body))
        })
        .await;
        let (status, body) = match answered {
            Err(_) => return Verdict::Unavailable("timed out".to_owned()),
            Ok(Err(e)) => {
                return Verdict::Unavailable(format!("could not reach the verifier: {e}"));
            }
            Ok(Ok(answer)) => answer,
        };
        if !status.is_success() {
            return Verdict::Unavailable(format!("verifier answered {status}"));
        }
        judge(&body, allowed)
    }
}

/// Error codes that say the check failed on Cloudflare's side or on ours (a wrong or missing
/// secret, a malformed call): no judgement of the person, so the request is kept unverified.
const NOT_THE_PERSON: [&str; 4] = [
    "internal-error",
    "invalid-input-secret",
    "missing-input-secret",
    "bad-request",
];

/// Reads siteverify's answer: success, and a hostname that is one of our allowed origins' hosts;
/// or, on failure, whose failure it was.
fn judge(body: &[u8], allowed: &AllowedOrigins) -> Verdict {
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Verdict::Unavailable("verifier answered something other than JSON".to_owned());
    };
    if answer["success"].as_bool() == Some(true) {
        let ours = answer["hostname"]
            .as_str()
            .is_some_and(|hostname| allowed.has_host(hostname));
        return if ours {
            Verdict::Passed
        } else {
            Verdict::Rejected
        };
    }
    let codes: Vec<&str> = answer["error-codes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    if let Some(code) = codes.iter().find(|code| NOT_THE_PERSON.contains(code)) {
        return Verdict::Unavailable(format!("verifier error {code}"));
    }
    if codes.contains(&"timeout-or-duplicate") {
        return Verdict::Expired;
    }
    Verdict::Rejected
}

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> AllowedOrigins {
        AllowedOrigins::parse("https://www.practice.example,http://localhost:8080").unwrap()
    }

    #[test]
    fn answers_are_judged_by_success_and_hostname() {
        let cases: &[(&str, Verdict)] = &[
            (
                r#"{"success":true,"hostname":"www.practice.example"}"#,
                Verdict::Passed,
            ),
            (
                r#"{"success":true,"hostname":"localhost"}"#,
                Verdict::Passed,
            ),
            (
                r#"{"success":true,"hostname":"WWW.Practice.Example"}"#,
                Verdict::Passed,
            ),
            (
                r#"{"success":true,"hostname":"evil.example"}"#,
                Verdict::Rejected,
            ),
            (r#"{"success":true}"#, Verdict::Rejected),
            (
                r#"{"success":false,"hostname":"www.practice.example","error-codes":["invalid-input-response"]}"#,
                Verdict::Rejected,
            ),
            (
                r#"{"success":"true","hostname":"www.practice.example"}"#,
                Verdict::Rejected,
            ),
            (
                r#"{"success":false,"error-codes":["timeout-or-duplicate"]}"#,
                Verdict::Expired,
            ),
            (r#"{"success":false,"error-codes":[]}"#, Verdict::Rejected),
            (r#"{"success":false}"#, Verdict::Rejected),
        ];
        for (body, expected) in cases {
            assert_eq!(&judge(body.as_bytes(), &allowed()), expected, "{body}");
        }
        for code in NOT_THE_PERSON {
            let body = format!(r#"{{"success":false,"error-codes":["{code}"]}}"#);
            assert_eq!(
                judge(body.as_bytes(), &allowed()),
                Verdict::Unavailable(format!("verifier error {code}"))
            );
        }
        assert!(matches!(
            judge(b"<html>", &allowed()),
            Verdict::Unavailable(_)
        ));
    }

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(
            form_urlencoded_pairs(&[("a", "x y&z=1"), ("b", "ok")]),
            "a=x%20y%26z%3D1&b=ok"
        );
    }
}
