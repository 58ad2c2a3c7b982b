//! The access log: who saw or changed which request, when, from where. Its own table, written
//! with `PutItem` only (every write conditional on the entry being absent), never updated or
//! deleted by the stack; DynamoDB's TTL removes an entry after `ACCESS_LOG_DAYS`.
//!
//! An entry holds no personal data of the person: who (a staff id, or `operator:` and an AWS
//! ARN), when, what, which references, the client address as a keyed hash and the browser
//! family. So it outlives the request's erasure.
//!
//! Keys (`keys.rs`) keep every read to one partition per request, per staff member and month,
//! or per day: bounded however many years the table holds.

mod browser;
mod keys;
mod read;
mod write;

pub use browser::browser_family;
pub use read::LogQuery;

use crate::domain::SubmissionId;
use chrono::{DateTime, Utc};

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A staff member, by their id (never their address: the log names people by id).
    Staff(String),
    /// The operator tool, by the AWS identity that ran it (self-reported: CloudTrail data events
    /// on the tables are the independent record).
    Operator(String),
}

impl Actor {
    /// As stored: the staff id, or `operator:` and the caller's ARN.
    pub fn key(&self) -> String {
        match self {
            Self::Staff(id) => id.clone(),
            Self::Operator(arn) => format!("operator:{arn}"),
        }
    }

    pub fn parse(stored: &str) -> Self {
        match stored.strip_prefix("operator:") {
            Some(arn) => Self::Operator(arn.to_owned()),
            None => Self::Staff(stored.to_owned()),
        }
    }
}

/// What was done. The names are stored: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionEnded,
    Invited,
    PasskeyAdded,
    PasskeyRemoved,
    StaffRemoved,
    RoleChanged,
    /// A list of requests was shown (the console's pages, the operator's `list`).
    Listed,
    /// One request was shown (the console's page, the operator's `show`).
    Viewed,
    Searched,
    FollowUpChanged,
    NoteAdded,
    AssignmentChanged,
    /// A clinician's profile (regions, payers, clients, languages, accepting) was changed.
    ProfileChanged,
    Released,
    Erased,
    Exported,
    Resent,
    AccessLogRead,
}

impl Action {
    pub const ALL: [Self; 21] = [
        Self::SignedIn,
        Self::SignInFailed,
        Self::SignedOut,
        Self::SessionEnded,
        Self::Invited,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::StaffRemoved,
        Self::RoleChanged,
        Self::Listed,
        Self::Viewed,
        Self::Searched,
        Self::FollowUpChanged,
        Self::NoteAdded,
        Self::AssignmentChanged,
        Self::ProfileChanged,
        Self::Released,
        Self::Erased,
        Self::Exported,
        Self::Resent,
        Self::AccessLogRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignedOut => "signed_out",
            Self::SessionEnded => "session_ended",
            Self::Invited => "invited",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::StaffRemoved => "staff_removed",
            Self::RoleChanged => "role_changed",
            Self::Listed => "listed",
            Self::Viewed => "viewed",
            Self::Searched => "searched",
            Self::FollowUpChanged => "follow_up_changed",
            Self::NoteAdded => "note_added",
            Self::AssignmentChanged => "assignment_changed",
            Self::ProfileChanged => "profile_changed",
            Self::Released => "released",
            Self::Erased => "erased",
            Self::Exported => "exported",
            Self::Resent => "resent",
            Self::AccessLogRead => "access_log_read",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// One entry, as written and as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique per entry (a ULID): two entries in the same millisecond never collide.
    pub id: String,
    pub at: DateTime<Utc>,
    pub who: Actor,
    pub action: Action,
    /// The requests it was about, in the order shown.
    pub refs: Vec<SubmissionId>,
    /// The client address as a keyed hash (`CLIENT_HASH_KEY`), never the address.
    pub client: Option<String>,
    /// `Chrome`, `Safari`, `Firefox`, `Edge`, `other`, or `operator tool`.
    pub browser: Option<String>,
    /// A word about the change that is not personal data: the new follow-up state, the role,
    /// the staff id a change was about, how many results a search found.
    pub detail: Option<String>,
}

impl Entry {
    /// A new entry by `who` at `at`.
    pub fn new(who: Actor, action: Action, at: DateTime<Utc>) -> Self {
        Self {
            id: ulid::Ulid::from_datetime(at.into()).to_string(),
            at,
            who,
            action,
            refs: Vec::new(),
            client: None,
            browser: None,
            detail: None,
        }
    }

    pub fn about(mut self, refs: impl IntoIterator<Item = SubmissionId>) -> Self {
        self.refs = refs.into_iter().collect();
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn from_client(mut self, client: Option<String>, browser: Option<String>) -> Self {
        self.client = client;
        self.browser = browser;
        self
    }
}

/// The access log's table, and how long an entry is kept.
#[derive(Debug, Clone)]
pub struct AccessLog {
    client: aws_sdk_dynamodb::Client,
    table_name: String,
    keep_days: u32,
}

impl AccessLog {
    pub fn new(client: aws_sdk_dynamodb::Client, table_name: String, keep_days: u32) -> Self {
        Self {
            client,
            table_name,
            keep_days,
        }
    }

    pub fn table_name(&self) -> &str {
        &self.table_name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_by_its_stored_name() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        let names: std::collections::HashSet<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn an_operator_is_stored_with_its_arn_and_a_staff_member_by_id() {
        let operator = Actor::Operator("arn:aws:iam::123456789012:user/ana".into());
        assert_eq!(
            operator.key(),
            "operator:arn:aws:iam::123456789012:user/ana"
        );
        assert_eq!(Actor::parse(&operator.key()), operator);
        let staff = Actor::Staff("01JD0000000000000000000000".into());
        assert_eq!(Actor::parse(&staff.key()), staff);
    }
}
