//! One click from the staff email: the links work end to end, a `GET` changes nothing, the
//! confirmation's `POST` records the state, a forged or expired link is a `403`.

use crate::helpers::{RequestSpec, TestApp, TestResponse, full_submission, s};
use crate::runtime_api::{RuntimeApi, local_env};
use chrono::Duration;
use serde_json::Value;

const FOLLOW_UP_KEY: &str = "follow-up-test-key-0123456789abcdef";

/// The staff email's link for `state`, as path and query.
async fn link(test: &TestApp, state: &str) -> (String, String) {
    let sent = test.send_email_requests().await;
    let text = sent[0]["Content"]["Simple"]["Body"]["Text"]["Data"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = text
        .split_whitespace()
        .find(|word| word.contains(&format!("state={state}&")))
        .unwrap_or_else(|| panic!("no {state} link in {text}"))
        .to_owned();
    let rest = url
        .strip_prefix("https://test.execute-api.us-east-1.amazonaws.com")
        .unwrap();
    let (path, query) = rest.split_once('?').unwrap();
    (path.to_owned(), query.to_owned())
}

fn get(path: &str, query: &str) -> RequestSpec {
    let mut spec = RequestSpec::new("GET", path)
        .header("origin", "")
        .header("accept", "text/html");
    spec.query = query.to_owned();
    spec
}

fn post(path: &str, form: &str) -> RequestSpec {
    RequestSpec::new("POST", path)
        .header("origin", "https://test.execute-api.us-east-1.amazonaws.com")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .body(form.as_bytes())
}

async fn follow_up_state(test: &TestApp) -> String {
    s(&test.items().await[0], "follow_up")
}

#[tokio::test]
async fn the_emails_link_shows_a_confirmation_and_only_its_button_records_the_state() {
    let test = TestApp::spawn_with(&[("FOLLOW_UP_KEY", FOLLOW_UP_KEY)]).await;
    test.post_json(&full_submission()).await;
    assert_eq!(follow_up_state(&test).await, "new");
    let (path, query) = link(&test, "contacted").await;

    let page = test.send(get(&path, &query)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<form method=\"post\""), "{}", page.body);
    assert!(page.body.contains("Contacted"));
    assert!(
        !page.body.contains("Ana") && !page.body.contains("anxious"),
        "no personal data"
    );
    assert_eq!(
        page.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    assert_eq!(follow_up_state(&test).await, "new", "a GET changes nothing");

    test.clock.advance(Duration::hours(2));
    let recorded = test.send(post(&path, &query)).await;
    assert_eq!(recorded.status, 200, "{}", recorded.body);
    assert!(recorded.body.contains("Recorded"));
    let item = &test.items().await[0];
    assert_eq!(s(item, "follow_up"), "contacted");
    assert_ne!(s(item, "follow_up_at"), s(item, "received_at"));
}

#[tokio::test]
async fn a_forged_altered_or_expired_link_is_403_and_changes_nothing() {
    let test = TestApp::spawn_with(&[("FOLLOW_UP_KEY", FOLLOW_UP_KEY)]).await;
    test.post_json(&full_submission()).await;
    let (path, query) = link(&test, "scheduled").await;

    let mut altered = query.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'a' { b'b' } else { b'a' };
    let altered = String::from_utf8(altered).unwrap();
    let other_state = query.replace("state=scheduled", "state=closed");
    for (label, form) in [
        ("one character changed", &altered),
        ("another state", &other_state),
    ] {
        let page: TestResponse = test.send(post(&path, form)).await;
        assert_eq!(page.status, 403, "{label}: {}", page.body);
        assert_eq!(test.send(get(&path, form)).await.status, 403, "{label}");
    }
    test.clock.advance(Duration::days(31));
    assert_eq!(test.send(post(&path, &query)).await.status, 403, "expired");
    assert_eq!(follow_up_state(&test).await, "new");
}

#[tokio::test]
async fn the_links_work_through_the_binary() {
    let test = TestApp::spawn_with(&[("FOLLOW_UP_KEY", FOLLOW_UP_KEY)]).await;
    test.post_json(&full_submission()).await;
    let (path, query) = link(&test, "referred").await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("FOLLOW_UP_KEY", FOLLOW_UP_KEY),
    ]));

    let page: Value = runtime.invoke(&get(&path, &query).event_json()).await;
    assert_eq!(page["statusCode"], 200, "{page}");
    assert_eq!(follow_up_state(&test).await, "new");
    let recorded: Value = runtime.invoke(&post(&path, &query).event_json()).await;
    assert_eq!(recorded["statusCode"], 200, "{recorded}");
    assert_eq!(follow_up_state(&test).await, "referred");
    let wrong_method: Value = runtime
        .invoke(&RequestSpec::new("DELETE", &path).event_json())
        .await;
    assert_eq!(wrong_method["statusCode"], 405);
}
