//! Spam defences: the honeypot, Turnstile (against a stand-in verifier on 127.0.0.1) and the
//! per-client rate limit.

use crate::helpers::{
    RequestSpec, SOURCE_IP, TestApp, answer, closed_endpoint, full_submission, s, serve, with_token,
};
use chrono::Duration;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The domain the tests' events arrive on (`requestContext.domainName`).
pub const API_HOST: &str = "test.execute-api.us-east-1.amazonaws.com";

#[derive(Clone, Copy)]
pub enum Verifier {
    Accept,
    Reject,
    OtherHost,
    /// A token made by the hosted form's widget: on the API's own host.
    ApiHost,
    Hang,
    Fail,
    /// `success: false` with this error code.
    Refuse(&'static str),
    /// As Cloudflare would for a person on localhost: a token that starts with `expired` timed
    /// out, any other passes.
    ByToken,
}

/// A stand-in for Cloudflare's siteverify. Records the form fields of every check.
pub async fn stand_in(mode: Verifier) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let url = serve(move |_, body| {
        let recorded = recorded.clone();
        async move {
            let text = String::from_utf8_lossy(&body).into_owned();
            let expired = text.contains("response=expired");
            recorded.lock().unwrap().push(text);
            let verdict = match mode {
                Verifier::Accept => json!({"success": true, "hostname": "www.practice.test"}),
                Verifier::OtherHost => json!({"success": true, "hostname": "evil.example"}),
                Verifier::ApiHost => json!({"success": true, "hostname": API_HOST}),
                Verifier::Reject => {
                    json!({"success": false, "error-codes": ["invalid-input-response"]})
                }
                Verifier::Refuse(code) => json!({"success": false, "error-codes": [code]}),
                Verifier::ByToken if expired => {
                    json!({"success": false, "error-codes": ["timeout-or-duplicate"]})
                }
                Verifier::ByToken => json!({"success": true, "hostname": "localhost"}),
                Verifier::Hang => {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    json!({})
                }
                Verifier::Fail => return answer(500, None, "oops"),
            };
            answer(200, None, verdict.to_string())
        }
    })
    .await;
    (format!("{url}/siteverify"), seen)
}

async fn with_turnstile(mode: Verifier) -> (TestApp, Arc<Mutex<Vec<String>>>) {
    let (url, seen) = stand_in(mode).await;
    let test = TestApp::spawn_with(&[
        ("TURNSTILE_SECRET_KEY", "0x-test-secret"),
        ("TURNSTILE_VERIFY_URL", &url),
    ])
    .await;
    (test, seen)
}

#[tokio::test]
async fn a_passed_check_is_stored_as_passed_and_never_stores_the_token() {
    let (test, seen) = with_turnstile(Verifier::Accept).await;

    let response = test.post_json(&with_token()).await;

    assert_eq!(response.status, 201, "{}", response.body);
    let item = &test.items().await[0];
    assert_eq!(s(item, "verification"), "passed");
    assert!(
        !format!("{item:?}").contains("DUMMY"),
        "the token is never stored"
    );
    let checks = seen.lock().unwrap().clone();
    assert_eq!(checks.len(), 1);
    let fields: std::collections::HashMap<String, String> =
        form_fields(&checks[0]).into_iter().collect();
    assert_eq!(fields["secret"], "0x-test-secret");
    assert_eq!(fields["response"], "XXXX.DUMMY.TOKEN.XXXX");
    assert_eq!(fields["remoteip"], SOURCE_IP);
    assert_eq!(fields["idempotency_key"].len(), 36, "a UUID-shaped key");
}

fn form_fields(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |x: &str| {
                percent_encoding::percent_decode_str(x)
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

#[tokio::test]
async fn a_rejected_token_is_422_captcha_failed_and_nothing_is_kept() {
    for mode in [Verifier::Reject, Verifier::OtherHost] {
        let (test, _) = with_turnstile(mode).await;
        let response = test.post_json(&with_token()).await;
        assert_eq!(response.status, 422);
        assert_eq!(
            response.json()["fields"]["cf-turnstile-response"][0]["code"],
            "captcha_failed"
        );
        test.assert_nothing_kept().await;
    }
}

#[tokio::test]
async fn a_missing_token_is_captcha_failed_without_asking_the_verifier() {
    let (test, seen) = with_turnstile(Verifier::Accept).await;
    let response = test.post_json(&full_submission()).await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json()["fields"]["cf-turnstile-response"][0]["code"],
        "captcha_failed"
    );
    assert!(seen.lock().unwrap().is_empty());
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn a_verifier_that_hangs_or_fails_never_turns_a_person_away() {
    for mode in [Verifier::Hang, Verifier::Fail] {
        let (test, _) = with_turnstile(mode).await;
        let started = std::time::Instant::now();
        let response = test.post_json(&with_token()).await;

        assert_eq!(response.status, 201);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the check has a short timeout"
        );
        let item = &test.items().await[0];
        assert_eq!(s(item, "verification"), "unverified");
        let email = &test.send_email_requests().await[0];
        assert!(
            email["Content"]["Simple"]["Body"]["Text"]["Data"]
                .as_str()
                .unwrap()
                .contains("Bot check:         not verified")
        );
    }
}

#[tokio::test]
async fn an_expired_or_reused_token_is_422_captcha_expired_and_nothing_is_kept() {
    let (test, seen) = with_turnstile(Verifier::Refuse("timeout-or-duplicate")).await;
    let response = test.post_json(&with_token()).await;
    assert_eq!(response.status, 422);
    let body = response.json();
    assert_eq!(
        body["fields"]["cf-turnstile-response"][0]["code"],
        "captcha_expired"
    );
    assert!(
        body["fields"]["cf-turnstile-response"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Send the form again")
    );
    let page = test
        .post_form("name=Ana+Lima&email=ana%40example.com&consent=on&cf-turnstile-response=old")
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("security check ran out"),
        "{}",
        page.body
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn the_verifiers_own_errors_keep_the_request_unverified() {
    for code in [
        "internal-error",
        "invalid-input-secret",
        "missing-input-secret",
    ] {
        let (test, _) = with_turnstile(Verifier::Refuse(code)).await;
        assert_eq!(test.post_json(&with_token()).await.status, 201, "{code}");
        assert_eq!(
            s(&test.items().await[0], "verification"),
            "unverified",
            "{code}"
        );
        assert_eq!(test.sent_emails().await.len(), 1, "{code}: staff are told");
    }
}

#[tokio::test]
async fn an_unreachable_verifier_keeps_the_request_unverified() {
    let url = format!("{}/siteverify", closed_endpoint());
    let test = TestApp::spawn_with(&[
        ("TURNSTILE_SECRET_KEY", "secret"),
        ("TURNSTILE_VERIFY_URL", &url),
    ])
    .await;
    assert_eq!(test.post_json(&with_token()).await.status, 201);
    assert_eq!(s(&test.items().await[0], "verification"), "unverified");
}

#[tokio::test]
async fn a_filled_honeypot_in_a_form_post_is_redirected_held_and_not_emailed() {
    let test = TestApp::spawn_with(&[("THANK_YOU_URL", "https://www.practice.test/thanks")]).await;
    let response = test
        .post_form("name=Bot&email=bot%40example.com&consent=on&website=http%3A%2F%2Fspam.example")
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(
        response.header("location"),
        Some("https://www.practice.test/thanks")
    );
    let items = test.items().await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "notify_status"), "held");
    assert_eq!(test.send_email_requests().await.len(), 0);
}

#[tokio::test]
async fn requests_held_as_spam_count_towards_the_hourly_limit() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "2")]).await;
    for n in 0..2 {
        let mut spam = submission(n);
        spam["website"] = json!("http://spam.example");
        assert_eq!(test.post_json(&spam).await.status, 201);
    }
    let response = test.post_json(&submission(9)).await;
    assert_eq!(response.status, 429);
    assert_eq!(test.items().await.len(), 2);
}

fn submission(n: usize) -> Value {
    let mut body = full_submission();
    body["message"] = json!(format!("request number {n}"));
    body
}

fn from_ip(body: &Value, ip: &str) -> RequestSpec {
    let mut spec = RequestSpec::post_json(body);
    spec.source_ip = ip.to_owned();
    spec
}

#[tokio::test]
async fn a_client_gets_its_hourly_share_then_429() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "3")]).await;
    for n in 0..3 {
        assert_eq!(test.post_json(&submission(n)).await.status, 201);
    }
    // A repeat of an accepted request is a replay, not a new request: it does not count.
    assert_eq!(
        test.post_json(&submission(0))
            .await
            .header("idempotent-replayed"),
        Some("true")
    );

    let limited = test.post_json(&submission(3)).await;

    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["error"], "rate_limited");
    let retry_after: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after));
    assert_eq!(test.items().await.len(), 3);
    assert_eq!(test.sent_emails().await.len(), 3);

    let other_client = test.send(from_ip(&submission(4), "198.51.100.99")).await;
    assert_eq!(
        other_client.status, 201,
        "another address has its own share"
    );

    test.clock.advance(Duration::hours(1));
    assert_eq!(
        test.post_json(&submission(5)).await.status,
        201,
        "a new hour, a new share"
    );
}

#[tokio::test]
async fn the_client_address_is_stored_only_as_a_keyed_hash() {
    let test = TestApp::spawn().await;
    test.post_json(&full_submission()).await;
    let everything = format!("{:?}", test.all_items().await);
    assert!(everything.contains("rate#"), "a counter exists");
    assert!(!everything.contains(SOURCE_IP));
    assert!(!everything.contains(&SOURCE_IP.replace('.', "")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_cannot_overshoot_the_limit() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "5")]).await;
    let tasks: Vec<_> = (0..12)
        .map(|n| {
            let app = test.app.clone();
            let event = RequestSpec::post_json(&submission(n)).event_json();
            tokio::spawn(async move {
                let request =
                    consultation_form::http::envelope::request_from_event(&event).unwrap();
                consultation_form::http::handle(&app, request)
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(test.items().await.len(), 5);
}
