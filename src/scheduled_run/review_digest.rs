//! Held for review, and seen: everything held (a filled honeypot, a form post without the captcha)
//! is listed in a short email to staff, the review digest, sent by the first scheduled run of
//! each business day and then at most every 4 business hours, only when something new was held
//! since the last. For each of the newest 50: the name (at most 40 characters, anything that looks
//! like a link or an address defanged), when it came in, why it was held, the urgent flag, and one
//! signed link, *Not spam: send it to staff* (`release`). No message text.

use super::Run;
use crate::deadline::Deadline;
use crate::delivery::Delivery;
use crate::domain::HoldReason;
use crate::notify::{DigestRow, ReviewDigest, defanged_name, render};
use crate::store::{HeldEntry, StoreError};
use chrono::{DateTime, Utc};

/// At most this often, in business hours, once the day's first has gone.
const EVERY_BUSINESS_HOURS: u32 = 4;
/// The newest this many are listed; the rest are counted.
const LISTED: usize = 50;

/// Sends the review digest if it is due and something new was held; true when it went.
pub async fn run(run: &Run<'_>) -> Result<bool, StoreError> {
    send(run.app.delivery(), run.deadline).await
}

async fn send(delivery: &Delivery, deadline: Deadline) -> Result<bool, StoreError> {
    let now = delivery.now();
    let (hours, tz) = (
        delivery.policy().business_hours,
        delivery.settings().timezone,
    );
    if !hours.is_open(now, tz) {
        return Ok(false);
    }
    let state = delivery.store().digest_state().await?;
    let due = state.last_sent_at.is_none_or(|last| {
        last.with_timezone(&tz).date_naive() != now.with_timezone(&tz).date_naive()
            || now >= hours.add(last, EVERY_BUSINESS_HOURS, tz)
    });
    if !due {
        return Ok(false);
    }
    let Some(newest) = delivery.store().newest_held().await? else {
        return Ok(false);
    };
    if state.newest_listed.is_some_and(|listed| listed >= newest) {
        return Ok(false);
    }
    if !delivery
        .store()
        .claim_digest(now, deadline.claim_until(now))
        .await?
    {
        return Ok(false);
    }
    let sent = async {
        let held = delivery.store().held_for_review().await?;
        let new = held
            .iter()
            .filter(|h| {
                state
                    .newest_listed
                    .is_none_or(|listed| h.received_at > listed)
            })
            .count();
        let settings = delivery.settings();
        let mut digest = digest(&held, new, |entry| release_link(delivery, entry, now), tz);
        digest.console = settings
            .console_requests
            .as_ref()
            .map(|requests| requests.replace("/staff/requests", "/staff/held"));
        if settings.content == crate::config::StaffEmailContent::Minimal {
            // No names in a minimal email: each row by its reference.
            for (row, entry) in digest.rows.iter_mut().zip(&held) {
                row.name = entry.id.to_string();
            }
        }
        let email = render(&digest)?;
        delivery.notifier().send_digest(&email).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(held.len())
    };
    match deadline.within(sent).await {
        Some(Ok(count)) => {
            tracing::info!(event = "review_digest", held = count, "review digest sent");
            if let Err(error) = delivery.store().finish_digest(Some((now, newest))).await {
                tracing::warn!(error = %error, "the review digest was sent but not recorded");
            }
            Ok(true)
        }
        failed => {
            let error = failed.map_or_else(
                || "out of time".to_owned(),
                |result| result.err().map(|e| e.to_string()).unwrap_or_default(),
            );
            tracing::warn!(event = "review_digest_failed", error = %error, "the review digest could not be sent; the next run tries again");
            delivery.store().finish_digest(None).await?;
            Ok(false)
        }
    }
}

fn release_link(delivery: &Delivery, entry: &HeldEntry, now: DateTime<Utc>) -> Option<String> {
    let key = delivery.settings().follow_up_key.as_ref()?;
    let base = entry.public_base_url.as_deref()?;
    Some(key.release_link(base, entry.id, now))
}

fn reason_label(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::Honeypot => "hidden field filled (a bot, or a browser's autofill)",
        HoldReason::NoCaptcha => "no security check (a browser without JavaScript)",
    }
}

/// The digest's data: counts by reason, then the newest 50 with their release links.
fn digest(
    held: &[HeldEntry],
    new: usize,
    link: impl Fn(&HeldEntry) -> Option<String>,
    tz: chrono_tz::Tz,
) -> ReviewDigest {
    let count = |reason| held.iter().filter(|h| h.reason == reason).count();
    ReviewDigest {
        console: None,
        held: held.len(),
        honeypot: count(HoldReason::Honeypot),
        no_captcha: count(HoldReason::NoCaptcha),
        new,
        rows: held
            .iter()
            .take(LISTED)
            .map(|entry| DigestRow {
                name: defanged_name(&entry.name),
                when: entry
                    .received_at
                    .with_timezone(&tz)
                    .format("%a %-d %b, %H:%M")
                    .to_string(),
                reason: reason_label(entry.reason),
                urgent: entry.urgent,
                already_sent: entry.urgent && entry.reason == HoldReason::NoCaptcha,
                release: link(entry),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SubmissionId;

    #[test]
    fn the_digest_lists_the_newest_50_counts_the_rest_and_holds_no_message() {
        let at: DateTime<Utc> = "2026-11-30T14:00:00Z".parse().unwrap();
        let held: Vec<HeldEntry> = (0..55)
            .map(|n| HeldEntry {
                id: SubmissionId::new(at - chrono::Duration::minutes(n)),
                received_at: at - chrono::Duration::minutes(n),
                name: format!("Person {n} <b>"),
                urgent: n == 0,
                reason: if n % 2 == 0 {
                    HoldReason::Honeypot
                } else {
                    HoldReason::NoCaptcha
                },
                public_base_url: Some("https://api.example".into()),
            })
            .collect();
        let email = render(&digest(
            &held,
            3,
            |h| Some(format!("https://api.example/r/{}", h.id)),
            chrono_tz::UTC,
        ))
        .unwrap();
        assert_eq!(email.subject, "Held for review: 55 requests, 3 new");
        assert!(
            email.text.contains(
                "55 held: 28 with the hidden field filled, 27 without the security check."
            )
        );
        assert!(email.text.contains("Person 49") && !email.text.contains("Person 50 "));
        assert!(email.text.contains("And 5 more, older."));
        assert!(email.text.contains("URGENT"));
        assert!(email.html.contains("&#60;b&#62;") && !email.html.contains("<b>"));
        assert_eq!(email.text.matches("Not spam: send it to staff").count(), 50);
    }
}
