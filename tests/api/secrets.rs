//! Secrets by ARN, through the binary: the function reads its keys from Secrets Manager at cold
//! start (the deployed stack never puts them in its environment), a rotation orphans nothing, and a
//! secret that cannot be read stops the cold start with a line naming it.

use crate::helpers::{RECORDS_ACCESS_KEY, RequestSpec, TestApp, full_submission, s, unique};
use crate::runtime_api::RuntimeApi;
use consultation_form::domain::{FollowUpState, SubmissionId};
use consultation_form::signing::{ClientHashKey, FollowUpKey};
use serde_json::{Value, json};
use std::collections::HashMap;

const OLD_HASH_KEY: &str = "client-hash-key-before-the-rotation-0123456789";
const NEW_HASH_KEY: &str = "client-hash-key-after-the-rotation-9876543210";
const OLD_LINK_KEY: &str = "follow-up-key-before-the-rotation-0123456789";
const NEW_LINK_KEY: &str = "follow-up-key-after-the-rotation-9876543210";

/// A secret whose versions are `values`, the last one current (and the one before it previous).
async fn secret(name: &str, values: &[&str]) -> String {
    let sdk = crate::helpers::harness_sdk_config().await;
    let client = aws_sdk_secretsmanager::Client::new(&sdk);
    let arn = client
        .create_secret()
        .name(format!("{name}-{}", unique()))
        .secret_string(values[0])
        .send()
        .await
        .expect("create the secret")
        .arn
        .unwrap();
    for value in &values[1..] {
        client
            .put_secret_value()
            .secret_id(&arn)
            .secret_string(*value)
            .send()
            .await
            .expect("rotate the secret");
    }
    arn
}

/// The test's variables with the keys named by ARN instead of given.
fn by_arn(test: &TestApp, hash_key: &str, link_key: &str) -> HashMap<String, String> {
    let mut vars = test.vars.clone();
    vars.remove("CLIENT_HASH_KEY");
    vars.insert("CLIENT_HASH_KEY_ARN".into(), hash_key.into());
    vars.insert("FOLLOW_UP_KEY_ARN".into(), link_key.into());
    vars
}

fn follow_up_page(id: SubmissionId, token: &str) -> String {
    let mut spec = RequestSpec::new("GET", &format!("/consultations/{id}/follow-up"))
        .header("origin", "")
        .header("accept", "text/html");
    spec.query = format!("state=contacted&token={token}");
    spec.event_json()
}

#[tokio::test]
async fn the_function_reads_its_keys_by_arn_and_what_the_previous_version_signed_still_works() {
    let test = TestApp::spawn().await;
    let hash_key = secret("client-hash-key", &[OLD_HASH_KEY, NEW_HASH_KEY]).await;
    let link_key = secret("follow-up-key", &[OLD_LINK_KEY, NEW_LINK_KEY]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&by_arn(&test, &hash_key, &link_key));

    let response = runtime
        .invoke(&RequestSpec::post_json(&full_submission()).event_json())
        .await;

    assert_eq!(response["statusCode"], 201, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    let id = body["id"].as_str().unwrap();
    let stored = test.item(id).await;
    let current = ClientHashKey::new(NEW_HASH_KEY.as_bytes().to_vec(), None);
    assert_eq!(
        s(&stored, "email_hash"),
        current.email_hash(full_submission()["email"].as_str().unwrap()),
        "fingerprints are made with the current version"
    );
    let text = test.send_email_requests().await[0]["Content"]["Simple"]["Body"]["Text"]["Data"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains("/follow-up?state=contacted&token="),
        "links are in the email"
    );

    // A link from an email sent before the rotation, one after it, and a forged one.
    let id = SubmissionId::parse(id).unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::days(30);
    let signed = |key: &str| {
        FollowUpKey::new(key.as_bytes().to_vec(), None).token(id, FollowUpState::Contacted, expires)
    };
    for (key, status) in [
        (OLD_LINK_KEY, 200),
        (NEW_LINK_KEY, 200),
        ("a-key-nobody-ever-had-0123456789abcdef", 403),
    ] {
        let page = runtime.invoke(&follow_up_page(id, &signed(key))).await;
        assert_eq!(page["statusCode"], status, "signed with {key}");
    }
}

#[tokio::test]
async fn a_secret_that_cannot_be_read_stops_the_cold_start_and_names_it() {
    let test = TestApp::spawn().await;
    let link_key = secret("follow-up-key", &[NEW_LINK_KEY]).await;
    let missing = format!(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:client-hash-key-gone-{}",
        unique()
    );
    let runtime = RuntimeApi::start().await;
    let output = crate::runtime_api::function_command(&by_arn(&test, &missing, &link_key))
        .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
        .output()
        .await
        .expect("run the function");

    assert_eq!(output.status.code(), Some(78), "an init failure");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CLIENT_HASH_KEY_ARN"), "{stderr}");
    assert!(stderr.contains(&missing), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("using a random key"),
        "never a made-up key"
    );
}

#[tokio::test]
async fn erasure_finds_what_was_stored_before_the_hashing_key_was_rotated() {
    // Stored while the old key was current; then the secret was rotated.
    let test = TestApp::spawn_with(&[("CLIENT_HASH_KEY", OLD_HASH_KEY)]).await;
    let mut before = full_submission();
    before["email"] = json!(format!("rotated-{}@example.com", unique()));
    test.post_json(&before).await;
    let hash_key = secret("client-hash-key", &[OLD_HASH_KEY, NEW_HASH_KEY]).await;

    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_consultation-admin"))
        .args(["erase", "--email", before["email"].as_str().unwrap()])
        .envs(&test.vars)
        .env_remove("CLIENT_HASH_KEY")
        .env_remove("RUST_LOG")
        .env("CLIENT_HASH_KEY_ARN", &hash_key)
        .env("AWS_ACCESS_KEY_ID", RECORDS_ACCESS_KEY)
        .output()
        .await
        .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("erased 2 item(s)"),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(test.items().await.len(), 0);
}

#[tokio::test]
async fn a_secret_never_rotated_has_no_previous_version_and_the_function_starts_all_the_same() {
    // As on a first deploy: each generated secret has one version, no AWSPREVIOUS.
    let test = TestApp::spawn().await;
    let hash_key = secret("client-hash-key", &[NEW_HASH_KEY]).await;
    let link_key = secret("follow-up-key", &[NEW_LINK_KEY]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&by_arn(&test, &hash_key, &link_key));

    let response = runtime
        .invoke(&RequestSpec::post_json(&full_submission()).event_json())
        .await;

    assert_eq!(response["statusCode"], 201, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    let id = SubmissionId::parse(body["id"].as_str().unwrap()).unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::days(30);
    let token = FollowUpKey::new(NEW_LINK_KEY.as_bytes().to_vec(), None).token(
        id,
        FollowUpState::Contacted,
        expires,
    );
    let page = runtime.invoke(&follow_up_page(id, &token)).await;
    assert_eq!(page["statusCode"], 200);
}

const OLD_BEAT_KEY: &str = "heartbeat-key-before-the-rotation-0123456789";
const NEW_BEAT_KEY: &str = "heartbeat-key-after-the-rotation-9876543210";
const REPLY_DOMAIN: &str = "replies.practice.test";

/// Moves a secret on: the new value becomes current, the old one previous.
async fn rotate(arn: &str, value: &str) {
    let sdk = crate::helpers::harness_sdk_config().await;
    aws_sdk_secretsmanager::Client::new(&sdk)
        .put_secret_value()
        .secret_id(arn)
        .secret_string(value)
        .send()
        .await
        .expect("rotate the secret");
}

#[tokio::test]
async fn an_instance_started_before_a_rotation_accepts_what_a_newer_instance_signed() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let link_key = secret("follow-up-key", &[OLD_LINK_KEY]).await;
    let beat_key = secret("heartbeat-key", &[OLD_BEAT_KEY]).await;
    let heartbeat_to = format!("heartbeat-{}@practice.test", unique());
    let mut vars = test.vars.clone();
    vars.insert("FOLLOW_UP_KEY_ARN".into(), link_key.clone());
    vars.insert("HEARTBEAT_KEY_ARN".into(), beat_key.clone());
    vars.insert("HEARTBEAT_TO".into(), heartbeat_to.clone());
    vars.insert("REPLY_TRACKING_DOMAIN".into(), REPLY_DOMAIN.into());
    vars.insert("WARM_CONNECTIONS".into(), "false".into());

    // The older instance starts, and has read its keys, before the rotation.
    let older = RuntimeApi::start().await;
    let _older = older.spawn_function(&vars);
    let ready = older
        .invoke(&RequestSpec::post_json(&full_submission()).event_json())
        .await;
    assert_eq!(ready["statusCode"], 201, "{ready}");
    rotate(&link_key, NEW_LINK_KEY).await;
    rotate(&beat_key, NEW_BEAT_KEY).await;
    let newer = RuntimeApi::start().await;
    let _newer = newer.spawn_function(&vars);

    // A request taken by the newer instance: its staff email's links and reply address are
    // signed with the new keys.
    let mut body = full_submission();
    body["message"] = json!(format!("after the rotation {}", unique()));
    let taken = newer
        .invoke(&RequestSpec::post_json(&body).event_json())
        .await;
    let id: Value = serde_json::from_str(taken["body"].as_str().unwrap()).unwrap();
    let id = SubmissionId::parse(id["id"].as_str().unwrap()).unwrap();
    let expires = chrono::Utc::now() + chrono::Duration::days(30);
    let token = FollowUpKey::new(NEW_LINK_KEY.as_bytes().to_vec(), None).token(
        id,
        FollowUpState::Contacted,
        expires,
    );

    // The older instance answers the newer one's link: it reads the secret again, then accepts.
    let page = older.invoke(&follow_up_page(id, &token)).await;
    assert_eq!(
        page["statusCode"], 200,
        "a link from a newer instance: {page}"
    );

    // ... and the newer one's probe: a probe, answered as one, never an ordinary request.
    let probe_body = json!({"name": "Heartbeat", "email": heartbeat_to, "consent": true});
    let probe_id = SubmissionId::new(chrono::Utc::now());
    let header = consultation_form::heartbeat::sign(
        &consultation_form::signing::HeartbeatKey::new(NEW_BEAT_KEY.as_bytes().to_vec(), None),
        probe_id,
        chrono::Utc::now(),
        probe_body.to_string().as_bytes(),
    );
    let probe =
        RequestSpec::post_json(&probe_body).header(consultation_form::heartbeat::HEADER, &header);
    let answered = older.invoke(&probe.event_json()).await;
    assert_eq!(answered["statusCode"], 201, "{answered}");
    assert!(
        answered["body"]
            .as_str()
            .unwrap()
            .contains(&probe_id.to_string()),
        "answered as the probe it is: {answered}"
    );

    // A header no key ever made is refused, not taken for a request.
    let forged = RequestSpec::post_json(&probe_body).header(
        consultation_form::heartbeat::HEADER,
        &header.replacen(&header[header.len() - 4..], "0000", 1),
    );
    let refused = older.invoke(&forged.event_json()).await;
    assert_eq!(refused["statusCode"], 403, "{refused}");
    let stored: Vec<String> = test.items().await.iter().map(|i| s(i, "name")).collect();
    assert!(
        !stored.iter().any(|name| name == "Heartbeat"),
        "no probe is ever stored: {stored:?}"
    );
}
