//! The sample events in `events/`, run through the compiled binary under a Lambda Runtime API with
//! the checked-in `local.env`: each yields the status its file name promises.

use crate::helpers::{TestApp, s};
use crate::runtime_api::{RuntimeApi, function_command, local_env};
use std::path::Path;
use std::time::Duration;

fn sample_events() -> Vec<(String, u16, String)> {
    sample_events_in("events")
}

/// The events in a folder of the repository, with the status each file name promises.
fn sample_events_in(folder: &str) -> Vec<(String, u16, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut events: Vec<(String, u16, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let status = name
                .trim_end_matches(".json")
                .rsplit('.')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{name} must be named <outcome>.<status>.json"));
            (name, status, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    events.sort();
    events
}

#[tokio::test]
async fn every_sample_event_yields_the_status_its_name_promises() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let staff_table = format!("{}-staff", test.table);
    let access_log = format!("{}-access-log", test.table);
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("STAFF_TABLE_NAME", &staff_table),
        ("ACCESS_LOG_TABLE_NAME", &access_log),
    ]));

    let events = sample_events();
    assert!(events.len() >= 12, "one event per contract outcome");
    let mut accepted = 0;
    for (name, expected, event) in &events {
        let response = runtime.invoke(event).await;
        assert_eq!(response["statusCode"], *expected, "{name}: {response}");
        if matches!(expected, 201 | 303) {
            accepted += 1;
        }
    }

    let items = test.items().await;
    assert_eq!(items.len(), accepted, "only the accepted events are stored");
    assert!(items.iter().all(|item| s(item, "notify_status") == "sent"));
    assert_eq!(test.sent_emails().await.len(), accepted);
}

/// Starts the binary with `vars` and returns what it printed; it must exit at init, unsuccessfully.
async fn init_failure(vars: &std::collections::HashMap<String, String>) -> String {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        function_command(vars)
            .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
            .output(),
    )
    .await
    .expect("the function exits at init")
    .unwrap();
    assert!(!output.status.success());
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn the_binary_stops_at_init_naming_a_missing_variable() {
    let mut vars = local_env(&[]);
    vars.remove("TABLE_NAME");
    let printed = init_failure(&vars).await;
    assert!(
        printed.contains("TABLE_NAME is required but not set"),
        "{printed}"
    );
}

#[tokio::test]
async fn the_binary_refuses_a_wildcard_a_path_or_plain_http_in_allowed_origins() {
    for origins in [
        "https://*",
        "https://*.practice.example",
        "https://www.practice.example/contact",
        "http://www.practice.example",
    ] {
        let printed = init_failure(&local_env(&[("ALLOWED_ORIGINS", origins)])).await;
        assert!(
            printed.contains("ALLOWED_ORIGINS is invalid"),
            "{origins}: {printed}"
        );
    }
}

#[tokio::test]
async fn the_binary_stops_at_init_naming_an_invalid_variable() {
    let printed = init_failure(&local_env(&[("PRACTICE_TIMEZONE", "Mars/Olympus_Mons")])).await;
    assert!(
        printed.contains("PRACTICE_TIMEZONE is invalid"),
        "{printed}"
    );
    assert!(
        !printed.contains("Mars"),
        "the value itself is not repeated"
    );
}

#[tokio::test]
async fn the_binary_stops_at_init_when_aws_ca_bundle_holds_no_usable_root() {
    let bundle = std::env::temp_dir().join(format!("no-roots-{}.pem", crate::helpers::unique()));
    std::fs::write(
        &bundle,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let printed = init_failure(&local_env(&[("AWS_CA_BUNDLE", bundle.to_str().unwrap())])).await;
    std::fs::remove_file(&bundle).unwrap();
    assert!(
        printed.contains("holds no certificate usable as a root"),
        "{printed}"
    );
    let missing = init_failure(&local_env(&[("AWS_CA_BUNDLE", "/nonexistent/roots.pem")])).await;
    assert!(
        missing.contains("AWS_CA_BUNDLE (/nonexistent/roots.pem) cannot be read"),
        "{missing}"
    );
}

#[tokio::test]
async fn the_scheduled_run_event_sends_pending_notifications_through_the_binary() {
    let sender = format!("late-{}@practice.test", crate::helpers::unique());
    let test = TestApp::spawn_with(&[("NOTIFY_FROM", &sender)]).await;
    // Received ten minutes ago, so its first retry (five minutes after receipt) is due now.
    test.clock.advance(-chrono::Duration::minutes(10));
    test.post_json(&crate::helpers::full_submission()).await;
    assert_eq!(s(&test.items().await[0], "notify_status"), "pending");
    crate::helpers::verify_sender(&test.ses, &sender).await;

    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("NOTIFY_FROM", &sender),
        ("CLIENT_HASH_KEY", crate::helpers::CLIENT_HASH_KEY),
    ]));
    let event = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("events/scheduled/scheduled-run.json"),
    )
    .unwrap();
    let report = runtime.invoke(&event).await;

    assert_eq!(report["notifications"]["pending"], 1, "{report}");
    assert_eq!(report["notifications"]["sent"], 1, "{report}");
    assert_eq!(
        report["reminders"]["due"], 0,
        "the same run reads the reminders due, and none is yet: {report}"
    );
    assert_eq!(report["fallbacks"]["queued"], 0, "{report}");
    assert!(report["weekly_summary_sent"].is_boolean(), "{report}");
    assert_eq!(s(&test.items().await[0], "notify_status"), "sent");
    assert_eq!(test.sent_emails().await.len(), 1);

    // A stack deployed before the run was renamed still invokes it by its old action name.
    let report = runtime
        .invoke(&serde_json::json!({"action": "retry_notifications"}).to_string())
        .await;
    assert_eq!(report["notifications"]["pending"], 0, "{report}");
    assert!(report["weekly_summary_sent"].is_boolean(), "{report}");
}

#[tokio::test]
async fn the_turnstile_sample_events_yield_their_statuses_with_turnstile_on() {
    use crate::abuse::{Verifier, stand_in};
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let (url, _) = stand_in(Verifier::ByToken).await;
    let _function = runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        (
            "TURNSTILE_SECRET_KEY",
            "1x0000000000000000000000000000000AA",
        ),
        ("TURNSTILE_VERIFY_URL", &url),
    ]));
    let events = sample_events_in("events/turnstile");
    assert_eq!(events.len(), 2);
    for (name, expected, event) in &events {
        let response = runtime.invoke(event).await;
        assert_eq!(response["statusCode"], *expected, "{name}: {response}");
        if *expected == 422 {
            let body: serde_json::Value =
                serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
            let code = &body["fields"]["cf-turnstile-response"][0]["code"];
            assert_eq!(code, "captcha_expired", "{name}");
        }
    }
    let items = test.items().await;
    assert_eq!(items.len(), 1, "only the passed one is stored");
    assert_eq!(s(&items[0], "verification"), "passed");
}
