//! Nobody waits unseen: a request still `new` gets one reminder to staff after the follow-up time
//! in business hours, and one email to `ESCALATE_TO` after twice that; none once contacted, none
//! twice under concurrent runs. Time is a clock the tests move.

use crate::helpers::{TestApp, full_submission, s, sent_emails_to, unique};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use consultation_form::deadline::Deadline;
use consultation_form::domain::Actor;
use consultation_form::domain::{FollowUpState, SubmissionId};
use consultation_form::scheduled_run::ReminderReport;
use consultation_form::scheduled_run::{Run, reminders, weekly_summary};
use serde_json::{Value, json};

/// A practice-time (New York) moment, in UTC.
pub(crate) fn ny(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::America::New_York
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

pub(crate) fn set_clock(test: &TestApp, to: DateTime<Utc>) {
    let now = test.clock.now_plus(Duration::zero());
    test.clock.advance(to - now);
}

pub(crate) async fn run(test: &TestApp) -> ReminderReport {
    reminders::run(&Run::new(&test.app, Deadline::unknown()))
        .await
        .unwrap()
}

/// The weekly summary step of the scheduled run, with no deadline.
pub(crate) async fn weekly_summary(test: &TestApp) -> bool {
    weekly_summary::run(&Run::new(&test.app, Deadline::unknown()))
        .await
        .unwrap()
}

pub(crate) async fn reminders_to(address: &str) -> Vec<Value> {
    sent_emails_to(address)
        .await
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("Reminder:"))
        .collect()
}

pub(crate) async fn spawn(escalate_to: &str) -> TestApp {
    TestApp::spawn_with(&[
        ("ESCALATE_TO", escalate_to),
        ("FOLLOW_UP_AFTER_HOURS", "4"),
        ("RATE_LIMIT_PER_HOUR", "50"),
    ])
    .await
}

#[tokio::test]
async fn a_new_request_gets_one_reminder_then_one_escalation_in_business_hours() {
    let boss = format!("owner-{}@practice.test", unique());
    let test = spawn(&boss).await;
    set_clock(&test, ny("2026-11-23 10:00")); // a Monday
    test.post_json(&full_submission()).await;

    set_clock(&test, ny("2026-11-23 13:59"));
    assert_eq!(
        run(&test).await.reminded,
        0,
        "not before four business hours"
    );
    set_clock(&test, ny("2026-11-23 14:00"));
    let report = run(&test).await;
    assert_eq!((report.due, report.reminded, report.escalated), (1, 1, 0));
    let reminders = reminders_to(&test.staff).await;
    assert_eq!(reminders.len(), 1);
    assert_eq!(
        reminders[0]["subject"],
        "Reminder: consultation request from Ana Lima waiting since Mon 23 Nov, 10:00"
    );
    assert_eq!(run(&test).await.reminded, 0, "never twice");

    // Eight business hours: Monday 10:00-17:00 is seven, the eighth ends Tuesday 10:00.
    set_clock(&test, ny("2026-11-23 23:00"));
    assert_eq!(run(&test).await.escalated, 0, "evenings do not count");
    set_clock(&test, ny("2026-11-24 10:00"));
    assert_eq!(run(&test).await.escalated, 1);
    assert_eq!(run(&test).await.escalated, 0, "never twice");
    let escalations = reminders_to(&boss).await;
    assert_eq!(escalations.len(), 1);
    assert!(
        escalations[0]["body"]
            .as_str()
            .unwrap()
            .contains("staff were reminded")
    );
    let item = &test.items().await[0];
    assert!(item.contains_key("reminded_at") && item.contains_key("escalated_at"));
    assert!(
        !item.contains_key("reminder_queue"),
        "its last reminder sent, it leaves the queue the run reads"
    );
}

#[tokio::test]
async fn a_contacted_request_gets_no_reminder() {
    let test = spawn(&format!("owner-{}@practice.test", unique())).await;
    set_clock(&test, ny("2026-11-23 10:00"));
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = SubmissionId::parse(&id).unwrap();
    test.app
        .store()
        .set_follow_up(
            id,
            FollowUpState::Contacted,
            ny("2026-11-23 11:00"),
            &Actor::Operator,
            &consultation_form::store::Outbox::default(),
        )
        .await
        .unwrap();

    set_clock(&test, ny("2026-11-25 10:00"));
    let report = run(&test).await;
    assert_eq!((report.due, report.reminded, report.escalated), (0, 0, 0));
    assert_eq!(reminders_to(&test.staff).await.len(), 0);
}

#[tokio::test]
async fn an_urgent_request_is_reminded_after_one_business_hour() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-23 10:00"));
    let mut urgent = full_submission();
    urgent["message"] = json!("I have been thinking about suicide");
    test.post_json(&urgent).await;
    assert_eq!(test.items().await[0]["urgent"].as_bool().unwrap(), &true);

    set_clock(&test, ny("2026-11-23 11:00"));
    assert_eq!(run(&test).await.reminded, 1);
}

#[tokio::test]
async fn a_weekend_does_not_count() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-27 16:00")); // a Friday
    test.post_json(&full_submission()).await;

    set_clock(&test, ny("2026-11-29 12:00"));
    assert_eq!(
        run(&test).await.reminded,
        0,
        "Sunday: one business hour so far"
    );
    set_clock(&test, ny("2026-11-30 11:59"));
    assert_eq!(run(&test).await.reminded, 0);
    set_clock(&test, ny("2026-11-30 12:00"));
    assert_eq!(run(&test).await.reminded, 1, "Friday 16-17 and Monday 9-12");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_runs_send_each_reminder_once() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-23 10:00"));
    test.post_json(&full_submission()).await;
    set_clock(&test, ny("2026-11-23 15:00"));

    let runs: Vec<_> = (0..4)
        .map(|_| {
            let app = test.app.clone();
            tokio::spawn(async move {
                reminders::run(&Run::new(&app, Deadline::unknown()))
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut reminded = 0;
    for run in runs {
        reminded += run.await.unwrap().reminded;
    }
    assert_eq!(reminded, 1);
    assert_eq!(reminders_to(&test.staff).await.len(), 1);
    assert_eq!(s(&test.items().await[0], "follow_up"), "new");
}

#[tokio::test]
async fn staff_get_one_weekly_summary_on_monday_morning_without_any_message() {
    let test = spawn("").await;
    set_clock(&test, ny("2026-11-24 10:00")); // the Tuesday before
    let mut first = full_submission();
    first["message"] = json!("A private worry nobody else should read");
    let contacted = test.post_json(&first).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    test.app
        .store()
        .set_follow_up(
            SubmissionId::parse(&contacted).unwrap(),
            FollowUpState::Contacted,
            ny("2026-11-24 11:30"),
            &Actor::Operator,
            &consultation_form::store::Outbox::default(),
        )
        .await
        .unwrap();
    let mut second = full_submission();
    second["message"] = json!("Another one");
    second["lang"] = json!("es");
    let open = test.post_json(&second).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut spam = full_submission();
    spam["website"] = json!("http://spam.example");
    test.post_json(&spam).await;

    let summaries = || async {
        sent_emails_to(&test.staff)
            .await
            .into_iter()
            .filter(|m| m["subject"].as_str().unwrap().starts_with("Weekly summary"))
            .collect::<Vec<_>>()
    };
    set_clock(&test, ny("2026-11-30 07:59"));
    assert!(!weekly_summary(&test).await, "not before 8");
    set_clock(&test, ny("2026-11-30 08:30"));
    assert!(weekly_summary(&test).await);
    assert!(!weekly_summary(&test).await, "once a week");
    let sent = summaries().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]["subject"],
        "Weekly summary: 2 consultation requests, 1 still open"
    );
    let body = sent[0]["body"].as_str().unwrap();
    for expected in [
        "Contacted (any follow-up recorded): 1",
        &format!("Still open (1): {open}"),
        "Median time to first contact: 1 h 30 min",
        "Held as spam: 1",
        "By language: English 1, Spanish 1",
    ] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    assert!(
        !body.contains("private worry") && !body.contains("Ana"),
        "{body}"
    );
}

#[tokio::test]
async fn a_weekly_summary_whose_email_fails_gives_its_claim_back_and_a_later_run_sends_it() {
    let sender = format!("summary-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    set_clock(&test, ny("2026-11-30 08:30"));

    let sent = weekly_summary(&test).await;

    assert!(!sent, "SES refused the unverified sender");
    let claim = test
        .all_items()
        .await
        .into_iter()
        .find(|item| s(item, "pk").starts_with("summary#"))
        .expect("the week's record");
    assert!(
        !claim.contains_key("lease_until") && !claim.contains_key("sent_at"),
        "the week's claim was given back, not counted as sent: {claim:?}"
    );
    assert!(!weekly_summary(&test).await, "still refused");
    crate::helpers::verify_sender(&test.ses, &sender).await;
    assert!(weekly_summary(&test).await);
    let summaries: Vec<_> = test
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("Weekly summary"))
        .collect();
    assert_eq!(summaries.len(), 1);
}
