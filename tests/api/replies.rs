//! Answered by email counts, through the binary: the staff email's Reply-To holds a signed
//! address; SES's receipt event for an authenticated reply from staff to the person records
//! `contacted` with the reply's time; a forged signature, failing verdicts, a spoofed or
//! disguised sender, an outside sender, a note to a colleague and an automatic reply change
//! nothing, and a reply never moves a request back.

use crate::helpers::{CLIENT_HASH_KEY, TestApp, full_submission, s};
use crate::runtime_api::{RuntimeApi, local_env};
use consultation_form::domain::Actor;
use consultation_form::domain::{FollowUpState, SubmissionId};
use serde_json::Value;
use std::path::Path;

const FOLLOW_UP_KEY: &str = "follow-up-test-key-0123456789abcdef";
const DOMAIN: &str = "replies.practice.test";
/// The samples' placeholders: the signed address and the staff sender.
const SAMPLE_ADDRESS: &str =
    "reply+01jd0000000000000000000000.0000000000000000@replies.practice.test";
const SAMPLE_ID: &str = "01jd0000000000000000000000";
const SAMPLE_STAFF: &str = "intake@practice.test";
/// The samples' person, among the reply's recipients.
const SAMPLE_PERSON: &str = "person@example.com";
/// The samples' receipt time.
const REPLIED_AT: &str = "2026-11-30T15:42:10.123Z";

/// A sample receipt event about request `id`, replying to its signed `address`, sent by `staff`
/// to `person` (the request's own address).
fn sample(name: &str, address: &str, id: &str, staff: &str, person: &str) -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("events/ses-receipt/{name}.json"));
    std::fs::read_to_string(path)
        .unwrap()
        .replace(SAMPLE_ADDRESS, address)
        .replace(SAMPLE_ID, &id.to_lowercase())
        .replace(SAMPLE_STAFF, staff)
        .replace(SAMPLE_PERSON, person)
}

#[tokio::test]
async fn a_verified_reply_from_staff_records_contact_and_nothing_else_does() {
    let vars = [
        ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
        ("REPLY_TRACKING_DOMAIN", DOMAIN),
    ];
    let test = TestApp::spawn_with(&vars).await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply_to = test.send_email_requests().await[0]["ReplyToAddresses"].clone();
    let addresses: Vec<&str> = reply_to
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        addresses.len(),
        2,
        "the person, and the signed address: {reply_to}"
    );
    assert!(
        !addresses[0].starts_with("reply+"),
        "the person first: {reply_to}"
    );
    let signed = addresses[1];
    assert!(signed.starts_with("reply+") && signed.ends_with(&format!("@{DOMAIN}")));
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
        ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
        ("REPLY_TRACKING_DOMAIN", DOMAIN),
    ]));
    let state = || async { s(&test.item(&id).await, "follow_up") };

    let person = s(&test.item(&id).await, "email");
    for (name, outcome) in [
        ("reply-forged-signature", "not_ours"),
        ("reply-failing-verdicts", "not_verified"),
        ("reply-spoofed-sender", "not_verified"),
        ("reply-from-a-disguised-sender", "outside_sender"),
        ("reply-from-outside", "outside_sender"),
        ("reply-to-a-colleague", "not_to_the_person"),
        ("reply-automatic", "automatic"),
    ] {
        let report: Value = runtime
            .invoke(&sample(name, signed, &id, &test.staff, &person))
            .await;
        assert_eq!(report["outcome"], outcome, "{name}: {report}");
        assert_eq!(state().await, "new", "{name} changes nothing");
    }

    let report = runtime
        .invoke(&sample(
            "reply-from-staff",
            signed,
            &id,
            &test.staff,
            &person,
        ))
        .await;

    assert_eq!(report["outcome"], "recorded", "{report}");
    let item = test.item(&id).await;
    assert_eq!(s(&item, "follow_up"), "contacted");
    assert_eq!(s(&item, "first_contact_at"), REPLIED_AT, "the reply's time");
    assert_eq!(
        s(&item, "follow_up_open"),
        "contacted",
        "still worked, listed as contacted"
    );
    assert!(!item.contains_key("reminder_queue"), "no reminder");

    // Scheduled later by a link: a later reply never moves it back.
    test.app
        .store()
        .set_follow_up(
            SubmissionId::parse(&id).unwrap(),
            FollowUpState::Scheduled,
            chrono::Utc::now(),
            &Actor::Operator,
            &consultation_form::store::Outbox::default(),
        )
        .await
        .unwrap();
    let again = runtime
        .invoke(&sample(
            "reply-from-staff",
            signed,
            &id,
            &test.staff,
            &person,
        ))
        .await;
    assert_eq!(again["outcome"], "already_followed_up");
    assert_eq!(state().await, "scheduled");
}

#[tokio::test]
async fn a_practice_on_a_public_mail_provider_does_not_make_its_users_the_practice() {
    let sender = format!("practice.{}@gmail.com", crate::helpers::unique());
    let vars = [
        ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
        ("REPLY_TRACKING_DOMAIN", DOMAIN),
        ("NOTIFY_FROM", sender.as_str()),
    ];
    let test = TestApp::spawn_with(&vars).await;
    crate::helpers::verify_sender(&test.ses, &sender).await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let signed = test.send_email_requests().await[0]["ReplyToAddresses"][1]
        .as_str()
        .unwrap()
        .to_owned();
    let person = s(&test.item(&id).await, "email");
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("NOTIFY_FROM", &sender),
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
        ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
        ("REPLY_TRACKING_DOMAIN", DOMAIN),
    ]));

    // Any Gmail user, authenticated by Gmail: not the practice, though NOTIFY_FROM is at gmail.com.
    let stranger = "someone.else@gmail.com";
    let report = runtime
        .invoke(&sample("reply-from-staff", &signed, &id, stranger, &person))
        .await;
    assert_eq!(report["outcome"], "outside_sender", "{report}");
    assert_eq!(s(&test.item(&id).await, "follow_up"), "new");

    // The staff address itself still counts, wherever it is.
    let report = runtime
        .invoke(&sample(
            "reply-from-staff",
            &signed,
            &id,
            &test.staff,
            &person,
        ))
        .await;
    assert_eq!(report["outcome"], "recorded", "{report}");
}
