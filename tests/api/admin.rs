//! The operator's `consultation-admin` command, run as a process against the emulator.

use crate::helpers::{
    FRONT_DESK_ACCESS_KEY, RECORDS_ACCESS_KEY, TestApp, full_submission, s, unique,
};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use serde_json::{Value, json};
use std::process::Output;

pub(crate) async fn admin(test: &TestApp, args: &[&str]) -> Output {
    admin_with(test, args, &[]).await
}

/// The operator tool with the test's configuration, under the access key of the template policy
/// that covers the command (the IAM coverage check holds each call to that policy).
pub(crate) fn admin_command(test: &TestApp, args: &[&str]) -> tokio::process::Command {
    let key = match args.first().copied() {
        Some("export" | "erase" | "purge-expired" | "staff" | "webhooks" | "access-log") => {
            RECORDS_ACCESS_KEY
        }
        _ => FRONT_DESK_ACCESS_KEY,
    };
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_consultation-admin"));
    command
        .args(args)
        .envs(&test.vars)
        .env_remove("RUST_LOG")
        .env("AWS_ACCESS_KEY_ID", key);
    command
}

pub(crate) async fn admin_with(test: &TestApp, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = admin_command(test, args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().await.expect("run consultation-admin")
}

pub(crate) fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn person(n: &str) -> Value {
    let mut body = full_submission();
    body["email"] = json!(format!("person-{n}@example.com"));
    body
}

#[tokio::test]
async fn list_and_show_what_was_received() {
    let test = TestApp::spawn().await;
    let first = test.post_json(&person("a")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut urgent = person("b");
    urgent["message"] = json!("I have thought about suicide");
    let second = test.post_json(&urgent).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let listed = stdout(&admin(&test, &["list", "--since", "2020-01-01"]).await);
    assert!(
        listed.contains(&first) && listed.contains(&second),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .any(|l| l.contains(&second) && l.contains("URGENT") && l.contains("sent"))
    );
    let none = stdout(&admin(&test, &["list", "--since", "2999-01-01"]).await);
    assert!(!none.contains(&first));

    let mut held = person("c");
    held["website"] = json!("https://autofilled.example");
    let spam = test.post_json(&held).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = stdout(&admin(&test, &["list"]).await);
    assert!(
        listed.contains(&first) && !listed.contains(&spam),
        "{listed}"
    );
    let held_list = stdout(&admin(&test, &["list", "--spam"]).await);
    assert!(
        held_list.contains(&spam) && !held_list.contains(&first),
        "{held_list}"
    );
    assert!(
        held_list
            .lines()
            .any(|l| l.contains(&spam) && l.contains("honeypot")),
        "held requests say why: {held_list}"
    );

    let shown = stdout(&admin(&test, &["show", &first]).await);
    for expected in [
        "Ana Lima",
        "person-a@example.com",
        "+14155552671",
        "telehealth",
        "notify_status: sent",
    ] {
        assert!(shown.contains(expected), "{expected} in {shown}");
    }
}

#[tokio::test]
async fn export_writes_every_field_in_a_stable_order_and_defuses_formulas() {
    let test = TestApp::spawn().await;
    let mut body = person("csv");
    body["name"] = json!("=HYPERLINK(\"http://evil.example\",\"Ana\")");
    body["message"] = json!("Commas, \"quotes\"\nand a second line");
    test.post_json(&body).await;

    let csv_text = stdout(
        &admin(
            &test,
            &["export", "--since", "2020-01-01", "--format", "csv"],
        )
        .await,
    );
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, consultation_form::admin::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(cell("name"), "'=HYPERLINK(\"http://evil.example\",\"Ana\")");
    assert_eq!(cell("phone"), "'+14155552671");
    assert_eq!(cell("message"), "Commas, \"quotes\"\nand a second line");
    assert_eq!(cell("notify_status"), "sent");

    let path = std::env::temp_dir().join(format!("export-{}.json", unique()));
    let output = admin(
        &test,
        &[
            "export",
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert!(String::from_utf8_lossy(&output.stderr).contains("exported 1 request(s)"));
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        rows[0]["name"],
        "=HYPERLINK(\"http://evil.example\",\"Ana\")"
    );
    assert_eq!(rows[0]["email"], "person-csv@example.com");
}

#[tokio::test]
async fn erase_deletes_every_item_about_a_person_and_leaves_no_trace() {
    let test = TestApp::spawn().await;
    let mut again = person("erase");
    again["message"] = json!("a second request");
    test.post_json(&person("erase")).await;
    test.post_json(&again).await;
    test.post_json(&person("stays")).await;
    assert_eq!(
        test.all_items().await.len(),
        3 * 2 + 1,
        "requests, duplicate records, a counter"
    );

    let out = stdout(&admin(&test, &["erase", "--email", "Person-Erase@EXAMPLE.com"]).await);

    assert!(out.contains("erased 4 item(s)"), "{out}");
    let everything = format!("{:?}", test.all_items().await);
    assert!(!everything.contains("person-erase"));
    let hash = crate::helpers::test_config(&[])
        .config
        .client_hash_key
        .email_hash("person-erase@example.com");
    assert!(
        !everything.contains(&hash),
        "not even the fingerprint remains"
    );
    assert_eq!(
        test.items().await.len(),
        1,
        "the other person's request stays"
    );
}

#[tokio::test]
async fn erase_needs_the_functions_hash_key() {
    let test = TestApp::spawn().await;
    let output = admin_with(
        &test,
        &["erase", "--email", "a@example.com"],
        &[("CLIENT_HASH_KEY", "")],
    )
    .await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("CLIENT_HASH_KEY must be set"));
}

#[tokio::test]
async fn purge_expired_deletes_what_ttl_has_not_yet() {
    let test = TestApp::spawn_with(&[("RETENTION_DAYS", "1")]).await;
    test.clock.advance(-Duration::days(3));
    test.post_json(&person("old")).await;
    test.clock.advance(Duration::days(3));
    test.post_json(&person("new")).await;
    assert_eq!(test.items().await.len(), 2);

    let out = stdout(&admin(&test, &["purge-expired"]).await);

    let remaining = test.items().await;
    assert_eq!(remaining.len(), 1);
    assert_eq!(s(&remaining[0], "email"), "person-new@example.com");
    assert!(out.contains("purged"), "{out}");
    assert!(
        !test
            .all_items()
            .await
            .iter()
            .any(|i| s(i, "pk").starts_with("dup#") && format!("{i:?}").contains("old")),
        "expired records are gone"
    );
}

#[tokio::test]
async fn every_subcommand_has_help_and_clear_errors() {
    let test = TestApp::spawn().await;
    for sub in ["list", "show", "export", "resend", "erase", "purge-expired"] {
        let help = stdout(&admin(&test, &[sub, "--help"]).await);
        assert!(help.contains("Usage: consultation-admin"), "{sub}: {help}");
    }
    let bad_id = admin(&test, &["show", "not-an-id"]).await;
    assert!(!bad_id.status.success());
    assert!(String::from_utf8_lossy(&bad_id.stderr).contains("is not a request id"));
    let missing = admin(&test, &["show", "01KAAAAAAAAAAAAAAAAAAAAAAA"]).await;
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no request with id"));
    // Without TABLE_NAME the tool looks for its stack by name, and says which it could not find
    // (under the tests' own key: no stack of that name is held to the template's grants).
    let no_table = admin_with(
        &test,
        &["list", "--since", "2026-01-01"],
        &[
            ("TABLE_NAME", ""),
            ("AWS_ACCESS_KEY_ID", crate::helpers::HARNESS_ACCESS_KEY),
        ],
    )
    .await;
    assert_eq!(no_table.status.code(), Some(78));
    assert!(
        String::from_utf8_lossy(&no_table.stderr)
            .contains("stack consultation-form: CloudFormation DescribeStacks"),
        "{}",
        String::from_utf8_lossy(&no_table.stderr)
    );
}

#[tokio::test]
async fn an_unreadable_item_never_stops_list_or_export() {
    let test = TestApp::spawn().await;
    let id = test.post_json(&person("ok")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let damaged = "01JD0000000000000000000000";
    let now = chrono::Utc::now();
    test.dynamodb
        .put_item()
        .table_name(&test.table)
        .item("pk", AttributeValue::S(format!("request#{damaged}")))
        .item("id", AttributeValue::S(damaged.into()))
        // In the received-by-day index, which `list` reads, but missing everything else.
        .item(
            "received_day",
            AttributeValue::S(now.format("%Y-%m-%d").to_string()),
        )
        .item("received_at", AttributeValue::S(now.to_rfc3339()))
        .send()
        .await
        .unwrap();

    for args in [&["list"][..], &["export", "--format", "json"][..]] {
        let output = admin(&test, args).await;
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert!(stdout(&output).contains(&id), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("skipped: stored item request#{damaged}")),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn erase_reads_the_address_from_standard_input_and_says_when_there_is_none() {
    let test = TestApp::spawn().await;
    test.post_json(&person("stdin")).await;
    let erase = |input: &'static str| {
        let mut command = admin_command(&test, &["erase"]);
        command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        async move {
            use tokio::io::AsyncWriteExt;
            let mut child = command.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .await
                .unwrap();
            child.wait_with_output().await.unwrap()
        }
    };

    let out = stdout(&erase("person-stdin@example.com\n").await);
    assert!(out.contains("erased 2 item(s)"), "{out}");
    assert_eq!(test.items().await.len(), 0);
    let none = stdout(&erase("nobody@example.com\n").await);
    assert!(none.contains("no request found for that address"), "{none}");
}

#[tokio::test]
async fn follow_up_and_list_open_track_who_still_waits() {
    let test = TestApp::spawn().await;
    let waiting = test.post_json(&person("waits")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let called = test.post_json(&person("called")).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = stdout(&admin(&test, &["follow-up", &called, "contacted"]).await);
    assert!(out.contains("recorded: contacted (was new)"), "{out}");
    let open = stdout(&admin(&test, &["list", "--open"]).await);
    assert!(open.contains(&waiting) && !open.contains(&called), "{open}");
    let refused = admin(&test, &["follow-up", &called, "new"]).await;
    assert!(!refused.status.success());
    let stats = stdout(&admin(&test, &["stats", "--since", "2020-01-01"]).await);
    assert!(stats.contains("Requests received: 2"), "{stats}");
    assert!(
        stats.contains("Contacted (any follow-up recorded): 1"),
        "{stats}"
    );
    assert!(
        stats.contains(&format!("Still open (1): {waiting}")),
        "{stats}"
    );
}

#[tokio::test]
async fn an_export_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let test = TestApp::spawn().await;
    test.post_json(&person("file")).await;
    let path = std::env::temp_dir().join(format!("export-{}.csv", unique()));
    let path_text = path.to_str().unwrap();
    stdout(&admin(&test, &["export", "--output", path_text]).await);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    std::fs::remove_file(&path).unwrap();
    assert_eq!(mode, 0o600);

    // A file that was there already, readable by every user of the machine, ends up 0600 too.
    std::fs::write(&path, "an old export").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    stdout(&admin(&test, &["export", "--output", path_text]).await);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(mode, 0o600);
    assert!(written.contains("person-file@example.com") && !written.contains("an old export"));
}
