//! Field errors: a clear 422 naming each field, and nothing stored or sent.

use crate::helpers::{RequestSpec, TestApp, full_submission};
use serde_json::{Value, json};

async fn refused(body: Value) -> (Value, TestApp) {
    let test = TestApp::spawn().await;
    let response = test.post_json(&body).await;
    assert_eq!(response.status, 422, "{}", response.body);
    test.assert_nothing_kept().await;
    (response.json(), test)
}

#[tokio::test]
async fn an_empty_object_names_every_required_field() {
    let (body, _) = refused(json!({})).await;
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(body["fields"]["name"][0]["code"], "required");
    assert_eq!(body["fields"]["email"][0]["code"], "required");
    assert_eq!(body["fields"]["consent"][0]["code"], "consent_required");
    assert_eq!(body["fields"].as_object().unwrap().len(), 3);
}

#[tokio::test]
async fn each_rule_answers_its_code_without_echoing_the_value() {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("name", json!("x".repeat(101)), "too_long"),
        ("name", json!("Ana\nBcc: victim@example.com"), "invalid"),
        ("email", json!("Ana <ana@example.com>"), "invalid_email"),
        (
            "email",
            json!("ana@example.com, eve@example.com"),
            "invalid_email",
        ),
        ("phone", json!("not a phone"), "invalid_phone"),
        (
            "preferred_contact",
            json!("carrier pigeon"),
            "invalid_choice",
        ),
        ("best_time", json!("é".repeat(201)), "too_long"),
        ("session_format", json!("online"), "invalid_choice"),
        ("message", json!("m".repeat(2001)), "too_long"),
        ("message", json!("bell\u{7}"), "invalid"),
        ("consent", json!(false), "consent_required"),
        ("consent", json!(1), "invalid"),
        ("name", json!({"first": "Ana"}), "invalid"),
        ("email", json!(["ana@example.com"]), "invalid"),
        ("idempotency_key", json!("bad key!"), "invalid"),
    ];
    let test = TestApp::spawn().await;
    for (field, value, code) in cases {
        let mut body = full_submission();
        body[field] = value.clone();
        let response = test.post_json(&body).await;
        assert_eq!(response.status, 422, "{field}={value}: {}", response.body);
        let json = response.json();
        assert_eq!(json["fields"][field][0]["code"], code, "{field}={value}");
        assert!(
            json["fields"][field][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        if let Some(text) = value.as_str() {
            assert!(
                !response.body.contains(text),
                "the response must not echo {text:?}"
            );
        }
    }
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn phone_is_required_when_asked_to_call_or_text() {
    let mut body = full_submission();
    body["preferred_contact"] = json!("phone");
    body.as_object_mut().unwrap().remove("phone");
    let (json, _) = refused(body).await;
    assert_eq!(json["fields"]["phone"][0]["code"], "required");
}

#[tokio::test]
async fn a_repeated_form_field_is_invalid() {
    let test = TestApp::spawn().await;
    let response = test
        .post_form("name=Ana&email=a%40example.com&email=b%40example.com&consent=on")
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .body
            .contains("Enter the answer for “\u{2068}Email\u{2069}” as plain text"),
        "{}",
        response.body
    );
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn an_html_form_post_gets_a_page_listing_the_problems_with_a_link_back() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::post_form("name=%3C%2F%3E&email=nope&consent=")
        .header("referer", "https://www.practice.test/contact?from=footer");

    let response = test.send(spec).await;

    assert_eq!(response.status, 422);
    assert_eq!(
        response.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    // The GOV.UK error summary: "Error: " in the title, "There is a problem", each problem a
    // link to its field on the form, worded as the message beside it.
    assert!(
        response
            .body
            .contains("<title>Error: There is a problem</title>")
    );
    assert!(response.body.contains("There is a problem"));
    assert!(response.body.contains(
        "#cf-email\">Enter an email address in the correct format, like name@example.com</a>"
    ));
    assert!(response.body.contains("Select the box to agree"));
    assert!(
        response
            .body
            .contains("Enter your name on one line, using letters")
    );
    for vague in ["valid", "Please"] {
        assert!(
            !response.body.contains(&format!(" {vague} ")),
            "no '{vague}' in the messages"
        );
    }
    assert!(
        response
            .body
            .contains("href=\"https://www.practice.test/contact?from=footer\"")
    );
    assert!(!response.body.contains("</>"));
    assert!(!response.body.contains("nope"));
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn a_referer_from_another_site_is_never_linked() {
    let test = TestApp::spawn().await;
    let spec = RequestSpec::post_form("name=Ana").header("referer", "https://evil.example/phish");
    let response = test.send(spec).await;
    assert_eq!(response.status, 422);
    assert!(!response.body.contains("evil.example"));
    assert!(
        response
            .body
            .contains("href=\"https://www.practice.test/\"")
    );
}
