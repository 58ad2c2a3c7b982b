//! The scheduled run's daily checks: the heartbeat's probe (sent once a day from 08:00 practice
//! time, reported missing when SES's delivery event has not come back within an hour) and the
//! quiet form (no real request for `QUIET_DAYS`). Each run reads two items at most.

use super::Run;
use crate::config::HeartbeatConfig;
use crate::deadline::Deadline;
use crate::domain::SubmissionId;
use crate::heartbeat::{HEADER, sign};
use crate::notify::{TestEmail, render};
use crate::store::{ProbeState, Store, StoreError};
use crate::tls::HttpsClient;
use chrono::{DateTime, Duration, Timelike, Utc};
use http_body_util::Full;
use hyper::body::Bytes;

/// From this hour (practice time) the day's probe and quiet check go out.
const FROM_HOUR: u32 = 8;
/// How long SES's delivery event may take before the probe counts as missing.
const DELIVERY_WITHIN: Duration = Duration::hours(1);
const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What one run's daily checks did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DailyReport {
    /// The probe sent by this run, answered by the public URL.
    pub probe_sent: Option<String>,
    /// The test notification `doctor --send-test` asked for, sent by this run.
    pub test_sent: Option<String>,
    /// `heartbeat_missing` logged by this run.
    pub probe_missing: bool,
    /// Days since the last real request, when this run logged `form_quiet`.
    pub quiet_for_days: Option<i64>,
}

/// Runs the day's checks: the test notification `doctor --send-test` asked for, the last
/// probe's delivery, today's probe (to the public URL the schedule's input names: the function's
/// own environment cannot name its API without a cycle) and the quiet form.
pub async fn run(run: &Run<'_>) -> Result<DailyReport, StoreError> {
    let (store, config, now) = (run.app.store(), run.app.config(), run.app.now());
    let mut report = DailyReport::default();
    let (probe, test) = store.daily_state().await?;
    if let Some(id) = test {
        report.test_sent = send_test(run, id, now).await?;
    }
    if config.heartbeat.is_some() {
        report.probe_missing = check_last_probe(store, probe.as_ref(), now).await?;
    }
    let local = now.with_timezone(&config.practice_timezone);
    if local.hour() < FROM_HOUR {
        return Ok(report);
    }
    let day = local.date_naive().to_string();
    let sent_today = probe.as_ref().is_some_and(|p| p.day == day);
    if let (Some(heartbeat), Some(url), false) = (&config.heartbeat, run.heartbeat_url, sent_today)
    {
        let id = SubmissionId::new(now);
        if store.claim_probe(&day, id, now).await? {
            match send_probe(run.app.https(), heartbeat, url, id, now, run.deadline).await {
                Ok(()) => report.probe_sent = Some(id.to_string()),
                Err(reason) => {
                    tracing::error!(event = "heartbeat_missing", probe_id = %id, reason = %reason, "the heartbeat's probe did not get through");
                    store.mark_probe_missing(id).await?;
                    report.probe_missing = true;
                }
            }
        }
    }
    let quiet_days = config.quiet_days;
    let since = match quiet_days {
        0 => None,
        _ => store.claim_quiet_check(&day, now).await?,
    };
    if let Some(since) = since {
        // Back to the clock's start at most: a quiet stack reads one day of the index per day it
        // has been quiet, once a day.
        let last = store
            .newest_real_request(since.date_naive(), now.date_naive())
            .await?
            .unwrap_or(since);
        let days = (now - last).num_days();
        if days >= i64::from(quiet_days) {
            tracing::warn!(
                event = "form_quiet",
                days_quiet = days,
                quiet_days,
                "no real request for days: the website's form may be broken"
            );
            report.quiet_for_days = Some(days);
        }
    }
    Ok(report)
}

/// Sends the test notification `doctor --send-test` asked for, claimed first, so a run that
/// dies after sending cannot send it twice.
async fn send_test(
    run: &Run<'_>,
    id: SubmissionId,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    if !run.app.store().test_sent(id).await? {
        return Ok(None);
    }
    let email = TestEmail {
        id: id.to_string(),
        sent_at: now.to_rfc3339(),
    };
    let sent = match render(&email) {
        Ok(email) => run
            .app
            .delivery()
            .notifier()
            .send_test(&email, id)
            .await
            .map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match sent {
        Ok(_) => Ok(Some(id.to_string())),
        Err(error) => {
            tracing::error!(event = "test_notification_failed", test_id = %id, error = %error, "doctor's test notification could not be sent");
            Ok(None)
        }
    }
}

/// The latest probe sent over an hour ago with no delivery event: logged once.
async fn check_last_probe(
    store: &Store,
    state: Option<&ProbeState>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(state) = state else {
        return Ok(false);
    };
    if state.delivered_at.is_some()
        || state.missing_reported
        || now - state.sent_at < DELIVERY_WITHIN
    {
        return Ok(false);
    }
    tracing::error!(event = "heartbeat_missing", probe_id = %state.id, reason = "no delivery event within an hour", "the heartbeat's email was not delivered");
    store.mark_probe_missing(state.id).await
}

/// Posts the probe to the public URL, as the website would; `Ok` for a `201`.
async fn send_probe(
    client: Option<&HttpsClient>,
    heartbeat: &HeartbeatConfig,
    url: &str,
    id: SubmissionId,
    now: DateTime<Utc>,
    deadline: Deadline,
) -> Result<(), String> {
    let to = heartbeat.to.first().map_or("", |a| a.as_str());
    let body = serde_json::json!({
        "name": "Heartbeat",
        "email": to,
        "consent": true,
        "message": "The daily automatic check of the consultation form.",
    })
    .to_string();
    let header = sign(&heartbeat.key, id, now, body.as_bytes());
    let request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header(HEADER, header)
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("bad heartbeat URL: {e}"))?;
    let limit = deadline
        .time_to_answer()
        .map_or(PROBE_TIMEOUT, |left| left.min(PROBE_TIMEOUT));
    let client = client.ok_or("no HTTP client for the probe")?;
    let response = tokio::time::timeout(limit, client.request(request))
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| format!("could not reach the public URL: {e}"))?;
    match response.status().as_u16() {
        201 => Ok(()),
        status => Err(format!("the public URL answered {status}")),
    }
}
