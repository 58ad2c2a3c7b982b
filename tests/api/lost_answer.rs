//! A committed write whose answer is lost: a proxy in front of the emulator forwards the first
//! `TransactWriteItems`, lets it commit, and closes the connection instead of answering. The SDK
//! retries; the request must be stored once and emailed once, on the request path, also when
//! DynamoDB answers the retry `TransactionInProgressException` (our own transaction, still
//! being committed when the same token came again).

use crate::helpers::{
    Answer, answer, answer_of, app_against, endpoint, forward_to, full_submission, s, serve,
};
use hyper::body::Bytes;
use hyper::http::request::Parts;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// What the proxy answers the SDK's retry of the lost transaction with.
#[derive(Clone, Copy)]
enum Retry {
    /// The emulator's own answer.
    Forwarded,
    /// DynamoDB's `TransactionInProgressException`, as for a token whose transaction is still
    /// being committed.
    InProgress,
}

/// Forwards every request to the emulator; the first `TransactWriteItems` is forwarded and its
/// answer dropped with the connection, the second answered as `retry` says. Returns the proxy's
/// URL.
async fn proxy_losing_the_first_transaction_answer(retry: Retry) -> String {
    let upstream = endpoint();
    let lost = Arc::new(AtomicU32::new(0));
    serve(move |parts, body| {
        let (upstream, lost) = (upstream.clone(), lost.clone());
        async move { forward(parts, body, &upstream, &lost, retry).await }
    })
    .await
}

async fn forward(
    parts: Parts,
    body: Bytes,
    upstream: &str,
    transactions: &AtomicU32,
    retry: Retry,
) -> Answer {
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let transaction = if target.ends_with("TransactWriteItems") {
        transactions.fetch_add(1, Ordering::SeqCst) + 1
    } else {
        0
    };
    if transaction == 2 && matches!(retry, Retry::InProgress) {
        let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionInProgressException","message":"Transaction is ongoing for the transaction token"}"#;
        return answer(400, Some("application/x-amz-json-1.0"), body);
    }
    let upstream_answer = forward_to(upstream, &parts, body).await?;
    if transaction == 1 {
        // The write committed upstream; the caller never hears so.
        return Err(std::io::Error::other("answer lost"));
    }
    answer_of(upstream_answer).await
}

async fn stored_once_and_emailed_once_on_the_request_path(retry: Retry) {
    let proxy = proxy_losing_the_first_transaction_answer(retry).await;
    let test = app_against(&proxy, &[]).await;

    let response = test.post_json(&full_submission()).await;

    assert_eq!(response.status, 201, "{}", response.body);
    let items = test.items().await;
    assert_eq!(items.len(), 1, "stored once");
    assert_eq!(s(&items[0], "id"), response.json()["id"].as_str().unwrap());
    assert_eq!(
        s(&items[0], "notify_status"),
        "sent",
        "emailed on the request path, not left to the retry path"
    );
    assert_eq!(test.sent_emails().await.len(), 1, "emailed once");
}

#[tokio::test]
async fn a_write_whose_answer_is_lost_is_stored_once_and_emailed_once_on_the_request_path() {
    stored_once_and_emailed_once_on_the_request_path(Retry::Forwarded).await;
}

#[tokio::test]
async fn a_retry_answered_transaction_in_progress_is_our_own_write_not_a_503() {
    stored_once_and_emailed_once_on_the_request_path(Retry::InProgress).await;
}
