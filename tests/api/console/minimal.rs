//! `STAFF_EMAIL_CONTENT=minimal`: every kind of staff email (the notification, a reminder, an
//! escalation, the fallback, the review digest, the weekly summary) rendered from requests whose
//! every field holds a marker, read as SES received them: no marker in any subject, header, text
//! or HTML part, no person's Reply-To, and one console link.

use super::Console;
use crate::helpers::{send_email_requests_to, unique};
use crate::reminders::{ny, set_clock};
use consultation_form::deadline::Deadline;
use serde_json::{Value, json};
use std::path::Path;

const MARKERS: [&str; 7] = [
    "zqxname",
    "zqxguardian",
    "zqxmail",
    "0199",
    "zqxbest",
    "zqxmessage",
    "zqxheld",
];

fn bounce(id: &str, staff: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("events/ses/bounced.json");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("01JD0000000000000000000000", id)
        .replace("intake@practice.test", staff);
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn no_staff_email_in_minimal_mode_carries_anything_the_person_wrote() {
    let fallback = format!("office-{}@practice.test", unique());
    let escalation = format!("owner-{}@practice.test", unique());
    let console = Console::spawn_with(&[
        ("STAFF_EMAIL_CONTENT", "minimal"),
        ("NOTIFY_FALLBACK_TO", &fallback),
        ("ESCALATE_TO", &escalation),
        ("FOLLOW_UP_KEY", "a-follow-up-key-of-at-least-32-bytes!!"),
        ("RATE_LIMIT_PER_HOUR", "50"),
    ])
    .await;
    let test = &console.test;
    set_clock(test, ny("2026-11-30 09:30"));
    let person = json!({
        "name": "Zqxname Person",
        "email": "zqxmail@example.com",
        "phone": "(415) 555-0199",
        "preferred_contact": "phone",
        "best_time": "zqxbest mornings",
        "session_format": "telehealth",
        "message": "zqxmessage: I want to end my life",
        "consent": true,
        // A personal answer never leaves the console; the others may.
        "answers": {"state": "IL", "payment": "bcbs", "client_type": "child", "guardian_name": "Zqxguardian Person"}
    });
    let sent = test.post_json(&person).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let id = sent.json()["id"].as_str().unwrap().to_owned();
    let mut held = person.clone();
    held["name"] = json!("Zqxheld Person");
    held["website"] = json!("http://spam.example");
    assert_eq!(test.post_json(&held).await.status, 201);

    // SES says the staff address bounced: the fallback goes out.
    test.app
        .delivery()
        .record_ses_event(serde_json::from_value(bounce(&id, &test.staff)).unwrap())
        .await
        .unwrap();
    // The day goes on: the reminder, the escalation, the digest; next Monday, the summary.
    for hours in [2, 3, 4, 24, 24 * 7] {
        set_clock(
            test,
            ny("2026-11-30 09:30") + chrono::Duration::hours(hours),
        );
        consultation_form::scheduled_run::run(&test.app, None, Deadline::unknown()).await;
    }

    let mut kinds = std::collections::BTreeSet::new();
    for address in [&test.staff, &fallback, &escalation] {
        for request in send_email_requests_to(address).await {
            let kind = request["EmailTags"]
                .as_array()
                .and_then(|tags| tags.iter().find(|t| t["Name"] == "email_kind"))
                .map(|t| t["Value"].as_str().unwrap().to_owned())
                .unwrap_or_default();
            kinds.insert(kind.clone());
            let wire = request.to_string().to_lowercase();
            for marker in MARKERS {
                assert!(!wire.contains(marker), "{kind}: {marker} in {wire}");
            }
            assert!(
                request["ReplyToAddresses"]
                    .as_array()
                    .is_none_or(|r| r.is_empty()),
                "{kind}: no Reply-To of the person"
            );
            if ["staff", "reminder", "escalation", "fallback"].contains(&kind.as_str()) {
                let html = request["Content"]["Simple"]["Body"]["Html"]["Data"]
                    .as_str()
                    .unwrap();
                assert_eq!(
                    html.matches("https://staff.practice.test/staff/requests/")
                        .count(),
                    1,
                    "{kind}: one console link"
                );
                let subject = request["Content"]["Simple"]["Subject"]["Data"]
                    .as_str()
                    .unwrap();
                assert!(
                    subject.contains(&id) && subject.starts_with("Urgent: "),
                    "{kind}: {subject}"
                );
                // The answers that are not personal are there to route by.
                for shown in ["Illinois", "Blue Cross Blue Shield", "My child"] {
                    assert!(html.contains(shown), "{kind}: {shown}");
                }
            }
        }
    }
    let every = [
        "digest",
        "escalation",
        "fallback",
        "reminder",
        "staff",
        "summary",
    ];
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        every,
        "every kind of staff email was sent"
    );
}

#[tokio::test]
async fn minimal_mode_needs_the_console() {
    let refused = consultation_form::config::Config::from_vars(
        &[
            ("TABLE_NAME", "t-minimal"),
            ("NOTIFY_FROM", "forms@practice.test"),
            ("NOTIFY_TO", "staff@practice.test"),
            ("ALLOWED_ORIGINS", "https://www.practice.test"),
            ("STAFF_EMAIL_CONTENT", "minimal"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    )
    .unwrap_err();
    assert_eq!(refused.variable(), "STAFF_EMAIL_CONTENT");
}
