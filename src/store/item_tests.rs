//! The item layout's tests: what a request's item holds, and the keys.

use super::*;
use crate::domain::{ConsultationRequest, Field, SubmissionRules, SubmittedForm, Verification};
use crate::store::read::stored_request;

#[test]
fn an_item_reads_back_as_the_request_it_was_written_from() {
    let form = SubmittedForm::new()
        .with(Field::Name, "Ana Lima")
        .with(Field::Email, "ana@example.com")
        .with(Field::Phone, "+44 20 7946 0958")
        .with(Field::PreferredContact, "phone")
        .with(Field::BestTime, "mornings")
        .with(Field::SessionFormat, "either")
        .with(Field::Message, "line one\nline two")
        .with(Field::Consent, "on");
    let request = ConsultationRequest::parse(&form, SubmissionRules::default())
        .unwrap()
        .request;
    let at: DateTime<Utc> = "2026-11-26T14:05:00.123Z".parse().unwrap();
    let received = ReceivedRequest {
        consent_version: "3".into(),
        urgent: true,
        verification: Verification::Unverified,
        language: crate::domain::Language::Spanish,
        ..ReceivedRequest::example(request, at)
    };
    let item = request_item(&received, ("hash", None), at, None);
    let stored = stored_request("k", &item).unwrap();
    assert_eq!(stored.received, received);
    assert_eq!(stored.notify_status, NotifyStatus::Pending);
    assert_eq!(stored.attempts, 1);

    let spam = ReceivedRequest {
        hold: Some(crate::domain::HoldReason::Honeypot),
        ..received
    };
    let item = request_item(&spam, ("hash", None), at, Some(at));
    assert!(
        !item.contains_key(attr::RETRY_QUEUE),
        "spam is never emailed"
    );
    let stored = stored_request("k", &item).unwrap();
    assert_eq!(stored.received, spam);
    assert_eq!(stored.notify_status, NotifyStatus::Held);
}

#[test]
fn an_item_that_todays_rules_refuse_still_reads_back_as_it_was_kept() {
    let form = SubmittedForm::new()
        .with(Field::Name, "Ana Lima")
        .with(Field::Email, "ana@example.com")
        .with(Field::Consent, "on");
    let request = ConsultationRequest::parse(&form, SubmissionRules::default())
        .unwrap()
        .request;
    let at: DateTime<Utc> = "2026-11-26T14:05:00.123Z".parse().unwrap();
    let mut item = request_item(
        &ReceivedRequest::example(request, at),
        ("hash", None),
        at,
        None,
    );
    // Stored before zero-width joiners and doubled dots were refused.
    item.insert(attr::NAME.to_owned(), s("Ana\u{200D}Lima"));
    item.insert(attr::EMAIL.to_owned(), s("ana..lima@example.com"));
    item.insert(attr::PREFERRED_CONTACT.to_owned(), s("carrier-pigeon"));
    let stored = stored_request("k", &item).unwrap();
    assert_eq!(stored.received.request.name.as_str(), "Ana\u{200D}Lima");
    assert_eq!(
        stored.received.request.email.as_str(),
        "ana..lima@example.com"
    );
    assert_eq!(stored.received.request.preferred_contact.as_str(), "email");
}

#[test]
fn a_damaged_item_names_the_attribute_not_the_value() {
    let mut item = HashMap::new();
    item.insert("id".to_owned(), s("not-an-id-but-a-secret"));
    let error = stored_request("request#x", &item).unwrap_err().to_string();
    assert!(error.contains("request#x"));
    assert!(!error.contains("secret"));
}

#[test]
fn keys_name_their_kind_and_requests_round_trip() {
    let id = SubmissionId::new(Utc::now());
    assert_eq!(request_id_of_key(&request_key(id)), Some(id));
    assert_eq!(request_id_of_key(&duplicate_key_by_content("ab")), None);
    assert_eq!(duplicate_key_by_idempotency_key("ab"), "dup#key#ab");
    let hour: DateTime<Utc> = "2026-11-26T14:00:00Z".parse().unwrap();
    assert_eq!(rate_key("cd", hour), "rate#cd#2026112614");
}
