//! The cold-start warm-up (`WARM_CONNECTIONS`): it leaves no trace, and it never holds up a cold
//! start for longer than its limit.

use crate::helpers::{TestApp, answer, app_against, full_submission, serve, silent_endpoint};
use consultation_form::app::WARM_UP_LIMIT;
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_warm_up_stores_and_sends_nothing_and_the_first_request_then_goes_through() {
    let test = TestApp::spawn().await;

    test.app.warm_up().await;

    test.assert_nothing_kept().await;
    let response = test.post_json(&full_submission()).await;
    assert_eq!(response.status, 201);
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn the_warm_up_gives_up_on_a_silent_endpoint_within_its_limit() {
    let (endpoint, held) = silent_endpoint().await;
    let test = app_against(&endpoint, &[]).await;

    let started = Instant::now();
    test.app.warm_up().await;
    let took = started.elapsed();

    assert!(
        took >= WARM_UP_LIMIT && took <= WARM_UP_LIMIT + Duration::from_secs(2),
        "a silent endpoint holds the warm-up until its limit and no longer: {took:?}"
    );
    held.abort();
}

#[tokio::test]
async fn without_warm_connections_the_warm_up_does_nothing() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let endpoint = serve(move |_, _| {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { answer(500, None, "") }
    })
    .await;
    let test = app_against(&endpoint, &[("WARM_CONNECTIONS", "false")]).await;

    test.app.warm_up().await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(
        calls.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no call may be made"
    );
}
