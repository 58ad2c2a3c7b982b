//! When the table cannot be written: 503, nothing emailed.

use crate::helpers::{RequestSpec, TestApp, full_submission};

/// An app whose table has been deleted under it.
async fn without_table() -> TestApp {
    let test = TestApp::spawn().await;
    test.dynamodb
        .delete_table()
        .table_name(&test.table)
        .send()
        .await
        .unwrap();
    test
}

#[tokio::test]
async fn a_missing_table_is_503_with_retry_after_and_no_email() {
    let test = without_table().await;

    let response = test.post_json(&full_submission()).await;

    assert_eq!(response.status, 503);
    assert_eq!(response.header("retry-after"), Some("30"));
    let body = response.json();
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(!response.body.contains("Ana"));
    assert_eq!(test.sent_emails().await.len(), 0);
    assert_eq!(test.send_email_requests().await.len(), 0);
}

#[tokio::test]
async fn a_form_post_gets_a_503_page() {
    let test = without_table().await;

    let response = test
        .send(RequestSpec::post_form(
            "name=Ana&email=ana%40example.com&consent=on",
        ))
        .await;

    assert_eq!(response.status, 503);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.body.contains("Try again in a minute"));
    assert_eq!(test.send_email_requests().await.len(), 0);
}
