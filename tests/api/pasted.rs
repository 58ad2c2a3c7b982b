//! Pasted values, through the binary: a phone number or an address copied from a contacts app, a
//! message or a web page carries invisible characters the person cannot see; the request is
//! accepted and stored clean. Other fields keep their rules.

use crate::helpers::{RequestSpec, TestApp, full_submission, s};
use crate::runtime_api::{RuntimeApi, test_env};
use serde_json::{Value, json};

#[tokio::test]
async fn pasted_numbers_and_addresses_are_accepted_and_stored_clean() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    let cases = [
        // iOS Contacts.
        (
            "\u{202D}(312) 555-0142\u{202C}",
            "ana@example.com",
            "+13125550142",
            "ana@example.com",
        ),
        // A web page: no-break spaces, a zero-width space in the address.
        (
            "312\u{00A0}555\u{00A0}0142",
            "ana\u{200B}@example.com",
            "+13125550142",
            "ana@example.com",
        ),
        // A PDF or a chat app: a byte-order mark, direction marks, isolates, a narrow space.
        (
            "\u{2068}+44\u{202F}20 7946 0958\u{2069}",
            "\u{FEFF}\u{200E}Lee.Park@Example.ORG\u{200F}",
            "+442079460958",
            "Lee.Park@example.org",
        ),
    ];
    for (n, (phone, email, stored_phone, stored_email)) in cases.into_iter().enumerate() {
        let mut body = full_submission();
        body["phone"] = json!(phone);
        body["email"] = json!(email);
        body["preferred_contact"] = json!("phone");
        body["message"] = json!(format!("pasted case {n}"));

        let response = runtime
            .invoke(&RequestSpec::post_json(&body).event_json())
            .await;

        assert_eq!(response["statusCode"], 201, "case {n}: {response}");
        let answer: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
        let item = test.item(answer["id"].as_str().unwrap()).await;
        assert_eq!(s(&item, "phone"), stored_phone, "case {n}");
        assert_eq!(s(&item, "email"), stored_email, "case {n}");
    }

    // A name keeps its rule: an invisible character there is still refused.
    let mut hidden = full_submission();
    hidden["name"] = json!("Ana\u{200B} Lima");
    let refused = runtime
        .invoke(&RequestSpec::post_json(&hidden).event_json())
        .await;
    assert_eq!(refused["statusCode"], 422, "{refused}");
}
