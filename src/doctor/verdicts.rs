//! Each check's verdict, a pure function of what AWS answered (the SDK's own output types), so
//! every shape the API reference documents is unit-tested without an account.

use super::Verdict;
use crate::store::ProbeState;
use aws_sdk_sesv2::operation::get_account::GetAccountOutput;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::types::{
    DkimStatus, EventDestination, EventType, IdentityType, SuppressedDestination,
};
use chrono::{DateTime, Utc};

fn pass(text: impl Into<String>) -> Verdict {
    Verdict::Pass(text.into())
}

fn fail(found: impl Into<String>, fix: impl Into<String>) -> Verdict {
    Verdict::Fail {
        found: found.into(),
        fix: fix.into(),
    }
}

/// Out of the sandbox; or in it with every staff address verified (and no acknowledgements,
/// which go to people no one can verify).
pub fn production_access(
    account: &GetAccountOutput,
    unverified: &[String],
    acknowledgements: bool,
) -> Verdict {
    if !account.sending_enabled() {
        return fail(
            "SES sending is paused for this account",
            "read the message from AWS about the pause (bounces or complaints), fix the cause and ask AWS Support to resume sending",
        );
    }
    if account.production_access_enabled() {
        return pass("out of the sandbox");
    }
    if !unverified.is_empty() {
        return fail(
            format!(
                "in the SES sandbox, and {} not verified",
                unverified.join(", ")
            ),
            "request production access (SES console, Account dashboard), or verify each address the stack sends to (staff, escalation, fallback, heartbeat) until it is granted",
        );
    }
    if acknowledgements {
        return fail(
            "in the SES sandbox: the acknowledgement to the person cannot be sent",
            "request production access (SES console, Account dashboard), or set SendAcknowledgement to false until it is granted",
        );
    }
    pass(
        "in the SES sandbox, but every address the stack sends to is verified (request production access before sending acknowledgements)",
    )
}

/// The sender identity verified for sending, and for a domain, DKIM signing in place.
pub fn sender_identity(name: &str, identity: &GetEmailIdentityOutput) -> Verdict {
    let domain = matches!(
        identity.identity_type(),
        Some(IdentityType::Domain | IdentityType::ManagedDomain)
    );
    let dkim = identity.dkim_attributes().and_then(|d| d.status());
    if !identity.verified_for_sending_status() {
        let fix = if domain {
            "publish the three DKIM CNAME records (the stack's DkimRecord outputs) in the domain's DNS; SES verifies within hours"
        } else {
            "open the verification link SES emailed to the address"
        };
        return fail(format!("{name} is not verified for sending"), fix);
    }
    if !domain {
        return pass(format!(
            "{name} verified (an address: mail is not DKIM-signed with the practice's domain; a domain identity is better)"
        ));
    }
    match dkim {
        Some(DkimStatus::Success) => pass(format!("{name} verified, DKIM on")),
        Some(DkimStatus::Pending | DkimStatus::NotStarted) => fail(
            format!("{name}: DKIM is still pending"),
            "publish the DKIM CNAME records (the stack's DkimRecord outputs); SES checks them for up to 72 hours",
        ),
        other => fail(
            format!("{name}: DKIM {}", other.map_or("unknown", |s| s.as_str())),
            "check the DKIM CNAME records in the domain's DNS against the stack's DkimRecord outputs",
        ),
    }
}

/// No address the stack sends to is on the account's suppression list.
pub fn suppression(checked: usize, suppressed: &[(String, SuppressedDestination)]) -> Verdict {
    if suppressed.is_empty() {
        return pass(format!(
            "none of the {checked} addresses the stack sends to is suppressed"
        ));
    }
    let list: Vec<String> = suppressed
        .iter()
        .map(|(address, d)| format!("{address} ({})", d.reason().as_str()))
        .collect();
    fail(
        format!(
            "on the suppression list (SES accepts mail to them and drops it): {}",
            list.join(", ")
        ),
        "fix the mailbox, then remove each: aws sesv2 delete-suppressed-destination --email-address ADDRESS",
    )
}

/// The event types the function records (`delivery_status`) and alarms on.
pub const NEEDED_EVENTS: [EventType; 6] = [
    EventType::Delivery,
    EventType::Bounce,
    EventType::Complaint,
    EventType::Reject,
    EventType::DeliveryDelay,
    EventType::RenderingFailure,
];

/// The configuration set sends SES's events to EventBridge, the function's way of hearing them.
pub fn event_destination(set: Option<&str>, destinations: &[EventDestination]) -> Verdict {
    let Some(set) = set else {
        return fail(
            "SES_CONFIGURATION_SET is not set: SES's delivery, bounce and complaint events never reach the function",
            "deploy the stack's template as is (it makes the configuration set and sets the variable)",
        );
    };
    let to_eventbridge = destinations
        .iter()
        .find(|d| d.enabled() && d.event_bridge_destination().is_some());
    let Some(destination) = to_eventbridge else {
        return fail(
            format!("configuration set {set} has no enabled EventBridge destination"),
            "deploy the stack's template as is (its ConfigurationSetEventDestination sends the events to EventBridge)",
        );
    };
    let missing: Vec<&str> = NEEDED_EVENTS
        .iter()
        .filter(|e| !destination.matching_event_types().contains(e))
        .map(EventType::as_str)
        .collect();
    if missing.is_empty() {
        pass(format!("{set} sends its events to EventBridge"))
    } else {
        fail(
            format!(
                "{set}'s EventBridge destination leaves out {}",
                missing.join(", ")
            ),
            "add those event types to the destination (or deploy the stack's template as is)",
        )
    }
}

/// Someone gets the alarms: a confirmed subscription on the topic.
pub fn alarm_subscription(subscriptions: &[aws_sdk_sns::types::Subscription]) -> Verdict {
    let confirmed = subscriptions
        .iter()
        .filter(|s| {
            s.subscription_arn()
                .is_some_and(|arn| arn.starts_with("arn:"))
        })
        .count();
    if confirmed > 0 {
        return pass(format!("{confirmed} confirmed subscription(s)"));
    }
    match subscriptions.first() {
        Some(pending) => fail(
            format!(
                "the subscription of {} is not confirmed: the alarms reach nobody",
                pending.endpoint().unwrap_or("an endpoint")
            ),
            "open the \"AWS Notification - Subscription Confirmation\" email and click Confirm subscription",
        ),
        None => fail(
            "nobody is subscribed to the alarm topic",
            "set AlarmEmail and deploy, or subscribe an address: aws sns subscribe --protocol email --topic-arn TOPIC --notification-endpoint ADDRESS",
        ),
    }
}

/// The five-minute run (retries, reminders, digest, summary, heartbeat) is enabled.
pub fn schedule(name: &str, state: Option<&aws_sdk_scheduler::types::ScheduleState>) -> Verdict {
    match state {
        Some(aws_sdk_scheduler::types::ScheduleState::Enabled) => pass(format!("{name} enabled")),
        other => fail(
            format!(
                "{name} is {}: no retries, reminders, digest or heartbeat",
                other.map_or("in an unknown state", |s| s.as_str())
            ),
            format!(
                "aws scheduler update-schedule --name {name} --state ENABLED (with its target), or deploy the template again"
            ),
        ),
    }
}

/// Each secret the function reads exists and is not scheduled for deletion.
pub fn secrets(found: &[(String, Option<DateTime<Utc>>)], missing: &[String]) -> Verdict {
    let deleted: Vec<&str> = found
        .iter()
        .filter(|(_, deleted)| deleted.is_some())
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() || !deleted.is_empty() {
        let mut problems: Vec<String> = missing.iter().map(|m| format!("{m} missing")).collect();
        problems.extend(
            deleted
                .iter()
                .map(|d| format!("{d} scheduled for deletion")),
        );
        return fail(
            problems.join(", "),
            "restore it (aws secretsmanager restore-secret --secret-id ARN) or deploy the template again; the function cannot start without it",
        );
    }
    pass(format!("{} secret(s) present", found.len()))
}

/// Point-in-time recovery (a bad day's deletes can be undone) and TTL on `expires_at`.
pub fn table(pitr: Option<&str>, ttl_status: Option<&str>, ttl_attribute: Option<&str>) -> Verdict {
    let mut problems = Vec::new();
    if pitr != Some("ENABLED") {
        problems.push("point-in-time recovery is off");
    }
    if !(ttl_status == Some("ENABLED") && ttl_attribute == Some("expires_at")) {
        problems.push("TTL on expires_at is off: nothing is deleted when its retention ends");
    }
    if problems.is_empty() {
        pass("point-in-time recovery and TTL on")
    } else {
        fail(
            problems.join("; "),
            "deploy the stack's template as is (it turns both on)",
        )
    }
}

/// With reply tracking, the stack's receipt rule set is the active one and its rule is enabled.
pub fn receipt_rule(
    domain: &str,
    expected_set: Option<&str>,
    active_set: Option<&str>,
    rules: &[aws_sdk_ses::types::ReceiptRule],
) -> Verdict {
    let activate = format!(
        "aws ses set-active-receipt-rule-set --rule-set-name {}",
        expected_set.unwrap_or("RULE_SET (the stack's ReplyReceiptRuleSetName output)")
    );
    match active_set {
        None => {
            return fail(
                "no receipt rule set is active: replies to the staff email are lost",
                activate,
            );
        }
        Some(active) if expected_set.is_some_and(|e| e != active) => {
            return fail(
                format!("the active receipt rule set is {active}, not the stack's"),
                activate,
            );
        }
        Some(_) => {}
    }
    let covers = rules.iter().any(|r| {
        r.enabled()
            && r.recipients().iter().any(|to| {
                to.eq_ignore_ascii_case(domain)
                    || to
                        .to_ascii_lowercase()
                        .ends_with(&format!("@{}", domain.to_ascii_lowercase()))
            })
    });
    if covers {
        pass(format!("replies to {domain} reach the function"))
    } else {
        fail(
            format!("no enabled rule of the active set receives mail for {domain}"),
            "deploy the template again (its ReplyReceiptRule does), and point the domain's MX record at inbound-smtp.REGION.amazonaws.com",
        )
    }
}

/// The last heartbeat's probe came back delivered (when the heartbeat is on).
pub fn heartbeat(state: Option<&ProbeState>, now: DateTime<Utc>) -> Verdict {
    match state {
        None => Verdict::CouldNotCheck(
            "no heartbeat has been sent yet (the first goes out after 08:00 practice time)"
                .to_owned(),
        ),
        Some(state) => match state.delivered_at {
            Some(at) if now - at < chrono::Duration::hours(26) => pass(format!(
                "the last probe was delivered at {}",
                at.to_rfc3339()
            )),
            Some(at) => fail(
                format!(
                    "the last probe delivered was at {}: none since",
                    at.to_rfc3339()
                ),
                "check the schedule, the API and SES; the function's log group has the heartbeat_missing line",
            ),
            None if now - state.sent_at < chrono::Duration::hours(1) => Verdict::CouldNotCheck(
                "the day's probe was sent less than an hour ago; run doctor again later".to_owned(),
            ),
            None => fail(
                format!(
                    "the probe sent at {} was never reported delivered",
                    state.sent_at.to_rfc3339()
                ),
                "check that the configuration set sends events to EventBridge (above) and that HEARTBEAT_TO accepts mail",
            ),
        },
    }
}
