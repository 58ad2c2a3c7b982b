//! The follow-up figures of a period: what the weekly summary tells staff, and what
//! `consultation-admin stats` prints. Counts and references only, never a message.

use crate::domain::{FollowUpState, SubmissionId};
use crate::store::{StoredRequest, WeekEntry};
use chrono::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpStats {
    /// Requests received (not counting those held as spam).
    pub received: usize,
    /// Of those, how many someone has followed up.
    pub contacted: usize,
    /// Every request still `new`, however old, by reference, oldest first.
    pub open: Vec<SubmissionId>,
    pub median_to_first_contact: Option<Duration>,
    pub slowest_to_first_contact: Option<Duration>,
    /// Held for review, by reason (`honeypot`, `no_captcha`).
    pub held_as_spam: usize,
    pub held_by_reason: std::collections::BTreeMap<&'static str, usize>,
    /// Requests received, by the language the person wrote in (its name in English).
    pub by_language: std::collections::BTreeMap<&'static str, usize>,
}

/// The most open requests the summary lists by reference; the rest are counted.
pub const OPEN_LISTED: usize = 50;

impl FollowUpStats {
    /// The figures of these requests; the open ones are those among them still `new`.
    pub fn of(requests: &[StoredRequest]) -> Self {
        let entries: Vec<WeekEntry> = requests.iter().map(WeekEntry::from).collect();
        let open = entries
            .iter()
            .filter(|e| e.follow_up == Some(FollowUpState::New))
            .map(|e| e.id)
            .collect();
        Self::of_week(&entries, open)
    }

    /// The figures of a week's requests, and `open`: every request still `new`, however old
    /// (the people who have waited longest are the ones the summary must not drop).
    pub fn of_week(entries: &[WeekEntry], mut open: Vec<SubmissionId>) -> Self {
        let mut stats = Self::default();
        let mut waits = Vec::new();
        for entry in entries {
            if let Some(reason) = entry.hold {
                stats.held_as_spam += 1;
                *stats.held_by_reason.entry(reason.as_str()).or_default() += 1;
                continue;
            }
            stats.received += 1;
            if let Some(language) = entry.language {
                *stats
                    .by_language
                    .entry(language.name_in_english())
                    .or_default() += 1;
            }
            if matches!(entry.follow_up, Some(state) if state != FollowUpState::New) {
                stats.contacted += 1;
            }
            if let Some(first) = entry.first_contact_at {
                waits.push(first - entry.received_at);
            }
        }
        open.sort_unstable();
        stats.open = open;
        waits.sort_unstable();
        stats.median_to_first_contact = waits.get(waits.len() / 2).copied();
        stats.slowest_to_first_contact = waits.last().copied();
        stats
    }

    /// The figures as lines a person reads.
    pub fn lines(&self) -> Vec<String> {
        let listed = self
            .open
            .iter()
            .take(OPEN_LISTED)
            .map(SubmissionId::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let open = match self.open.len() {
            0 => "none".to_owned(),
            n if n > OPEN_LISTED => format!(
                "the oldest {OPEN_LISTED}: {listed}, and {} more",
                n - OPEN_LISTED
            ),
            _ => listed,
        };
        vec![
            format!("Requests received: {}", self.received),
            format!("Contacted (any follow-up recorded): {}", self.contacted),
            format!("Still open ({}): {open}", self.open.len()),
            format!(
                "Median time to first contact: {}",
                describe(self.median_to_first_contact)
            ),
            format!(
                "Slowest time to first contact: {}",
                describe(self.slowest_to_first_contact)
            ),
            format!("Held as spam: {}{}", self.held_as_spam, self.held_reasons()),
            format!("By language: {}", self.languages()),
        ]
    }
}

impl FollowUpStats {
    /// `English 12, Spanish 3`, or `none` for a week without requests.
    fn languages(&self) -> String {
        if self.by_language.is_empty() {
            return "none".to_owned();
        }
        let parts: Vec<String> = self
            .by_language
            .iter()
            .map(|(language, n)| format!("{language} {n}"))
            .collect();
        parts.join(", ")
    }

    /// ` (honeypot 2, no_captcha 1)`, or nothing when none was held.
    fn held_reasons(&self) -> String {
        if self.held_by_reason.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = self
            .held_by_reason
            .iter()
            .map(|(reason, n)| format!("{reason} {n}"))
            .collect();
        format!(" ({})", parts.join(", "))
    }
}

/// `3 d 4 h`, `2 h 5 min`, `12 min`; `no contact recorded yet` for none.
fn describe(duration: Option<Duration>) -> String {
    let Some(duration) = duration else {
        return "no contact recorded yet".to_owned();
    };
    let minutes = duration.num_minutes().max(0);
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ConsultationRequest, Field, ReceivedRequest, SubmissionRules, SubmittedForm,
    };
    use chrono::{DateTime, Utc};

    fn stored(
        at: DateTime<Utc>,
        state: FollowUpState,
        first_contact_after: Option<Duration>,
        spam: bool,
    ) -> StoredRequest {
        let form = SubmittedForm::new()
            .with(Field::Name, "Ana")
            .with(Field::Email, "ana@example.com")
            .with(Field::Message, "a private message")
            .with(Field::Consent, "on");
        let request = ConsultationRequest::parse(&form, SubmissionRules::default())
            .unwrap()
            .request;
        StoredRequest {
            received: ReceivedRequest {
                hold: spam.then_some(crate::domain::HoldReason::Honeypot),
                ..ReceivedRequest::example(request, at)
            },
            notify_status: crate::domain::NotifyStatus::Sent,
            attempts: 1,
            follow_up: (!spam).then_some((state, at)),
            first_contact_at: first_contact_after.map(|after| at + after),
            reminder_due_at: None,
            routing_reason: None,
        }
    }

    #[test]
    fn figures_of_a_week() {
        let at: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        let requests = [
            stored(
                at,
                FollowUpState::Contacted,
                Some(Duration::minutes(90)),
                false,
            ),
            stored(
                at,
                FollowUpState::Scheduled,
                Some(Duration::hours(26)),
                false,
            ),
            stored(
                at,
                FollowUpState::Closed,
                Some(Duration::minutes(20)),
                false,
            ),
            stored(at, FollowUpState::New, None, false),
            stored(at, FollowUpState::New, None, true),
        ];
        let stats = FollowUpStats::of(&requests);
        assert_eq!(
            (stats.received, stats.contacted, stats.held_as_spam),
            (4, 3, 1)
        );
        assert_eq!(stats.open, vec![requests[3].received.id]);
        assert_eq!(stats.median_to_first_contact, Some(Duration::minutes(90)));
        assert_eq!(stats.slowest_to_first_contact, Some(Duration::hours(26)));
        let text = stats.lines().join("\n");
        assert!(
            text.contains("Median time to first contact: 1 h 30 min"),
            "{text}"
        );
        assert!(
            text.contains("Slowest time to first contact: 1 d 2 h"),
            "{text}"
        );
        assert!(
            text.contains("Held as spam: 1 (honeypot 1)"),
            "held, by reason: {text}"
        );
        assert!(
            !text.contains("private") && !text.contains("Ana"),
            "no personal data"
        );
        let empty = FollowUpStats::of(&[]).lines().join("\n");
        assert!(empty.contains("Still open (0): none"));
        assert!(empty.contains("no contact recorded yet"));
    }

    #[test]
    fn the_oldest_open_requests_are_listed_and_the_rest_counted() {
        let at: DateTime<Utc> = "2025-11-24T15:00:00Z".parse().unwrap();
        let open: Vec<SubmissionId> = (0..60)
            .map(|n| SubmissionId::new(at + Duration::days(n)))
            .collect();
        let mut shuffled = open.clone();
        shuffled.reverse();
        let stats = FollowUpStats::of_week(&[], shuffled);
        let text = stats.lines().join("\n");
        assert!(text.contains("Still open (60): the oldest 50: "), "{text}");
        assert!(
            text.contains(&open[0].to_string()),
            "the longest wait first"
        );
        assert!(text.contains(&open[49].to_string()));
        assert!(!text.contains(&open[50].to_string()));
        assert!(text.contains(", and 10 more"));
    }
}
