//! The scheduled run's fallback step: a request whose staff address bounced goes to
//! `NOTIFY_FALLBACK_TO`; when that send fails, the retry path sends it later, once.

use crate::helpers::{RefusingProxy, app_against, full_submission, s, sent_emails_to, unique};
use chrono::Duration;
use consultation_form::deadline::Deadline;
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
        .record_ses_event(staff_bounce(&id, &test.staff))
        .await
        .unwrap();

    assert!(!report.fallback_sent);
    assert_eq!(s(&test.item(&id).await, "retry_queue"), "fallback");
    assert!(sent_emails_to(&fallback).await.is_empty());
    proxy.allow_all();
    let run = || consultation_form::scheduled_run::run(test.app.delivery(), Deadline::unknown());
    let early = run().await.unwrap();
    assert_eq!(early["fallbacks"]["skipped"], 1, "not due yet: {early}");
    test.clock.advance(Duration::minutes(6));
    let due = run().await.unwrap();
    assert_eq!(due["fallbacks"]["sent"], 1, "{due}");
    assert_eq!(sent_emails_to(&fallback).await.len(), 1);
    let item = test.item(&id).await;
    assert!(!item.contains_key("retry_queue") && item.contains_key("fallback_sent_at"));
    assert_eq!(s(&item, "notify_status"), "sent");

    // SES repeats the event, or sends one per bounced recipient: nothing is queued again.
    let again = test
        .app
        .delivery()
        .record_ses_event(staff_bounce(&id, &test.staff))
        .await
        .unwrap();
    assert!(!again.fallback_sent);
    assert_eq!(run().await.unwrap()["fallbacks"]["queued"], 0);
    assert_eq!(sent_emails_to(&fallback).await.len(), 1, "once");
}
