//! The staff email as it crosses the wire to SES.

use crate::helpers::{SENDER, TestApp, full_submission, s};
use serde_json::json;

#[tokio::test]
async fn the_email_goes_to_every_staff_address_with_reply_to_the_person() {
    let suffix = crate::helpers::unique();
    let first = format!("first-{suffix}@practice.test");
    let second = format!("second-{suffix}@practice.test");
    let test = TestApp::spawn_with(&[("NOTIFY_TO", &format!("{first}, {second}"))]).await;

    let mut body = full_submission();
    body["message"] = json!("<b>bold</b> & <script>alert(1)</script>");
    body["best_time"] = json!("<i>mornings</i>");
    let response = test.post_json(&body).await;
    assert_eq!(response.status, 201);
    let id = response.json()["id"].as_str().unwrap().to_owned();

    let requests = crate::helpers::send_email_requests_to(&first).await;
    assert_eq!(requests.len(), 1, "exactly one SendEmail call");
    let request = &requests[0];
    assert_eq!(request["FromEmailAddress"], SENDER);
    assert_eq!(
        request["Destination"]["ToAddresses"],
        json!([first, second])
    );
    assert_eq!(request["ReplyToAddresses"], json!(["Ana.Lima@example.com"]));
    let simple = &request["Content"]["Simple"];
    assert_eq!(
        simple["Subject"]["Data"],
        "New consultation request from Ana Lima"
    );
    let text = simple["Body"]["Text"]["Data"].as_str().unwrap();
    let html = simple["Body"]["Html"]["Data"].as_str().unwrap();
    for part in [text, html] {
        assert!(part.contains("Ana Lima"));
        assert!(part.contains("Ana.Lima@example.com"));
        assert!(part.contains("+14155552671"));
        assert!(part.contains("Text message"));
        assert!(part.contains("Telehealth (video)"));
        assert!(part.contains("(America/New_York)"));
        assert!(part.contains(&id));
    }
    assert!(text.contains("<b>bold</b> & <script>alert(1)</script>"));
    assert!(text.contains("<i>mornings</i>"));
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>bold"));
    assert!(!html.contains("<i>mornings"));
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!html.contains("<img"), "no images or tracking pixels");
    assert_eq!(crate::helpers::sent_emails_to(&first).await.len(), 1);
    assert_eq!(crate::helpers::sent_emails_to(&second).await.len(), 1);
}

#[tokio::test]
async fn the_message_is_withheld_when_configured() {
    let test = TestApp::spawn_with(&[("NOTIFY_INCLUDE_MESSAGE", "false")]).await;
    let mut body = full_submission();
    body["message"] = json!("A private detail about my childhood");

    test.post_json(&body).await;

    let request = &test.send_email_requests().await[0];
    let simple = &request["Content"]["Simple"]["Body"];
    for part in [&simple["Text"]["Data"], &simple["Html"]["Data"]] {
        let part = part.as_str().unwrap();
        assert!(!part.contains("private detail"));
        assert!(part.contains("The message is not included in this email"));
    }
    assert_eq!(
        s(&test.items().await[0], "message"),
        "A private detail about my childhood",
        "the message is still stored"
    );
}

#[tokio::test]
async fn when_ses_refuses_the_person_still_succeeds_and_the_request_stays_pending() {
    let unverified = format!("unverified-{}@practice.test", crate::helpers::unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &unverified)]).await;

    let response = test.post_json(&full_submission()).await;

    assert_eq!(response.status, 201);
    let items = test.items().await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "notify_status"), "pending");
    assert!(!items[0].contains_key("ses_message_id"));
    assert_eq!(test.sent_emails().await.len(), 0);
}

#[tokio::test]
async fn a_configuration_set_is_used_when_set() {
    let test = TestApp::spawn_with(&[("SES_CONFIGURATION_SET", "consultations-tracking")]).await;
    // moto refuses an unknown configuration set, like SES does.
    let _ = test
        .ses
        .create_configuration_set()
        .configuration_set_name("consultations-tracking")
        .send()
        .await;

    assert_eq!(test.post_json(&full_submission()).await.status, 201);

    let request = &test.send_email_requests().await[0];
    assert_eq!(request["ConfigurationSetName"], "consultations-tracking");
}

#[tokio::test]
async fn an_acknowledgement_goes_to_the_person_once_and_repeats_nothing_they_wrote() {
    let test = TestApp::spawn_with(&[("SEND_ACKNOWLEDGEMENT", "true")]).await;
    let person = format!("person-{}@example.com", crate::helpers::unique());
    let mut body = full_submission();
    body["email"] = json!(person);
    body["message"] = json!("Something private");

    test.post_json(&body).await;
    test.post_json(&body).await;

    let acknowledgements = crate::helpers::send_email_requests_to(&person).await;
    assert_eq!(acknowledgements.len(), 1, "a repeat sends no second one");
    let ack = &acknowledgements[0];
    assert_eq!(ack["ReplyToAddresses"], json!([test.staff]));
    let simple = &ack["Content"]["Simple"];
    assert_eq!(simple["Subject"]["Data"], "We received your request");
    for part in [
        &simple["Body"]["Text"]["Data"],
        &simple["Body"]["Html"]["Data"],
    ] {
        let part = part.as_str().unwrap();
        assert!(part.contains("988") && part.contains("911"));
        for theirs in ["Ana", "Lima", "Something private", "4155552671", "Weekday"] {
            assert!(
                !part.contains(theirs),
                "the acknowledgement repeats {theirs}"
            );
        }
    }
    assert_eq!(
        test.sent_emails().await.len(),
        1,
        "staff still get their one email"
    );
}

#[tokio::test]
async fn no_acknowledgement_by_default() {
    let test = TestApp::spawn().await;
    let person = format!("person-{}@example.com", crate::helpers::unique());
    let mut body = full_submission();
    body["email"] = json!(person);
    test.post_json(&body).await;
    assert_eq!(
        crate::helpers::send_email_requests_to(&person).await.len(),
        0
    );
}
