//! A valid request is stored field by field and staff are emailed.

use crate::helpers::{ALLOWED_ORIGIN, SENDER, TestApp, full_submission, s};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde_json::json;

#[tokio::test]
async fn a_json_submission_is_stored_and_staff_are_emailed() {
    let test = TestApp::spawn().await;
    let before = Utc::now();

    let response = test.post_json(&full_submission()).await;

    assert_eq!(response.status, 201, "{}", response.body);
    let body = response.json();
    assert_eq!(body["status"], "received");
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 26, "a ULID");
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(ALLOWED_ORIGIN)
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));

    let items = test.items().await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(s(item, "pk"), format!("request#{id}"));
    assert_eq!(s(item, "id"), id);
    assert_eq!(s(item, "name"), "Ana Lima");
    assert_eq!(s(item, "email"), "Ana.Lima@example.com");
    assert_eq!(s(item, "phone"), "+14155552671");
    assert_eq!(s(item, "preferred_contact"), "text");
    assert_eq!(s(item, "best_time"), "Weekday evenings");
    assert_eq!(s(item, "session_format"), "telehealth");
    assert_eq!(
        s(item, "message"),
        "I've been anxious at work.\nCould we talk?"
    );
    assert_eq!(s(item, "notify_status"), "sent");
    assert_eq!(s(item, "consent_version"), "1");
    assert_eq!(
        s(item, "language"),
        "en",
        "no lang and no Accept-Language: the default"
    );
    assert_eq!(item["urgent"], AttributeValue::Bool(false));
    assert!(!s(item, "ses_message_id").is_empty());

    let received: DateTime<Utc> = s(item, "received_at").parse().unwrap();
    assert!(received >= before - chrono::Duration::seconds(1) && received <= Utc::now());
    assert!(s(item, "received_at").ends_with('Z'), "RFC 3339 in UTC");
    assert_eq!(s(item, "consented_at"), s(item, "received_at"));
    let AttributeValue::N(expires) = &item["expires_at"] else {
        panic!("expires_at must be a number for TTL")
    };
    let expires: i64 = expires.parse().unwrap();
    assert_eq!(expires, received.timestamp() + 365 * 24 * 3600);

    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "best_time",
            "consent_version",
            "consented_at",
            "email",
            "email_hash",
            "expires_at",
            "follow_up",
            "follow_up_at",
            "follow_up_open",
            "id",
            "language",
            "message",
            "name",
            "notified_at",
            "notify_attempts",
            "notify_status",
            "phone",
            "phone_hash",
            "pk",
            "preferred_contact",
            "public_base_url",
            "received_at",
            "received_day",
            "reminder_due_at",
            "reminder_queue",
            "reminder_stage",
            "ses_message_id",
            "session_format",
            "urgent"
        ],
        "only what the contract names is stored"
    );

    let sent = test.sent_emails().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["source"], SENDER);
    assert_eq!(sent[0]["subject"], "New consultation request from Ana Lima");
    assert_eq!(sent[0]["id"].as_str().unwrap(), s(item, "ses_message_id"));
}

#[tokio::test]
async fn a_plain_form_post_is_redirected_to_the_thank_you_page() {
    let test = TestApp::spawn_with(&[("THANK_YOU_URL", "https://www.practice.test/thanks")]).await;

    let response = test
        .post_form("name=Sam+Rivera&email=sam%40example.com&consent=on&website=&unknown=dropped")
        .await;

    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some("https://www.practice.test/thanks")
    );
    let items = test.items().await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "name"), "Sam Rivera");
    assert_eq!(s(&items[0], "preferred_contact"), "email");
    assert!(!items[0].contains_key("unknown"));
    assert!(!items[0].contains_key("website"));
    assert!(!items[0].contains_key("phone"));
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn without_a_thank_you_url_a_form_post_gets_a_thank_you_page() {
    let test = TestApp::spawn().await;

    let response = test
        .post_form("name=Sam&email=sam%40example.com&consent=on")
        .await;

    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        response.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    assert!(response.body.contains("Thank you"));
    assert!(response.body.contains("988"));
    let id = test.items().await[0]["id"].as_s().unwrap().clone();
    assert!(response.body.contains(&id), "the page shows the reference");
}

#[tokio::test]
async fn a_form_post_asking_for_json_gets_json() {
    let test = TestApp::spawn().await;
    let spec =
        crate::helpers::RequestSpec::post_form("name=Kim&email=kim%40example.com&consent=yes")
            .header("accept", "application/json");

    let response = test.send(spec).await;

    assert_eq!(response.status, 201);
    assert_eq!(
        response.json()["id"],
        json!(test.items().await[0]["id"].as_s().unwrap())
    );
}

#[tokio::test]
async fn a_filled_honeypot_looks_accepted_and_is_held_as_spam_without_an_email() {
    let test = TestApp::spawn_with(&[("SPAM_RETENTION_DAYS", "3")]).await;
    let mut body = full_submission();
    body["website"] = json!("http://cheap-pills.example");

    let response = test.post_json(&body).await;

    assert_eq!(response.status, 201);
    let id = response.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 26);
    let items = test.items().await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(s(item, "id"), id);
    assert_eq!(item["held_as_spam"].as_bool().unwrap(), &true);
    assert_eq!(s(item, "held_reason"), "honeypot");
    assert_eq!(s(item, "notify_status"), "held");
    assert!(
        !item.contains_key("website"),
        "the honeypot's value is never kept"
    );
    assert!(
        !item.contains_key("retry_queue"),
        "never queued for an email"
    );
    let received: chrono::DateTime<chrono::Utc> = s(item, "received_at").parse().unwrap();
    let expires: i64 = item["expires_at"].as_n().unwrap().parse().unwrap();
    assert_eq!(expires - received.timestamp(), 3 * 86_400);
    assert_eq!(test.sent_emails().await.len(), 0);
    assert_eq!(
        test.send_email_requests().await.len(),
        0,
        "no email attempted"
    );
}

#[tokio::test]
async fn a_request_without_origin_is_accepted() {
    let test = TestApp::spawn().await;
    let spec = crate::helpers::RequestSpec::post_json(&full_submission()).header("origin", "");

    let response = test.send(spec).await;

    assert_eq!(response.status, 201);
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(test.items().await.len(), 1);
}

#[tokio::test]
async fn retention_sets_the_expiry() {
    let test =
        TestApp::spawn_with(&[("RETENTION_DAYS", "30"), ("CONSENT_VERSION", "2026-11")]).await;

    test.post_json(&full_submission()).await;

    let item = &test.items().await[0];
    let received: DateTime<Utc> = s(item, "received_at").parse().unwrap();
    let expires: i64 = item["expires_at"].as_n().unwrap().parse().unwrap();
    assert_eq!(expires, received.timestamp() + 30 * 24 * 3600);
    assert_eq!(s(item, "consent_version"), "2026-11");
}

#[tokio::test]
async fn crisis_language_flags_the_request_as_urgent() {
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["message"] = json!("Lately I think about ending my life.");

    test.post_json(&body).await;

    let item = &test.items().await[0];
    assert_eq!(item["urgent"], AttributeValue::Bool(true));
    let sent = test.sent_emails().await;
    assert_eq!(
        sent[0]["subject"],
        "Urgent: New consultation request from Ana Lima"
    );
}

#[tokio::test]
async fn odd_but_deliverable_addresses_and_emoji_sequences_are_accepted() {
    let test = TestApp::spawn().await;
    let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    let cases = [
        ("ana?cc=spy@mail.example", "ana?cc=spy@mail.example"),
        ("o'brien+therapy@Example.IE", "o'brien+therapy@example.ie"),
        ("ana@bücher.de", "ana@xn--bcher-kva.de"),
    ];
    for (n, (email, stored)) in cases.iter().enumerate() {
        let mut body = full_submission();
        body["email"] = json!(email);
        body["message"] = json!(format!(
            "Family 👩\u{200D}👩\u{200D}👧 from {scotland} ({n})"
        ));
        let response = test.post_json(&body).await;
        assert_eq!(response.status, 201, "{email}: {}", response.body);
        let id = response.json()["id"].as_str().unwrap().to_owned();
        let item = test.item(&id).await;
        assert_eq!(s(&item, "email"), *stored);
        assert!(
            s(&item, "message").contains(scotland),
            "joiners and flags stay"
        );
    }
    let sent = test.send_email_requests().await;
    let html = sent
        .iter()
        .map(|r| {
            r["Content"]["Simple"]["Body"]["Html"]["Data"]
                .as_str()
                .unwrap()
        })
        .find(|html| html.contains("ana?cc=spy@mail.example"))
        .unwrap();
    assert!(
        html.contains("href=\"mailto:ana%3Fcc%3Dspy@mail.example\""),
        "the link cannot add a recipient: {html}"
    );
}

#[tokio::test]
async fn a_name_shaped_like_an_encoded_word_never_reaches_the_subject_as_one() {
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["name"] = json!("=?UTF-8?B?U3RhZmYgbWVldGluZw==?=");
    assert_eq!(test.post_json(&body).await.status, 201);
    let sent = test.send_email_requests().await;
    let subject = sent[0]["Content"]["Simple"]["Subject"]["Data"]
        .as_str()
        .unwrap();
    assert!(!subject.contains("=?"), "{subject}");
}

#[tokio::test]
async fn a_form_post_with_origin_null_is_stored_like_one_without_origin() {
    let test = TestApp::spawn().await;
    let spec = crate::helpers::RequestSpec::post_form(
        "name=Noa+Levi&email=noa%40example.com&consent=on&message=Strict+referrer+policy",
    )
    .header("origin", "null");
    let response = test.send(spec).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(test.items().await.len(), 1);
    assert_eq!(test.sent_emails().await.len(), 1);
}

#[tokio::test]
async fn a_2000_emoji_message_fits_in_a_form_post() {
    let test = TestApp::spawn().await;
    let message = "😟".repeat(2000);
    let encoded =
        percent_encoding::utf8_percent_encode(&message, percent_encoding::NON_ALPHANUMERIC);
    let body = format!("name=Ana+Lima&email=ana%40example.com&consent=on&message={encoded}");
    assert!(
        body.len() > 16 * 1024,
        "over the old limit: {} bytes",
        body.len()
    );

    let response = test.post_form(&body).await;

    assert_eq!(response.status, 200, "{}", response.body);
    let items = test.items().await;
    assert_eq!(s(&items[0], "message"), message);
}

#[tokio::test]
async fn phones_in_other_scripts_or_with_another_country_code_are_stored_in_e164() {
    let test = TestApp::spawn().await;
    let cases = [
        ("(٤١٥) ٥٥٥-٢٦٧١", "+14155552671"),
        ("+49 151 23456789", "+4915123456789"),
        ("011 49 151 23456789", "+4915123456789"),
        ("+९१ ८१२३४ ५६७८९", "+918123456789"),
    ];
    for (phone, stored) in cases {
        let mut body = full_submission();
        body["phone"] = json!(phone);
        let response = test.post_json(&body).await;
        assert_eq!(response.status, 201, "{phone}: {}", response.body);
        let id = response.json()["id"].as_str().unwrap().to_owned();
        let item = test.item(&id).await;
        assert_eq!(s(&item, "phone"), stored, "{phone}");
    }
    let sent = test.send_email_requests().await;
    assert!(
        sent.iter()
            .any(|r| r["Content"]["Simple"]["Body"]["Html"]["Data"]
                .as_str()
                .unwrap()
                .contains("href=\"tel:+4915123456789\"")),
        "staff can call the number as stored"
    );
}
