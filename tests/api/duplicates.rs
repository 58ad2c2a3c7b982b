//! A double click, a resubmitting phone, a replayed key: one request, one email, one id.

use crate::helpers::{RequestSpec, TestApp, full_submission, s};
use chrono::Duration;
use serde_json::json;
use std::time::Instant;

const KEY: &str = "page-load-0193b2c4-7d1e";

fn with_key(key: &str) -> RequestSpec {
    RequestSpec::post_json(&full_submission()).header("idempotency-key", key)
}

#[tokio::test]
async fn the_same_key_and_content_replays_the_first_answer() {
    let test = TestApp::spawn().await;

    let first = test.send(with_key(KEY)).await;
    test.clock.advance(Duration::hours(23));
    let again = test.send(with_key(KEY)).await;

    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn the_same_key_with_other_content_is_409() {
    let test = TestApp::spawn().await;
    test.send(with_key(KEY)).await;

    let mut other = full_submission();
    other["message"] = json!("Something else entirely");
    let response = test
        .send(RequestSpec::post_json(&other).header("idempotency-key", KEY))
        .await;

    assert_eq!(response.status, 409);
    assert_eq!(response.json()["error"], "idempotency_key_reused");
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn a_key_is_forgotten_after_24_hours() {
    let test = TestApp::spawn().await;
    let first = test.send(with_key(KEY)).await;

    // The duplicate record is still in the table (TTL deletes lazily); its expiry is compared.
    test.clock
        .advance(Duration::hours(24) + Duration::seconds(1));
    let later = test.send(with_key(KEY)).await;

    assert_eq!(later.status, 201);
    assert_eq!(later.header("idempotent-replayed"), None);
    assert_ne!(later.json()["id"], first.json()["id"]);
    assert_eq!(test.items().await.len(), 2);
    assert_eq!(test.sent_emails().await.len(), 2);
}

#[tokio::test]
async fn the_key_may_come_as_a_form_field() {
    let test = TestApp::spawn_with(&[("THANK_YOU_URL", "https://www.practice.test/thanks")]).await;
    let body = format!("name=Ana&email=ana%40example.com&consent=on&idempotency_key={KEY}");

    let first = test.post_form(&body).await;
    let again = test.post_form(&body).await;

    assert_eq!((first.status, again.status), (303, 303));
    assert_eq!(
        again.header("location"),
        Some("https://www.practice.test/thanks")
    );
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn a_header_key_that_differs_from_the_field_is_invalid() {
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["idempotency_key"] = json!("field-key-12345");
    let response = test
        .send(RequestSpec::post_json(&body).header("idempotency-key", "header-key-67890"))
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json()["fields"]["idempotency_key"][0]["code"],
        "invalid"
    );

    let same = test
        .send(RequestSpec::post_json(&body).header("idempotency-key", "field-key-12345"))
        .await;
    assert_eq!(same.status, 201);
}

#[tokio::test]
async fn without_a_key_the_same_content_within_10_minutes_is_the_same_request() {
    let test = TestApp::spawn().await;
    let first = test.post_json(&full_submission()).await;

    test.clock.advance(Duration::minutes(9));
    let mut resubmitted = full_submission();
    // Only name, email, phone and message make the content; a changed choice is still a repeat.
    resubmitted["session_format"] = json!("in_person");
    resubmitted["name"] = json!("  Ana Lima ");
    let again = test.post_json(&resubmitted).await;

    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(s(&test.items().await[0], "session_format"), "telehealth");

    test.clock.advance(Duration::minutes(2));
    let later = test.post_json(&full_submission()).await;
    assert_eq!(later.header("idempotent-replayed"), None);
    assert_eq!(test.items().await.len(), 2);
    assert_eq!(test.sent_emails().await.len(), 2);
}

#[tokio::test]
async fn other_content_is_another_request() {
    let test = TestApp::spawn().await;
    test.post_json(&full_submission()).await;
    let mut other = full_submission();
    other["message"] = json!("A different message");
    let response = test.post_json(&other).await;
    assert_eq!(response.header("idempotent-replayed"), None);
    assert_eq!(test.items().await.len(), 2);
}

#[tokio::test]
async fn duplicate_records_hold_no_personal_data() {
    let test = TestApp::spawn().await;
    test.post_json(&full_submission()).await;
    let records: Vec<_> = test
        .all_items()
        .await
        .into_iter()
        .filter(|item| s(item, "pk").starts_with("dup#"))
        .collect();
    assert_eq!(records.len(), 1);
    let text = format!("{:?}", records[0]);
    for personal in ["Ana", "Lima", "example.com", "4155552671", "anxious"] {
        assert!(!text.contains(personal), "{personal} found in {text}");
    }
}

async fn fifty_at_once(test: &TestApp, spec: RequestSpec) -> Vec<crate::helpers::TestResponse> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let app = test.app.clone();
        let event = spec.event_json();
        tasks.push(tokio::spawn(async move {
            let request = consultation_form::http::envelope::request_from_event(&event).unwrap();
            crate::helpers::TestResponse::from(consultation_form::http::handle(&app, request).await)
        }));
    }
    let mut responses = Vec::new();
    for task in tasks {
        responses.push(task.await.unwrap());
    }
    // On a loaded machine a caller that loses the race for too long gets a 503, which promises
    // that a retry is safe: its retry must get the same request, not a second one.
    let unavailable = responses.iter().filter(|r| r.status == 503).count();
    for response in responses.iter_mut().filter(|r| r.status == 503) {
        *response = test.send(spec.clone()).await;
        assert_eq!(
            response.header("idempotent-replayed"),
            Some("true"),
            "{}",
            response.body
        );
    }
    let replayed = responses
        .iter()
        .filter(|r| r.header("idempotent-replayed").is_some())
        .count();
    println!(
        "50 concurrent identical submissions: {} ms, {} new, {replayed} replayed ({unavailable} after a 503 and a retry)",
        started.elapsed().as_millis(),
        50 - replayed
    );
    responses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_identical_submissions_make_one_request_one_email_one_id() {
    let test = TestApp::spawn().await;

    let responses = fifty_at_once(&test, RequestSpec::post_json(&full_submission())).await;

    let ids: std::collections::BTreeSet<String> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every caller gets the same id");
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_submissions_with_one_key_make_one_request() {
    let test = TestApp::spawn().await;

    let responses = fifty_at_once(&test, with_key(KEY)).await;

    let ids: std::collections::BTreeSet<String> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}
