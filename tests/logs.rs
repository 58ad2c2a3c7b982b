//! What reaches the logs, captured from the real subscriber installed for this whole test binary:
//! the summary and alarm lines operators rely on, and never a name, email, phone, message or client
//! address, even with every crate asked for `trace`.

#[allow(dead_code, unused_imports)]
#[path = "api/helpers/mod.rs"]
mod helpers;

use chrono::Duration;
use consultation_form::deadline::Deadline;
use consultation_form::scheduled_run::{Run, notifications};
use helpers::{CapturedLogs, RequestSpec, TestApp, full_submission, s, unique};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// One subscriber for the process, as in the function, at the most verbose level anyone could ask.
fn logs() -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let directives = "trace,aws_smithy_runtime=trace,aws_smithy_http_client=trace,aws_sdk_dynamodb=trace,aws_sdk_sesv2=trace,hyper=trace,hyper_util=trace,rustls=trace,h2=trace";
        tracing::subscriber::set_global_default(logs.subscriber(directives))
            .expect("only this binary sets the subscriber");
        logs
    })
}

fn lines_with(key: &str, value: &str) -> Vec<Value> {
    logs()
        .lines()
        .into_iter()
        .filter(|line| line[key] == json!(value))
        .collect()
}

#[tokio::test]
async fn no_personal_data_reaches_the_logs_even_at_trace() {
    let logs = logs();
    let canary = format!("zq{}", &unique()[..10]);
    let name = format!("Canary {canary}");
    let email = format!("{canary}@example.com");
    let message = format!("message {canary}");
    let best_time = format!("time {canary}");
    let client_ip = "203.0.113.77";
    let sender = format!("refused-{canary}@practice.test");
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    let canary_body = json!({
        "name": name, "email": email, "phone": "(415) 555-0199", "preferred_contact": "phone",
        "best_time": best_time, "session_format": "either", "message": message, "consent": true,
        "idempotency_key": format!("key-{canary}")
    });
    let from_client = |spec: RequestSpec| RequestSpec {
        source_ip: client_ip.to_owned(),
        ..spec
    };
    let mut invalid = canary_body.clone();
    invalid["email"] = json!(format!("not-an-email-{canary}"));
    let mut spam = canary_body.clone();
    spam["website"] = json!(format!("http://{canary}.example"));
    let requests = [
        from_client(RequestSpec::post_json(&canary_body)),
        from_client(RequestSpec::post_json(&canary_body)),
        from_client(RequestSpec::post_json(&invalid)),
        from_client(RequestSpec::post_json(&spam)),
        from_client(RequestSpec::post_form(&format!(
            "name={canary}&email={canary}%40example.com&consent=on&message=form+{canary}"
        ))),
        from_client(
            RequestSpec::post_json(&canary_body).body(format!("{{\"name\": \"{canary}").as_bytes()),
        ),
    ];
    let mut ids = Vec::new();
    for spec in requests {
        ids.push(spec.request_id.clone());
        test.send(spec).await;
    }
    // SES refuses the unverified sender: the deferred-notification path logs too.
    assert!(test.items().await.len() >= 2);

    let captured = logs.text();
    for id in &ids {
        assert!(
            captured.contains(id.as_str()),
            "the summary line of {id} is captured"
        );
    }
    for secret in [
        canary.as_str(),
        "4155550199",
        "555-0199",
        client_ip,
        "203.0.113",
    ] {
        assert!(
            !captured.contains(secret),
            "{secret:?} leaked into the logs"
        );
    }
    for line in logs.lines() {
        let target = line["target"].as_str().unwrap_or_default();
        let level = line["level"].as_str().unwrap_or_default();
        if ["aws_", "hyper", "h2", "rustls"]
            .iter()
            .any(|p| target.starts_with(p))
        {
            assert!(
                matches!(level, "WARN" | "ERROR"),
                "{target} logged at {level}: caps must hold"
            );
        }
    }
}

#[tokio::test]
async fn every_request_logs_one_summary_line_with_safe_fields() {
    logs();
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["email"] = json!("not an email");
    let spec = RequestSpec::post_json(&body);
    let id = spec.request_id.clone();
    test.send(spec).await;

    let lines = lines_with("request_id", &id);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["message"], "request handled");
    assert_eq!(line["outcome"], "invalid");
    assert_eq!(line["status"], 422);
    assert_eq!(line["field_errors"], "email:invalid_email");
    assert!(line["duration_ms"].is_u64());
    assert_eq!(line["level"], "INFO");

    let stored = RequestSpec::post_json(&full_submission());
    let stored_id = stored.request_id.clone();
    let response = test.send(stored).await;
    let line = &lines_with("request_id", &stored_id)[0];
    assert_eq!(line["outcome"], "stored");
    assert_eq!(line["submission_id"], response.json()["id"]);
    assert_eq!(line["notify"], "sent");
}

#[tokio::test]
async fn a_honeypot_hit_logs_spam() {
    logs();
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["website"] = json!("http://spam.example");
    let spec = RequestSpec::post_json(&body);
    let id = spec.request_id.clone();
    test.send(spec).await;
    assert_eq!(lines_with("request_id", &id)[0]["outcome"], "spam");
}

#[tokio::test]
async fn an_unreachable_verifier_logs_a_warning() {
    logs();
    let url = format!("{}/siteverify", helpers::closed_endpoint());
    let test = TestApp::spawn_with(&[
        ("TURNSTILE_SECRET_KEY", "secret"),
        ("TURNSTILE_VERIFY_URL", &url),
    ])
    .await;
    let body = helpers::with_token();
    let spec = RequestSpec::post_json(&body);
    let id = spec.request_id.clone();

    assert_eq!(test.send(spec).await.status, 201);

    let warnings = lines_with("request_id", &id)
        .into_iter()
        .filter(|l| l["event"] == "captcha_unavailable")
        .collect::<Vec<_>>();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["level"], "WARN");
}

#[tokio::test]
async fn a_notification_that_fails_for_good_logs_the_line_the_alarm_watches() {
    logs();
    let test =
        TestApp::spawn_with(&[("NOTIFY_FROM", &format!("never-{}@practice.test", unique()))]).await;
    let test_started = test.clock.now_plus(Duration::zero());
    test.post_json(&full_submission()).await;
    let id = s(&test.items().await[0], "id");
    for after in consultation_form::delivery::RETRY_AFTER {
        let since_receipt = test.clock.now_plus(Duration::zero()) - test_started;
        test.clock.advance(after - since_receipt);
        let deadline = Deadline::at(test.clock.now_plus(Duration::seconds(30)));
        notifications::run(&Run::new(&test.app, deadline))
            .await
            .unwrap();
    }

    let lines = lines_with("submission_id", &id);
    let failed: Vec<_> = lines
        .iter()
        .filter(|l| l["event"] == "notification_failed")
        .collect();
    assert_eq!(failed.len(), 1, "{lines:?}");
    assert_eq!(failed[0]["level"], "ERROR");
    assert_eq!(failed[0]["attempts"], 7, "the request path and six retries");
    let deferred = lines
        .iter()
        .filter(|l| l["event"] == "notification_deferred")
        .count();
    assert_eq!(deferred, 6);
}

#[tokio::test]
async fn a_staff_bounce_logs_the_line_the_alarm_watches_without_the_persons_details() {
    logs();
    let test = TestApp::spawn().await;
    let response = test.post_json(&full_submission()).await;
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let event = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("events/ses/bounced-suppression-list.json"),
    )
    .unwrap()
    .replace("01JD0000000000000000000000", &id)
    .replace("intake@practice.test", &test.staff);
    let report = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_str(&event).unwrap())
        .await
        .unwrap();
    assert_eq!(report.outcome, "recorded");

    let lines = lines_with("submission_id", &id);
    let alarm: Vec<_> = lines
        .iter()
        .filter(|l| l["event"] == "staff_email_problem")
        .collect();
    assert_eq!(alarm.len(), 1, "{lines:?}");
    assert_eq!(alarm[0]["level"], "ERROR");
    assert_eq!(alarm[0]["delivery_status"], "bounced");
    assert_eq!(alarm[0]["bounce_sub_type"], "OnAccountSuppressionList");
    assert_eq!(alarm[0]["staff_recipients"], json!(test.staff));
    let text = alarm[0].to_string();
    assert!(
        !text.contains("Ana") && !text.contains("Example.COM"),
        "{text}"
    );
}

/// A sample SES bounce of the email of `kind` about `id` (or about no request), to `recipient`.
fn bounce(id: Option<&str>, kind: &str, recipient: &str) -> Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events/ses/bounced.json"),
    )
    .unwrap()
    .replace("intake@practice.test", recipient);
    let mut event: Value = serde_json::from_str(&text).unwrap();
    let tags = &mut event["detail"]["mail"]["tags"];
    tags["email_kind"] = json!([kind]);
    match id {
        Some(id) => tags["submission_id"] = json!([id]),
        None => {
            tags.as_object_mut().unwrap().remove("submission_id");
        }
    }
    event
}

#[tokio::test]
async fn an_escalation_bounce_raises_the_staff_alarm_and_leaves_delivery_status_alone() {
    logs();
    let boss = format!("owner-{}@practice.test", unique());
    let test = TestApp::spawn_with(&[("ESCALATE_TO", &boss)]).await;
    let id = test.post_json(&full_submission()).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let report = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_value(bounce(Some(&id), "escalation", &boss)).unwrap())
        .await
        .unwrap();

    assert_eq!(report.outcome, "ignored", "{report:?}");
    assert!(
        !test.item(&id).await.contains_key("delivery_status"),
        "the staff notification's status is SES's word on that email alone"
    );
    let alarm: Vec<_> = lines_with("submission_id", &id)
        .into_iter()
        .filter(|l| l["event"] == "staff_email_problem")
        .collect();
    assert_eq!(alarm.len(), 1);
    assert_eq!(alarm[0]["email"], "escalation");
    assert_eq!(alarm[0]["staff_recipients"], json!(boss));
}

#[tokio::test]
async fn a_bounce_of_the_weekly_summary_which_names_no_request_raises_the_staff_alarm() {
    logs();
    let test = TestApp::spawn().await;

    let report = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_value(bounce(None, "summary", &test.staff)).unwrap())
        .await
        .unwrap();

    assert_eq!(report.outcome, "ignored");
    let alarm: Vec<_> = lines_with("staff_recipients", &test.staff)
        .into_iter()
        .filter(|l| l["event"] == "staff_email_problem")
        .collect();
    assert_eq!(alarm.len(), 1, "one alarm line");
    assert_eq!(alarm[0]["email"], "summary");
}
