//! Where the console answers: only on its own host (and the form only on its own), and a link
//! followed while signed out, which returns to its page after sign-in.

use super::pages::post;
use super::{Console, HOST, is_sign_in};
use crate::helpers::{RequestSpec, full_submission, unique};
use consultation_form::staff::Role;

#[tokio::test]
async fn the_console_answers_only_on_its_own_host_and_a_form_post_builds_none_of_it() {
    let console = Console::spawn().await;
    // A form post on the form's host: stored, and nothing of the console built.
    let answer = console.test.post_json(&full_submission()).await;
    assert_eq!(answer.status, 201);
    let form_post = RequestSpec::post_json(&full_submission());
    let event = form_post.event_json();
    let request = consultation_form::http::envelope::request_from_event(&event).unwrap();
    let routed = consultation_form::lambda::route(&console.test.app, &console.cell, request).await;
    assert!(
        matches!(routed.status().as_u16(), 201 | 200),
        "{}",
        routed.status()
    );
    assert!(
        !console.cell.is_built(),
        "a form post builds nothing of the console"
    );
    // /staff on the form's host: not found.
    for path in ["/staff", "/staff/requests"] {
        let event = RequestSpec::new("GET", path)
            .header("origin", "")
            .event_json();
        let request = consultation_form::http::envelope::request_from_event(&event).unwrap();
        let answer =
            consultation_form::lambda::route(&console.test.app, &console.cell, request).await;
        assert_eq!(answer.status().as_u16(), 404, "{path} on the form's host");
    }
    assert!(!console.cell.is_built());
    // The form's routes on the console's host: not found.
    let mut browser = console.browser();
    assert_eq!(browser.get("/consultations/form").await.status, 404);
    assert!(console.cell.is_built());
    assert!(is_sign_in(&browser.get("/staff").await));
    let _ = HOST;
}

#[tokio::test]
async fn a_link_followed_while_signed_out_returns_to_that_page_after_sign_in() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Linked Person",
        &format!("l{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (_, mut passkey, _) = console
        .signed_in("link@practice.test", Role::FrontDesk)
        .await;
    let mut browser = console.browser();
    let page = browser.get(&format!("/staff/requests/{id}")).await;
    assert!(
        is_sign_in(&page),
        "signed out: the sign-in page, not the request"
    );
    assert!(!page.body.contains("Linked Person"));
    let options_url = page
        .body
        .split("data-options=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let options = browser
        .post_json(&options_url, &serde_json::Value::Null, None)
        .await
        .json();
    let answer = passkey.assert(&options, super::ORIGIN, Default::default());
    let signed = browser.post_json("/staff/sign-in", &answer, None).await;
    assert_eq!(signed.json()["redirect"], format!("/staff/requests/{id}"));
    // A return path elsewhere is never followed.
    let evil = browser
        .post_json(
            "/staff/sign-in/options?return=https%3A%2F%2Fevil.example%2Fstaff",
            &serde_json::Value::Null,
            None,
        )
        .await
        .json();
    let answer = passkey.assert(&evil, super::ORIGIN, Default::default());
    let signed = browser.post_json("/staff/sign-in", &answer, None).await;
    assert_eq!(signed.json()["redirect"], "/staff/requests");
}
