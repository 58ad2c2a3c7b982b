//! Paths, methods, media types, sizes and unreadable bodies: a clear 4xx, nothing kept.

use crate::helpers::{RequestSpec, TestApp, full_submission};
use consultation_form::intake::MAX_BODY_BYTES;

async fn answer(test: &TestApp, spec: RequestSpec) -> crate::helpers::TestResponse {
    let response = test.send(spec).await;
    test.assert_nothing_kept().await;
    response
}

#[tokio::test]
async fn an_unknown_path_is_404() {
    let test = TestApp::spawn().await;
    let mut spec = RequestSpec::post_json(&full_submission());
    spec.path = "/contact".into();
    let response = answer(&test, spec).await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json()["error"], "not_found");
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let test = TestApp::spawn().await;
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let spec = RequestSpec::new(method, "/consultations").header("accept", "application/json");
        let response = answer(&test, spec).await;
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("OPTIONS, POST"));
        assert_eq!(response.json()["error"], "method_not_allowed");
    }
}

#[tokio::test]
async fn a_trailing_slash_reaches_the_same_endpoint() {
    let test = TestApp::spawn().await;
    let mut spec = RequestSpec::post_json(&full_submission());
    spec.path = "/consultations/".into();
    assert_eq!(test.send(spec).await.status, 201);
}

#[tokio::test]
async fn other_media_types_are_415() {
    let test = TestApp::spawn().await;
    for content_type in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "",
    ] {
        let spec = RequestSpec::post_json(&full_submission())
            .header("content-type", content_type)
            .header("accept", "application/json");
        let response = answer(&test, spec).await;
        assert_eq!(response.status, 415, "{content_type:?}");
        assert_eq!(response.json()["error"], "unsupported_media_type");
    }
}

#[tokio::test]
async fn upper_case_and_parameterised_media_types_are_accepted() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::post_json(&full_submission())
        .header("content-type", "Application/JSON; charset=UTF-8");
    assert_eq!(test.send(spec).await.status, 201);
}

#[tokio::test]
async fn a_body_over_16_kib_is_413_and_at_16_kib_is_read() {
    let test = TestApp::spawn().await;
    let padding = |total: usize| {
        let mut body = full_submission();
        body["padding"] = serde_json::json!("");
        let overhead = body.to_string().len();
        body["padding"] = serde_json::json!("p".repeat(total - overhead));
        body
    };
    let just_over = padding(MAX_BODY_BYTES + 1);
    assert_eq!(just_over.to_string().len(), MAX_BODY_BYTES + 1);
    let response = answer(&test, RequestSpec::post_json(&just_over)).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"], "payload_too_large");

    let far_over = RequestSpec::post_form(&"a".repeat(1024 * 1024));
    assert_eq!(answer(&test, far_over).await.status, 413);

    let at_limit = padding(MAX_BODY_BYTES);
    assert_eq!(
        test.send(RequestSpec::post_json(&at_limit)).await.status,
        201
    );
}

#[tokio::test]
async fn unreadable_bodies_are_400() {
    let test = TestApp::spawn().await;
    let cases = [
        RequestSpec::post_json(&full_submission()).body(b"{\"name\": \"Ana\""),
        RequestSpec::post_json(&full_submission()).body(b"[1, 2, 3]"),
        RequestSpec::post_json(&full_submission()).body(b"\"just a string\""),
        RequestSpec::post_form("").body(b"name=%FF%FE&consent=on"),
        RequestSpec::post_form("").body(b"name=\xff\xfe"),
    ];
    for spec in cases {
        let response = answer(&test, spec.header("accept", "application/json")).await;
        assert_eq!(response.status, 400);
        assert_eq!(response.json()["error"], "malformed_request");
    }
}

#[tokio::test]
async fn a_body_marked_base64_that_is_not_is_400_not_a_crash() {
    let test = TestApp::spawn().await;
    let mut spec = RequestSpec::post_json(&full_submission());
    spec.base64 = false;
    let event = spec
        .event_json()
        .replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":true");
    let request = consultation_form::http::envelope::request_from_event(&event).unwrap();
    let response = crate::helpers::TestResponse::from(
        consultation_form::http::handle(&test.app, request).await,
    );
    assert_eq!(response.status, 400);
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn the_undecodable_marker_cannot_be_forged_by_a_client() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::post_json(&full_submission()).header(
        consultation_form::http::envelope::UNDECODABLE_BODY_HEADER,
        "1",
    );
    assert_eq!(test.send(spec).await.status, 201);
}
