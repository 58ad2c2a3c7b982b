//! Webhooks through the binary: a local receiver that verifies every delivery with the Standard
//! Webhooks reference library (`tests/webhook_receiver.py`), endpoints managed by the operator
//! tool, each change's delivery written with it and sent only by the scheduled runs.

use crate::admin::{admin, stdout};
use crate::helpers::{TestApp, full_submission, unique};
use crate::runtime_api::{RuntimeApi, test_env};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use std::collections::HashMap;
use tokio::io::{AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

pub(crate) const LOCAL: (&str, &str) = ("WEBHOOKS_ALLOW_LOCAL_HTTP", "true");

/// The Python receiver: its URL, and each request it got (verified or not) as a JSON line.
pub(crate) struct Receiver {
    pub url: String,
    lines: Lines<BufReader<ChildStdout>>,
    process: Child,
}

impl Receiver {
    /// A receiver answering each verified request with the next of `statuses`.
    pub async fn start(statuses: &[&str]) -> Self {
        let args: Vec<&std::ffi::OsStr> = statuses.iter().map(std::ffi::OsStr::new).collect();
        let (process, lines, first) =
            crate::helpers::python_server("webhook_receiver.py", &args).await;
        let port = first.strip_prefix("listening ").expect("listening <port>");
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            lines,
            process,
        }
    }

    /// The secret the receiver verifies with (known once the endpoint is added).
    pub async fn trust(&mut self, secret: &str) {
        let stdin = self.process.stdin.as_mut().unwrap();
        stdin
            .write_all(format!("{secret}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
    }

    /// The next request the receiver got.
    pub async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(std::time::Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("a delivery within 20 s")
            .unwrap()
            .expect("the receiver is running");
        serde_json::from_str(&line).unwrap()
    }
}

/// Adds an endpoint with the operator tool; its id and (for a standard one) its secret.
pub(crate) async fn add(test: &TestApp, args: &[&str]) -> (String, Option<String>) {
    let mut all = vec!["webhooks", "add"];
    all.extend_from_slice(args);
    added(&stdout(
        &crate::admin::admin_with(test, &all, &[LOCAL]).await,
    ))
}

/// What `webhooks add` printed: the endpoint's id and (for a standard one) its secret.
pub(crate) fn added(out: &str) -> (String, Option<String>) {
    let id = out
        .lines()
        .find_map(|l| l.strip_prefix("added "))
        .and_then(|l| l.split_whitespace().next())
        .expect("the endpoint's id")
        .to_owned();
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("secret:").map(|v| v.trim().to_owned()));
    (id, secret)
}

/// A receiver answering `statuses`, added as a standard endpoint (with `args`) that it trusts.
pub(crate) async fn receiving(
    test: &TestApp,
    statuses: &[&str],
    args: &[&str],
) -> (Receiver, String) {
    let mut receiver = Receiver::start(statuses).await;
    let url = receiver.url.clone();
    let mut all = vec![url.as_str()];
    all.extend_from_slice(args);
    let (endpoint, secret) = add(test, &all).await;
    receiver
        .trust(&secret.expect("a standard endpoint's secret"))
        .await;
    (receiver, endpoint)
}

/// A binary under a Runtime API, set up like the test's app.
pub(crate) async fn binary(test: &TestApp) -> (RuntimeApi, Child) {
    let runtime = RuntimeApi::start().await;
    let function = runtime.spawn_function(&test_env(test, &[LOCAL]));
    (runtime, function)
}

/// The one-minute schedule's sample event.
pub(crate) fn send_webhooks() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/events/scheduled/send-webhooks.json"
    );
    std::fs::read_to_string(path).unwrap()
}

/// Posts the marked submission through the binary; its id.
async fn post(runtime: &RuntimeApi, body: &Value) -> String {
    let spec = crate::helpers::RequestSpec::post_json(body);
    let answer = runtime.invoke(&spec.event_json()).await;
    assert_eq!(answer["statusCode"], 201, "{answer}");
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// Every field of the person's, marked, and a crisis phrase for the urgent flag.
fn marked() -> (Value, Vec<String>) {
    let marker = format!("mk{}", &unique()[..10]);
    let mut body = full_submission();
    body["name"] = json!(format!("Name {marker}"));
    body["email"] = json!(format!("{marker}@example.com"));
    body["best_time"] = json!(format!("Evenings {marker}"));
    body["message"] = json!(format!("I want to end my life {marker}"));
    body["answers"] = json!({
        "state": "il", "payment": "bcbs", "client_type": "adult",
        "guardian_name": format!("Guardian {marker}")
    });
    (
        body,
        vec![marker, "2671".into(), "suicid".into(), "end my life".into()],
    )
}

/// The test's webhook delivery items.
pub(crate) async fn deliveries(test: &TestApp) -> Vec<HashMap<String, AttributeValue>> {
    test.all_items()
        .await
        .into_iter()
        .filter(|i| i["pk"].as_s().is_ok_and(|pk| pk.starts_with("webhook#")))
        .collect()
}

pub(crate) fn text(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        Some(AttributeValue::N(v)) => v.clone(),
        _ => String::new(),
    }
}

/// Moves a delivery's next attempt to now (the backoff's wait, without waiting).
pub(crate) async fn due_now(test: &TestApp, pk: &str) {
    test.dynamodb
        .update_item()
        .table_name(&test.table)
        .key("pk", AttributeValue::S(pk.to_owned()))
        .update_expression("SET reminder_due_at = :now")
        .expression_attribute_values(
            ":now",
            AttributeValue::N(chrono::Utc::now().timestamp_millis().to_string()),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_receiver_answering_500_twice_then_200_gets_the_event_three_times_verified() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let mut receiver = Receiver::start(&["500", "500", "200"]).await;
    let (endpoint, secret) = add(&test, &[&receiver.url]).await;
    let secret = secret.expect("a standard endpoint's secret, shown once");
    assert!(secret.starts_with("whsec_"));
    receiver.trust(&secret).await;
    let (runtime, _function) = binary(&test).await;
    let (body, markers) = marked();
    let id = post(&runtime, &body).await;

    // Stored with the request, sent by nobody yet.
    let stored = deliveries(&test).await;
    assert_eq!(stored.len(), 1);
    let pk = text(&stored[0], "pk");
    assert!(pk.ends_with(&endpoint) && text(&stored[0], "status") == "pending");

    let mut got = Vec::new();
    for attempt in 1..=3 {
        let run = runtime.invoke(&send_webhooks()).await;
        got.push(receiver.next().await);
        let key = if attempt < 3 { "retried" } else { "delivered" };
        assert_eq!(run["webhooks"][key], 1, "attempt {attempt}: {run}");
        due_now(&test, &pk).await;
    }
    let item = test.item_by_key(&pk).await;
    assert_eq!(
        (text(&item, "status"), text(&item, "attempts")),
        ("delivered".into(), "3".into())
    );
    let quiet = runtime.invoke(&send_webhooks()).await;
    assert_eq!(
        quiet["webhooks"]["delivered"], 0,
        "once delivered, never again: {quiet}"
    );

    for delivery in &got {
        assert_eq!(delivery["verified"], true, "{delivery}");
        assert_eq!(
            delivery["headers"]["webhook-id"],
            got[0]["headers"]["webhook-id"]
        );
        assert_eq!(delivery["body"], got[0]["body"]);
        let raw = delivery.to_string().to_lowercase();
        for marker in &markers {
            assert!(!raw.contains(&marker.to_lowercase()), "{marker} in {raw}");
        }
        assert!(!raw.contains("urgent"), "{raw}");
    }
    let event = &got[0]["body"];
    assert_eq!(event["type"], "request.received");
    assert_eq!(event["data"]["reference"], id.as_str());
    assert_eq!(event["data"]["follow_up"], "new");
    let answers: Vec<&str> = event["data"]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        answers,
        ["state", "payment", "client_type"],
        "never the guardian's name"
    );
}

#[tokio::test]
async fn a_receiver_answering_410_disables_its_endpoint_and_gets_nothing_more() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let (mut receiver, endpoint) = receiving(&test, &["410"], &[]).await;
    let (runtime, _function) = binary(&test).await;
    post(&runtime, &full_submission()).await;
    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(run["webhooks"]["disabled"], 1, "{run}");
    assert_eq!(receiver.next().await["status"], "410");

    let listed = stdout(&admin(&test, &["webhooks", "list"]).await);
    let line = listed.lines().find(|l| l.contains(&endpoint)).unwrap();
    assert!(
        line.contains("disabled") && line.contains("410 Gone"),
        "{listed}"
    );
    let mut again = full_submission();
    again["email"] = json!("another@example.com");
    post(&runtime, &again).await;
    assert_eq!(
        deliveries(&test).await.len(),
        1,
        "no delivery to a disabled endpoint"
    );
    assert_eq!(text(&deliveries(&test).await[0], "status"), "gone");
}

#[tokio::test]
async fn a_receiver_that_never_answers_holds_neither_the_201_nor_the_run() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let (mut receiver, _) = receiving(&test, &["silent"], &[]).await;
    let (runtime, _function) = binary(&test).await;
    post(&runtime, &full_submission()).await;
    // The 201 left before anything was sent: nothing reached the receiver.
    let early = tokio::time::timeout(std::time::Duration::from_millis(500), receiver.next());
    assert!(
        std::panic::AssertUnwindSafe(early).await.is_err(),
        "nothing sent inside the request"
    );

    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(run["webhooks"]["retried"], 1, "{run}");
    let item = &deliveries(&test).await[0];
    assert_eq!(text(item, "last_result"), "timeout");
    assert_eq!(text(item, "status"), "pending");
}

#[tokio::test]
async fn a_run_killed_mid_send_leaves_a_claim_the_next_run_delivers_after_it() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let (mut receiver, _) = receiving(&test, &["silent", "200"], &[]).await;
    let (runtime, _function) = binary(&test).await;
    post(&runtime, &full_submission()).await;

    // The run reaches the receiver, which never answers, and the function is killed there.
    let sender = RuntimeApi::start().await;
    let mut killed = sender.spawn_function(&test_env(&test, &[LOCAL]));
    let sender = std::sync::Arc::new(sender);
    let invoking = {
        let sender = sender.clone();
        tokio::spawn(async move { sender.invoke(&send_webhooks()).await })
    };
    assert_eq!(receiver.next().await["status"], "silent");
    killed.kill().await.unwrap();
    invoking.abort();
    let pk = text(&deliveries(&test).await[0], "pk");
    let claimed = test.item_by_key(&pk).await;
    assert_eq!(
        text(&claimed, "attempts"),
        "1",
        "claimed, counted, not finished"
    );

    // Inside its claim, another run leaves it; once the claim lapses, it is delivered.
    let inside = runtime.invoke(&send_webhooks()).await;
    assert_eq!(inside["webhooks"]["delivered"], 0, "{inside}");
    due_now(&test, &pk).await;
    let after = runtime.invoke(&send_webhooks()).await;
    assert_eq!(after["webhooks"]["delivered"], 1, "{after}");
    let delivery = receiver.next().await;
    assert_eq!(
        (delivery["verified"].clone(), delivery["status"].clone()),
        (json!(true), json!("200"))
    );
}
