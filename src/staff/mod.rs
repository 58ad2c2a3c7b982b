//! The practice's staff: accounts and roles (`members.rs`), invites (`invites.rs`), passkeys
//! (`passkeys.rs`, checked by `ceremony.rs` through webauthn-rs), sessions and the ceremonies'
//! state (`sessions.rs`), and the per-address limits on sign-in attempts (`limits.rs`), in the
//! staff table.
//!
//! The staff table (`pk`, `sk`; the index `by-member` on `member_id` and `sk`):
//! - `members` / `member#<id>`: a member; `members` / `email#<address>`: one account per address;
//!   `members` / `directory`: how many admins there are (the last one stays);
//! - `invite#<hash>` / `invite`: an invite, by the hash of its token;
//! - `credential#<id>` / `credential`: a passkey;
//! - `session#<hash>` / `session`: a session, by the hash of its cookie;
//! - `ceremony#<hash>` / `ceremony`: a WebAuthn ceremony's state, used once;
//! - `limit#<what>#<client>#<window>` / `limit`: attempts from one address in 15 minutes.
//!
//! Nothing here holds data about a person who filled in the form.

mod ceremony;
mod invites;
pub mod inviting;
mod limits;
mod members;
pub mod notices;
mod passkeys;
mod profile;
mod sessions;
mod tokens;
mod writes;

pub use ceremony::{Ceremonies, CeremonyError, CeremonyKind, PendingCeremony};
pub use invites::{Invite, InviteState};
pub use limits::{Attempt, LIMIT_PER_WINDOW, LIMIT_WINDOW};
pub use members::{Member, NewMember, staff_name};
pub use passkeys::{PasskeyRecord, credential_id};
pub use profile::{ClinicianProfile, ProfileProblem};
pub use sessions::{Session, SessionCheck};
pub use tokens::{Secret, hash_of};

use crate::aws::AwsError;
use crate::domain::EmailAddress;
use crate::store::StoreError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A staff member's id: a ULID, also their WebAuthn user handle (as a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StaffId(ulid::Ulid);

impl StaffId {
    pub fn new(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self(ulid::Ulid::from_datetime(at.into()))
    }

    pub fn parse(text: &str) -> Option<Self> {
        ulid::Ulid::from_string(text).ok().map(Self)
    }

    /// The user handle the passkey holds.
    pub fn uuid(self) -> webauthn_rs::prelude::Uuid {
        webauthn_rs::prelude::Uuid::from_u128(self.0.0)
    }

    pub fn from_uuid(uuid: webauthn_rs::prelude::Uuid) -> Self {
        Self(ulid::Ulid(uuid.as_u128()))
    }
}

impl std::fmt::Display for StaffId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Every request, follow-up, notes, assignment, release.
    FrontDesk,
    /// Only the requests assigned to them, and their own profile.
    Clinician,
    /// Everything, plus staff, erasure and export of one request, and the access log.
    Admin,
}

impl Role {
    pub const ALL: [Self; 3] = [Self::FrontDesk, Self::Clinician, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FrontDesk => "front-desk",
            Self::Clinician => "clinician",
            Self::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Sees every request (a clinician sees only their own).
    pub fn sees_every_request(self) -> bool {
        matches!(self, Self::FrontDesk | Self::Admin)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no staff member {0}")]
    NoSuchMember(String),
    #[error("{0} already has an account")]
    EmailTaken(String),
    #[error("the last admin cannot be removed or lose the admin role")]
    LastAdmin,
    #[error("this passkey is registered already")]
    CredentialTaken,
    #[error("this invite was used or replaced by a newer one")]
    InviteUsed,
}

/// The staff table.
#[derive(Debug, Clone)]
pub struct Staff {
    client: Client,
    table_name: String,
}

/// Items of the staff table.
pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) mod attr {
    pub const PK: &str = "pk";
    pub const SK: &str = "sk";
    pub const MEMBER_ID: &str = "member_id";
    pub const EXPIRES_AT: &str = "expires_at";
}

/// The index of a member's passkeys and sessions.
pub const MEMBER_INDEX: &str = "by-member";

impl Staff {
    pub fn new(client: Client, table_name: String) -> Self {
        Self { client, table_name }
    }

    pub fn table_name(&self) -> &str {
        &self.table_name
    }

    fn key(pk: &str, sk: &str) -> Item {
        HashMap::from([(attr::PK.to_owned(), s(pk)), (attr::SK.to_owned(), s(sk))])
    }
}

pub(crate) fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

pub(crate) fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub(crate) fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

pub(crate) fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// The one mapping from a DynamoDB SDK error of the staff table.
pub(crate) fn dynamodb<E, R>(
    operation: &'static str,
) -> impl FnOnce(aws_sdk_dynamodb::error::SdkError<E, R>) -> StaffError
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |error| {
        StaffError::Store(StoreError::Unavailable(
            AwsError::of("DynamoDB", operation)(error),
        ))
    }
}

pub(crate) fn corrupt(key: &str, problem: &str) -> StaffError {
    StaffError::Store(StoreError::Corrupt {
        key: key.to_owned(),
        problem: problem.to_owned(),
    })
}

/// An address as it keys an account: lower case, so one person has one account.
pub(crate) fn email_key(email: &EmailAddress) -> String {
    format!("email#{}", email.as_str().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staff_id_is_its_own_user_handle() {
        let id = StaffId::new(chrono::Utc::now());
        assert_eq!(StaffId::from_uuid(id.uuid()), id);
        assert_eq!(StaffId::parse(&id.to_string()), Some(id));
    }

    #[test]
    fn roles_read_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
        assert!(!Role::Clinician.sees_every_request());
    }
}
