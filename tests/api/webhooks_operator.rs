//! The webhooks' other half: the operator tool's commands and each way it refuses, every event
//! a change owes (assigned, follow-up, overdue, erased) with Slack's and Teams' forms, and the
//! outbound client's refusals (a name that resolves to the loopback, a redirect, a huge answer).

use crate::admin::{admin, admin_with, stdout};
use crate::console::Console;
use crate::helpers::{Answer, TestApp, answer, full_submission, serve, unique};
use crate::routing::{clinician, routed_env};
use crate::runtime_api::RuntimeApi;
use crate::webhooks::{LOCAL, add, added, binary, deliveries, receiving, send_webhooks, text};
use consultation_form::deadline::Deadline;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// A chat stand-in: every body it got, answered 200.
async fn chat() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    let url = serve(move |_, body| {
        let kept = kept.clone();
        async move {
            kept.lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
            answer(200, None, "ok")
        }
    })
    .await;
    (format!("{url}/services/T000/B000/chat-secret"), got)
}

fn events(
    deliveries: &[std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>],
) -> Vec<String> {
    let mut names: Vec<String> = deliveries.iter().map(|d| text(d, "event")).collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_operator_tool_refuses_what_may_not_be_sent_to() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    for (url, said) in [
        (
            "https://127.0.0.1/hook",
            "127.0.0.1 is not a public address",
        ),
        ("https://169.254.169.254/latest", "not a public address"),
        ("https://[::ffff:10.0.0.1]/hook", "not a public address"),
        ("http://example.com/hook", "only https://"),
        ("https://example.com:8443/hook", "only port 443"),
        ("https://user:pw@example.com/hook", "user name or password"),
        ("http://localhost:9000/hook", "only https://"),
        (
            "https://hooks.slack.com/services/T0/B0/x",
            "add it with --kind slack",
        ),
        (
            "https://prod-01.westus.logic.azure.com/workflows/x",
            "add it with --kind teams",
        ),
    ] {
        let out = admin(&test, &["webhooks", "add", url]).await;
        assert!(!out.status.success(), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{url}: {stderr}");
    }
    let kind = admin(
        &test,
        &["webhooks", "add", "https://example.com/h", "--kind", "irc"],
    )
    .await;
    assert!(String::from_utf8_lossy(&kind.stderr).contains("standard, slack or teams"));
    let events = admin(
        &test,
        &[
            "webhooks",
            "add",
            "https://example.com/h",
            "--events",
            "request.spam",
        ],
    )
    .await;
    assert!(String::from_utf8_lossy(&events.stderr).contains("is not an event"));
    let nobody = admin(&test, &["webhooks", "remove", "ep_nobody"]).await;
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no endpoint ep_nobody"));
    assert!(deliveries(&test).await.is_empty());
    let listed = stdout(&admin(&test, &["webhooks", "list"]).await);
    assert_eq!(listed.lines().count(), 1, "only the heading: {listed}");
}

#[tokio::test]
async fn add_list_test_replay_and_remove_through_the_operator_tool() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let (mut receiver, endpoint) =
        receiving(&test, &["200"], &["--events", "request.received"]).await;
    let (slack_url, _) = chat().await;
    let (slack, none) = add_typed(&test, &slack_url, &["--kind", "slack"]).await;
    assert!(none.is_none(), "a chat has no signing secret to show");
    let listed = stdout(&admin(&test, &["webhooks", "list"]).await);
    let line = listed.lines().find(|l| l.contains(&slack)).unwrap();
    assert!(
        line.contains("slack") && line.contains("http://127.0.0.1/…"),
        "{listed}"
    );
    assert!(
        !listed.contains("chat-secret"),
        "a chat's URL is masked: {listed}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.contains(&endpoint) && l.contains("request.received"))
    );

    let (runtime, _function) = binary(&test).await;
    let tested = stdout(
        &admin_with(
            &test,
            &["webhooks", "test", &endpoint, "--wait", "0"],
            &[LOCAL],
        )
        .await,
    );
    assert!(tested.contains("queued a webhook.test"), "{tested}");
    runtime.invoke(&send_webhooks()).await;
    let ping = receiver.next().await;
    assert_eq!(
        (ping["verified"].clone(), ping["body"]["type"].clone()),
        (json!(true), json!("webhook.test"))
    );

    let spec = crate::helpers::RequestSpec::post_json(&full_submission());
    assert_eq!(runtime.invoke(&spec.event_json()).await["statusCode"], 201);
    runtime.invoke(&send_webhooks()).await;
    let first = receiver.next().await;
    assert_eq!(first["body"]["type"], "request.received");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let replayed = stdout(
        &admin(
            &test,
            &[
                "webhooks",
                "replay",
                "--since",
                &today,
                "--endpoint",
                &endpoint,
            ],
        )
        .await,
    );
    assert!(
        replayed.contains("queued 2 delivery(ies) again"),
        "the test and the request: {replayed}"
    );
    runtime.invoke(&send_webhooks()).await;
    let mut again = [receiver.next().await, receiver.next().await];
    again.sort_by_key(|d| d["body"]["type"].to_string());
    assert_eq!(
        again[0]["headers"]["webhook-id"], first["headers"]["webhook-id"],
        "the same message"
    );
    assert!(again.iter().all(|d| d["verified"] == true));

    // Removed: gone from the list, and what is still queued for it is not sent.
    let mut second = full_submission();
    second["email"] = json!(format!("second-{}@example.com", unique()));
    let spec = crate::helpers::RequestSpec::post_json(&second);
    assert_eq!(runtime.invoke(&spec.event_json()).await["statusCode"], 201);
    let removed = stdout(&admin(&test, &["webhooks", "remove", &endpoint]).await);
    assert!(removed.contains("removed"), "{removed}");
    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(run["webhooks"]["cancelled"], 1, "{run}");
    assert!(!stdout(&admin(&test, &["webhooks", "list"]).await).contains(&endpoint));
}

#[tokio::test]
async fn every_change_tells_its_event_and_chats_get_one_line_or_a_card() {
    let console = Console::spawn_with(&[LOCAL]).await;
    let test = &console.test;
    let (ada, _) = clinician(
        &console,
        "Ada",
        &["--regions", "IL", "--payers", "bcbs", "--accepting", "yes"],
    )
    .await;
    let (slack_url, slack) = chat().await;
    let (teams_url, teams) = chat().await;
    add(test, &[&slack_url, "--kind", "slack"]).await;
    add(test, &[&teams_url, "--kind", "teams"]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&routed_env(&console, &[LOCAL]));
    let mut body = full_submission();
    body["answers"] = json!({"state": "il", "payment": "bcbs", "guardian_name": "Rosa Marker"});
    let answer = runtime
        .invoke(&crate::helpers::RequestSpec::post_json(&body).event_json())
        .await;
    let id = serde_json::from_str::<Value>(answer["body"].as_str().unwrap()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(test.item(&id).await["assignee"].as_s().unwrap(), &ada);
    assert_eq!(
        events(&deliveries(test).await),
        [
            "request.assigned",
            "request.assigned",
            "request.received",
            "request.received"
        ]
    );
    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(run["webhooks"]["delivered"], 4, "{run}");
    let lines: Vec<String> = slack
        .lock()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    let link = format!("/staff/requests/{id}|open in the console>");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "New consultation request {id} — Illinois, Blue Cross Blue Shield — <"
        )) && l.ends_with(&link)),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("assigned to Ada")),
        "{lines:?}"
    );
    let cards = teams.lock().unwrap().clone();
    assert!(
        cards
            .iter()
            .all(|c| c["attachments"][0]["content"]["type"] == "AdaptiveCard")
    );
    assert!(
        cards
            .iter()
            .all(|c| !c.to_string().contains("Rosa") && !c.to_string().contains("Ana"))
    );

    // The operator's follow-up (the front desk's policy) and erasure, each with its event.
    let followed = admin(test, &["follow-up", &id, "contacted"]).await;
    assert!(
        followed.status.success(),
        "{}",
        String::from_utf8_lossy(&followed.stderr)
    );
    runtime.invoke(&send_webhooks()).await;
    let erased = crate::admin::admin_command(test, &["erase"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    erase_with(erased, "Ana.Lima@Example.COM").await;
    runtime.invoke(&send_webhooks()).await;
    let said = |slack: &Mutex<Vec<Value>>| -> Vec<String> {
        let lines = slack.lock().unwrap();
        lines
            .iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let lines = said(&slack);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("{id}: follow-up now contacted"))),
        "{lines:?}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &format!("Consultation request {id} was erased")
    );

    // After the erasure, nothing said before it is said again: a replay cancels it.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    stdout(&admin(test, &["webhooks", "replay", "--since", &today]).await);
    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(
        run["webhooks"]["cancelled"], 6,
        "received, assigned, followed up: {run}"
    );
    assert_eq!(run["webhooks"]["delivered"], 2, "the erasure again: {run}");
    assert_eq!(said(&slack).len(), lines.len() + 1);
}

/// `webhooks add` with the URL typed (kept out of the shell's history); its id and secret.
async fn add_typed(test: &TestApp, url: &str, args: &[&str]) -> (String, Option<String>) {
    use tokio::io::AsyncWriteExt;
    let mut all = vec!["webhooks", "add"];
    all.extend_from_slice(args);
    let mut command = crate::admin::admin_command(test, &all);
    let mut child = command
        .env(LOCAL.0, LOCAL.1)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{url}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    added(&stdout(&child.wait_with_output().await.unwrap()))
}

async fn erase_with(mut child: tokio::process::Child, email: &str) {
    use tokio::io::AsyncWriteExt;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{email}\n").as_bytes())
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn an_overdue_request_is_told_once_with_its_first_reminder() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let (mut receiver, _) = receiving(&test, &["200"], &["--events", "request.overdue"]).await;
    crate::helpers::verify_sender(&test.ses, crate::helpers::SENDER).await;
    test.post_json(&full_submission()).await;
    assert!(
        deliveries(&test).await.is_empty(),
        "it asked for request.overdue only"
    );
    test.clock.advance(chrono::Duration::days(7));
    let run = consultation_form::scheduled_run::run(&test.app, None, Deadline::unknown()).await;
    assert_eq!(run["reminders"]["reminded"], 1, "{run}");
    assert_eq!(
        run["webhooks"]["delivered"], 1,
        "the same run sent it: {run}"
    );
    let told = receiver.next().await;
    assert_eq!(
        (told["verified"].clone(), told["body"]["type"].clone()),
        (json!(true), json!("request.overdue"))
    );
    let again = consultation_form::scheduled_run::run(&test.app, None, Deadline::unknown()).await;
    assert_eq!(again["webhooks"]["delivered"], 0, "{again}");
}

#[tokio::test]
async fn the_client_refuses_a_name_that_resolves_to_the_loopback_and_follows_no_redirect() {
    let test = TestApp::spawn_with(&[LOCAL]).await;
    let hit = Arc::new(Mutex::new(0));
    let counted = hit.clone();
    let elsewhere = serve(move |_, _| {
        *counted.lock().unwrap() += 1;
        async { answer(200, None, "") }
    })
    .await;
    let redirecting = serve(move |_, _| {
        let to = elsewhere.clone();
        async move {
            let response: Answer = Ok(hyper::Response::builder()
                .status(302)
                .header("location", format!("{to}/stolen"))
                .body(http_body_util::Full::new(hyper::body::Bytes::new()))
                .unwrap());
            response
        }
    })
    .await;
    let huge = serve(|_, _| async { answer(200, None, vec![b'x'; 1024 * 1024]) }).await;
    add(&test, &["https://localhost/hook"]).await;
    add(&test, &[&format!("{redirecting}/hook")]).await;
    add(&test, &[&format!("{huge}/hook")]).await;
    let (runtime, _function) = binary(&test).await;
    let spec = crate::helpers::RequestSpec::post_json(&full_submission());
    assert_eq!(runtime.invoke(&spec.event_json()).await["statusCode"], 201);
    let run = runtime.invoke(&send_webhooks()).await;
    assert_eq!(
        (
            run["webhooks"]["retried"].clone(),
            run["webhooks"]["delivered"].clone()
        ),
        (json!(2), json!(1)),
        "{run}"
    );
    let mut results: Vec<String> = deliveries(&test)
        .await
        .iter()
        .map(|d| text(d, "last_result"))
        .collect();
    results.sort();
    assert_eq!(results, ["200", "302", "refused"]);
    assert_eq!(*hit.lock().unwrap(), 0, "the redirect was not followed");
}
