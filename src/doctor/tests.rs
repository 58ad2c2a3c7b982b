//! The verdicts on answers shaped as the AWS API reference shows them (built with the SDK's own
//! builders, field for field), and the report's exit status.

use super::verdicts::*;
use super::*;
use aws_sdk_sesv2::operation::get_account::GetAccountOutput;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::types::{
    DkimAttributes, DkimStatus, EventBridgeDestination, EventDestination, EventType, IdentityType,
    SuppressedDestination, SuppressionListReason,
};

fn account(production: bool, sending: bool) -> GetAccountOutput {
    // GetAccount's answer: {"DedicatedIpAutoWarmupEnabled": false, "EnforcementStatus": "HEALTHY",
    // "ProductionAccessEnabled": ..., "SendingEnabled": ..., "SendQuota": {...}}
    GetAccountOutput::builder()
        .enforcement_status("HEALTHY")
        .production_access_enabled(production)
        .sending_enabled(sending)
        .build()
}

fn is_pass(v: &Verdict) -> bool {
    matches!(v, Verdict::Pass(_))
}

fn found(v: &Verdict) -> &str {
    match v {
        Verdict::Fail { found, .. } => found,
        other => panic!("not a failure: {other:?}"),
    }
}

#[test]
fn production_access_or_a_sandbox_that_can_still_reach_staff() {
    assert!(is_pass(&production_access(&account(true, true), &[], true)));
    assert!(
        is_pass(&production_access(&account(false, true), &[], false)),
        "sandbox, every staff address verified"
    );
    let unverified = production_access(
        &account(false, true),
        &["dr.lee@practice.example".into()],
        false,
    );
    assert!(found(&unverified).contains("dr.lee@practice.example"));
    assert!(
        found(&production_access(&account(false, true), &[], true)).contains("acknowledgement")
    );
    assert!(found(&production_access(&account(true, false), &[], false)).contains("paused"));
}

fn identity(
    kind: IdentityType,
    verified: bool,
    dkim: Option<DkimStatus>,
) -> GetEmailIdentityOutput {
    // GetEmailIdentity: {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": true,
    // "DkimAttributes": {"SigningEnabled": true, "Status": "SUCCESS", "Tokens": [...]}, ...}
    let mut builder = GetEmailIdentityOutput::builder()
        .identity_type(kind)
        .verified_for_sending_status(verified);
    if let Some(status) = dkim {
        builder = builder.dkim_attributes(
            DkimAttributes::builder()
                .signing_enabled(true)
                .status(status)
                .build(),
        );
    }
    builder.build()
}

#[test]
fn the_sender_is_verified_and_a_domain_signs_with_dkim() {
    let domain = |verified, dkim| identity(IdentityType::Domain, verified, Some(dkim));
    assert!(is_pass(&sender_identity(
        "practice.example",
        &domain(true, DkimStatus::Success)
    )));
    assert!(
        found(&sender_identity(
            "practice.example",
            &domain(true, DkimStatus::Pending)
        ))
        .contains("pending")
    );
    assert!(
        found(&sender_identity(
            "practice.example",
            &domain(true, DkimStatus::Failed)
        ))
        .contains("FAILED")
    );
    assert!(
        found(&sender_identity(
            "practice.example",
            &domain(false, DkimStatus::Pending)
        ))
        .contains("not verified")
    );
    let address = identity(IdentityType::EmailAddress, true, None);
    assert!(is_pass(&sender_identity(
        "forms@practice.example",
        &address
    )));
    let unverified = identity(IdentityType::EmailAddress, false, None);
    match sender_identity("forms@practice.example", &unverified) {
        Verdict::Fail { fix, .. } => assert!(fix.contains("verification link")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_suppressed_address_fails_with_how_to_remove_it() {
    // GetSuppressedDestination: {"SuppressedDestination": {"EmailAddress": ..., "Reason":
    // "BOUNCE", "LastUpdateTime": ...}}; NotFoundException when the address is not on the list.
    let destination = SuppressedDestination::builder()
        .email_address("intake@practice.example")
        .reason(SuppressionListReason::Bounce)
        .last_update_time(aws_sdk_sesv2::primitives::DateTime::from_secs(
            1_795_000_000,
        ))
        .build()
        .unwrap();
    assert!(is_pass(&suppression(4, &[])));
    let verdict = suppression(4, &[("intake@practice.example".into(), destination)]);
    assert!(found(&verdict).contains("intake@practice.example (BOUNCE)"));
    match verdict {
        Verdict::Fail { fix, .. } => assert!(fix.contains("delete-suppressed-destination")),
        other => panic!("{other:?}"),
    }
}

fn to_eventbridge(types: &[EventType], enabled: bool) -> EventDestination {
    // GetConfigurationSetEventDestinations: {"EventDestinations": [{"Name": ..., "Enabled": true,
    // "MatchingEventTypes": ["DELIVERY", ...], "EventBridgeDestination": {"EventBusArn": ...}}]}
    let mut builder = EventDestination::builder()
        .name("to-eventbridge")
        .enabled(enabled)
        .event_bridge_destination(
            EventBridgeDestination::builder()
                .event_bus_arn("arn:aws:events:us-east-1:123456789012:event-bus/default")
                .build()
                .unwrap(),
        );
    for t in types {
        builder = builder.matching_event_types(t.clone());
    }
    builder.build().unwrap()
}

#[test]
fn ses_events_must_reach_eventbridge_with_every_type_the_function_records() {
    assert!(is_pass(&event_destination(
        Some("set"),
        &[to_eventbridge(&NEEDED_EVENTS, true)]
    )));
    assert!(
        found(&event_destination(
            Some("set"),
            &[to_eventbridge(&NEEDED_EVENTS, false)]
        ))
        .contains("no enabled")
    );
    let partial = to_eventbridge(&[EventType::Delivery, EventType::Bounce], true);
    assert!(found(&event_destination(Some("set"), &[partial])).contains("COMPLAINT"));
    assert!(found(&event_destination(None, &[])).contains("SES_CONFIGURATION_SET"));
}

#[test]
fn an_unconfirmed_subscription_reaches_nobody() {
    use aws_sdk_sns::types::Subscription;
    // ListSubscriptionsByTopic: SubscriptionArn is "PendingConfirmation" until the link is clicked.
    let pending = Subscription::builder()
        .subscription_arn("PendingConfirmation")
        .protocol("email")
        .endpoint("ops@practice.example")
        .build();
    let confirmed = Subscription::builder()
        .subscription_arn("arn:aws:sns:us-east-1:123456789012:alarms:5f3c")
        .protocol("email")
        .endpoint("ops@practice.example")
        .build();
    assert!(
        found(&alarm_subscription(std::slice::from_ref(&pending))).contains("ops@practice.example")
    );
    assert!(found(&alarm_subscription(&[])).contains("nobody"));
    assert!(is_pass(&alarm_subscription(&[pending, confirmed])));
}

#[test]
fn the_schedule_secrets_table_and_receipt_rule() {
    use aws_sdk_scheduler::types::ScheduleState;
    assert!(is_pass(&schedule(
        "s-scheduled-run",
        Some(&ScheduleState::Enabled)
    )));
    assert!(
        found(&schedule("s-scheduled-run", Some(&ScheduleState::Disabled))).contains("DISABLED")
    );
    assert!(found(&schedule("s-scheduled-run", None)).contains("unknown"));

    assert!(is_pass(&secrets(
        &[("FOLLOW_UP_KEY_ARN".into(), None)],
        &[]
    )));
    let deleted = Some(chrono::Utc::now());
    assert!(
        found(&secrets(&[("FOLLOW_UP_KEY_ARN".into(), deleted)], &[]))
            .contains("scheduled for deletion")
    );
    assert!(
        found(&secrets(&[], &["HEARTBEAT_KEY_ARN".into()])).contains("HEARTBEAT_KEY_ARN missing")
    );

    assert!(is_pass(&table(
        Some("ENABLED"),
        Some("ENABLED"),
        Some("expires_at")
    )));
    assert!(
        found(&table(
            Some("DISABLED"),
            Some("ENABLED"),
            Some("expires_at")
        ))
        .contains("point-in-time")
    );
    assert!(found(&table(Some("ENABLED"), Some("DISABLED"), None)).contains("TTL"));

    use aws_sdk_ses::types::ReceiptRule;
    let rule = |enabled| {
        ReceiptRule::builder()
            .name("replies")
            .enabled(enabled)
            .recipients("replies.practice.example")
            .build()
            .unwrap()
    };
    assert!(is_pass(&receipt_rule(
        "replies.practice.example",
        Some("set"),
        Some("set"),
        &[rule(true)]
    )));
    assert!(
        found(&receipt_rule(
            "replies.practice.example",
            Some("set"),
            None,
            &[]
        ))
        .contains("no receipt rule set is active")
    );
    assert!(
        found(&receipt_rule(
            "replies.practice.example",
            Some("set"),
            Some("other"),
            &[rule(true)]
        ))
        .contains("not the stack's")
    );
    assert!(
        found(&receipt_rule(
            "replies.practice.example",
            Some("set"),
            Some("set"),
            &[rule(false)]
        ))
        .contains("no enabled rule")
    );
}

#[test]
fn the_heartbeat_and_what_a_could_not_check_means_for_the_exit_status() {
    let now = chrono::Utc::now();
    let state = |sent_ago: i64, delivered: bool| crate::store::ProbeState {
        day: "2026-12-01".into(),
        id: crate::domain::SubmissionId::new(now),
        sent_at: now - chrono::Duration::minutes(sent_ago),
        delivered_at: delivered.then(|| now - chrono::Duration::minutes(sent_ago - 1)),
        missing_reported: false,
    };
    assert!(is_pass(&heartbeat(Some(&state(30, true)), now)));
    assert!(matches!(
        heartbeat(Some(&state(30, false)), now),
        Verdict::CouldNotCheck(_)
    ));
    assert!(found(&heartbeat(Some(&state(90, false)), now)).contains("never reported delivered"));
    assert!(found(&heartbeat(Some(&state(60 * 30, true)), now)).contains("none since"));
    assert!(matches!(heartbeat(None, now), Verdict::CouldNotCheck(_)));

    let line = |verdict| CheckLine { name: "x", verdict };
    let pass = line(Verdict::Pass("ok".into()));
    let unknown = line(Verdict::CouldNotCheck("no".into()));
    let failed = line(Verdict::Fail {
        found: "f".into(),
        fix: "x".into(),
    });
    assert_eq!(exit_status(std::slice::from_ref(&pass)), 0);
    assert_eq!(
        exit_status(&[pass.clone(), unknown.clone()]),
        3,
        "could not check is never a pass"
    );
    assert_eq!(exit_status(&[pass, unknown, failed.clone()]), 1);
    assert!(failed.to_string().starts_with("FAIL"));
    assert!(
        line(Verdict::CouldNotCheck("why".into()))
            .to_string()
            .starts_with("could not check")
    );
}
