//! The function's side of a probe: recognised by its header, accepted once, answered by an
//! email to `HEARTBEAT_TO` through the same SES path as staff emails, and nothing else: no
//! request stored, no rate limit or captcha, no staff email, no reminder.

use super::{HEADER, NotAProbe, verify};
use crate::app::App;
use crate::domain::SubmissionId;
use crate::notify::NotificationEmail;
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

fn probe_email(id: SubmissionId, now: DateTime<Utc>, timezone: Tz) -> NotificationEmail {
    let when = now
        .with_timezone(&timezone)
        .format("%A %-d %B %Y, %H:%M %Z");
    let text = format!(
        "The consultation form's daily check went through: a test request crossed API Gateway, the function and DynamoDB, and this email left through SES.\n\nNo action is needed. If these emails stop, or the HeartbeatMissing alarm fires, part of the chain is broken: run consultation-admin doctor.\n\nProbe {id}, {when}.\n"
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Heartbeat</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;\"><p>The consultation form's daily check went through: a test request crossed API Gateway, the function and DynamoDB, and this email left through SES.</p><p>No action is needed. If these emails stop, or the HeartbeatMissing alarm fires, part of the chain is broken: run <code>consultation-admin doctor</code>.</p><p style=\"color:#52606d;\">Probe {id}, {when}.</p></body></html>"
    );
    NotificationEmail {
        subject: "Heartbeat: the consultation form works".to_owned(),
        text,
        html,
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
    let email = probe_email(id, now, app.config().practice_timezone);
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
