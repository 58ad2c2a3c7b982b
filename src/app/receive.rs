//! Receiving a request: what the service adds to what the person wrote.

use super::App;
use crate::deadline::Deadline;
use crate::domain::{
    FollowUpState, HoldReason, Language, ParsedSubmission, ReceivedRequest, SubmissionId,
    Verification,
};
use crate::store::Outbox;
use crate::webhooks::{EventType, Subject};
use chrono::{DateTime, Duration, Utc};

impl App {
    /// The request as kept: what the service adds to what the person wrote.
    pub(crate) fn receive(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        parsed: ParsedSubmission,
        language: Language,
    ) -> ReceivedRequest {
        let ParsedSubmission {
            request, answers, ..
        } = parsed;
        let practice = self.config.default_language;
        let answers = answers
            .iter()
            .map(|answer| {
                answer.keep(
                    |id| self.config.catalogues.plain(practice, id),
                    practice.tag(),
                )
            })
            .collect();
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
            hold: None,
            public_base_url: None,
            language,
            answers,
            assignee: None,
        }
    }

    /// A request held for review: kept `SPAM_RETENTION_DAYS`, listed in the review digest.
    pub(super) fn hold_for_review(
        &self,
        id: SubmissionId,
        now: DateTime<Utc>,
        parsed: ParsedSubmission,
        reason: HoldReason,
        public_base_url: Option<String>,
        language: Language,
    ) -> ReceivedRequest {
        let days = i64::from(self.config.spam_retention_days.get());
        ReceivedRequest {
            hold: Some(reason),
            expires_at: now + Duration::days(days),
            public_base_url,
            ..self.receive(id, now, parsed, language)
        }
    }

    /// Where the follow-up links of a request point: `PUBLIC_BASE_URL`, or the domain it came in
    /// on.
    pub(super) fn public_base_url(&self, domain_name: Option<&str>) -> Option<String> {
        self.config
            .public_base_url
            .clone()
            .or_else(|| domain_name.map(|domain| format!("https://{domain}")))
    }
}

/// The most a person's answer waits for the webhooks' endpoints to be read.
const OUTBOX_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

impl App {
    /// The `request.received` a request owes the webhooks, written with it (a held one's comes
    /// when it is released). Read within the person's time: a slow read never holds their
    /// answer, and then the request is stored without it (`webhook_outbox_failed`).
    pub(super) async fn received_outbox(
        &self,
        received: &ReceivedRequest,
        followed_up: bool,
        deadline: Deadline,
    ) -> Outbox {
        if !followed_up {
            return Outbox::default();
        }
        let subject = Subject::Request(received, Some(FollowUpState::New));
        let outbox = self
            .webhooks
            .outbox(EventType::Received, received.received_at, subject);
        match deadline
            .within(tokio::time::timeout(OUTBOX_BUDGET, outbox))
            .await
            .and_then(Result::ok)
        {
            Some(outbox) => outbox,
            None => {
                tracing::error!(
                    event = "webhook_outbox_failed",
                    event_type = "request.received",
                    error = "out of time",
                    "the request is stored without its webhook deliveries"
                );
                Outbox::default()
            }
        }
    }
}
