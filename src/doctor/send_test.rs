//! `doctor --send-test`: staff get a notification marked as a test, sent by the function (the
//! operator tool sends no email: it asks the next scheduled run, within five minutes), through
//! the stack's SES identity and configuration set, and doctor waits for SES's own delivery event
//! for it, which the function records as for any staff email. So the whole path to the staff's
//! inbox is shown working, not assumed.

use crate::domain::SubmissionId;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SendTestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "no delivery of test {0} reported within {1} s: check the scheduled run is enabled, then the configuration set's EventBridge destination, the staff mailbox and the suppression list"
    )]
    NotDelivered(String, u64),
}

/// Asks for the test notification and waits up to `wait` for SES's delivery event; the time SES
/// reported it delivered.
pub async fn send_test(
    store: &Store,
    now: DateTime<Utc>,
    wait: Duration,
    poll: Duration,
) -> Result<(SubmissionId, DateTime<Utc>), SendTestError> {
    let id = SubmissionId::new(now);
    store.put_test_notification(id, now).await?;
    store.request_test(id).await?;
    let started = std::time::Instant::now();
    loop {
        if let Some(at) = store.test_delivered_at(id).await? {
            return Ok((id, at));
        }
        if started.elapsed() >= wait {
            return Err(SendTestError::NotDelivered(id.to_string(), wait.as_secs()));
        }
        tokio::time::sleep(poll).await;
    }
}
