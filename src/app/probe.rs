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

/// Why a request carrying the probe's header got no probe's answer.
#[derive(Debug, thiserror::Error)]
pub enum ProbeFailed {
    /// The header does not verify (altered, out of time, replayed, or no key to check it with):
    /// refused, never taken for an ordinary request.
    #[error("the heartbeat header was refused: {0}")]
    Refused(&'static str),
    /// Accepted, but the chain is broken here.
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

/// `None` when the request carries no probe's header: it is an ordinary request. Otherwise the
/// probe's id once its email left, or why it did not: a header that does not verify is refused
/// (staff must never get a request from the heartbeat), and a broken chain says where.
pub async fn receive(
    app: &App,
    header: Option<&str>,
    body: &[u8],
) -> Option<Result<SubmissionId, ProbeFailed>> {
    let header = header?;
    let refuse = |reason: &'static str| {
        tracing::warn!(
            event = "heartbeat_refused",
            header = HEADER,
            reason,
            "a heartbeat header was refused, and its request with it"
        );
        Some(Err(ProbeFailed::Refused(reason)))
    };
    let Some(heartbeat) = app.config().heartbeat.as_ref() else {
        return refuse("not_configured");
    };
    let now = app.now();
    let id = match verify(&heartbeat.key, header, body, now).await {
        Ok(id) => id,
        Err(NotAProbe::Malformed) => return refuse("malformed"),
        Err(NotAProbe::OutOfTime) => return refuse("out_of_time"),
        Err(NotAProbe::Forged) => return refuse("forged"),
    };
    match app.store().accept_probe(id, now).await {
        Ok(true) => {}
        Ok(false) => return refuse("replayed"),
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
