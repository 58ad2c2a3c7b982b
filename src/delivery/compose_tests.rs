//! The staff email as rendered: every field shown and escaped, links, subjects, what is withheld.

use super::*;
use crate::domain::{ConsultationRequest, Field, SubmissionRules, SubmittedForm};
use crate::notify::{Email, SUBJECT_NAME_CHARS, render};
use chrono::{DateTime, Utc};

/// When the example request was received and its email sent.
const AT: DateTime<Utc> = DateTime::from_timestamp(1_795_701_900, 0).unwrap(); // 2026-11-26T14:05:00Z

fn received(form: SubmittedForm, urgent: bool) -> ReceivedRequest {
    let request = ConsultationRequest::parse(&form, SubmissionRules::default())
        .unwrap()
        .request;
    ReceivedRequest {
        urgent,
        ..ReceivedRequest::example(request, AT)
    }
}

fn form() -> SubmittedForm {
    SubmittedForm::new()
        .with(Field::Name, "Ana <b>Lima</b> & Co")
        .with(Field::Email, "ana@example.com")
        .with(Field::Phone, "415 555 2671")
        .with(Field::BestTime, "<i>evenings</i>")
        .with(Field::SessionFormat, "telehealth")
        .with(Field::Message, "<script>alert('x')</script>\nSecond line")
        .with(Field::Consent, "on")
}

fn settings(include_message: bool) -> EmailSettings {
    EmailSettings {
        timezone: chrono_tz::America::New_York,
        include_message,
        follow_up_key: None,
        reply_tracking_domain: None,
        default_language: crate::domain::Language::English,
        catalogues: std::sync::Arc::new(crate::catalogues::Catalogues::load().unwrap()),
        content: crate::config::StaffEmailContent::Full,
        console_requests: None,
    }
}

fn render_notification(
    received: &ReceivedRequest,
    settings: &EmailSettings,
    at: DateTime<Utc>,
) -> Result<Email, askama::Error> {
    render(&settings.staff_email(received, StaffEmailKind::Notification, at))
}

fn render_reminder(
    received: &ReceivedRequest,
    settings: &EmailSettings,
    escalation: bool,
    at: DateTime<Utc>,
) -> Result<Email, askama::Error> {
    render(&settings.reminder(received, escalation, at))
}

#[test]
fn a_request_in_another_language_says_which_so_staff_answer_in_it() {
    let english = render_notification(&received(form(), false), &settings(true), AT).unwrap();
    assert!(!english.text.contains("Preferred language"));
    assert!(!english.html.contains("Preferred language"));
    let spanish = ReceivedRequest {
        language: crate::domain::Language::Spanish,
        ..received(form(), false)
    };
    let email = render_notification(&spanish, &settings(true), AT).unwrap();
    assert!(
        email.text.contains("Preferred language: Spanish\n"),
        "{}",
        email.text
    );
    assert!(
        email.html.contains(
            "Preferred language</th><td style=\"padding:4px 0;\"><strong>Spanish</strong>"
        )
    );
    assert!(email.subject.starts_with("New consultation request from"));
}

#[test]
fn every_field_is_shown_and_escaped() {
    let email = render_notification(&received(form(), false), &settings(true), AT).unwrap();
    assert_eq!(
        email.subject,
        "New consultation request from Ana <b>Lima</b> & Co"
    );
    assert!(
        email
            .html
            .contains("Ana &#60;b&#62;Lima&#60;/b&#62; &#38; Co")
    );
    assert!(!email.html.contains("<script>"));
    assert!(!email.html.contains("<i>"));
    assert!(email.html.contains("&#60;script&#62;"));
    assert!(email.html.contains("href=\"tel:+14155552671\""));
    assert!(email.html.contains("href=\"mailto:ana@example.com\""));
    assert!(
        email
            .text
            .contains("Name:              Ana <b>Lima</b> & Co")
    );
    assert!(email.text.contains("Phone:             +14155552671"));
    assert!(email.text.contains("Best time:         <i>evenings</i>"));
    assert!(email.text.contains("Session format:    Telehealth (video)"));
    assert!(email.text.contains("Preferred contact: Email"));
    assert!(
        email
            .text
            .contains("<script>alert('x')</script>\nSecond line")
    );
    // 14:05 UTC is 09:05 in New York in November.
    assert!(
        email
            .text
            .contains("Thursday 26 November 2026, 09:05 EST (America/New_York)")
    );
    assert!(!email.text.contains("URGENT"));
}

#[test]
fn the_message_can_be_withheld() {
    let email = render_notification(&received(form(), false), &settings(false), AT).unwrap();
    for part in [&email.text, &email.html] {
        assert!(!part.contains("Second line"));
        assert!(part.contains("The message is not included in this email"));
    }
}

#[test]
fn urgent_requests_say_so_first() {
    let email = render_notification(&received(form(), true), &settings(true), AT).unwrap();
    assert!(
        email
            .subject
            .starts_with("Urgent: New consultation request from")
    );
    assert!(email.text.starts_with("URGENT:"));
    assert!(email.text.contains("not an assessment"));
    assert!(email.html.contains("<strong>Urgent:</strong>"));
}

#[test]
fn links_are_percent_encoded_and_the_subject_holds_no_encoded_word() {
    let form = form()
        .with(Field::Email, "ana?cc=spy&body=x@mail.example")
        .with(Field::Name, "=?UTF-8?B?SGFja2Vk?=");
    let email = render_notification(&received(form, false), &settings(true), AT).unwrap();
    assert!(
        email
            .html
            .contains("href=\"mailto:ana%3Fcc%3Dspy%26body%3Dx@mail.example\""),
        "{}",
        email.html
    );
    assert!(!email.subject.contains("=?"), "{}", email.subject);
    assert_eq!(
        email.subject,
        "New consultation request from = ?UTF-8?B?SGFja2Vk?="
    );
}

#[test]
fn with_a_key_and_a_base_url_the_email_carries_one_follow_up_link_per_state() {
    let mut request = received(form(), false);
    let mut with_key = settings(true);
    with_key.follow_up_key = Some(FollowUpKey::new(b"k".repeat(32), None));
    let without_base = render_notification(&request, &with_key, AT).unwrap();
    assert!(!without_base.text.contains("follow-up"));
    request.public_base_url = Some("https://forms.practice.example".to_owned());
    let email = render_notification(&request, &with_key, AT).unwrap();
    for state in FollowUpState::CHOICES {
        let link = format!(
            "https://forms.practice.example/consultations/{}/follow-up?state={}&#38;token=",
            request.id,
            state.as_str()
        );
        assert!(email.html.contains(&link), "{link} in {}", email.html);
        assert!(email.text.contains(&link.replace("&#38;", "&")));
    }
    assert!(
        !email.text.contains("Ana Lima@"),
        "links carry nothing personal"
    );
    let no_key = render_notification(&request, &settings(true), AT).unwrap();
    assert!(!no_key.html.contains("follow-up?"));
}

#[test]
fn long_names_are_cut_in_the_subject() {
    let name = "É".repeat(100);
    let email = render_notification(
        &received(form().with(Field::Name, &name), false),
        &settings(true),
        AT,
    )
    .unwrap();
    let expected = format!(
        "New consultation request from {}",
        "É".repeat(SUBJECT_NAME_CHARS)
    );
    assert_eq!(email.subject, expected);
    assert!(email.text.contains(&name));
}

#[tokio::test]
async fn links_in_an_escalation_work_for_30_days_from_the_escalation_not_from_receipt() {
    let key = FollowUpKey::new(b"k".repeat(32), None);
    let mut request = received(form(), false);
    request.public_base_url = Some("https://forms.practice.example".to_owned());
    let mut with_key = settings(true);
    with_key.follow_up_key = Some(key.clone());
    let token_of = |email: &Email| {
        let link = email
            .text
            .split_whitespace()
            .find(|w| w.contains("state=contacted&token="))
            .unwrap()
            .to_owned();
        link.rsplit("token=").next().unwrap().to_owned()
    };
    let escalated_at = AT + chrono::Duration::days(20);
    let escalation = render_reminder(&request, &with_key, true, escalated_at).unwrap();
    let first = render_notification(&request, &with_key, AT).unwrap();

    let day_40 = AT + chrono::Duration::days(40);
    let contacted = FollowUpState::Contacted;
    assert_eq!(
        key.verify(request.id, contacted, &token_of(&escalation), day_40)
            .await,
        Ok(()),
        "20 days after the escalation"
    );
    assert_eq!(
        key.verify(request.id, contacted, &token_of(&first), day_40)
            .await,
        Err(crate::follow_up::LinkError::Expired),
        "40 days after the first email"
    );
    let day_51 = escalated_at + crate::follow_up::LINK_LIFETIME + chrono::Duration::days(1);
    assert!(
        key.verify(request.id, contacted, &token_of(&escalation), day_51)
            .await
            .is_err()
    );
}
