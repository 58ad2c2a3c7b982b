//! *Not spam: send it to staff*: a held request released from the review digest becomes an
//! ordinary request, once, however often the button is pressed: its staff email goes out through
//! the usual retry path, its follow-up is `new` with reminders counted from the release, and it is
//! kept `RETENTION_DAYS` from receipt.

use super::App;
use crate::domain::SubmissionId;
use crate::domain::{FollowUpState, Reminder};
use crate::follow_up::LinkError;
use crate::store::{Released, StoreError};
use crate::webhooks::{EventType, Subject};
use chrono::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("the release link was refused: {0:?}")]
    Refused(LinkError),
    #[error("release links are not configured (FOLLOW_UP_KEY)")]
    NotConfigured,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a release token, without changing anything (the confirmation page).
pub async fn check(app: &App, id: SubmissionId, token: &str) -> Result<(), ReleaseError> {
    let key = app
        .config()
        .follow_up_key
        .as_ref()
        .ok_or(ReleaseError::NotConfigured)?;
    key.verify_release(id, token, app.now())
        .await
        .map_err(ReleaseError::Refused)
}

/// Releases the request the token names.
pub async fn release(app: &App, id: SubmissionId, token: &str) -> Result<Released, ReleaseError> {
    check(app, id, token).await?;
    Ok(release_now(app, id).await?)
}

/// Releases a held request: the digest's button and the console's *Not spam* alike.
pub async fn release_now(app: &App, id: SubmissionId) -> Result<Released, StoreError> {
    let now = app.now();
    let Some(stored) = app.store().get_request(id).await? else {
        return Ok(Released::Gone);
    };
    let received = &stored.received;
    // Reminders count from the release, with the settings in force now.
    let first_reminder_at = app
        .delivery()
        .follow_up
        .due_at(now, received.urgent, Reminder::Staff);
    let expires_at =
        received.received_at + Duration::days(i64::from(app.config().retention_days.get()));
    let subject = Subject::Request(received, Some(FollowUpState::New));
    let outbox = app
        .webhooks()
        .outbox(EventType::Received, now, subject)
        .await;
    let released = app
        .store()
        .release_held(id, now, first_reminder_at, expires_at, &outbox)
        .await?;
    match released {
        Released::Now => {
            tracing::info!(event = "released_from_review", submission_id = %id, "a held request was released to staff");
            // Routed now, before the retry path sends its staff email (to the assignee).
            if let Some(routing) = app.routing()
                && let Err(error) = routing.route(id, &received.answers, now).await
            {
                tracing::warn!(event = "routing_failed", submission_id = %id, error = %error, "released request left for the front desk");
            }
        }
        Released::StoppedHolding => {
            tracing::info!(event = "released_from_review", submission_id = %id, resent = false, "a held request staff already had stopped being held; nothing sent again");
        }
        Released::Already | Released::Gone => {}
    }
    Ok(released)
}
