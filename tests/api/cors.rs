//! CORS preflight and origin checks.

use crate::helpers::{ALLOWED_ORIGIN, OTHER_ORIGIN, RequestSpec, TestApp, full_submission};

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_gets_204_with_cors_headers() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::new("OPTIONS", "/consultations")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,idempotency-key",
        );

    let response = test.send(spec).await;

    assert_eq!(response.status, 204);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some("Content-Type, Accept, Idempotency-Key")
    );
    assert_eq!(response.header("access-control-max-age"), Some("600"));
    assert_eq!(response.header("vary"), Some("Origin"));
    assert!(response.body.is_empty());
}

#[tokio::test]
async fn a_preflight_from_another_origin_is_403() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::new("OPTIONS", "/consultations").header("origin", OTHER_ORIGIN);
    let response = test.send(spec).await;
    assert_eq!(response.status, 403);
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(response.json()["error"], "origin_not_allowed");
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused_and_nothing_is_kept() {
    let test = TestApp::spawn().await;
    for kind in ["json", "form"] {
        let spec = match kind {
            "json" => RequestSpec::post_json(&full_submission()),
            _ => RequestSpec::post_form("name=Ana&email=ana%40example.com&consent=on"),
        }
        .header("origin", OTHER_ORIGIN);
        let response = test.send(spec).await;
        assert_eq!(response.status, 403, "{kind}");
        assert_eq!(response.header("access-control-allow-origin"), None);
    }
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn a_second_allowed_origin_is_echoed() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::post_json(&full_submission()).header("origin", "http://localhost:8080");
    let response = test.send(spec).await;
    assert_eq!(response.status, 201);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://localhost:8080")
    );
    assert_eq!(
        response.header("access-control-expose-headers"),
        Some("Idempotent-Replayed, Retry-After")
    );
}
