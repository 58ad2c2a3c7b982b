//! SES's own word on a staff email: its events for the configuration set, delivered by
//! EventBridge, recorded on the request as `delivery_status`. A staff address that bounces or
//! complains raises an alarm at once, and the request goes to `NOTIFY_FALLBACK_TO`.

use super::Delivery;
use crate::deadline::Deadline;
use crate::domain::{DeliveryStatus, SubmissionId};
use crate::notify::{EmailKind, KIND_TAG, SUBMISSION_TAG};
use crate::store::{DeliveryRecord, StoreError};
use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The `detail` of SES's event as EventBridge delivers it: only what is read (the rest, which
/// holds the mail's headers and so the person's name, is never kept or logged). Every part may be
/// missing: an event without them names no request and is ignored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SesEventDetail {
    #[serde(default)]
    mail: Mail,
    #[serde(default)]
    bounce: Option<Bounce>,
    #[serde(default)]
    complaint: Option<Complaint>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Mail {
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Bounce {
    #[serde(rename = "bounceType", default)]
    bounce_type: String,
    #[serde(rename = "bounceSubType", default)]
    bounce_sub_type: String,
    #[serde(rename = "bouncedRecipients", default)]
    recipients: Vec<Recipient>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Complaint {
    #[serde(rename = "complainedRecipients", default)]
    recipients: Vec<Recipient>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Recipient {
    #[serde(rename = "emailAddress")]
    email_address: String,
}

impl Mail {
    fn tag(&self, name: &str) -> Option<&str> {
        self.tags.get(name)?.first().map(String::as_str)
    }
}

/// What one SES event did: the answer to its invocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SesEventReport {
    /// `recorded`, `superseded`, `unknown_request` or `ignored`.
    pub outcome: &'static str,
    pub delivery_status: Option<&'static str>,
    pub fallback_sent: bool,
}

impl SesEventReport {
    fn ignored() -> Self {
        Self {
            outcome: "ignored",
            delivery_status: None,
            fallback_sent: false,
        }
    }
}

impl Delivery {
    /// Records what an SES event says about a request's staff email.
    pub async fn record_ses_event(
        &self,
        event: EventBridgeEvent<SesEventDetail>,
    ) -> Result<SesEventReport, StoreError> {
        let Some(status) = DeliveryStatus::from_detail_type(&event.detail_type) else {
            return Ok(SesEventReport::ignored());
        };
        let mail = &event.detail.mail;
        let id = mail.tag(SUBMISSION_TAG).and_then(SubmissionId::parse);
        let kind = mail.tag(KIND_TAG).and_then(EmailKind::parse);
        // Any bounce or complaint of mail to a staff address, whichever email it was (a reminder,
        // an escalation, the weekly summary that names no request): staff may be hearing nothing.
        let staff_problem = status.is_staff_problem()
            && (self.has_staff_recipient(&event.detail)
                || matches!(
                    kind,
                    Some(EmailKind::Staff | EmailKind::Reminder | EmailKind::Summary)
                ));
        if staff_problem {
            self.alarm_staff_problem(id, kind, status, &event.detail);
        }
        let Some(id) = id else {
            tracing::info!(
                event = "ses_event_unknown_request",
                delivery_status = status.as_str(),
                email = kind.map_or("unknown", EmailKind::as_str),
                "an SES event names no request"
            );
            return Ok(SesEventReport::ignored());
        };
        if let Some(check @ (EmailKind::Test | EmailKind::Heartbeat)) = kind {
            // doctor's test notification or the heartbeat's email: SES's word that the whole
            // chain works, recorded where the one waiting for it looks.
            let now = self.clock.now();
            let delivered = status == DeliveryStatus::Delivered
                && match check {
                    EmailKind::Test => self.store.record_test_delivered(id, now).await?,
                    _ => self.store.record_probe_delivered(id, now).await?,
                };
            tracing::info!(event = "check_email_event", email = check.as_str(), check_id = %id, delivery_status = status.as_str(), recorded = delivered, "SES reported on a check's email");
            let outcome = match (check, delivered) {
                (EmailKind::Test, true) => "test_delivered",
                (_, true) => "heartbeat_delivered",
                _ => "ignored",
            };
            return Ok(SesEventReport {
                outcome,
                delivery_status: Some(status.as_str()),
                fallback_sent: false,
            });
        }
        match kind {
            // An email without the kind tag is a staff notification sent before the tag existed.
            Some(EmailKind::Staff) | None => {}
            Some(other) => {
                // delivery_status is SES's word on the staff notification alone.
                tracing::info!(event = "ses_event_other_email", submission_id = %id, email = other.as_str(), delivery_status = status.as_str(), "SES reported on an email other than the staff notification");
                let fallback_sent = other == EmailKind::Reminder
                    && staff_problem
                    && self.start_fallback(id, Deadline::unknown()).await;
                return Ok(SesEventReport {
                    fallback_sent,
                    ..SesEventReport::ignored()
                });
            }
        }
        let record = self
            .store
            .record_delivery(id, status, self.clock.now())
            .await?;
        let mut report = SesEventReport {
            outcome: match record {
                DeliveryRecord::Recorded => "recorded",
                DeliveryRecord::Superseded => "superseded",
                DeliveryRecord::UnknownRequest => "unknown_request",
            },
            delivery_status: Some(status.as_str()),
            fallback_sent: false,
        };
        if record == DeliveryRecord::UnknownRequest {
            tracing::info!(event = "ses_event_unknown_request", submission_id = %id, delivery_status = status.as_str(), "an SES event names a request that does not exist; ignored");
            return Ok(report);
        }
        if staff_problem {
            report.fallback_sent = self.start_fallback(id, Deadline::unknown()).await;
        }
        Ok(report)
    }

    fn has_staff_recipient(&self, detail: &SesEventDetail) -> bool {
        problem_recipients(detail).any(|address| self.notifier.is_staff(address))
    }

    /// The error line the alarm watches. The staff addresses are the practice's own, not the
    /// person's, and tell the operator which mailbox to fix.
    fn alarm_staff_problem(
        &self,
        id: Option<SubmissionId>,
        kind: Option<EmailKind>,
        status: DeliveryStatus,
        detail: &SesEventDetail,
    ) {
        let recipients = problem_recipients(detail)
            .filter(|address| self.notifier.is_staff(address))
            .collect::<Vec<_>>()
            .join(",");
        let (bounce_type, bounce_sub_type) = detail.bounce.as_ref().map_or(("", ""), |b| {
            (b.bounce_type.as_str(), b.bounce_sub_type.as_str())
        });
        let submission_id = id.map(|id| id.to_string()).unwrap_or_default();
        tracing::error!(
            event = "staff_email_problem",
            submission_id,
            email = kind.map_or("unknown", EmailKind::as_str),
            delivery_status = status.as_str(),
            bounce_type,
            bounce_sub_type,
            staff_recipients = recipients,
            "a staff address did not take an email; check that mailbox and SES's suppression list"
        );
    }
}

/// The addresses a bounce or complaint names.
fn problem_recipients(detail: &SesEventDetail) -> impl Iterator<Item = &str> {
    detail
        .bounce
        .iter()
        .flat_map(|bounce| &bounce.recipients)
        .chain(detail.complaint.iter().flat_map(|c| &c.recipients))
        .map(|r| r.email_address.as_str())
}
