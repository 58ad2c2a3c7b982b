//! The emulator: its endpoint, tables made from the template's declaration, and what it stored
//! and sent.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use base64::Engine;
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn endpoint() -> String {
    suite_variable("AWS_ENDPOINT_URL")
}

/// A variable `make test` sets for the suite (the emulator's endpoint, the table's declaration,
/// the emulated stacks...). Without it the suite cannot run: this says so in one line and ends
/// the test process, instead of every test panicking in turn.
pub fn suite_variable(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        // Straight to the process's stderr: the test harness would swallow a captured line.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{name} is not set: these tests run against an AWS emulator that `make test` installs, starts and configures; run `make test`"
        );
        std::process::exit(2);
    })
}

/// Creates a table the way the local set-up does: keys, indexes and TTL from infra/template.yaml
/// (exported as JSON by `scripts/local_aws.py table-spec`).
pub async fn create_table(dynamodb: &aws_sdk_dynamodb::Client, name: &str) {
    create_table_of(dynamodb, "ConsultationsTable", name).await;
}

/// Creates a table as the template declares `resource` (`ConsultationsTable`, `StaffTable`,
/// `AccessLogTable`).
pub async fn create_table_of(dynamodb: &aws_sdk_dynamodb::Client, resource: &str, name: &str) {
    let path = suite_variable("CONSULTATION_TABLE_SPEC");
    let specs: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let spec = &specs[resource];
    let keys = |v: &Value| -> Vec<KeySchemaElement> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|k| {
                KeySchemaElement::builder()
                    .attribute_name(k["AttributeName"].as_str().unwrap())
                    .key_type(KeyType::from(k["KeyType"].as_str().unwrap()))
                    .build()
                    .unwrap()
            })
            .collect()
    };
    let mut create = dynamodb
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(keys(&spec["KeySchema"])));
    for attribute in spec["AttributeDefinitions"].as_array().unwrap() {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attribute["AttributeName"].as_str().unwrap())
                .attribute_type(ScalarAttributeType::from(
                    attribute["AttributeType"].as_str().unwrap(),
                ))
                .build()
                .unwrap(),
        );
    }
    for index in spec["GlobalSecondaryIndexes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let projection = &index["Projection"];
        create =
            create.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index["IndexName"].as_str().unwrap())
                    .set_key_schema(Some(keys(&index["KeySchema"])))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(
                                projection["ProjectionType"].as_str().unwrap(),
                            ))
                            .set_non_key_attributes(projection["NonKeyAttributes"].as_array().map(
                                |a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
                            ))
                            .build(),
                    )
                    .build()
                    .unwrap(),
            );
    }
    create.send().await.expect("create the test table");
    dynamodb
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(spec["TimeToLiveAttribute"].as_str().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("enable TTL on the test table");
}

pub async fn verify_sender(ses: &aws_sdk_sesv2::Client, address: &str) {
    // Creating an identity that exists already fails harmlessly; parallel tests race to do it.
    let _ = ses
        .create_email_identity()
        .email_identity(address)
        .send()
        .await;
}

pub async fn scan(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Vec<HashMap<String, AttributeValue>> {
    dynamodb
        .scan()
        .table_name(table)
        .consistent_read(true)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("scan the test table")
}

async fn get_json(path: &str) -> Value {
    reqwest::get(format!("{}{path}", endpoint()))
        .await
        .expect("reach the emulator")
        .json()
        .await
        .expect("emulator answers JSON")
}

pub async fn sent_emails_to(recipient: &str) -> Vec<Value> {
    let data = get_json("/moto-api/data.json").await;
    data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == recipient))
        })
        .collect()
}

pub async fn send_email_requests_to(recipient: &str) -> Vec<Value> {
    send_email_requests_at(&endpoint(), recipient).await
}

/// The SendEmail requests to `recipient` that the emulator at `endpoint` recorded.
pub async fn send_email_requests_at(endpoint: &str, recipient: &str) -> Vec<Value> {
    let recording = reqwest::get(format!("{endpoint}/moto-api/recorder/download-recording"))
        .await
        .expect("reach the emulator")
        .text()
        .await
        .unwrap();
    recording
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|r| {
            r["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/v2/email/outbound-emails"))
        })
        .filter_map(|r| {
            let body = r["body"].as_str()?;
            let bytes = if r["body_encoded"] == json!(true) {
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .ok()?
            } else {
                body.as_bytes().to_vec()
            };
            serde_json::from_slice::<Value>(&bytes).ok()
        })
        .filter(|request| {
            request["Destination"]["ToAddresses"]
                .as_array()
                .is_some_and(|to| to.iter().any(|a| a == recipient))
        })
        .collect()
}
