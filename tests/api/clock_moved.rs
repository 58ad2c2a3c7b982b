//! The scheduled run through the binary with its clock moved (libfaketime, preloaded; the code is
//! untouched): days later a reminder is due; a lease runs out; Monday morning comes. What each
//! test proves is what only time shows: work a run claimed and could not finish is done by a
//! later run, once.

use crate::helpers::{
    CLIENT_HASH_KEY, RefusingProxy, TestApp, full_submission, s, sent_emails_to, silent_endpoint,
    unique, verify_sender,
};
use crate::runtime_api::{RuntimeApi, local_env};
use chrono::{Datelike, Duration, TimeZone, Utc, Weekday};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A clock `offset` ahead of the real one for a binary: the variables that preload libfaketime
/// (`make test` installs it and names it in CONSULTATION_FAKETIME_LIB).
pub(crate) struct MovedClock {
    file: PathBuf,
}

impl MovedClock {
    pub(crate) fn ahead(offset: Duration) -> Self {
        let file = std::env::temp_dir().join(format!("faketime-{}", unique()));
        std::fs::write(&file, format!("+{}", offset.num_seconds())).unwrap();
        Self { file }
    }

    pub(crate) fn vars(&self) -> [(&'static str, String); 4] {
        let library = crate::helpers::suite_variable("CONSULTATION_FAKETIME_LIB");
        [
            ("LD_PRELOAD", library),
            ("FAKETIME_TIMESTAMP_FILE", self.file.display().to_string()),
            ("FAKETIME_NO_CACHE", "1".to_owned()),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1".to_owned()),
        ]
    }
}

impl Drop for MovedClock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

/// The function's variables for `test`, with `extra` and the clock `ahead`.
pub(crate) fn function_vars(
    test: &TestApp,
    clock: &MovedClock,
    extra: &[(&str, &str)],
) -> HashMap<String, String> {
    let mut overrides = vec![
        ("TABLE_NAME", test.table.as_str()),
        ("NOTIFY_TO", test.staff.as_str()),
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
    ];
    overrides.extend_from_slice(extra);
    let mut vars = local_env(&overrides);
    vars.extend(clock.vars().map(|(k, v)| (k.to_owned(), v)));
    vars
}

fn scheduled_event() -> String {
    json!({"action": "scheduled_run"}).to_string()
}

async fn reminders_to(address: &str) -> Vec<Value> {
    sent_emails_to(address)
        .await
        .into_iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with("Reminder:"))
        .collect()
}

#[tokio::test]
async fn a_reminder_claimed_by_a_run_killed_mid_way_is_sent_after_its_lease() {
    let test = TestApp::spawn().await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A week on, its reminder is due. The first run reaches SES, which never answers, and the
    // function is killed there, holding the reminder's claim.
    let week_later = MovedClock::ahead(Duration::days(7));
    let (silent, _held) = silent_endpoint().await;
    let runtime = RuntimeApi::start().await;
    let mut vars = function_vars(&test, &week_later, &[("WARM_CONNECTIONS", "false")]);
    vars.insert("AWS_ENDPOINT_URL_SESV2".into(), silent);
    let mut killed = runtime.spawn_function(&vars);
    let api = std::sync::Arc::new(runtime);
    let invoking = {
        let api = api.clone();
        tokio::spawn(async move { api.invoke(&scheduled_event()).await })
    };
    let mut claimed = false;
    for _ in 0..500 {
        if test.item(&id).await.contains_key("reminder_lease_until") {
            claimed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(claimed, "the first run claimed the reminder");
    killed.kill().await.unwrap();
    invoking.abort();
    assert!(
        reminders_to(&test.staff).await.is_empty(),
        "nothing was sent"
    );

    // The next run, inside the lease: nothing. After it: the reminder, once.
    let inside = MovedClock::ahead(Duration::days(7) + Duration::seconds(5));
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&function_vars(&test, &inside, &[]));
    let held = runtime.invoke(&scheduled_event()).await;
    assert_eq!(held["reminders"]["skipped"], 1, "{held}");
    let after = MovedClock::ahead(Duration::days(7) + Duration::minutes(2));
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&function_vars(&test, &after, &[]));
    let run = runtime.invoke(&scheduled_event()).await;

    assert_eq!(run["reminders"]["reminded"], 1, "{run}");
    assert_eq!(reminders_to(&test.staff).await.len(), 1);
    let again = runtime.invoke(&scheduled_event()).await;
    assert_eq!(again["reminders"]["reminded"], 0, "once: {again}");
    assert_eq!(reminders_to(&test.staff).await.len(), 1);
}

/// From now to the next Monday 09:00 in New York (the practice's zone in local.env).
pub(crate) fn to_next_monday_morning() -> Duration {
    let tz = chrono_tz::America::New_York;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let days = (7 - today.weekday().num_days_from_monday()) % 7;
    let monday = today + Duration::days(i64::from(if days == 0 { 7 } else { days }));
    assert_eq!(monday.weekday(), Weekday::Mon);
    let at = tz
        .from_local_datetime(&monday.and_hms_opt(9, 0, 0).unwrap())
        .earliest()
        .unwrap();
    at.with_timezone(&Utc) - Utc::now()
}

#[tokio::test]
async fn a_weekly_summary_whose_send_fails_is_sent_by_a_later_run_once() {
    let sender = format!("summary-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    let monday = to_next_monday_morning();
    let summaries = || async {
        sent_emails_to(&test.staff)
            .await
            .into_iter()
            .filter(|m| m["subject"].as_str().unwrap().starts_with("Weekly summary"))
            .count()
    };
    let run = |offset: Duration| {
        let clock = MovedClock::ahead(offset);
        let vars = function_vars(
            &test,
            &clock,
            &[("NOTIFY_FROM", &sender), ("WARM_CONNECTIONS", "false")],
        );
        async move {
            let _clock = clock;
            let runtime = RuntimeApi::start().await;
            let _function = runtime.spawn_function(&vars);
            runtime.invoke(&scheduled_event()).await
        }
    };

    let refused = run(monday).await;
    assert_eq!(
        refused["weekly_summary_sent"], false,
        "SES refused it: {refused}"
    );
    assert_eq!(summaries().await, 0);
    verify_sender(&test.ses, &sender).await;
    let later = run(monday + Duration::minutes(5)).await;

    assert_eq!(later["weekly_summary_sent"], true, "{later}");
    assert_eq!(summaries().await, 1);
    let again = run(monday + Duration::minutes(10)).await;
    assert_eq!(again["weekly_summary_sent"], false, "once a week: {again}");
    assert_eq!(summaries().await, 1);
}

#[tokio::test]
async fn a_fallback_whose_send_fails_is_sent_by_the_binarys_retry_path() {
    let fallback = format!("office-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FALLBACK_TO", &fallback)]).await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let proxy = RefusingProxy::start().await;
    proxy.refuse(&fallback);
    let run = |offset: Duration, event: String| {
        let clock = MovedClock::ahead(offset);
        let mut vars = function_vars(&test, &clock, &[("NOTIFY_FALLBACK_TO", &fallback)]);
        vars.insert("AWS_ENDPOINT_URL".into(), proxy.url.clone());
        async move {
            let _clock = clock;
            let runtime = RuntimeApi::start().await;
            let _function = runtime.spawn_function(&vars);
            runtime.invoke(&event).await
        }
    };
    let bounce = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("events/ses/bounced.json"),
    )
    .unwrap()
    .replace("01JD0000000000000000000000", &id)
    .replace("intake@practice.test", &test.staff);

    let report = run(Duration::zero(), bounce).await;
    assert_eq!(report["fallback_sent"], false, "{report}");
    assert_eq!(s(&test.item(&id).await, "retry_queue"), "fallback");
    proxy.allow_all();
    let retried = run(Duration::minutes(6), scheduled_event()).await;

    assert_eq!(retried["fallbacks"]["sent"], 1, "{retried}");
    assert_eq!(sent_emails_to(&fallback).await.len(), 1);
    assert!(!test.item(&id).await.contains_key("retry_queue"));
}
