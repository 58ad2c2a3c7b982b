//! What a staff email about a request says, decided in one place from the request and the
//! practice's settings: the person's details (the message withheld when the practice says so),
//! the time in the practice's zone, the signed follow-up links, and where replies go.

use crate::catalogues::Catalogues;
use crate::config::StaffEmailContent;
use crate::domain::{EmailAddress, FollowUpState, Language, ReceivedRequest, Verification};
use crate::follow_up::reply_address;
use crate::notify::{
    AnswerLine, FollowUpLink, MessageShown, MinimalStaffEmail, PersonDetails, StaffEmail,
    StaffEmailKind, StaffMessage,
};
use crate::signing::FollowUpKey;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

const NOT_GIVEN: &str = "not given";

/// The practice's settings every email is written with.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub timezone: Tz,
    /// `NOTIFY_INCLUDE_MESSAGE`: when false the message is withheld and the email says so.
    pub include_message: bool,
    /// With a key (and a base URL stored with the request), the email carries one follow-up
    /// link per state.
    pub follow_up_key: Option<FollowUpKey>,
    /// With a key, staff emails' `Reply-To` also holds a signed address at this domain, so a
    /// reply counts as contact.
    pub reply_tracking_domain: Option<String>,
    /// The practice's language: a request in another one says so ("Preferred language: Spanish").
    pub default_language: Language,
    /// For what the person reads: the acknowledgement.
    pub catalogues: Arc<Catalogues>,
    /// `STAFF_EMAIL_CONTENT`: everything, or the reference and a console link only.
    pub content: StaffEmailContent,
    /// The console's requests, `<STAFF_BASE_URL>/staff/requests`: a minimal email links there.
    pub console_requests: Option<String>,
}

impl From<&crate::config::Config> for EmailSettings {
    fn from(config: &crate::config::Config) -> Self {
        Self {
            timezone: config.practice_timezone,
            include_message: config.notify_include_message,
            follow_up_key: config.follow_up_key.clone(),
            reply_tracking_domain: config.reply_tracking_domain.clone(),
            default_language: config.default_language,
            catalogues: Arc::clone(&config.catalogues),
            content: config.staff_email_content,
            console_requests: config.console.as_ref().map(|console| {
                format!(
                    "{}{}/staff/requests",
                    console.base.as_str(),
                    console.base_path
                )
            }),
        }
    }
}

impl EmailSettings {
    /// Where staff's replies about a request go: the person, and with reply tracking the signed
    /// address that records the reply as contact. In `minimal` mode nowhere: the email names
    /// nobody, and contact is recorded in the console.
    pub fn reply_to(&self, received: &ReceivedRequest) -> Vec<EmailAddress> {
        if self.content == StaffEmailContent::Minimal {
            return Vec::new();
        }
        let tracking = self
            .follow_up_key
            .as_ref()
            .zip(self.reply_tracking_domain.as_deref())
            .and_then(|(key, domain)| reply_address(key, received.id, domain));
        std::iter::once(received.request.email.clone())
            .chain(tracking)
            .collect()
    }

    /// The staff email of `kind` about a request, sent at `sent_at`, in the practice's mode.
    pub fn staff_email(
        &self,
        received: &ReceivedRequest,
        kind: StaffEmailKind,
        sent_at: DateTime<Utc>,
    ) -> StaffMessage {
        match (self.content, &self.console_requests) {
            (StaffEmailContent::Minimal, Some(requests)) => {
                StaffMessage::Minimal(MinimalStaffEmail {
                    kind,
                    reference: received.id.to_string(),
                    received: self.received(received),
                    urgent: received.urgent,
                    unverified: received.verification == Verification::Unverified,
                    language: received.language.name_in_english(),
                    assigned_to: None,
                    answers: answer_lines(received, false),
                    console_link: format!("{requests}/{}", received.id),
                })
            }
            _ => StaffMessage::Full(Box::new(self.full_email(received, kind, sent_at))),
        }
    }

    /// The whole staff email (its links work for 30 days from `sent_at`).
    pub fn full_email(
        &self,
        received: &ReceivedRequest,
        kind: StaffEmailKind,
        sent_at: DateTime<Utc>,
    ) -> StaffEmail {
        let request = &received.request;
        let follow_up = self
            .follow_up_key
            .as_ref()
            .zip(received.public_base_url.as_deref())
            .map(|(key, base)| {
                FollowUpState::CHOICES
                    .into_iter()
                    .map(|state| FollowUpLink {
                        label: state.label(),
                        url: key.link(base, received.id, state, sent_at),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = match &request.message {
            Some(message) if self.include_message => MessageShown::Shown(message.as_str().into()),
            Some(_) => MessageShown::Withheld,
            None => MessageShown::NotWritten,
        };
        StaffEmail {
            kind,
            reference: received.id.to_string(),
            received: self.received(received),
            urgent: received.urgent,
            unverified: received.verification == Verification::Unverified,
            sent_while_held: received.sent_while_held(),
            language: (received.language != self.default_language)
                .then(|| received.language.name_in_english()),
            details: PersonDetails {
                name: request.name.as_str().to_owned(),
                email: request.email.as_str().to_owned(),
                email_link: format!("mailto:{}", link_encode(request.email.as_str())),
                phone: request
                    .phone
                    .as_ref()
                    .map_or(NOT_GIVEN, |p| p.as_str())
                    .to_owned(),
                phone_link: request
                    .phone
                    .as_ref()
                    .map(|p| format!("tel:{}", link_encode(p.as_str()))),
                preferred_contact: request.preferred_contact.label(),
                best_time: request
                    .best_time
                    .as_ref()
                    .map_or(NOT_GIVEN, |b| b.as_str())
                    .to_owned(),
                session_format: request.session_format.map_or(NOT_GIVEN, |f| f.label()),
                message,
            },
            answers: answer_lines(received, true),
            assigned_to: None,
            follow_up,
        }
    }

    /// A reminder (to staff) or an escalation (to `ESCALATE_TO`) about a request still `new`.
    pub fn reminder(
        &self,
        received: &ReceivedRequest,
        escalation: bool,
        sent_at: DateTime<Utc>,
    ) -> StaffMessage {
        let since = received
            .received_at
            .with_timezone(&self.timezone)
            .format("%a %-d %b, %H:%M")
            .to_string();
        let kind = if escalation {
            StaffEmailKind::Escalation { since }
        } else {
            StaffEmailKind::Reminder { since }
        };
        self.staff_email(received, kind, sent_at)
    }

    fn received(&self, received: &ReceivedRequest) -> String {
        let local = received.received_at.with_timezone(&self.timezone);
        format!(
            "{} ({})",
            local.format("%A %-d %B %Y, %H:%M %Z"),
            self.timezone.name()
        )
    }
}

/// The answers an email may show: every one, or only those that are not personal.
fn answer_lines(received: &ReceivedRequest, personal_too: bool) -> Vec<AnswerLine> {
    received
        .answers
        .iter()
        .filter(|answer| personal_too || !answer.personal)
        .map(|answer| AnswerLine {
            label: answer.label.clone(),
            shown: answer.shown.clone(),
        })
        .collect()
}

/// A `mailto:` link to an address, percent-encoded (an address may legally hold `?` or `&`).
pub fn mailto(address: &str) -> String {
    format!("mailto:{}", link_encode(address))
}

/// Percent-encodes a value for a URI's path: everything but letters, digits and `@ . - _ +`.
fn link_encode(value: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'@')
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'+');
    percent_encoding::utf8_percent_encode(value, KEEP).to_string()
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
