//! One-click follow-up from the staff email: links signed with `FOLLOW_UP_KEY`, one per state.
//! A link carries the request's id, the state and an expiry, never anything personal; its token is
//! an HMAC over those three, so a forged, altered or expired link changes nothing.

use crate::config::FollowUpKey;
use crate::domain::{FollowUpState, SubmissionId};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a link in an email works, counted from when that email was sent: a link in an
/// escalation days later works as long as one in the first notification.
pub const LINK_LIFETIME: Duration = Duration::days(30);

/// Why a link is refused. Each is a `403`: nothing is changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link's token is malformed")]
    Malformed,
    #[error("the link has expired")]
    Expired,
    #[error("the link's token does not match")]
    Forged,
}

/// What recording a follow-up state came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpError {
    #[error(transparent)]
    Link(#[from] LinkError),
    /// No request to follow up: never stored, erased, or held as spam.
    #[error("no such request")]
    UnknownRequest,
    #[error("follow-up links are not configured (FOLLOW_UP_KEY)")]
    NotConfigured,
}

/// Records `state` for a request when `token` is a valid link for it, and logs the line that
/// measures time to first contact.
pub async fn record(
    store: &Store,
    key: Option<&FollowUpKey>,
    id: SubmissionId,
    state: FollowUpState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), RecordError> {
    key.ok_or(FollowUpError::NotConfigured)?
        .verify(id, state, token, now)
        .map_err(FollowUpError::from)?;
    let previous = store
        .set_follow_up(id, state, now)
        .await?
        .ok_or(FollowUpError::UnknownRequest)?;
    let first_contact = (previous == FollowUpState::New && state != FollowUpState::New)
        .then(|| (now - id.time()).num_seconds());
    tracing::info!(event = "follow_up_recorded", submission_id = %id, state = state.as_str(), previous = previous.as_str(), time_to_first_contact_seconds = first_contact, "follow-up recorded");
    Ok(())
}

/// A follow-up that was not recorded: refused, or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Refused(#[from] FollowUpError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The path of a request's follow-up page, under the API's base URL.
pub fn path(id: SubmissionId) -> String {
    format!("/consultations/{id}/follow-up")
}

impl FollowUpKey {
    /// `<expiry, epoch seconds>.<hex HMAC over id, state and expiry>`.
    pub fn token(&self, id: SubmissionId, state: FollowUpState, expires: DateTime<Utc>) -> String {
        let expires = expires.timestamp();
        format!("{expires}.{}", hex(&self.mac(id, state, expires)))
    }

    /// The link for `state`, in an email sent at `sent_at`.
    pub fn link(
        &self,
        base_url: &str,
        id: SubmissionId,
        state: FollowUpState,
        sent_at: DateTime<Utc>,
    ) -> String {
        let token = self.token(id, state, sent_at + LINK_LIFETIME);
        format!(
            "{}{}?state={}&token={token}",
            base_url.trim_end_matches('/'),
            path(id),
            state.as_str()
        )
    }

    /// Checks a token for this request and state at `now`.
    pub fn verify(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        self.check(token, now, |expires| message(id, state, expires))
    }

    /// A token `expires.signature` whose signature, by the current key or the one before a
    /// rotation (a link signed before it still works), is over `message_for(expires)`.
    fn check(
        &self,
        token: &str,
        now: DateTime<Utc>,
        message_for: impl Fn(i64) -> Vec<u8>,
    ) -> Result<(), LinkError> {
        let (expires, signature) = token.split_once('.').ok_or(LinkError::Malformed)?;
        let expires: i64 = expires.parse().map_err(|_| LinkError::Malformed)?;
        let signature = unhex(signature).ok_or(LinkError::Malformed)?;
        let message = message_for(expires);
        let signed_by_a_version = self.versions().any(|version| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(version).expect("HMAC accepts keys of any length");
            mac.update(&message);
            mac.verify_slice(&signature).is_ok()
        });
        if !signed_by_a_version {
            return Err(LinkError::Forged);
        }
        if now.timestamp() > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    fn hmac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(self.as_bytes()).expect("HMAC accepts keys of any length")
    }

    fn mac(&self, id: SubmissionId, state: FollowUpState, expires: i64) -> Vec<u8> {
        self.signed(&message(id, state, expires))
    }

    fn signed(&self, message: &[u8]) -> Vec<u8> {
        let mut mac = self.hmac();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
}

impl FollowUpKey {
    /// The review digest's *Not spam: send it to staff* link for a held request, in a digest sent
    /// at `sent_at`. Its token is bound to its purpose: a follow-up token is never a release one.
    pub fn release_link(&self, base_url: &str, id: SubmissionId, sent_at: DateTime<Utc>) -> String {
        let expires = (sent_at + LINK_LIFETIME).timestamp();
        let token = format!(
            "{expires}.{}",
            hex(&self.signed(&release_message(id, expires)))
        );
        format!(
            "{}/consultations/{id}/release?token={token}",
            base_url.trim_end_matches('/')
        )
    }

    /// Checks a release token for this request at `now`.
    pub fn verify_release(
        &self,
        id: SubmissionId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        self.check(token, now, |expires| release_message(id, expires))
    }
}

fn release_message(id: SubmissionId, expires: i64) -> Vec<u8> {
    format!("release\n{id}\n{expires}").into_bytes()
}

fn message(id: SubmissionId, state: FollowUpState, expires: i64) -> Vec<u8> {
    format!("follow-up\n{id}\n{}\n{expires}", state.as_str()).into_bytes()
}

/// Lower-case hexadecimal, as the signatures are written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FollowUpKey {
        FollowUpKey::new(b"0123456789abcdef0123456789abcdef".to_vec())
    }

    #[test]
    fn a_link_carries_only_the_id_the_state_and_a_token() {
        let at: DateTime<Utc> = "2026-11-26T14:05:00Z".parse().unwrap();
        let id = SubmissionId::new(at);
        let link = key().link("https://api.example/", id, FollowUpState::Contacted, at);
        let prefix =
            format!("https://api.example/consultations/{id}/follow-up?state=contacted&token=");
        assert!(link.starts_with(&prefix), "{link}");
        let token = link.rsplit("token=").next().unwrap();
        assert!(token.starts_with(&(at + LINK_LIFETIME).timestamp().to_string()));
    }

    #[test]
    fn only_an_unaltered_unexpired_token_for_that_id_and_state_passes() {
        let at: DateTime<Utc> = "2026-11-26T14:05:00Z".parse().unwrap();
        let id = SubmissionId::new(at);
        let state = FollowUpState::Scheduled;
        let token = key().token(id, state, at + LINK_LIFETIME);
        assert_eq!(key().verify(id, state, &token, at), Ok(()));

        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            key().verify(id, state, &altered, at),
            Err(LinkError::Forged)
        );
        let other_state = FollowUpState::Closed;
        assert_eq!(
            key().verify(id, other_state, &token, at),
            Err(LinkError::Forged)
        );
        let other_id = SubmissionId::new(at);
        assert_eq!(
            key().verify(other_id, state, &token, at),
            Err(LinkError::Forged)
        );
        let longer = format!("{}{}", (at + Duration::days(365)).timestamp(), &token[10..]);
        assert_eq!(key().verify(id, state, &longer, at), Err(LinkError::Forged));
        let other_key = FollowUpKey::new(b"another-secret-another-secret-0000".to_vec());
        assert_eq!(
            other_key.verify(id, state, &token, at),
            Err(LinkError::Forged)
        );
        // After a rotation, a link signed with the previous key still verifies; new links are
        // signed with the new one, which the old key alone does not accept.
        let rotated = other_key
            .clone()
            .with_previous(Some(key().as_bytes().to_vec()));
        assert_eq!(rotated.verify(id, state, &token, at), Ok(()));
        let new_token = rotated.token(id, state, at + LINK_LIFETIME);
        assert_eq!(
            key().verify(id, state, &new_token, at),
            Err(LinkError::Forged)
        );
        let later = at + LINK_LIFETIME + Duration::seconds(1);
        assert_eq!(
            key().verify(id, state, &token, later),
            Err(LinkError::Expired)
        );
        for malformed in ["", "abc", "123.xyz", "notanumber.00", "123.0"] {
            assert_eq!(
                key().verify(id, state, malformed, at),
                Err(LinkError::Malformed),
                "{malformed}"
            );
        }
    }

    #[test]
    fn a_release_token_releases_only_its_request_and_is_never_a_follow_up_token() {
        let at: DateTime<Utc> = "2026-11-30T14:00:00Z".parse().unwrap();
        let id = SubmissionId::new(at);
        let link = key().release_link("https://api.example", id, at);
        let token = link.rsplit("token=").next().unwrap();
        assert!(link.starts_with(&format!(
            "https://api.example/consultations/{id}/release?token="
        )));
        assert_eq!(key().verify_release(id, token, at), Ok(()));
        assert_eq!(
            key().verify_release(SubmissionId::new(at), token, at),
            Err(LinkError::Forged)
        );
        let follow_up = key().token(id, FollowUpState::Contacted, at + LINK_LIFETIME);
        assert_eq!(
            key().verify_release(id, &follow_up, at),
            Err(LinkError::Forged)
        );
        assert_eq!(
            key().verify(id, FollowUpState::Contacted, token, at),
            Err(LinkError::Forged)
        );
        let later = at + LINK_LIFETIME + Duration::seconds(1);
        assert_eq!(
            key().verify_release(id, token, later),
            Err(LinkError::Expired)
        );
    }
}
