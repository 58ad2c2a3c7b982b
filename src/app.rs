//! The request handler: route, check, parse, store, notify, answer — and one summary log line.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::domain::{
    ConsultationRequest, Field, FieldError, FieldErrors, NotifyStatus, ReceivedRequest,
    SubmissionId, SubmissionRules, Verification,
};
use crate::duplicates::{DuplicateGuard, fingerprint};
use crate::error::RequestError;
use crate::http::body::MediaType;
use crate::http::cors::{OriginCheck, check_origin, preflight};
use crate::http::envelope::{self, UNDECODABLE_BODY_HEADER, header};
use crate::http::intake::{Intake, read_submission};
use crate::http::response::{ClientKind, Responder};
use crate::notify::{
    NotificationSettings, SesNotifier, render_acknowledgement, render_notification,
};
use crate::store::{InsertOutcome, RateLimit, Store, StoreError};
use crate::turnstile::{TurnstileVerifier, Verdict};
use chrono::DurationRound;
use chrono::{DateTime, Duration, Utc};
use futures_util::FutureExt;
use lambda_http::RequestExt;
use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

pub const PATH: &str = "/consultations";

/// The most init may spend warming connections.
pub const WARM_UP_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How long the retry path holds a claimed notification; longer than one send can take.
pub const RETRY_LEASE: Duration = Duration::seconds(60);
/// How long past the invocation's deadline the request path's claim outlives it, so a function
/// killed between the write and the email leaves the request to the retry path soon after.
const LEASE_MARGIN: Duration = Duration::seconds(10);

/// Everything one invocation needs, built once per cold start.
pub struct App {
    config: Config,
    store: Store,
    notifier: SesNotifier,
    turnstile: Option<TurnstileVerifier>,
    clock: Arc<dyn Clock>,
}

/// What one run of the retry path did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RetryReport {
    pub pending: usize,
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
    /// Claimed by another sender at the moment, or already done.
    pub skipped: usize,
    /// Left for the next run because this invocation ran out of time.
    pub postponed: usize,
}

/// What the summary log line says about a request. Holds no submitted value.
struct Summary {
    outcome: &'static str,
    submission_id: Option<String>,
    field_errors: Vec<String>,
    notify: Option<&'static str>,
}

impl Summary {
    fn new(outcome: &'static str) -> Self {
        Self {
            outcome,
            submission_id: None,
            field_errors: Vec::new(),
            notify: None,
        }
    }
}

impl App {
    pub fn new(
        config: Config,
        store: Store,
        notifier: SesNotifier,
        turnstile: Option<TurnstileVerifier>,
    ) -> Self {
        Self {
            config,
            store,
            notifier,
            turnstile,
            clock: Arc::new(SystemClock),
        }
    }

    /// Replaces the clock (tests make time controllable with it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// With `WARM_CONNECTIONS`, does at cold start what the person's first request would
    /// otherwise wait for: opens the DynamoDB and SES connections (at most `WARM_UP_LIMIT`), and,
    /// while those handshakes wait on the network, runs the pure path once, which loads the
    /// phone-number metadata (the largest one-time cost, about 0.1–0.2 s of CPU). A failure only
    /// means the first request does that work itself.
    pub async fn warm_up(&self) {
        if !self.config.warm_connections {
            return;
        }
        let (store, notifier) = (self.store.clone(), self.notifier.clone());
        let connections = tokio::spawn(async move {
            let both = futures_util::future::join(store.warm_up(), notifier.warm_up());
            tokio::time::timeout(WARM_UP_LIMIT, both).await
        });
        // A panic here would otherwise end the cold start; in a request it would be a 500.
        if std::panic::catch_unwind(AssertUnwindSafe(|| self.prime_pure_path())).is_err() {
            tracing::warn!("the pure path panicked on the built-in sample at init");
        }
        match connections.await {
            Ok(Ok((Ok(()), Ok(())))) => tracing::debug!("connections warmed"),
            Ok(Ok((store, notifier))) => tracing::info!(
                store = ?store.err().map(|e| e.to_string()),
                notifier = ?notifier.err().map(|e| e.to_string()),
                "a connection could not be warmed at init"
            ),
            Ok(Err(_)) => tracing::info!("warming the connections took too long; continuing"),
            Err(error) => tracing::warn!(error = %error, "the connection warm-up task failed"),
        }
    }

    /// Reads, validates and renders the staff email for a built-in sample request, with this
    /// configuration; nothing is stored or sent.
    fn prime_pure_path(&self) {
        const SAMPLE: &str = r#"{"name":"Sample Person","email":"sample@example.com",
            "phone":"+1 415 555 2671","preferred_contact":"phone","best_time":"Mornings",
            "session_format":"telehealth","message":"A sample message.","consent":true}"#;
        let intake = Intake {
            undecodable_body: false,
            content_type: Some("application/json"),
            idempotency_header: None,
            body: SAMPLE.as_bytes(),
        };
        let rules = SubmissionRules {
            phone_region: self.config.phone_default_region,
        };
        let now = self.clock.now();
        let primed = read_submission(intake, rules)
            .map_err(|e| e.to_string())
            .and_then(|parsed| {
                let received = self.receive(SubmissionId::new(now), now, parsed.request);
                render_notification(&received, self.notification_settings())
                    .map_err(|e| e.to_string())
            });
        if let Err(error) = primed {
            tracing::debug!(error = %error, "the sample request did not go through the pure path");
        }
    }

    fn notification_settings(&self) -> NotificationSettings {
        NotificationSettings {
            timezone: self.config.practice_timezone,
            include_message: self.config.notify_include_message,
        }
    }

    /// Builds the store, the notifier and (when configured) the Turnstile client; the AWS clients
    /// share one SDK configuration.
    pub fn from_sdk_config(config: Config, sdk: &aws_config::SdkConfig) -> std::io::Result<Self> {
        let store = Store::new(
            aws_sdk_dynamodb::Client::new(sdk),
            config.table_name.clone(),
        );
        let notifier = SesNotifier::new(
            aws_sdk_sesv2::Client::new(sdk),
            config.notify_from.clone(),
            config.notify_to.clone(),
            config.ses_configuration_set.clone(),
        );
        let turnstile = config
            .turnstile
            .clone()
            .map(TurnstileVerifier::new)
            .transpose()?;
        Ok(Self::new(config, store, notifier, turnstile))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one request. Never fails: a panic becomes a `500` with the request id.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let started = Instant::now();
        let request_id = envelope::request_id(&request);
        let responder = self.responder(&request, &request_id);
        let handled = AssertUnwindSafe(self.process(&request, &responder))
            .catch_unwind()
            .await;
        let (response, summary) = handled.unwrap_or_else(|_| {
            let error = RequestError::Internal("panic while handling the request".to_owned());
            (responder.error(&error), Summary::new("error"))
        });
        log_summary(&request_id, &summary, response.status().as_u16(), started);
        response
    }

    async fn process(&self, request: &Request, responder: &Responder) -> (Response<Body>, Summary) {
        match self.accept(request, responder).await {
            Ok(answer) => answer,
            Err(error) => {
                let mut summary = Summary::new(error.outcome());
                if let RequestError::Validation(fields) = &error {
                    summary.field_errors = fields.codes();
                }
                if let RequestError::StorageUnavailable(detail) | RequestError::Internal(detail) =
                    &error
                {
                    tracing::error!(request_id = %responder.request_id, error = %detail, "request failed");
                }
                (responder.error(&error), summary)
            }
        }
    }

    async fn accept(
        &self,
        request: &Request,
        responder: &Responder,
    ) -> Result<(Response<Body>, Summary), RequestError> {
        let path = request.uri().path();
        if path != PATH && path.strip_suffix('/') != Some(PATH) {
            return Err(RequestError::NotFound);
        }
        let origin = check_origin(header(request, "origin"), &self.config.allowed_origins);
        match *request.method() {
            Method::OPTIONS => {
                let outcome = if matches!(origin, OriginCheck::Allowed(_)) {
                    "preflight"
                } else {
                    "invalid"
                };
                return Ok((preflight(&origin, responder), Summary::new(outcome)));
            }
            Method::POST => {}
            _ => return Err(RequestError::MethodNotAllowed),
        }
        if origin == OriginCheck::Refused {
            return Err(RequestError::OriginNotAllowed);
        }
        let intake = Intake {
            undecodable_body: request.headers().contains_key(UNDECODABLE_BODY_HEADER),
            content_type: header(request, "content-type"),
            idempotency_header: request
                .headers()
                .get("idempotency-key")
                .map(|v| v.to_str().map(str::trim).map_err(|_| ())),
            body: request.body().as_ref(),
        };
        let rules = SubmissionRules {
            phone_region: self.config.phone_default_region,
        };
        let parsed = read_submission(intake, rules)?;

        let now = self.clock.now();
        let id = SubmissionId::new(now);
        if parsed.honeypot_filled {
            // A bot gets exactly what a person would, so it learns nothing; nothing is kept.
            let mut summary = Summary::new("spam");
            summary.submission_id = Some(id.to_string());
            return Ok((self.accepted(responder, id), summary));
        }

        let guard = DuplicateGuard::new(
            &parsed.request,
            parsed.idempotency_key.as_ref(),
            &self.config.client_hash_key,
        );
        let source_ip = envelope::source_ip(request);
        let verification = match &self.turnstile {
            None => Verification::NotRequired,
            Some(turnstile) => {
                let verdict = turnstile
                    .verify(
                        parsed.turnstile_token.as_deref(),
                        source_ip.as_deref(),
                        &guard.verification_key(),
                        &self.config.allowed_origins,
                    )
                    .await;
                match verdict {
                    Verdict::Passed => Verification::Passed,
                    Verdict::Rejected => {
                        let mut errors = FieldErrors::new();
                        errors.add(Field::TurnstileToken, FieldError::CaptchaFailed);
                        return Err(RequestError::Validation(errors));
                    }
                    Verdict::Unavailable(reason) => {
                        tracing::warn!(event = "captcha_unavailable", request_id = %responder.request_id, reason = %reason, "Turnstile could not be checked; keeping the request unverified");
                        Verification::Unverified
                    }
                }
            }
        };
        let rate_limit = source_ip.map(|ip| self.rate_limit(&ip, now));
        let mut received = self.receive(id, now, parsed.request);
        received.verification = verification;
        let lease_until = request
            .lambda_context_ref()
            .and_then(|context| {
                DateTime::<Utc>::from_timestamp_millis(i64::try_from(context.deadline).ok()?)
            })
            .map_or(now + RETRY_LEASE, |deadline| deadline + LEASE_MARGIN);
        let inserted = self
            .store
            .insert_request(&received, &guard, rate_limit.as_ref(), now, lease_until)
            .await
            .map_err(|e| RequestError::StorageUnavailable(e.to_string()))?;
        match inserted {
            InsertOutcome::Inserted => {
                let mut summary = Summary::new("stored");
                summary.submission_id = Some(id.to_string());
                summary.notify = Some(self.deliver(&received, 1).await.as_str());
                if self.config.send_acknowledgement {
                    self.acknowledge(&received).await;
                }
                Ok((self.accepted(responder, id), summary))
            }
            InsertOutcome::Duplicate {
                submission_id,
                same_payload: true,
            } => {
                let mut summary = Summary::new("duplicate");
                summary.submission_id = Some(submission_id.to_string());
                let response = responder.replayed(
                    &submission_id.to_string(),
                    self.config.thank_you_url.as_deref(),
                );
                Ok((response, summary))
            }
            InsertOutcome::Duplicate {
                same_payload: false,
                ..
            } => Err(RequestError::IdempotencyKeyReused),
            InsertOutcome::RateLimited { window_end } => {
                let seconds = (window_end - now).num_seconds().clamp(1, 3600);
                Err(RequestError::RateLimited {
                    retry_after: u32::try_from(seconds).unwrap_or(3600),
                })
            }
        }
    }

    fn receive(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        request: ConsultationRequest,
    ) -> ReceivedRequest {
        let urgent = request
            .message
            .as_ref()
            .is_some_and(|m| self.config.urgent_phrases.matches(m.as_str()));
        ReceivedRequest {
            id,
            received_at: now,
            request,
            consent_version: self.config.consent_version.clone(),
            urgent,
            expires_at: now + Duration::days(i64::from(self.config.retention_days.get())),
            verification: Verification::NotRequired,
        }
    }

    /// The client's counter for the current clock hour. The address is kept only as a keyed hash.
    fn rate_limit(&self, source_ip: &str, now: DateTime<Utc>) -> RateLimit {
        let hour_start = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
        let client = fingerprint(&self.config.client_hash_key, "client", &[source_ip]);
        RateLimit {
            counter_key: format!("rate#{client}#{}", hour_start.format("%Y%m%d%H")),
            limit: self.config.rate_limit_per_hour.get(),
            window_end: hour_start + Duration::hours(1),
        }
    }

    /// Renders and sends the staff email, and records it as sent. The one path every staff email
    /// takes: the request, the retry path and the operator's `resend`.
    pub async fn send_staff_email(&self, received: &ReceivedRequest) -> Result<String, String> {
        let email = render_notification(received, self.notification_settings())
            .map_err(|e| format!("rendering failed: {e}"))?;
        let message_id = self
            .notifier
            .send(&email, &received.request.email)
            .await
            .map_err(|e| e.to_string())?;
        if let Err(e) = self
            .store
            .mark_sent(received.id, &message_id, self.clock.now())
            .await
        {
            tracing::warn!(submission_id = %received.id, error = %e, "notification sent but not recorded as sent");
        }
        Ok(message_id)
    }

    /// Emails staff about a request whose notification the caller has claimed (attempt number
    /// `attempts`). A failure leaves it `pending` for the retry path, or `failed` after the last
    /// attempt; the person is not told, because their request is safe.
    async fn deliver(&self, received: &ReceivedRequest, attempts: u32) -> NotifyStatus {
        let error = match self.send_staff_email(received).await {
            Ok(_) => return NotifyStatus::Sent,
            Err(error) => error,
        };
        match self
            .store
            .release_failed_notification(received.id, attempts)
            .await
        {
            Ok(NotifyStatus::Failed) => {
                tracing::error!(event = "notification_failed", submission_id = %received.id, attempts, error = %error, "notification failed for good; staff were not told");
                NotifyStatus::Failed
            }
            Ok(status) => {
                tracing::warn!(event = "notification_deferred", submission_id = %received.id, attempts, error = %error, "notification not sent; request stays pending");
                status
            }
            Err(e) => {
                // The lease runs out by itself, so the retry path still gets it.
                tracing::warn!(event = "notification_deferred", submission_id = %received.id, attempts, error = %error, release_error = %e, "notification not sent; request stays pending");
                NotifyStatus::Pending
            }
        }
    }

    /// The short reply to the person. Only a new, accepted request gets one (so it is rate-limited
    /// like the rest, and a repeat never sends a second); a failure is logged, not retried.
    async fn acknowledge(&self, received: &ReceivedRequest) {
        let sent = match render_acknowledgement() {
            Ok(email) => self
                .notifier
                .acknowledge(&received.request.email, &email)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = sent {
            tracing::warn!(event = "acknowledgement_failed", submission_id = %received.id, error = %error, "acknowledgement not sent");
        }
    }

    /// The retry path: sends every pending notification whose claim is free, until `stop_at`.
    pub async fn retry_pending_notifications(
        &self,
        stop_at: DateTime<Utc>,
    ) -> Result<RetryReport, StoreError> {
        let ids = self.store.pending_notifications(500).await?;
        let mut report = RetryReport {
            pending: ids.len(),
            ..RetryReport::default()
        };
        for id in ids {
            let now = self.clock.now();
            if now >= stop_at {
                report.postponed += 1;
                continue;
            }
            match self
                .store
                .claim_notification(id, now, now + RETRY_LEASE)
                .await
            {
                Ok(Some(claimed)) => {
                    match self.deliver(&claimed.received, claimed.attempts).await {
                        NotifyStatus::Sent => report.sent += 1,
                        NotifyStatus::Pending => report.deferred += 1,
                        NotifyStatus::Failed => report.failed += 1,
                    }
                }
                Ok(None) => report.skipped += 1,
                Err(e) => {
                    tracing::warn!(submission_id = %id, error = %e, "could not claim a pending notification");
                    report.postponed += 1;
                }
            }
        }
        tracing::info!(
            event = "retry_run",
            pending = report.pending,
            sent = report.sent,
            deferred = report.deferred,
            failed = report.failed,
            skipped = report.skipped,
            postponed = report.postponed,
            "retry path ran"
        );
        Ok(report)
    }

    fn accepted(&self, responder: &Responder, id: SubmissionId) -> Response<Body> {
        responder.accepted(&id.to_string(), self.config.thank_you_url.as_deref())
    }

    fn responder(&self, request: &Request, request_id: &str) -> Responder {
        let content_type_is_json = MediaType::from_content_type(header(request, "content-type"))
            .ok()
            == Some(MediaType::Json);
        let accepts_json = header(request, "accept").is_some_and(|accept| {
            accept.split(',').any(|part| {
                part.split(';')
                    .next()
                    .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
            })
        });
        let kind = if content_type_is_json || accepts_json {
            ClientKind::Json
        } else {
            ClientKind::Html
        };
        let origins = &self.config.allowed_origins;
        let cors_origin = match check_origin(header(request, "origin"), origins) {
            OriginCheck::Allowed(origin) => Some(origin),
            _ => None,
        };
        // Link back only to a page of an allowed site, never to wherever a Referer points.
        let back_link = header(request, "referer")
            .filter(|referer| origin_of(referer).is_some_and(|o| origins.allows(o)))
            .map(str::to_owned)
            .or_else(|| cors_origin.as_ref().map(|o| format!("{o}/")));
        Responder {
            kind,
            cors_origin,
            back_link,
            request_id: request_id.to_owned(),
        }
    }
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme_end + host_end])
}

fn log_summary(request_id: &str, summary: &Summary, status: u16, started: Instant) {
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let submission_id = summary.submission_id.as_deref().unwrap_or("");
    let field_errors = summary.field_errors.join(",");
    let notify = summary.notify.unwrap_or("");
    if summary.outcome == "error" {
        tracing::error!(target: "consultation_form::request", request_id, submission_id, outcome = summary.outcome, status, duration_ms, field_errors, notify, "request handled");
    } else {
        tracing::info!(target: "consultation_form::request", request_id, submission_id, outcome = summary.outcome, status, duration_ms, field_errors, notify, "request handled");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of("https://www.example.com/contact?x=1"),
            Some("https://www.example.com")
        );
        assert_eq!(
            origin_of("http://localhost:8080"),
            Some("http://localhost:8080")
        );
        assert_eq!(
            origin_of("http://localhost:8080#top"),
            Some("http://localhost:8080")
        );
        assert_eq!(origin_of("/relative"), None);
    }
}
