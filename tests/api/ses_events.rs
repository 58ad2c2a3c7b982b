//! SES's events about the staff emails (`events/ses/`), through the compiled binary: each records
//! its `delivery_status` on the request; a bounce or complaint from a staff address sends the
//! request, once, to `NOTIFY_FALLBACK_TO`; an event about an unknown request changes nothing.

use crate::helpers::{CLIENT_HASH_KEY, TestApp, full_submission, s, sent_emails_to, unique};
use crate::runtime_api::{RuntimeApi, local_env};
use serde_json::{Value, json};
use std::path::Path;

/// The placeholder id in the sample events, and their staff address.
const SAMPLE_ID: &str = "01JD0000000000000000000000";
const SAMPLE_STAFF: &str = "intake@practice.test";

fn sample(name: &str, id: &str, staff: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("events/ses/{name}.json"));
    std::fs::read_to_string(path)
        .unwrap()
        .replace(SAMPLE_ID, id)
        .replace(SAMPLE_STAFF, staff)
}

struct Setup {
    test: TestApp,
    runtime: RuntimeApi,
    fallback: String,
    _function: tokio::process::Child,
}

async fn setup() -> Setup {
    let fallback = format!("office-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[
        ("NOTIFY_FALLBACK_TO", &fallback),
        ("RATE_LIMIT_PER_HOUR", "50"),
    ])
    .await;
    let runtime = RuntimeApi::start().await;
    let function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("NOTIFY_FALLBACK_TO", &fallback),
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
    ]));
    Setup {
        test,
        runtime,
        fallback,
        _function: function,
    }
}

/// A new request (emailed to staff), by a unique message; returns its id.
async fn new_request(test: &TestApp, n: &str) -> String {
    let mut body = full_submission();
    body["message"] = json!(format!("request {n}"));
    let response = test.post_json(&body).await;
    response.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_event_records_what_ses_said_and_a_staff_bounce_goes_to_the_fallback_once() {
    // Bound by name: the function process lives as long as this binding.
    let Setup {
        test,
        runtime,
        fallback,
        _function,
    } = setup().await;
    let cases = [
        ("delivered", "delivered", false),
        ("bounced", "bounced", true),
        ("bounced-suppression-list", "bounced", true),
        ("complaint", "complained", true),
        ("rejected", "rejected", false),
        ("delivery-delayed", "delayed", false),
        ("rendering-failed", "rendering_failed", false),
    ];
    let mut fallbacks = 0;
    for (name, status, to_fallback) in cases {
        let id = new_request(&test, name).await;
        let report: Value = runtime.invoke(&sample(name, &id, &test.staff)).await;
        assert_eq!(report["outcome"], "recorded", "{name}: {report}");
        assert_eq!(report["fallback_sent"], to_fallback, "{name}: {report}");
        assert_eq!(
            s(&test.item(&id).await, "delivery_status"),
            status,
            "{name}"
        );
        fallbacks += usize::from(to_fallback);
        // EventBridge may deliver an event twice: still one fallback email.
        let again: Value = runtime.invoke(&sample(name, &id, &test.staff)).await;
        assert_eq!(again["fallback_sent"], false, "{name}: {again}");
    }
    let sent = sent_emails_to(&fallback).await;
    assert_eq!(
        sent.len(),
        fallbacks,
        "one fallback email per staff problem"
    );
    assert!(
        sent[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("New consultation request from")
    );
}

#[tokio::test]
async fn a_late_delay_never_hides_a_delivery() {
    let Setup {
        test,
        runtime,
        _function,
        ..
    } = setup().await;
    let id = new_request(&test, "order").await;
    runtime.invoke(&sample("delivered", &id, &test.staff)).await;
    let late: Value = runtime
        .invoke(&sample("delivery-delayed", &id, &test.staff))
        .await;
    assert_eq!(late["outcome"], "superseded", "{late}");
    assert_eq!(s(&test.item(&id).await, "delivery_status"), "delivered");
}

#[tokio::test]
async fn an_event_for_an_unknown_request_changes_nothing() {
    // Bound by name: the function process lives as long as this binding.
    let Setup {
        test,
        runtime,
        fallback,
        _function,
    } = setup().await;
    let id = new_request(&test, "known").await;
    let before = test.all_items().await;

    let report: Value = runtime
        .invoke(&sample("bounced", SAMPLE_ID, &test.staff))
        .await;

    assert_eq!(report["outcome"], "unknown_request", "{report}");
    assert_eq!(test.all_items().await, before, "no item created or changed");
    assert!(!test.item(&id).await.contains_key("delivery_status"));
    assert_eq!(sent_emails_to(&fallback).await.len(), 0);
}

#[tokio::test]
async fn every_staff_email_carries_its_submission_id_as_a_message_tag() {
    let test = TestApp::spawn().await;
    let id = new_request(&test, "tagged").await;
    let sent = test.send_email_requests().await;
    let tags = &sent[0]["EmailTags"];
    assert!(
        tags.as_array()
            .unwrap()
            .iter()
            .any(|t| t["Name"] == "submission_id" && t["Value"] == id.as_str()),
        "{tags}"
    );
    assert!(
        tags.as_array()
            .unwrap()
            .iter()
            .any(|t| t["Name"] == "email_kind" && t["Value"] == "staff")
    );
}
