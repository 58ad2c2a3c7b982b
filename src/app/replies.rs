//! Answered by email counts: most front desks answer a request by replying to the staff email and
//! never click a link. With `REPLY_TRACKING_DOMAIN` (a subdomain whose mail SES receives), the
//! staff email's `Reply-To` holds the person and a signed address `reply+<id>.<signature>@<domain>`;
//! SES receiving invokes the function with the receipt event only (no message body is stored
//! anywhere), and a reply from a staff address or the practice's domain with a passing SPF or
//! DKIM verdict records `contacted`, with the reply's time as first contact, never moving a
//! request back.

use super::App;
use crate::domain::FollowUpState;
use crate::follow_up::request_of;
use crate::store::StoreError;
use aws_lambda_events::ses::{SimpleEmailEvent, SimpleEmailVerdict};

/// What one receipt event did: the answer to its invocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplyReport {
    /// `recorded`, `already_followed_up`, `not_ours`, `not_verified`, `outside_sender`, `off`
    /// or `unreadable`.
    pub outcome: &'static str,
}

/// Records what a receipt event says: a verified reply from the practice to a signed address.
pub async fn record(app: &App, event: SimpleEmailEvent) -> Result<ReplyReport, StoreError> {
    let report = |outcome| Ok(ReplyReport { outcome });
    let config = app.config();
    let (Some(domain), Some(key)) = (&config.reply_tracking_domain, &config.follow_up_key) else {
        return report("off");
    };
    let Some(ses) = event.records.into_iter().next().map(|r| r.ses) else {
        return report("unreadable");
    };
    let mut ours = None;
    for address in &ses.receipt.recipients {
        ours = request_of(address, key, domain).await;
        if ours.is_some() {
            break;
        }
    }
    let Some(id) = ours else {
        tracing::info!(
            event = "reply_not_ours",
            "a reply to no signed address of ours; ignored"
        );
        return report("not_ours");
    };
    let passed = |v: &SimpleEmailVerdict| {
        v.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("PASS"))
    };
    if !passed(&ses.receipt.spf_verdict) && !passed(&ses.receipt.dkim_verdict) {
        tracing::warn!(event = "reply_not_verified", submission_id = %id, "a reply whose SPF and DKIM both failed; ignored");
        return report("not_verified");
    }
    let source = ses.mail.source.as_deref().unwrap_or_default();
    let sender = ses
        .mail
        .common_headers
        .from
        .first()
        .map(|from| bare_address(from))
        .unwrap_or(source);
    if !from_the_practice(app, sender) || !from_the_practice(app, source) {
        tracing::warn!(event = "reply_outside_sender", submission_id = %id, "a reply from outside the practice; ignored");
        return report("outside_sender");
    }
    let at = ses.receipt.timestamp;
    match app.store().record_reply(id, at).await? {
        true => {
            let waited = (at - id.time()).num_seconds().max(0);
            tracing::info!(event = "follow_up_recorded", submission_id = %id, state = FollowUpState::Contacted.as_str(), via = "reply", time_to_first_contact_seconds = waited, "a reply to the person recorded first contact");
            report("recorded")
        }
        false => report("already_followed_up"),
    }
}

/// `Dr Lee <lee@practice.example>` → `lee@practice.example`.
fn bare_address(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &from[open + 1..close],
        _ => from.trim(),
    }
}

/// A staff address, or one of the practice's domain (the sender's, `NOTIFY_FROM`'s).
fn from_the_practice(app: &App, address: &str) -> bool {
    let config = app.config();
    let domain_of = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    let staff = config
        .notify_to
        .iter()
        .chain(&config.escalate_to)
        .chain(&config.notify_fallback_to)
        .any(|s| s.as_str().eq_ignore_ascii_case(address));
    staff
        || (domain_of(address).is_some()
            && domain_of(address) == domain_of(config.notify_from.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_from_header_gives_the_bare_address() {
        assert_eq!(
            bare_address("Dr Lee <lee@practice.example>"),
            "lee@practice.example"
        );
        assert_eq!(bare_address("lee@practice.example"), "lee@practice.example");
    }
}
