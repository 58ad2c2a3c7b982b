//! `consultation-admin resend`: it hands a request back to the function's retry path, due now,
//! and sends nothing itself (so the front desk needs neither SES nor a secret).

use crate::admin::{admin, admin_with, person, stdout};
use crate::helpers::{TestApp, s, unique};
use chrono::Duration;
use consultation_form::deadline::Deadline;
use consultation_form::scheduled_run::{Run, notifications};
use serde_json::json;

/// The function's scheduled run, as EventBridge Scheduler starts it every five minutes (a minute
/// from now on the test's clock, which the operator tool, running on the real one, is behind).
async fn scheduled_run(test: &TestApp) -> consultation_form::scheduled_run::RetryReport {
    test.clock.advance(Duration::minutes(1));
    notifications::run(&Run::new(&test.app, Deadline::unknown()))
        .await
        .unwrap()
}

#[tokio::test]
async fn resend_hands_the_request_back_to_the_retry_path_which_sends_the_same_email() {
    let test = TestApp::spawn().await;
    let id = test.post_json(&person("r")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = stdout(&admin(&test, &["resend", &id]).await);

    assert!(out.contains(&format!("queued {id}")), "{out}");
    assert_eq!(s(&test.item(&id).await, "notify_status"), "pending");
    assert_eq!(
        test.send_email_requests().await.len(),
        1,
        "the tool sends nothing itself"
    );
    assert_eq!(scheduled_run(&test).await.sent, 1);
    let requests = test.send_email_requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0]["Content"], requests[1]["Content"],
        "one path, one email"
    );
    assert_eq!(
        requests[1]["ReplyToAddresses"],
        json!(["person-r@example.com"])
    );
    assert_eq!(s(&test.item(&id).await, "notify_status"), "sent");
    let unknown = consultation_form::domain::SubmissionId::new(chrono::Utc::now()).to_string();
    let missing = admin(&test, &["resend", &unknown]).await;
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no request with id"));
}

#[tokio::test]
async fn resend_pending_makes_every_pending_email_due_now() {
    let sender = format!("later-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    test.post_json(&person("p")).await;
    crate::helpers::verify_sender(&test.ses, &sender).await;
    assert_eq!(
        scheduled_run(&test).await.skipped,
        1,
        "not due for 5 minutes"
    );

    let out =
        stdout(&admin_with(&test, &["resend", "--pending"], &[("NOTIFY_FROM", &sender)]).await);

    assert!(out.contains("pending 1: due now"), "{out}");
    assert_eq!(scheduled_run(&test).await.sent, 1);
    assert_eq!(s(&test.items().await[0], "notify_status"), "sent");
}

#[tokio::test]
async fn resend_failed_queues_every_failed_notification_at_once() {
    let sender = format!("fixed-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    test.post_json(&person("f")).await;
    // SES kept refusing for a day: the retry path gave up.
    for after in consultation_form::delivery::RETRY_AFTER {
        test.clock.advance(after);
        scheduled_run(&test).await;
    }
    assert_eq!(s(&test.items().await[0], "notify_status"), "failed");
    crate::helpers::verify_sender(&test.ses, &sender).await;

    let out = stdout(&admin(&test, &["resend", "--failed"]).await);

    assert!(out.contains("failed 1: queued again"), "{out}");
    assert_eq!(s(&test.items().await[0], "notify_status"), "pending");
    assert_eq!(scheduled_run(&test).await.sent, 1);
    assert_eq!(s(&test.items().await[0], "notify_status"), "sent");
    assert_eq!(test.sent_emails().await.len(), 1);
}
