//! The scheduled run's claims and retries: a request whose staff address bounced goes to
//! `NOTIFY_FALLBACK_TO` (when that send fails, the retry path sends it later, once); a reminder
//! claimed by a run that died is sent after its lease; a summary whose reading fails is sent by a
//! later run; an erase between a claim and its release leaves nothing behind.

use crate::helpers::{
    RefusingProxy, TestApp, app_against, closed_endpoint, full_submission, s, sent_emails_to,
    unique,
};
use crate::reminders::{ny, reminders_to, run, set_clock, spawn, weekly_summary};
use crate::runtime_api::{RuntimeApi, test_env};
use chrono::Duration;
use consultation_form::deadline::Deadline;
use consultation_form::domain::Actor;
use consultation_form::domain::Reminder;
use consultation_form::domain::{FollowUpState, SubmissionId};
use serde_json::Value;
use std::path::Path;

fn staff_bounce(id: &str, staff: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("events/ses/bounced.json");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("01JD0000000000000000000000", id)
        .replace("intake@practice.test", staff);
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn a_fallback_whose_send_fails_is_sent_by_the_retry_path_once() {
    let proxy = RefusingProxy::start().await;
    let fallback = format!("office-{}@practice.test", unique());
    let test = app_against(&proxy.url, &[("NOTIFY_FALLBACK_TO", &fallback)]).await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    proxy.refuse(&fallback);

    let report = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_value(staff_bounce(&id, &test.staff)).unwrap())
        .await
        .unwrap();

    assert!(!report.fallback_sent);
    assert_eq!(s(&test.item(&id).await, "retry_queue"), "fallback");
    assert!(sent_emails_to(&fallback).await.is_empty());
    proxy.allow_all();
    let run = || consultation_form::scheduled_run::run(&test.app, None, Deadline::unknown());
    let early = run().await;
    assert_eq!(early["fallbacks"]["skipped"], 1, "not due yet: {early}");
    test.clock.advance(Duration::minutes(6));
    let due = run().await;
    assert_eq!(due["fallbacks"]["sent"], 1, "{due}");
    assert_eq!(sent_emails_to(&fallback).await.len(), 1);
    let item = test.item(&id).await;
    assert!(!item.contains_key("retry_queue") && item.contains_key("fallback_sent_at"));
    assert_eq!(s(&item, "notify_status"), "sent");

    // SES repeats the event, or sends one per bounced recipient: nothing is queued again.
    let again = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_value(staff_bounce(&id, &test.staff)).unwrap())
        .await
        .unwrap();
    assert!(!again.fallback_sent);
    assert_eq!(run().await["fallbacks"]["queued"], 0);
    assert_eq!(sent_emails_to(&fallback).await.len(), 1, "once");
}

#[tokio::test]
async fn a_reminder_claimed_by_a_run_that_died_is_sent_once_its_lease_lapses() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-23 10:00"));
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = SubmissionId::parse(&id).unwrap();
    set_clock(&test, ny("2026-11-23 14:00"));
    // A run claimed it, then was killed before sending.
    let now = ny("2026-11-23 14:00");
    assert!(
        test.app
            .store()
            .claim_reminder(id, Reminder::Staff, now, now + Duration::seconds(30))
            .await
            .unwrap()
    );

    let held = run(&test).await;
    assert_eq!((held.due, held.reminded, held.skipped), (1, 0, 1));
    test.clock.advance(Duration::seconds(31));
    let lapsed = run(&test).await;

    assert_eq!(lapsed.reminded, 1, "sent after the lease: {lapsed:?}");
    assert_eq!(reminders_to(&test.staff).await.len(), 1, "once");
    assert_eq!(run(&test).await.reminded, 0);
}

#[tokio::test]
async fn an_erase_between_a_claim_and_its_release_leaves_nothing_behind() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-23 10:00"));
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sid = SubmissionId::parse(&id).unwrap();
    let now = ny("2026-11-23 14:00");
    let store = test.app.store();
    assert!(
        store
            .claim_reminder(sid, Reminder::Staff, now, now + Duration::minutes(1))
            .await
            .unwrap()
    );
    // Erased while the reminder was being sent.
    for item in test.all_items().await {
        test.dynamodb
            .delete_item()
            .table_name(&test.table)
            .key("pk", item["pk"].clone())
            .send()
            .await
            .unwrap();
    }

    // Every write that may follow a claim finds nothing and brings nothing back.
    store.release_reminder(sid).await.unwrap();
    store
        .complete_reminder(
            sid,
            Reminder::Staff,
            now,
            Some((Reminder::Escalation, now)),
            &consultation_form::store::Outbox::default(),
        )
        .await
        .unwrap();
    store.finish_fallback(sid, None, Some(now)).await.unwrap();
    store.finish_fallback(sid, Some(now), None).await.unwrap();
    assert!(!store.queue_fallback(sid, now).await.unwrap());
    assert!(store.claim_fallback(sid, now, now).await.unwrap().is_none());
    assert!(!store.requeue_notification(sid, now).await.unwrap());
    assert!(!store.make_due_now(sid, now).await.unwrap());
    assert!(
        store
            .set_follow_up(
                sid,
                FollowUpState::Contacted,
                now,
                &Actor::Operator,
                &consultation_form::store::Outbox::default(),
            )
            .await
            .unwrap()
            .is_none()
    );
    store
        .record_delivery(sid, consultation_form::domain::DeliveryStatus::Bounced, now)
        .await
        .unwrap();
    let _ = store.mark_sent(sid, "message-id", now).await;
    let _ = store.release_failed_notification(sid, Some(now)).await;

    assert_eq!(
        test.all_items().await.len(),
        0,
        "an erased request stays erased"
    );
}

#[tokio::test]
async fn a_weekly_summary_whose_reading_fails_is_sent_by_a_later_run() {
    let proxy = crate::helpers::RefusingProxy::start().await;
    let test = crate::helpers::app_against(&proxy.url, &[]).await;
    set_clock(&test, ny("2026-11-30 08:30"));
    proxy.refuse(consultation_form::store::item::WEEK_INDEX);

    let sent = weekly_summary(&test).await;

    assert!(!sent, "the week could not be read");
    proxy.allow_all();
    assert!(weekly_summary(&test).await, "the next run sends it");
    assert!(!weekly_summary(&test).await, "once");
}

#[tokio::test]
async fn a_step_that_fails_is_reported_and_never_fails_the_invocation() {
    let test = TestApp::spawn().await;
    let nowhere = closed_endpoint();
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(
        &test,
        &[
            ("AWS_ENDPOINT_URL", nowhere.as_str()),
            ("AWS_MAX_ATTEMPTS", "1"),
            ("WARM_CONNECTIONS", "false"),
        ],
    ));

    // DynamoDB cannot be reached: every step that reads the table on every run fails (the digest
    // and the summary read it only when due), and the invocation still succeeds (a failed one
    // would be run twice more by Lambda, then parked).
    let report = runtime
        .invoke(&serde_json::json!({"action": "scheduled_run"}).to_string())
        .await;

    let failed = report["failed_steps"].as_array().expect("failed_steps");
    for step in ["notifications", "fallbacks", "reminders", "daily_checks"] {
        assert!(
            failed.contains(&serde_json::json!(step)),
            "{step}: {report}"
        );
        assert!(report.get(step).is_none(), "{step}: {report}");
    }
}
