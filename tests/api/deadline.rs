//! Every answer leaves within the invocation's own deadline, whatever the endpoints do: the
//! compiled binary under a Runtime API that gives each invocation a few seconds, with DynamoDB,
//! SES and the Turnstile verifier accepting connections and never answering.

use crate::helpers::{RequestSpec, TestApp, s, silent_endpoint, with_token};
use crate::runtime_api::{RuntimeApi, local_env};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The binary with each invocation given `budget`, Turnstile's verifier hanging, and `hanging`
/// (an endpoint variable) pointed at an endpoint that never answers; then one JSON submission.
/// Returns the response and how long it took.
async fn submit_with_hanging(
    test: &TestApp,
    budget: Duration,
    hanging: &str,
    extra: &[(&str, &str)],
) -> (Value, Duration) {
    let (silent, _held) = silent_endpoint().await;
    let runtime = RuntimeApi::start_with_budget(budget).await;
    let verify_url = format!("{silent}/siteverify");
    let mut vars = vec![
        ("TABLE_NAME", test.table.as_str()),
        ("NOTIFY_TO", test.staff.as_str()),
        (hanging, silent.as_str()),
        ("WARM_CONNECTIONS", "false"),
        ("TURNSTILE_SECRET_KEY", "secret"),
        ("TURNSTILE_VERIFY_URL", verify_url.as_str()),
    ];
    vars.extend_from_slice(extra);
    let _function = runtime.spawn_function(&local_env(&vars));
    let event = RequestSpec::post_json(&with_token())
        .header("origin", "")
        .event_json();
    let started = Instant::now();
    let response = runtime.invoke(&event).await;
    (response, started.elapsed())
}

#[tokio::test]
async fn with_every_endpoint_hanging_the_answer_is_a_clean_503_before_the_deadline() {
    let test = TestApp::spawn().await;
    let budget = Duration::from_secs(4);
    let (response, took) = submit_with_hanging(&test, budget, "AWS_ENDPOINT_URL", &[]).await;

    assert_eq!(response["statusCode"], 503, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(took < budget, "answered after {took:?}, past the deadline");
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn with_ses_and_the_verifier_hanging_the_request_is_stored_and_answered_in_time() {
    let test = TestApp::spawn().await;
    let budget = Duration::from_secs(6);
    let acknowledge = [("SEND_ACKNOWLEDGEMENT", "true")];
    let (response, took) =
        submit_with_hanging(&test, budget, "AWS_ENDPOINT_URL_SESV2", &acknowledge).await;

    assert_eq!(response["statusCode"], 201, "{response}");
    assert!(took < budget, "answered after {took:?}, past the deadline");
    let items = test.items().await;
    assert_eq!(items.len(), 1, "the request is stored");
    let item = &items[0];
    assert_eq!(s(item, "verification"), "unverified");
    assert_eq!(s(item, "notify_status"), "pending");
    assert_eq!(
        s(item, "retry_queue"),
        "pending",
        "the retry path will send it"
    );
    let lease_until: i64 = item["lease_until"].as_n().unwrap().parse().unwrap();
    // The deadline was at most `budget` from now, and the claim ends 10 s after it.
    let latest = chrono::Utc::now().timestamp_millis() + 10_000 + budget.as_millis() as i64;
    assert!(
        lease_until <= latest,
        "the claim lapses soon after the invocation's deadline"
    );
}
