//! Held for review, through the binary (its clock moved to a Monday morning, in business hours):
//! a plain form post without the captcha while Turnstile is on is held and thanked, not turned
//! away; the review digest lists it with a signed link; the link's page changes nothing and its
//! button releases the request once, and the retry path sends staff exactly one email. A JSON
//! client without a token is still refused; an urgent hold goes to staff at once.

use crate::clock_moved::{MovedClock, function_vars, to_next_monday_morning};
use crate::helpers::{RequestSpec, TestApp, full_submission, s, sent_emails_to, unique};
use crate::runtime_api::RuntimeApi;
use chrono::Duration;
use serde_json::{Value, json};

const FOLLOW_UP_KEY: &str = "follow-up-test-key-0123456789abcdef";

fn scheduled() -> String {
    json!({"action": "scheduled_run"}).to_string()
}

fn form_post(name: &str, message: &str) -> RequestSpec {
    let body = format!(
        "name={}&email=held-{}%40example.com&message={}&consent=on",
        name.replace(' ', "+"),
        unique(),
        message.replace(' ', "+")
    );
    RequestSpec::post_form(&body).header("origin", "http://localhost:8080")
}

/// Turnstile on (its verifier never asked here), links signed, the clock on a Monday morning.
async fn binary(test: &TestApp, clock: &MovedClock) -> (RuntimeApi, tokio::process::Child) {
    let runtime = RuntimeApi::start().await;
    let function = runtime.spawn_function(&function_vars(
        test,
        clock,
        &[
            ("TURNSTILE_SECRET_KEY", "0x-test-secret"),
            ("TURNSTILE_VERIFY_URL", "http://127.0.0.1:9/siteverify"),
            ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
            ("THANK_YOU_URL", "http://localhost:8080/thank-you.html"),
            ("RATE_LIMIT_PER_HOUR", "50"),
        ],
    ));
    (runtime, function)
}

fn staff_emails(emails: &[Value], subject_start: &str) -> usize {
    emails
        .iter()
        .filter(|m| m["subject"].as_str().unwrap().starts_with(subject_start))
        .count()
}

#[tokio::test]
async fn a_held_form_post_is_listed_in_the_digest_and_its_link_sends_staff_one_email() {
    let test = TestApp::spawn().await;
    let monday = MovedClock::ahead(to_next_monday_morning() + Duration::hours(1));
    let (runtime, _function) = binary(&test, &monday).await;
    let name = format!("Held Person {}", unique());

    let answer = runtime
        .invoke(&form_post(&name, "I could not get the widget to load").event_json())
        .await;

    assert_eq!(
        answer["statusCode"], 303,
        "thanked, not turned away: {answer}"
    );
    let item = test.items().await.remove(0);
    assert_eq!(s(&item, "held_reason"), "no_captcha");
    assert_eq!(s(&item, "notify_status"), "held");
    let id = s(&item, "id");
    let json = RequestSpec::post_json(&full_submission()).header("origin", "http://localhost:8080");
    let refused = runtime.invoke(&json.event_json()).await;
    assert_eq!(
        refused["statusCode"], 422,
        "a JSON client without a token: {refused}"
    );

    let run = runtime.invoke(&scheduled()).await;
    assert_eq!(run["review_digest_sent"], true, "{run}");
    let emails = sent_emails_to(&test.staff).await;
    assert_eq!(staff_emails(&emails, "Held for review"), 1);
    assert_eq!(
        staff_emails(&emails, "New consultation request"),
        0,
        "held, not sent"
    );
    let digest = emails
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with("Held for review")
        })
        .unwrap()["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(digest.contains(&name[..20]), "the name, defanged: {digest}");
    assert!(!digest.contains("widget"), "no message text");
    let href = digest
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let (path, query) = href
        .split_once("/consultation-form")
        .map(|(_, rest)| rest)
        .unwrap()
        .split_once('?')
        .unwrap();
    assert_eq!(path, format!("/consultations/{id}/release"));
    let token = query.strip_prefix("token=").unwrap();

    let mut page = RequestSpec::new("GET", path).header("origin", "");
    page.query = query.to_owned();
    let shown = runtime.invoke(&page.event_json()).await;
    assert_eq!(shown["statusCode"], 200, "{shown}");
    assert!(
        !shown["body"].as_str().unwrap().contains(&name),
        "no personal data"
    );
    let mut altered = page.clone();
    altered.query = format!("token={}0", token);
    assert_eq!(
        runtime.invoke(&altered.event_json()).await["statusCode"],
        403
    );
    assert_eq!(
        s(&test.item(&id).await, "notify_status"),
        "held",
        "a GET changes nothing"
    );

    let press = || {
        RequestSpec::new("POST", path)
            .header("origin", "")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .body(format!("state=release&token={token}").as_bytes())
            .event_json()
    };
    let released = runtime.invoke(&press()).await;
    assert_eq!(released["statusCode"], 200, "{released}");
    assert!(released["body"].as_str().unwrap().contains("Sent to staff"));
    let again = runtime.invoke(&press()).await;
    assert!(
        again["body"].as_str().unwrap().contains("Already sent"),
        "{again}"
    );

    let sent = runtime.invoke(&scheduled()).await;
    assert_eq!(
        sent["notifications"]["sent"], 1,
        "through the retry path: {sent}"
    );
    runtime.invoke(&scheduled()).await;
    let emails = sent_emails_to(&test.staff).await;
    assert_eq!(
        staff_emails(&emails, "New consultation request"),
        1,
        "exactly one"
    );
    assert_eq!(
        staff_emails(&emails, "Held for review"),
        1,
        "nothing new since the digest"
    );
    let item = test.item(&id).await;
    assert_eq!(s(&item, "follow_up"), "new");
    assert!(!item.contains_key("held_as_spam") && item.contains_key("reminder_queue"));
}

#[tokio::test]
async fn an_urgent_request_without_the_captcha_goes_to_staff_at_once_marked_unverified() {
    let test = TestApp::spawn().await;
    let monday = MovedClock::ahead(to_next_monday_morning() + Duration::hours(1));
    let (runtime, _function) = binary(&test, &monday).await;
    let name = format!("Urgent Person {}", unique());

    let answer = runtime
        .invoke(&form_post(&name, "I want to end my life").event_json())
        .await;

    assert_eq!(answer["statusCode"], 303, "{answer}");
    let item = test.items().await.remove(0);
    assert_eq!(s(&item, "held_reason"), "no_captcha");
    let emails = sent_emails_to(&test.staff).await;
    assert_eq!(
        staff_emails(&emails, "Urgent"),
        1,
        "at once, not left for the digest"
    );
    let body = emails[0]["body"].as_str().unwrap();
    assert!(body.contains("Unverified: held for review"), "{body}");
}

/// The path and query of the first link of `html` whose path ends with `ending` and whose query
/// holds `holding`.
fn link_in(html: &str, ending: &str, holding: &str) -> (String, String) {
    let href = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&#38;", "&").replace("&amp;", "&"))
        .find(|href| {
            href.split('?').next().is_some_and(|p| p.ends_with(ending)) && href.contains(holding)
        })
        .unwrap_or_else(|| panic!("no link to {ending} in {html}"));
    let (path, query) = href
        .split_once("/consultation-form")
        .map(|(_, rest)| rest)
        .unwrap()
        .split_once('?')
        .unwrap();
    (path.to_owned(), query.to_owned())
}

fn press(path: &str, form: &str) -> String {
    RequestSpec::new("POST", path)
        .header("origin", "")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(form.as_bytes())
        .event_json()
}

#[tokio::test]
async fn releasing_a_crisis_request_staff_already_handled_neither_resends_nor_reopens_it() {
    let test = TestApp::spawn().await;
    let monday = MovedClock::ahead(to_next_monday_morning() + Duration::hours(1));
    let (runtime, _function) = binary(&test, &monday).await;
    let name = format!("Urgent Person {}", unique());
    runtime
        .invoke(&form_post(&name, "I want to end my life").event_json())
        .await;
    let id = s(&test.items().await[0], "id");
    let emails = sent_emails_to(&test.staff).await;
    assert_eq!(staff_emails(&emails, "Urgent"), 1, "sent at once");

    // Staff called the person and closed it, from the email's link.
    let body = emails[0]["body"].as_str().unwrap();
    let (path, closed) = link_in(body, "/follow-up", "state=closed");
    let recorded = runtime.invoke(&press(&path, &closed)).await;
    assert_eq!(recorded["statusCode"], 200, "{recorded}");
    assert_eq!(s(&test.item(&id).await, "follow_up"), "closed");

    // The next digest still lists it, marked as already sent; someone presses Not spam.
    let run = runtime.invoke(&scheduled()).await;
    assert_eq!(run["review_digest_sent"], true, "{run}");
    let emails = sent_emails_to(&test.staff).await;
    let digest = emails
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with("Held for review")
        })
        .unwrap()["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(digest.contains("already sent to staff"), "{digest}");
    let (path, query) = link_in(&digest, "/release", "token=");
    let released = runtime
        .invoke(&press(
            &path,
            &query.replacen("token=", "state=release&token=", 1),
        ))
        .await;
    assert_eq!(released["statusCode"], 200, "{released}");
    assert!(
        released["body"].as_str().unwrap().contains("already"),
        "{released}"
    );

    // Nothing is sent again, nothing is reopened, nothing is reminded.
    for _ in 0..2 {
        runtime.invoke(&scheduled()).await;
    }
    let emails = sent_emails_to(&test.staff).await;
    assert_eq!(staff_emails(&emails, "Urgent"), 1, "never sent again");
    assert_eq!(staff_emails(&emails, "Reminder"), 0, "never reminded");
    let item = test.item(&id).await;
    assert_eq!(s(&item, "follow_up"), "closed", "never moved back");
    assert!(!item.contains_key("reminder_queue"), "no reminder due");
    assert!(
        !item.contains_key("held_as_spam") && !item.contains_key("held_queue"),
        "no longer held"
    );
}
