//! Storage that fails, endpoints that hang, code that panics: a clear answer in bounded time,
//! nothing emailed, never a crash.

use crate::helpers::{
    TestApp, app_against, closed_endpoint, full_submission, silent_endpoint, test_config,
};
use consultation_form::clock::Clock;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn post_within_bound(test: &TestApp) -> (crate::helpers::TestResponse, Duration) {
    let started = Instant::now();
    let response =
        tokio::time::timeout(Duration::from_secs(25), test.post_json(&full_submission()))
            .await
            .expect("the function answers well inside API Gateway's 30 s");
    (response, started.elapsed())
}

#[tokio::test]
async fn a_stopped_emulator_gives_503_and_nothing_is_emailed() {
    let test = app_against(&closed_endpoint(), &[]).await;

    let (response, took) = post_within_bound(&test).await;
    println!("refused connection answered in {} ms", took.as_millis());

    assert_eq!(response.status, 503);
    assert_eq!(response.json()["error"], "temporarily_unavailable");
    assert_eq!(response.header("retry-after"), Some("30"));
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn an_endpoint_that_accepts_and_never_answers_gives_503_in_bounded_time() {
    let (endpoint, held) = silent_endpoint().await;
    let test = app_against(&endpoint, &[]).await;

    let (response, took) = post_within_bound(&test).await;
    println!("silent endpoint answered in {} ms", took.as_millis());

    assert_eq!(response.status, 503);
    assert!(
        took <= consultation_form::aws::OPERATION_TIMEOUT + Duration::from_secs(2),
        "bounded by the SDK's operation timeout: {took:?}"
    );
    test.assert_nothing_kept().await;
    held.abort();
}

struct PanickingClock;

impl Clock for PanickingClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        panic!("injected fault")
    }
}

#[tokio::test]
async fn a_panic_in_request_handling_is_a_500_with_the_request_id() {
    let config = test_config(&[]).config;
    let sdk = consultation_form::aws::load_sdk_config()
        .await
        .expect("usable AWS roots");
    let app = consultation_form::app::App::from_sdk_config(config, &sdk)
        .with_clock(Arc::new(PanickingClock));
    let spec = crate::helpers::RequestSpec::post_json(&full_submission());
    let event = spec.event_json();
    let request_id =
        serde_json::from_str::<serde_json::Value>(&event).unwrap()["requestContext"]["requestId"]
            .as_str()
            .unwrap()
            .to_owned();

    let request = consultation_form::http::envelope::request_from_event(&event).unwrap();
    let response =
        crate::helpers::TestResponse::from(consultation_form::http::handle(&app, request).await);

    assert_eq!(response.status, 500);
    let body = response.json();
    assert_eq!(body["error"], "internal_error");
    assert_eq!(body["request_id"], request_id.as_str());
    assert!(!response.body.contains("injected"));

    let form = consultation_form::http::envelope::request_from_event(
        &crate::helpers::RequestSpec::post_form("name=Ana&email=a%40example.com&consent=on")
            .event_json(),
    )
    .unwrap();
    let page =
        crate::helpers::TestResponse::from(consultation_form::http::handle(&app, form).await);
    assert_eq!(page.status, 500);
    assert!(page.body.contains("Reference:"));
}
