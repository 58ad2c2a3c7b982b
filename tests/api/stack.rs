//! The stack as deployed, emulated: for every combination of the conditions that change resources,
//! `scripts/sam_stack.py create` made the translated template in moto's CloudFormation; here the
//! real binary starts with the environment that stack's function resource declares (references
//! resolved to what the stack created) and takes a request end to end against the stack's own
//! table and indexes. What moto skipped is listed, never counted as checked.

use crate::helpers::{
    RequestSpec, full_submission, harness_sdk_config, s, send_email_requests_at, with_token,
};
use crate::runtime_api::RuntimeApi;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use std::collections::HashMap;

fn stacks() -> Vec<Value> {
    let path = crate::helpers::suite_variable("CONSULTATION_STACKS");
    let created: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    created["stacks"].as_array().unwrap().clone()
}

/// The emulator the stacks were created in (one of their own: see scripts/test.sh).
fn stack_endpoint() -> String {
    crate::helpers::suite_variable("CONSULTATION_STACK_ENDPOINT")
}

fn environment(stack: &Value) -> HashMap<String, String> {
    stack["environment"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn every_condition_combination_was_created_and_what_moto_skipped_is_named() {
    let stacks = stacks();
    assert_eq!(
        stacks.len(),
        64,
        "custom domain × sender domain × alarm topic × Turnstile × reply tracking × staff domain"
    );
    for stack in &stacks {
        let created: Vec<&str> = stack["created"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for needed in [
            "ConsultationsTable",
            "ConsultationFunction",
            "FunctionRole",
            "DataKey",
        ] {
            assert!(
                created.contains(&needed),
                "{}: {needed} not created",
                stack["stack"]
            );
        }
        let skipped = stack["skipped"].as_object().unwrap();
        for name in skipped.keys() {
            assert!(
                !created.contains(&name.as_str()),
                "{name} is both skipped and created"
            );
        }
        let conditions = stack["conditions"].to_string();
        let custom = conditions.contains("\"UseCustomDomain\"");
        assert_eq!(
            skipped.contains_key("CustomDomainMapping"),
            custom,
            "{}",
            stack["stack"]
        );
        assert_eq!(
            created.contains(&"AlarmTopic"),
            conditions.contains("\"CreateAlarmTopic\"")
        );
        let turnstile = environment(stack)["TURNSTILE_SECRET_KEY_ARN"].clone();
        let replies = conditions.contains("\"UseReplyTracking\"");
        assert_eq!(created.contains(&"ReplyReceiptPermission"), replies);
        assert_eq!(skipped.contains_key("ReplyReceiptRule"), replies);
        assert_eq!(
            !turnstile.is_empty(),
            conditions.contains("\"UseTurnstile\"")
        );
    }
}

#[tokio::test]
async fn the_binary_with_each_stacks_environment_stores_and_emails_a_request() {
    let endpoint = stack_endpoint();
    let sdk = harness_sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .endpoint_url(&endpoint)
            .build(),
    );
    for stack in stacks() {
        let name = stack["stack"].as_str().unwrap();
        let mut env = environment(&stack);
        env.insert("AWS_ENDPOINT_URL".into(), endpoint.clone());
        let runtime = RuntimeApi::start().await;
        let _function = runtime.spawn_function(&env);
        // The stack's verifier URL answers nothing: the request is kept, unverified.
        let body = if env["TURNSTILE_SECRET_KEY_ARN"].is_empty() {
            full_submission()
        } else {
            with_token()
        };
        let post = RequestSpec::post_json(&body).header("origin", "https://www.practice.example");

        let response = runtime.invoke(&post.event_json()).await;

        assert_eq!(response["statusCode"], 201, "{name}: {response}");
        let answer: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
        let key = format!("request#{}", answer["id"].as_str().unwrap());
        let item = dynamodb
            .get_item()
            .table_name(&env["TABLE_NAME"])
            .key("pk", AttributeValue::S(key))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .unwrap_or_else(|| panic!("{name}: not stored in the stack's table"));
        assert_eq!(s(&item, "notify_status"), "sent", "{name}");
        let staff = stack["staff"].as_str().unwrap();
        // Staff notifications only: doctor's tests of this stack send a test notification too.
        let sent: Vec<Value> = send_email_requests_at(&endpoint, staff)
            .await
            .into_iter()
            .filter(|email| email["EmailTags"].to_string().contains("\"staff\""))
            .collect();
        assert_eq!(sent.len(), 1, "{name}: staff emailed");
        assert_eq!(
            sent[0]["ConfigurationSetName"], env["SES_CONFIGURATION_SET"],
            "{name}: through the stack's configuration set"
        );

        // The scheduled run queries the stack's own indexes; any path is the function's own.
        let run = runtime
            .invoke(&json!({"action": "scheduled_run"}).to_string())
            .await;
        assert_eq!(run["notifications"]["pending"], 0, "{name}: {run}");
        assert_eq!(run["reminders"]["due"], 0, "{name}: {run}");
        let get = runtime
            .invoke(&RequestSpec::new("GET", "/consultations").event_json())
            .await;
        assert_eq!(get["statusCode"], 405, "{name}");
    }
}

#[test]
fn the_stacks_environment_names_its_secrets_by_arn_and_holds_none() {
    for stack in stacks() {
        let env = environment(&stack);
        for secret in ["CLIENT_HASH_KEY", "FOLLOW_UP_KEY", "TURNSTILE_SECRET_KEY"] {
            assert!(!env.contains_key(secret), "{secret} in the environment");
        }
        for arn in ["CLIENT_HASH_KEY_ARN", "FOLLOW_UP_KEY_ARN"] {
            assert!(env[arn].starts_with("arn:aws:secretsmanager:"), "{arn}");
        }
        assert!(
            env.values().all(|v| !v.contains("{{resolve:")),
            "nothing resolved into the environment"
        );
    }
}
