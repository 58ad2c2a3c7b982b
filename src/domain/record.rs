//! A request as received and kept: the parsed request plus what the service adds to it.

use super::{ConsultationRequest, KeptAnswer, Language};
use chrono::{DateTime, Utc};
use ulid::Ulid;

/// A time-ordered submission id (a ULID), sortable by receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubmissionId(Ulid);

impl SubmissionId {
    pub fn new(at: DateTime<Utc>) -> Self {
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
        Self(Ulid::from_parts(millis, rand_bits()))
    }

    pub fn parse(text: &str) -> Option<Self> {
        Ulid::from_string(text).ok().map(Self)
    }

    /// When the request was received, to the millisecond (the id's time part).
    pub fn time(self) -> DateTime<Utc> {
        i64::try_from(self.0.timestamp_ms())
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_default()
    }
}

impl std::fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn rand_bits() -> u128 {
    let mut bytes = [0u8; 16];
    // The random part only has to make ids unique; if the OS source failed, the time part and a
    // process-local counter still do.
    if getrandom::fill(&mut bytes).is_err() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        bytes[..8].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    }
    u128::from_le_bytes(bytes)
}

/// Whether staff were told about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyStatus {
    Pending,
    Sent,
    Failed,
    /// Held as spam: no email is sent.
    Held,
}

impl NotifyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyStatus::Pending => "pending",
            NotifyStatus::Sent => "sent",
            NotifyStatus::Failed => "failed",
            NotifyStatus::Held => "held",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(NotifyStatus::Pending),
            "sent" => Some(NotifyStatus::Sent),
            "failed" => Some(NotifyStatus::Failed),
            "held" => Some(NotifyStatus::Held),
            _ => None,
        }
    }
}

/// SES's own word on the staff email, from its events (`delivery_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Delivered,
    Bounced,
    Complained,
    Rejected,
    Delayed,
    RenderingFailed,
}

impl DeliveryStatus {
    /// From an SES event's EventBridge detail-type (`Email Delivered`, …).
    pub fn from_detail_type(detail_type: &str) -> Option<Self> {
        Some(match detail_type {
            "Email Delivered" => Self::Delivered,
            "Email Bounced" => Self::Bounced,
            "Email Complaint Received" => Self::Complained,
            "Email Rejected" => Self::Rejected,
            "Email Delivery Delayed" => Self::Delayed,
            "Email Rendering Failed" => Self::RenderingFailed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Bounced => "bounced",
            Self::Complained => "complained",
            Self::Rejected => "rejected",
            Self::Delayed => "delayed",
            Self::RenderingFailed => "rendering_failed",
        }
    }

    /// Events arrive in any order and one per recipient: a later event may only replace a status
    /// of the same or lower rank, so "delayed" never hides "delivered", nor "delivered" (to one
    /// staff address) a bounce (from another).
    pub fn rank(self) -> i64 {
        match self {
            Self::Delayed => 1,
            Self::Delivered => 2,
            Self::Bounced | Self::Complained | Self::Rejected | Self::RenderingFailed => 3,
        }
    }

    /// Whether a staff address is in trouble: an alarm fires and the fallback gets the request.
    pub fn is_staff_problem(self) -> bool {
        matches!(self, Self::Bounced | Self::Complained)
    }
}

/// What the bot check (Turnstile) said about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verification {
    /// Turnstile is not configured.
    #[default]
    NotRequired,
    Passed,
    /// The verifier could not be reached; the request was kept rather than turn a person away.
    Unverified,
}

impl Verification {
    /// The stored value, if any.
    pub fn as_stored(self) -> Option<&'static str> {
        match self {
            Verification::NotRequired => None,
            Verification::Passed => Some("passed"),
            Verification::Unverified => Some("unverified"),
        }
    }

    pub fn from_stored(value: Option<&str>) -> Self {
        match value {
            Some("passed") => Verification::Passed,
            Some("unverified") => Verification::Unverified,
            _ => Verification::NotRequired,
        }
    }
}

/// A consultation request the service has accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    pub id: SubmissionId,
    pub received_at: DateTime<Utc>,
    pub request: ConsultationRequest,
    /// Which consent text the form showed (`CONSENT_VERSION`); consent was given at `received_at`.
    pub consent_version: String,
    /// The message contains crisis language: staff should look at it first.
    pub urgent: bool,
    pub expires_at: DateTime<Utc>,
    pub verification: Verification,
    /// Held for review (stored as `held_as_spam`, with its `held_reason`): kept briefly, listed in
    /// the review digest so a real person can still be found, not emailed.
    pub hold: Option<HoldReason>,
    /// The API's base URL the follow-up links use: `PUBLIC_BASE_URL`, or the domain the request
    /// came in on, kept so that every later email builds the same links.
    pub public_base_url: Option<String>,
    /// The language the person wrote in (the form's `lang`, else their browser's): the
    /// acknowledgement is written in it, and staff answer in it.
    pub language: Language,
    /// The answers to the practice's own questions, in the practice's language as they were.
    pub answers: Vec<KeptAnswer>,
    /// The staff id of the clinician it is assigned to; `None`: the front desk's.
    pub assignee: Option<String>,
}

/// Why a request is held for review instead of sent to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// The hidden honeypot field was filled (a bot, or a browser's autofill).
    Honeypot,
    /// A plain form post with no Turnstile token while Turnstile is on (no JavaScript).
    NoCaptcha,
}

impl HoldReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldReason::Honeypot => "honeypot",
            HoldReason::NoCaptcha => "no_captcha",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [HoldReason::Honeypot, HoldReason::NoCaptcha]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

impl ReceivedRequest {
    /// Held for review, for whatever reason (stored as `held_as_spam`, its first name, though a
    /// real person without JavaScript is held too).
    pub fn held_for_review(&self) -> bool {
        self.hold.is_some()
    }

    /// Staff get it and follow it up: not held, or held but sent at once.
    pub fn followed_up(&self) -> bool {
        !self.held_for_review() || self.sent_while_held()
    }

    /// Held, but not left for the digest: an urgent request that came without the captcha (a
    /// person in crisis with scripts off must not wait). Staff get it at once, marked unverified.
    pub fn sent_while_held(&self) -> bool {
        self.urgent && self.hold == Some(HoldReason::NoCaptcha)
    }

    /// A request received at `at` with the defaults of a fresh deployment (consent version `1`,
    /// not urgent, kept a day, no bot check): the one fixture for tests, benchmarks and the
    /// warm-up's sample, which set what they need on top.
    pub fn example(request: ConsultationRequest, at: DateTime<Utc>) -> Self {
        Self {
            id: SubmissionId::new(at),
            received_at: at,
            request,
            consent_version: "1".to_owned(),
            urgent: false,
            expires_at: DateTime::from_timestamp(at.timestamp() + 86_400, 0).unwrap_or(at),
            verification: Verification::NotRequired,
            hold: None,
            public_base_url: None,
            language: Language::English,
            answers: Vec::new(),
            assignee: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip() {
        let earlier = SubmissionId::new(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let later = SubmissionId::new(DateTime::from_timestamp(1_700_000_001, 0).unwrap());
        assert!(earlier < later);
        assert_eq!(SubmissionId::parse(&earlier.to_string()), Some(earlier));
        assert_eq!(earlier.to_string().len(), 26);
        assert_eq!(SubmissionId::parse("not-an-id"), None);
        let at = DateTime::from_timestamp_millis(1_795_702_300_123).unwrap();
        assert_eq!(SubmissionId::new(at).time(), at);
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            NotifyStatus::Pending,
            NotifyStatus::Sent,
            NotifyStatus::Failed,
            NotifyStatus::Held,
        ] {
            assert_eq!(NotifyStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(NotifyStatus::parse("done"), None);
    }
}
