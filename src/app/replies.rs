//! Answered by email counts: most front desks answer a request by replying to the staff email and
//! never click a link. With `REPLY_TRACKING_DOMAIN` (a subdomain whose mail SES receives), the
//! staff email's `Reply-To` holds the person and a signed address `reply+<id>.<signature>@<domain>`;
//! SES receiving invokes the function with the receipt event only (no message body is stored
//! anywhere), and a reply that counts (`follow_up::reply_verdict`: authenticated, the practice's,
//! not automatic, to the person) records `contacted`, with the reply's time as first contact,
//! never moving a request back.

use super::App;
use crate::domain::FollowUpState;
use crate::follow_up::reply_verdict::{ReplyVerdict, judge, sent_to};
use crate::follow_up::request_of;
use crate::store::StoreError;
use crate::webhooks::{EventType, Subject};
use aws_lambda_events::ses::SimpleEmailEvent;

/// What one receipt event did: the answer to its invocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplyReport {
    /// `recorded`, `already_followed_up`, `not_ours`, `automatic`, `not_verified`,
    /// `outside_sender`, `not_to_the_person`, `unknown_request`, `off` or `unreadable`.
    pub outcome: &'static str,
}

/// Records what a receipt event says: an authenticated reply from the practice to the person,
/// through a signed address.
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
    let refused = |outcome: &'static str, why: &str| {
        tracing::warn!(event = "reply_not_counted", submission_id = %id, outcome, "a reply that does not count as contact ({why}); ignored");
        report(outcome)
    };
    match judge(&ses.mail, &ses.receipt, |address| is_practice(app, address)) {
        ReplyVerdict::Counts(_) => {}
        ReplyVerdict::Automatic => return refused("automatic", "an automatic answer"),
        ReplyVerdict::NotAuthenticated => {
            return refused("not_verified", "nothing authenticates its sender");
        }
        ReplyVerdict::OutsideSender => {
            return refused("outside_sender", "its sender is not the practice's");
        }
        ReplyVerdict::Unreadable => return refused("unreadable", "no single sender"),
    }
    let Some(stored) = app.store().get_request(id).await? else {
        return refused("unknown_request", "no such request, or erased");
    };
    if !sent_to(&ses.mail, stored.received.request.email.as_str()) {
        return refused(
            "not_to_the_person",
            "the person is not among its recipients",
        );
    }
    let at = ses.receipt.timestamp;
    let subject = Subject::Stored {
        id,
        follow_up: Some(FollowUpState::Contacted),
        assignee: None,
    };
    let outbox = app
        .webhooks()
        .outbox(EventType::FollowUpChanged, at, subject)
        .await;
    match app.store().record_reply(id, at, &outbox).await? {
        true => {
            let waited = (at - id.time()).num_seconds().max(0);
            tracing::info!(event = "follow_up_recorded", submission_id = %id, state = FollowUpState::Contacted.as_str(), via = "reply", time_to_first_contact_seconds = waited, "a reply to the person recorded first contact");
            report("recorded")
        }
        false => report("already_followed_up"),
    }
}

/// A staff address (wherever it is), or an address of the practice's own mail domains.
fn is_practice(app: &App, address: &str) -> bool {
    let config = app.config();
    let staff = config
        .notify_to
        .iter()
        .chain(&config.escalate_to)
        .chain(&config.notify_fallback_to)
        .any(|staff| staff.as_str().eq_ignore_ascii_case(address));
    let domain = address
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase());
    staff || domain.is_some_and(|domain| config.practice_mail_domains.contains(&domain))
}
