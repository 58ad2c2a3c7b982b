//! The function's side of a probe: recognised by its header, accepted once, answered by an
//! email to `HEARTBEAT_TO` through the same SES path as staff emails, and nothing else: no
//! request stored, no rate limit or captcha, no staff email, no reminder.

use super::App;
use crate::domain::SubmissionId;
use crate::heartbeat::{HEADER, NotAProbe, verify};
use crate::notify::{HeartbeatEmail, render};
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Why an accepted probe could not be answered: the chain is broken here.
#[derive(Debug, thiserror::Error)]
pub enum ProbeFailed {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the probe's email was not sent: {0}")]
    Email(String),
}

fn probe_email(id: SubmissionId, now: DateTime<Utc>, timezone: Tz) -> HeartbeatEmail {
    HeartbeatEmail {
        id: id.to_string(),
        when: now
            .with_timezone(&timezone)
            .format("%A %-d %B %Y, %H:%M %Z")
            .to_string(),
    }
}

/// `None` when the request is not a probe (no or a refused header, a replayed id): it is then an
/// ordinary request. Otherwise the probe's id once its email left, or why it could not.
pub async fn receive(
    app: &App,
    header: Option<&str>,
    body: &[u8],
) -> Option<Result<SubmissionId, ProbeFailed>> {
    let header = header?;
    let heartbeat = app.config().heartbeat.as_ref()?;
    let now = app.now();
    let id = match verify(&heartbeat.key, header, body, now).await {
        Ok(id) => id,
        Err(reason) => {
            let reason = match reason {
                NotAProbe::Malformed => "malformed",
                NotAProbe::OutOfTime => "out_of_time",
                NotAProbe::Forged => "forged",
            };
            tracing::warn!(
                event = "heartbeat_refused",
                header = HEADER,
                reason,
                "a heartbeat header was refused; treated as an ordinary request"
            );
            return None;
        }
    };
    match app.store().accept_probe(id, now).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(event = "heartbeat_refused", probe_id = %id, reason = "replayed", "a heartbeat id came twice; treated as an ordinary request");
            return None;
        }
        Err(error) => return Some(Err(error.into())),
    }
    let email = match render(&probe_email(id, now, app.config().practice_timezone)) {
        Ok(email) => email,
        Err(error) => return Some(Err(ProbeFailed::Email(error.to_string()))),
    };
    let sent = app
        .delivery()
        .notifier()
        .send_heartbeat(&heartbeat.to, &email, id)
        .await;
    Some(match sent {
        Ok(_) => {
            tracing::info!(event = "heartbeat_received", probe_id = %id, "heartbeat probe answered");
            Ok(id)
        }
        Err(error) => {
            tracing::error!(event = "heartbeat_failed", probe_id = %id, error = %error, "the heartbeat's email could not be sent");
            Err(ProbeFailed::Email(error.to_string()))
        }
    })
}
