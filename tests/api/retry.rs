//! Notifications that failed: retried by the retry path on a schedule that backs off over a day,
//! exactly once each, `failed` only when the schedule is spent, with an error line the alarm
//! watches.

use crate::helpers::{TestApp, full_submission, s, verify_sender};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use consultation_form::deadline::Deadline;
use consultation_form::delivery::RETRY_AFTER;
use consultation_form::domain::{ConsultationRequest, ReceivedRequest, SubmissionRules};
use consultation_form::scheduled_run::{Run, notifications};
use consultation_form::store::DuplicateGuard;
use serde_json::json;

fn unverified_sender() -> String {
    format!("unverified-{}@practice.test", crate::helpers::unique())
}

async fn retry(test: &TestApp) -> consultation_form::scheduled_run::RetryReport {
    let stop_at = test.clock.now_plus(Duration::seconds(30));
    notifications::run(&Run::new(&test.app, Deadline::at(stop_at)))
        .await
        .unwrap()
}

#[tokio::test]
async fn when_ses_refuses_the_retry_path_sends_it_later_exactly_once() {
    let sender = unverified_sender();
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;

    let response = test.post_json(&full_submission()).await;
    assert_eq!(response.status, 201);
    assert_eq!(s(&test.items().await[0], "notify_status"), "pending");
    assert_eq!(test.sent_emails().await.len(), 0);

    verify_sender(&test.ses, &sender).await;
    let too_soon = retry(&test).await;
    assert_eq!((too_soon.pending, too_soon.skipped), (1, 1), "{too_soon:?}");
    test.clock.advance(Duration::minutes(5));
    let report = retry(&test).await;

    assert_eq!((report.pending, report.sent), (1, 1), "{report:?}");
    assert!(
        report.oldest_pending_seconds >= 300,
        "the oldest pending request's wait is reported: {report:?}"
    );
    let item = &test.items().await[0];
    assert_eq!(s(item, "notify_status"), "sent");
    assert_eq!(item["notify_attempts"].as_n().unwrap(), "2");
    assert!(
        !item.contains_key("retry_queue"),
        "no longer in the retry queue"
    );
    assert_eq!(test.sent_emails().await.len(), 1);

    let again = retry(&test).await;
    assert_eq!(again.pending, 0);
    assert_eq!(test.sent_emails().await.len(), 1, "never a second email");
}

#[tokio::test]
async fn a_request_stored_by_a_function_that_died_before_emailing_is_sent_once_the_claim_lapses() {
    let test = TestApp::spawn().await;
    // What the request path does before it emails: the request written, its email claimed.
    let now = test.clock.now_plus(Duration::zero());
    let request = ConsultationRequest::parse(
        &consultation_form::domain::SubmittedForm::new()
            .with(consultation_form::domain::Field::Name, "Ana")
            .with(consultation_form::domain::Field::Email, "ana@example.com")
            .with(consultation_form::domain::Field::Consent, "on"),
        SubmissionRules::default(),
    )
    .unwrap()
    .request;
    let guard = DuplicateGuard::new(&request, None, &test.app.config().client_hash_key);
    let received = ReceivedRequest::example(request, now);
    test.app
        .store()
        .insert_request(
            &received,
            &guard,
            None,
            now,
            now + Duration::seconds(30),
            None,
            &consultation_form::store::Outbox::default(),
        )
        .await
        .unwrap();

    let while_claimed = retry(&test).await;
    assert_eq!(
        (
            while_claimed.pending,
            while_claimed.skipped,
            while_claimed.sent
        ),
        (1, 1, 0)
    );
    assert_eq!(test.sent_emails().await.len(), 0);

    test.clock.advance(Duration::seconds(31));
    let after = retry(&test).await;
    assert_eq!(after.sent, 1);
    assert_eq!(test.sent_emails().await.len(), 1);
    assert_eq!(retry(&test).await.pending, 0);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn a_request_whose_sends_keep_failing_is_failed_only_when_its_backoff_is_spent() {
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &unverified_sender())]).await;
    test.post_json(&full_submission()).await;
    // Six runs: one before the first retry is due, then one at each retry time but the last.
    let first = retry(&test).await;
    assert_eq!((first.skipped, first.deferred), (1, 0), "{first:?}");
    let mut elapsed = Duration::zero();
    for (n, after) in RETRY_AFTER[..5].iter().enumerate() {
        test.clock.advance(*after - elapsed);
        elapsed = *after;
        let report = retry(&test).await;
        assert_eq!((report.deferred, report.failed), (1, 0), "{report:?}");
        let item = &test.items().await[0];
        assert_eq!(
            item["notify_attempts"].as_n().unwrap(),
            &(n + 2).to_string()
        );
    }
    let item = &test.items().await[0];
    assert_eq!(
        s(item, "notify_status"),
        "pending",
        "still pending after six runs"
    );

    test.clock
        .advance(RETRY_AFTER[5] - elapsed - Duration::hours(1));
    let not_yet = retry(&test).await;
    assert_eq!(
        not_yet.failed, 0,
        "the last attempt is 24 hours after receipt"
    );
    test.clock.advance(Duration::hours(1));
    let last = retry(&test).await;
    assert_eq!((last.failed, last.deferred), (1, 0), "{last:?}");
    let item = &test.items().await[0];
    assert_eq!(item["notify_attempts"].as_n().unwrap(), "7");
    assert_eq!(s(item, "notify_status"), "failed");
    assert_eq!(
        s(item, "retry_queue"),
        "failed",
        "out of the pending queue, into the failed one"
    );
    assert_eq!(
        retry(&test).await.pending,
        0,
        "a failed request is not retried forever"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_retry_runs_send_each_email_once() {
    let sender = unverified_sender();
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    for n in 0..3 {
        let mut body = full_submission();
        body["message"] = json!(format!("request {n}"));
        test.post_json(&body).await;
    }
    verify_sender(&test.ses, &sender).await;
    test.clock.advance(Duration::minutes(5));

    let runs: Vec<_> = (0..4)
        .map(|_| {
            let app = test.app.clone();
            let stop_at = test.clock.now_plus(Duration::seconds(30));
            tokio::spawn(async move {
                notifications::run(&Run::new(&app, Deadline::at(stop_at)))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        sent += run.await.unwrap().sent;
    }

    assert_eq!(sent, 3);
    assert_eq!(test.sent_emails().await.len(), 3);
}

/// Writes a pending request by hand, as an older version might have stored it, with `edit`
/// applied to its item; returns its id.
async fn store_by_hand(
    test: &TestApp,
    edit: impl FnOnce(&mut std::collections::HashMap<String, AttributeValue>),
) -> String {
    let now = test.clock.now_plus(Duration::minutes(-30));
    let form = consultation_form::domain::SubmittedForm::new()
        .with(consultation_form::domain::Field::Name, "Ana Lima")
        .with(consultation_form::domain::Field::Email, "ana@example.com")
        .with(consultation_form::domain::Field::Consent, "on");
    let request = ConsultationRequest::parse(&form, SubmissionRules::default())
        .unwrap()
        .request;
    let received = ReceivedRequest::example(request, now);
    let mut item =
        consultation_form::store::item::request_item(&received, ("hash", None), now, None);
    edit(&mut item);
    test.dynamodb
        .put_item()
        .table_name(&test.table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    received.id.to_string()
}

#[tokio::test]
async fn a_stored_request_that_todays_rules_refuse_is_still_sent() {
    let test = TestApp::spawn().await;
    let id = store_by_hand(&test, |item| {
        item.insert("name".into(), AttributeValue::S("Ana\u{200D}Lima".into()));
    })
    .await;

    let report = retry(&test).await;

    assert_eq!(report.sent, 1, "{report:?}");
    let item = &test.items().await[0];
    assert_eq!(s(item, "id"), id);
    assert_eq!(s(item, "notify_status"), "sent");
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn an_unreadable_stored_request_is_marked_failed_instead_of_retried_for_ever() {
    let test = TestApp::spawn().await;
    store_by_hand(&test, |item| {
        item.remove("email");
    })
    .await;

    let report = retry(&test).await;

    assert_eq!(report.failed, 1, "{report:?}");
    let item = &test.items().await[0];
    assert_eq!(s(item, "notify_status"), "failed");
    assert_eq!(
        s(item, "retry_queue"),
        "failed",
        "out of the pending queue, into the failed one"
    );
    assert_eq!(retry(&test).await.pending, 0, "not looked at again");
}
