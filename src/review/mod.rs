//! Held for review, and seen: everything held (a filled honeypot, a form post without the captcha)
//! is listed in a short email to staff, the review digest, sent by the first scheduled run of
//! each business day and then at most every 4 business hours, only when something new was held
//! since the last. For each of the newest 50: the name (at most 40 characters, anything that looks
//! like a link or an address defanged), when it came in, why it was held, the urgent flag, and one
//! signed link, *Not spam: send it to staff* (`release`). No message text.

pub mod release;

use crate::deadline::Deadline;
use crate::delivery::Delivery;
use crate::domain::HoldReason;
use crate::notify::NotificationEmail;
use crate::store::{HeldEntry, StoreError};
use chrono::{DateTime, Utc};

/// At most this often, in business hours, once the day's first has gone.
const EVERY_BUSINESS_HOURS: u32 = 4;
/// The newest this many are listed; the rest are counted.
const LISTED: usize = 50;
/// Characters of a name shown.
const NAME_CHARS: usize = 40;

impl Delivery {
    /// Sends the review digest if it is due and something new was held; true when it went.
    pub async fn send_review_digest(&self, deadline: Deadline) -> Result<bool, StoreError> {
        let now = self.clock.now();
        let (hours, tz) = (self.follow_up.business_hours, self.settings.timezone);
        if !hours.is_open(now, tz) {
            return Ok(false);
        }
        let state = self.store.digest_state().await?;
        let due = state.last_sent_at.is_none_or(|last| {
            last.with_timezone(&tz).date_naive() != now.with_timezone(&tz).date_naive()
                || now >= hours.add(last, EVERY_BUSINESS_HOURS, tz)
        });
        if !due {
            return Ok(false);
        }
        let Some(newest) = self.store.newest_held().await? else {
            return Ok(false);
        };
        if state.newest_listed.is_some_and(|listed| listed >= newest) {
            return Ok(false);
        }
        if !self
            .store
            .claim_digest(now, deadline.claim_until(now))
            .await?
        {
            return Ok(false);
        }
        let sent = async {
            let held = self.store.held_for_review().await?;
            let new = held
                .iter()
                .filter(|h| {
                    state
                        .newest_listed
                        .is_none_or(|listed| h.received_at > listed)
                })
                .count();
            let email = digest_email(&held, new, |entry| self.release_link(entry, now), tz);
            self.notifier.send_digest(&email).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(held.len())
        };
        match deadline.within(sent).await {
            Some(Ok(count)) => {
                tracing::info!(event = "review_digest", held = count, "review digest sent");
                if let Err(error) = self.store.finish_digest(Some((now, newest))).await {
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
                self.store.finish_digest(None).await?;
                Ok(false)
            }
        }
    }

    fn release_link(&self, entry: &HeldEntry, now: DateTime<Utc>) -> Option<String> {
        let key = self.settings.follow_up_key.as_ref()?;
        let base = entry.public_base_url.as_deref()?;
        Some(key.release_link(base, entry.id, now))
    }
}

/// A name as the digest shows it: cut to 40 characters, and nothing a mail client would make
/// clickable (`.` becomes `[.]`, `@` becomes `[at]`, `:` becomes `[:]`).
pub fn defanged_name(name: &str) -> String {
    let cut: String = name.chars().take(NAME_CHARS).collect();
    let more = if name.chars().count() > NAME_CHARS {
        "…"
    } else {
        ""
    };
    let mut out = String::with_capacity(cut.len() + 8);
    for c in cut.chars() {
        match c {
            '.' => out.push_str("[.]"),
            '@' => out.push_str("[at]"),
            ':' => out.push_str("[:]"),
            '/' => out.push_str("[/]"),
            _ => out.push(c),
        }
    }
    out + more
}

fn reason_label(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::Honeypot => "hidden field filled (a bot, or a browser's autofill)",
        HoldReason::NoCaptcha => "no security check (a browser without JavaScript)",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The digest: counts by reason, then the newest 50 with their release links. No message text.
fn digest_email(
    held: &[HeldEntry],
    new: usize,
    link: impl Fn(&HeldEntry) -> Option<String>,
    tz: chrono_tz::Tz,
) -> NotificationEmail {
    let count = |reason| held.iter().filter(|h| h.reason == reason).count();
    let counts = format!(
        "{} held: {} with the hidden field filled, {} without the security check.",
        held.len(),
        count(HoldReason::Honeypot),
        count(HoldReason::NoCaptcha)
    );
    let intro = "These requests were held instead of sent to you. Most are bots; a real person may be among them. If one is, use its link: it goes to you like any other request.";
    let (mut text_rows, mut html_rows) = (Vec::new(), Vec::new());
    for entry in held.iter().take(LISTED) {
        let name = defanged_name(&entry.name);
        let when = entry
            .received_at
            .with_timezone(&tz)
            .format("%a %-d %b, %H:%M");
        let urgent = if entry.urgent { " · URGENT" } else { "" };
        let reason = reason_label(entry.reason);
        let release = link(entry);
        text_rows.push(format!(
            "- {name} · {when} · {reason}{urgent}\n  Not spam: send it to staff: {}",
            release
                .as_deref()
                .unwrap_or("(no link: FOLLOW_UP_KEY is not set)")
        ));
        let button = release.map_or_else(String::new, |href| {
            format!(
                " <a href=\"{}\">Not spam: send it to staff</a>",
                escape(&href)
            )
        });
        html_rows.push(format!(
            "<li><strong>{}</strong> · {when} · {reason}{}{button}</li>",
            escape(&name),
            if entry.urgent {
                " · <strong>URGENT</strong>"
            } else {
                ""
            }
        ));
    }
    let rest = held.len().saturating_sub(LISTED);
    let more = if rest > 0 {
        format!("\nAnd {rest} more, older.")
    } else {
        String::new()
    };
    NotificationEmail {
        subject: format!(
            "Held for review: {} request{}, {new} new",
            held.len(),
            if held.len() == 1 { "" } else { "s" }
        ),
        text: format!("{intro}\n\n{counts}\n\n{}{more}\n", text_rows.join("\n")),
        html: format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Held for review</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;\"><h1 style=\"font-size:18px;\">Held for review</h1><p>{intro}</p><p>{counts}</p><ul>{}</ul><p>{}</p></body></html>",
            html_rows.join(""),
            more.trim()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SubmissionId;

    #[test]
    fn names_are_cut_and_nothing_in_them_is_clickable() {
        assert_eq!(defanged_name("Ana Lima"), "Ana Lima");
        assert_eq!(
            defanged_name("visit http://evil.example"),
            "visit http[:][/][/]evil[.]example"
        );
        assert_eq!(defanged_name("me@evil.example"), "me[at]evil[.]example");
        let long = "A".repeat(60);
        assert_eq!(defanged_name(&long), format!("{}…", "A".repeat(40)));
    }

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
        let email = digest_email(
            &held,
            3,
            |h| Some(format!("https://api.example/r/{}", h.id)),
            chrono_tz::UTC,
        );
        assert_eq!(email.subject, "Held for review: 55 requests, 3 new");
        assert!(
            email.text.contains(
                "55 held: 28 with the hidden field filled, 27 without the security check."
            )
        );
        assert!(email.text.contains("Person 49") && !email.text.contains("Person 50 "));
        assert!(email.text.contains("And 5 more, older."));
        assert!(email.text.contains("URGENT"));
        assert!(email.html.contains("&lt;b&gt;") && !email.html.contains("<b>"));
        assert_eq!(email.text.matches("Not spam: send it to staff").count(), 50);
    }
}
