//! The access log: exactly the entries each step of a working day leaves, none of them holding
//! the person's data; the operator tool's views and changes under its AWS identity; entries that
//! outlive the request's erasure; written once, never overwritten.

use super::{Console, csrf_of};
use crate::admin::{admin, stdout};
use crate::helpers::{full_submission, unique};
use consultation_form::access_log::{Action, Actor, Entry, LogQuery};
use consultation_form::domain::SubmissionId;
use consultation_form::staff::Role;
use serde_json::json;

fn step(console: &Console) {
    console.test.clock.advance(chrono::Duration::seconds(1));
}

#[tokio::test]
async fn each_step_of_a_working_day_leaves_exactly_its_entries_and_none_holds_the_persons_data() {
    let console = Console::spawn().await;
    let email = format!("Story.Person{}@example.com", unique());
    let mut body = full_submission();
    body["name"] = json!("Story Person");
    body["email"] = json!(email);
    body["message"] = json!("my very private story");
    let id = SubmissionId::parse(
        console.test.post_json(&body).await.json()["id"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let since = console.test.app.now() - chrono::Duration::minutes(1);

    let (member, token) = console.invite("story@practice.test", Role::FrontDesk).await;
    let mut browser = console.browser();
    let mut passkey = crate::helpers::SoftPasskey::new(super::HOST);
    assert_eq!(browser.register(&mut passkey, &token).await.status, 200);
    step(&console);
    let csrf = csrf_of(&browser.get("/staff/requests").await.body);
    step(&console);
    browser
        .post_form(
            "/staff/search",
            &[("q", &email.to_lowercase())],
            Some(&csrf),
        )
        .await;
    step(&console);
    browser.get(&format!("/staff/requests/{id}")).await;
    step(&console);
    browser
        .post_form(
            &format!("/staff/requests/{id}/notes"),
            &[("note", "left a voicemail")],
            Some(&csrf),
        )
        .await;
    step(&console);
    browser
        .post_form(
            &format!("/staff/requests/{id}/follow-up"),
            &[("state", "contacted")],
            Some(&csrf),
        )
        .await;
    step(&console);
    browser.post_form("/staff/sign-out", &[], Some(&csrf)).await;

    let mut entries = console
        .entries(LogQuery::Who {
            who: member.id.to_string(),
            since,
        })
        .await;
    entries.reverse();
    let steps: Vec<(&str, Vec<SubmissionId>, Option<&str>)> = entries
        .iter()
        .map(|e: &Entry| (e.action.as_str(), e.refs.clone(), e.detail.as_deref()))
        .collect();
    // Registration's two entries share an instant: compare them as a set.
    let mut first_two: Vec<&str> = steps[..2].iter().map(|s| s.0).collect();
    first_two.sort_unstable();
    assert_eq!(first_two, ["passkey_added", "signed_in"]);
    assert_eq!(
        steps[2..].to_vec(),
        vec![
            ("listed", vec![id], None),
            ("searched", vec![id], Some("1 found")),
            ("viewed", vec![id], None),
            ("note_added", vec![id], None),
            ("follow_up_changed", vec![id], Some("contacted")),
            ("signed_out", vec![], None),
        ]
    );
    for entry in &entries {
        assert_eq!(entry.who, Actor::Staff(member.id.to_string()));
        assert_eq!(entry.browser.as_deref(), Some("Chrome"));
        let client = entry.client.as_deref().unwrap();
        assert_eq!(client.len(), 64, "the address as a keyed hash");
    }
    let everything = format!("{entries:?}").to_lowercase();
    for personal in [
        "story person",
        "story.person",
        "private story",
        "2671",
        "198.51.100.23",
        "voicemail",
    ] {
        assert!(
            !everything.contains(personal),
            "{personal} in the access log"
        );
    }
    // The request's own view: every entry that names it.
    let about = console.entries(LogQuery::Request(id)).await;
    assert_eq!(about.len(), 5, "{about:?}");
}

#[tokio::test]
async fn the_operator_tools_reads_and_changes_are_logged_under_its_aws_identity_and_outlive_erasure()
 {
    let console = Console::spawn().await;
    let email = format!("op{}@example.com", unique());
    let mut body = full_submission();
    body["email"] = json!(email);
    let id = console.test.post_json(&body).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let test = &console.test;
    for args in [
        vec!["list"],
        vec!["show", id.as_str()],
        vec!["resend", id.as_str()],
        vec!["export", "--format", "json"],
    ] {
        let output = admin(test, &args).await;
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
    let erased = admin(test, &["erase", "--email", &email]).await;
    assert!(erased.status.success(), "{erased:?}");
    assert!(test.items().await.is_empty(), "the request is gone");
    let request = SubmissionId::parse(&id).unwrap();
    let entries = console.entries(LogQuery::Request(request)).await;
    let mut actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["erased", "exported", "listed", "resent", "viewed"],
        "{entries:?}"
    );
    for entry in &entries {
        let Actor::Operator(arn) = &entry.who else {
            panic!("an operator's entry: {entry:?}");
        };
        assert!(arn.starts_with("arn:aws:"), "{arn}");
        assert_eq!(entry.browser.as_deref(), Some("operator tool"));
    }
    // Read back through the tool, as CSV.
    let read = admin(test, &["access-log", "--request", &id, "--csv"]).await;
    assert!(read.status.success(), "{read:?}");
    let csv = stdout(&read);
    assert!(
        csv.starts_with("at,who,name,action,refs,detail,browser,client"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 6, "{csv}");
    assert!(!csv.contains(&email));
}

#[tokio::test]
async fn an_entry_is_written_once_and_never_overwritten() {
    let console = Console::spawn().await;
    let now = console.test.app.now();
    let entry =
        Entry::new(Actor::Staff("S".into()), Action::Viewed, now).about([SubmissionId::new(now)]);
    console.log().write(&entry).await.unwrap();
    let altered = Entry {
        detail: Some("changed".into()),
        ..entry.clone()
    };
    assert!(
        console.log().write(&altered).await.is_err(),
        "the same key again is refused"
    );
    let read = console
        .entries(LogQuery::Since(now - chrono::Duration::minutes(1)))
        .await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].detail, None, "the first write stands");
}
