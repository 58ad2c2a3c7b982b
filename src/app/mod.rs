//! The pipeline: from a submitted form to an outcome, in named steps, and the other entries a
//! request or an event comes in by: the heartbeat's probe (`probe`), a release from the review
//! digest (`release`), a reply to a staff email (`replies`). It sees no headers and builds no
//! responses; the HTTP edge (`http`) does both.

mod assign;
pub mod probe;
mod receive;
pub mod release;
pub mod replies;
mod warm_up;

pub use warm_up::WARM_UP_LIMIT;

use crate::clock::{Clock, SystemClock};
use crate::config::{AllowedOrigins, Config};
use crate::deadline::Deadline;
use crate::delivery::{Delivery, EmailSettings};
use crate::domain::{
    Field, FieldErrors, HoldReason, Language, NotifyStatus, ParsedSubmission, ReceivedRequest,
    Reminder, SubmissionId, SubmissionRules, Verification,
};
use crate::error::RequestError;
use crate::follow_up::FollowUpPolicy;
use crate::hosted_form::HostedPolicy;
use crate::intake::{ReadBody, read_submission};
use crate::notify::SesNotifier;
use crate::routing::Routing;
use crate::staff::Staff;
use crate::store::{DuplicateGuard, InsertOutcome, RateLimit, Store, StoreError};
use crate::tls::HttpsClient;
use crate::turnstile::{Challenge, TurnstileVerifier};
use crate::webhooks::Webhooks;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Everything one invocation needs, built once per cold start.
pub struct App {
    config: Config,
    /// The DynamoDB client, shared with what is built later (the staff console's tables).
    dynamodb: aws_sdk_dynamodb::Client,
    store: Store,
    delivery: Delivery,
    turnstile: Option<TurnstileVerifier>,
    clock: Arc<dyn Clock>,
    /// Hashed when the hosted form is first asked for: most cold starts answer a post.
    hosted_policy: std::sync::OnceLock<HostedPolicy>,
    /// The function's own HTTPS client (Turnstile, the heartbeat's probe): built only when one
    /// of them is configured.
    https: Option<HttpsClient>,
    /// Routing among clinicians: with the staff console, whose table lists them.
    routing: Option<Routing>,
    webhooks: Arc<Webhooks>,
}

/// What a thank-you adds for the person, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// No clinician is licensed in the region the person will be in: the request is kept, and
    /// the person is told kindly that the practice may not be able to see them itself.
    OutOfArea,
}

impl Notice {
    pub fn code(self) -> &'static str {
        match self {
            Self::OutOfArea => "out_of_area",
        }
    }
}

/// One submission as the pipeline sees it: the body and what the edge learnt around it.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// The invocation's id, for log lines.
    pub request_id: &'a str,
    /// The body, read once at the edge.
    pub body: &'a ReadBody,
    /// The address API Gateway saw (not a header a client could set).
    pub source_ip: Option<&'a str>,
    /// The domain API Gateway received it on: the follow-up links' base without
    /// `PUBLIC_BASE_URL`.
    pub domain_name: Option<&'a str>,
    pub deadline: Deadline,
    /// A plain HTML form post (not a JSON client): without JavaScript it can carry no captcha.
    pub form_post: bool,
    /// The person's language, chosen at the edge.
    pub language: Language,
    /// Where a Turnstile token may have been made: `ALLOWED_ORIGINS`' hosts and the API's own
    /// (the hosted form's widget runs on it).
    pub allowed: &'a AllowedOrigins,
}

/// What became of a submission that was not refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Stored; staff were emailed (`Sent`), or the retry path will do it.
    Stored {
        id: SubmissionId,
        notify: NotifyStatus,
        /// What the thank-you adds: no clinician is licensed where the person will be.
        notice: Option<Notice>,
    },
    /// A repeat of a stored request: the first answer again.
    Replayed { id: SubmissionId },
    /// The honeypot was filled: answered like a person, held as spam, nobody emailed.
    Spam { id: SubmissionId },
}

impl App {
    /// Builds the store, the delivery and (when configured) the Turnstile client; the AWS clients
    /// share one SDK configuration.
    pub fn from_sdk_config(config: Config, sdk: &aws_config::SdkConfig) -> Self {
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let store = Store::new(dynamodb.clone(), config.table_name.clone());
        let notifier = SesNotifier::new(
            aws_sdk_sesv2::Client::new(sdk),
            config.notify_from.clone(),
            config.notify_to.clone(),
            config.notify_fallback_to.clone(),
            config.escalate_to.clone(),
            config.ses_configuration_set.clone(),
        );
        // One client for the function's own HTTPS calls, built only when one is configured.
        let https = (config.turnstile.is_some() || config.heartbeat.is_some())
            .then(crate::tls::https_client);
        let turnstile = config
            .turnstile
            .clone()
            .zip(https.clone())
            .map(|(turnstile, client)| TurnstileVerifier::new(turnstile, client));
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let settings = EmailSettings::from(&config);
        let policy = follow_up_policy(&config);
        let staff = config
            .console
            .as_ref()
            .map(|console| Staff::new(dynamodb.clone(), console.staff_table.clone()));
        let mut delivery = Delivery::new(store.clone(), notifier, settings, policy, clock.clone());
        if let Some(staff) = &staff {
            delivery = delivery.with_staff(staff.clone(), config.notify_front_desk_on_assigned);
        }
        let webhooks = Arc::new(Webhooks::new(
            store.clone(),
            staff.clone(),
            config
                .console
                .as_ref()
                .map(|console| format!("{}{}", console.base, console.base_path)),
            aws_sdk_secretsmanager::Client::new(sdk),
            config.webhooks_allow_local_http,
        ));
        let routing = staff.map(|staff| Routing::new(staff, store.clone(), webhooks.clone()));
        Self {
            routing,
            webhooks,
            config,
            dynamodb,
            store,
            delivery,
            turnstile,
            clock,
            hosted_policy: std::sync::OnceLock::new(),
            https,
        }
    }

    /// Replaces the clock (tests make time controllable with it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        let mut delivery = Delivery::new(
            self.store.clone(),
            self.delivery.notifier().clone(),
            EmailSettings::from(&self.config),
            follow_up_policy(&self.config),
            clock.clone(),
        );
        if let Some(routing) = &self.routing {
            let copy = self.config.notify_front_desk_on_assigned;
            delivery = delivery.with_staff(routing.staff().clone(), copy);
        }
        self.delivery = delivery;
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The function's own HTTPS client, when Turnstile or the heartbeat needs one.
    pub fn https(&self) -> Option<&HttpsClient> {
        self.https.as_ref()
    }

    /// The hosted form's policy, its inline style and script hashed once per process.
    pub fn hosted_policy(&self) -> &HostedPolicy {
        self.hosted_policy.get_or_init(HostedPolicy::new)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The DynamoDB client every table is read through.
    pub fn dynamodb(&self) -> &aws_sdk_dynamodb::Client {
        &self.dynamodb
    }

    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// The practice's webhooks: what a change owes them, and sending it.
    pub fn webhooks(&self) -> &Webhooks {
        &self.webhooks
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The use case: read, screen, check for a human, store, then notify.
    pub async fn accept(&self, submission: Submission<'_>) -> Result<Accepted, RequestError> {
        let parsed = read_submission(submission.body, self.rules())?;
        let now = self.clock.now();
        let id = SubmissionId::new(now);
        let guard = DuplicateGuard::new(
            &parsed.request,
            parsed.idempotency_key.as_ref(),
            &self.config.client_hash_key,
        );
        let public_base_url = self.public_base_url(submission.domain_name);
        let received = if parsed.honeypot_filled {
            // A bot gets exactly what a person would, so it learns nothing. The request is held,
            // not thrown away: a person whose browser filled the hidden field can still be found.
            self.hold_for_review(
                id,
                now,
                parsed,
                HoldReason::Honeypot,
                public_base_url,
                submission.language,
            )
        } else if self.turnstile.is_some()
            && submission.form_post
            && parsed.turnstile_token.is_none()
        {
            // A plain form post can never carry a token (the widget needs JavaScript): held for
            // review, with the normal success page, rather than turned away.
            self.hold_for_review(
                id,
                now,
                parsed,
                HoldReason::NoCaptcha,
                public_base_url,
                submission.language,
            )
        } else {
            let verification = self.verify_human(&submission, &parsed, &guard).await?;
            ReceivedRequest {
                verification,
                public_base_url,
                ..self.receive(id, now, parsed, submission.language)
            }
        };
        let rate_limit = submission.source_ip.map(|ip| {
            let limit = self.config.rate_limit_per_hour.get();
            RateLimit::per_hour(&self.config.client_hash_key, ip, limit, now)
        });
        let deadline = submission.deadline;
        // Computed now, with the settings in force now: the scheduled run then reads only what is
        // due. Nobody follows up a request held as spam.
        let followed_up = received.followed_up();
        let first_reminder_at = followed_up.then(|| {
            self.delivery
                .follow_up
                .due_at(received.received_at, received.urgent, Reminder::Staff)
        });
        let outbox = self.received_outbox(&received, followed_up, deadline).await;
        let insert = self.store.insert_request(
            &received,
            &guard,
            rate_limit.as_ref(),
            now,
            deadline.claim_until(now),
            first_reminder_at,
            &outbox,
        );
        let inserted = deadline
            .within(insert)
            .await
            .unwrap_or(Err(StoreError::OutOfTime))
            .map_err(RequestError::StorageUnavailable)?;
        match inserted {
            InsertOutcome::Inserted if !followed_up => Ok(Accepted::Spam { id }),
            InsertOutcome::Inserted => {
                let (received, notice) = self.route(received, deadline).await;
                let acknowledge = self.config.send_acknowledgement;
                let notify = self
                    .delivery
                    .announce(&received, deadline, acknowledge)
                    .await;
                Ok(Accepted::Stored { id, notify, notice })
            }
            InsertOutcome::Duplicate {
                submission_id,
                same_payload: true,
            } => Ok(Accepted::Replayed { id: submission_id }),
            InsertOutcome::Duplicate { .. } => Err(RequestError::IdempotencyKeyReused),
            InsertOutcome::RateLimited { window_end } => {
                let seconds = (window_end - now).num_seconds().clamp(1, 3600);
                Err(RequestError::RateLimited {
                    retry_after: u32::try_from(seconds).unwrap_or(3600),
                })
            }
        }
    }

    pub(crate) fn rules(&self) -> SubmissionRules {
        SubmissionRules {
            phone_region: self.config.phone_default_region,
        }
    }

    /// With Turnstile configured: a rejected or expired token is a field error; a verifier that
    /// cannot be asked keeps the request, unverified, rather than turn a person away.
    async fn verify_human(
        &self,
        submission: &Submission<'_>,
        parsed: &ParsedSubmission,
        guard: &DuplicateGuard,
    ) -> Result<Verification, RequestError> {
        let Some(turnstile) = &self.turnstile else {
            return Ok(Verification::NotRequired);
        };
        let challenge = Challenge {
            token: parsed.turnstile_token.as_deref(),
            remote_ip: submission.source_ip,
            idempotency_key: &guard.verification_key(),
            request_id: submission.request_id,
        };
        turnstile
            .check(challenge, submission.allowed, submission.deadline)
            .await
            .map_err(|error| {
                let mut errors = FieldErrors::new();
                errors.add(Field::TurnstileToken, error);
                RequestError::Validation(errors)
            })
    }
}

fn follow_up_policy(config: &Config) -> FollowUpPolicy {
    FollowUpPolicy {
        after_hours: config.follow_up_after_hours.get(),
        business_hours: config.business_hours,
        timezone: config.practice_timezone,
    }
}
