//! One-click follow-up from the staff email: links signed with `FOLLOW_UP_KEY`, one per state.
//! A link carries the request's id, the state and an expiry, never anything personal; its token is
//! an HMAC over those three, so a forged, altered or expired link changes nothing.

use crate::domain::{Actor, FollowUpState, SubmissionId};
use crate::signing::{FollowUpKey, Purpose, from_hex, to_hex};
use crate::store::{Store, StoreError};
use crate::webhooks::{EventType, Subject, Webhooks};
use chrono::{DateTime, Duration, Utc};

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
    webhooks: &Webhooks,
    key: Option<&FollowUpKey>,
    id: SubmissionId,
    state: FollowUpState,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), RecordError> {
    key.ok_or(FollowUpError::NotConfigured)?
        .verify(id, state, token, now)
        .await
        .map_err(FollowUpError::from)?;
    record_state(store, webhooks, id, state, now, &Actor::EmailLink).await
}

/// Records `state` for a request, by whoever: the email's links and the console's buttons alike
/// (one history, one reminder rule), and logs the line that measures time to first contact.
pub async fn record_state(
    store: &Store,
    webhooks: &Webhooks,
    id: SubmissionId,
    state: FollowUpState,
    now: DateTime<Utc>,
    by: &Actor,
) -> Result<(), RecordError> {
    let subject = Subject::Stored {
        id,
        follow_up: Some(state),
        assignee: None,
    };
    let outbox = webhooks
        .outbox(EventType::FollowUpChanged, now, subject)
        .await;
    let previous = store
        .set_follow_up(id, state, now, by, &outbox)
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
        let id = id.to_string();
        let purpose = Purpose::FollowUpLink {
            id: &id,
            state: state.as_str(),
            expires,
        };
        format!("{expires}.{}", to_hex(&self.keys().sign(&purpose)))
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
    pub async fn verify(
        &self,
        id: SubmissionId,
        state: FollowUpState,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        let id = id.to_string();
        self.check(token, now, |expires| Purpose::FollowUpLink {
            id: &id,
            state: state.as_str(),
            expires,
        })
        .await
    }

    /// A token `expires.signature` whose signature is `purpose_for(expires)`'s, by a version of
    /// the key this instance knows or, after a rotation, reads again.
    async fn check<'a>(
        &self,
        token: &str,
        now: DateTime<Utc>,
        purpose_for: impl Fn(i64) -> Purpose<'a>,
    ) -> Result<(), LinkError> {
        let (expires, signature) = token.split_once('.').ok_or(LinkError::Malformed)?;
        let expires: i64 = expires.parse().map_err(|_| LinkError::Malformed)?;
        let signature = from_hex(signature)
            .filter(|s| s.len() == 32)
            .ok_or(LinkError::Malformed)?;
        if !self.keys().verify(&purpose_for(expires), &signature).await {
            return Err(LinkError::Forged);
        }
        if now.timestamp() > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// The review digest's *Not spam: send it to staff* link for a held request, in a digest sent
    /// at `sent_at`. Its token is bound to its purpose: a follow-up token is never a release one.
    pub fn release_link(&self, base_url: &str, id: SubmissionId, sent_at: DateTime<Utc>) -> String {
        let expires = (sent_at + LINK_LIFETIME).timestamp();
        let purpose = Purpose::Release {
            id: &id.to_string(),
            expires,
        };
        let token = format!("{expires}.{}", to_hex(&self.keys().sign(&purpose)));
        format!(
            "{}/consultations/{id}/release?token={token}",
            base_url.trim_end_matches('/')
        )
    }

    /// Checks a release token for this request at `now`.
    pub async fn verify_release(
        &self,
        id: SubmissionId,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(), LinkError> {
        let id = id.to_string();
        self.check(token, now, |expires| Purpose::Release { id: &id, expires })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FollowUpKey {
        FollowUpKey::new(b"0123456789abcdef0123456789abcdef".to_vec(), None)
    }

    #[test]
    fn tokens_are_written_as_they_always_were() {
        let key = FollowUpKey::new(b"golden-follow-up-key-0123456789abcdef".to_vec(), None);
        let id = SubmissionId::parse("01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3").unwrap();
        let expires: DateTime<Utc> = "2027-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(
            key.token(id, FollowUpState::Contacted, expires),
            "1798859045.4145fe72da98960ad824620b9fb2b280051bd63d2ab28f72dac15d8db94df653"
        );
        let sent: DateTime<Utc> = "2026-12-03T03:04:05Z".parse().unwrap();
        assert_eq!(
            key.release_link("https://api.example", id, sent),
            "https://api.example/consultations/01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3/release?token=1798859045.5bb318f289494f71b93e003ea93b2b406a316e752df45fec3522428f0270a3ef"
        );
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

    #[tokio::test]
    async fn only_an_unaltered_unexpired_token_for_that_id_and_state_passes() {
        let at: DateTime<Utc> = "2026-11-26T14:05:00Z".parse().unwrap();
        let id = SubmissionId::new(at);
        let state = FollowUpState::Scheduled;
        let token = key().token(id, state, at + LINK_LIFETIME);
        assert_eq!(key().verify(id, state, &token, at).await, Ok(()));

        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            key().verify(id, state, &altered, at).await,
            Err(LinkError::Forged)
        );
        let other_state = FollowUpState::Closed;
        assert_eq!(
            key().verify(id, other_state, &token, at).await,
            Err(LinkError::Forged)
        );
        let other_id = SubmissionId::new(at);
        assert_eq!(
            key().verify(other_id, state, &token, at).await,
            Err(LinkError::Forged)
        );
        let longer = format!("{}{}", (at + Duration::days(365)).timestamp(), &token[10..]);
        assert_eq!(
            key().verify(id, state, &longer, at).await,
            Err(LinkError::Forged)
        );
        let other_key = FollowUpKey::new(b"another-secret-another-secret-0000".to_vec(), None);
        assert_eq!(
            other_key.verify(id, state, &token, at).await,
            Err(LinkError::Forged)
        );
        // After a rotation, a link signed with the previous key still verifies; new links are
        // signed with the new one, which the old key alone does not accept.
        let rotated = FollowUpKey::new(
            b"another-secret-another-secret-0000".to_vec(),
            Some(b"0123456789abcdef0123456789abcdef".to_vec()),
        );
        assert_eq!(rotated.verify(id, state, &token, at).await, Ok(()));
        let new_token = rotated.token(id, state, at + LINK_LIFETIME);
        assert_eq!(
            key().verify(id, state, &new_token, at).await,
            Err(LinkError::Forged)
        );
        let later = at + LINK_LIFETIME + Duration::seconds(1);
        assert_eq!(
            key().verify(id, state, &token, later).await,
            Err(LinkError::Expired)
        );
        for malformed in ["", "abc", "123.xyz", "notanumber.00", "123.0", "123.00"] {
            assert_eq!(
                key().verify(id, state, malformed, at).await,
                Err(LinkError::Malformed),
                "{malformed}"
            );
        }
    }

    #[tokio::test]
    async fn a_release_token_releases_only_its_request_and_is_never_a_follow_up_token() {
        let at: DateTime<Utc> = "2026-11-30T14:00:00Z".parse().unwrap();
        let id = SubmissionId::new(at);
        let link = key().release_link("https://api.example", id, at);
        let token = link.rsplit("token=").next().unwrap();
        assert!(link.starts_with(&format!(
            "https://api.example/consultations/{id}/release?token="
        )));
        assert_eq!(key().verify_release(id, token, at).await, Ok(()));
        assert_eq!(
            key().verify_release(SubmissionId::new(at), token, at).await,
            Err(LinkError::Forged)
        );
        let follow_up = key().token(id, FollowUpState::Contacted, at + LINK_LIFETIME);
        assert_eq!(
            key().verify_release(id, &follow_up, at).await,
            Err(LinkError::Forged)
        );
        assert_eq!(
            key().verify(id, FollowUpState::Contacted, token, at).await,
            Err(LinkError::Forged)
        );
        let later = at + LINK_LIFETIME + Duration::seconds(1);
        assert_eq!(
            key().verify_release(id, token, later).await,
            Err(LinkError::Expired)
        );
    }
}
