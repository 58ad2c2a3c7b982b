//! Spawns the handler against the emulator (moto, started by `make test`) with real SDK clients, and
//! reads back what was stored and sent.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use base64::Engine;
use chrono::{DateTime, Utc};
use consultation_form::app::App;
use consultation_form::aws::{load_sdk_config, sdk_config_loader};
use consultation_form::clock::Clock;
use consultation_form::config::Config;
use consultation_form::http::envelope::request_from_event;
use lambda_http::{Body, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SENDER: &str = "forms@practice.test";
pub const ALLOWED_ORIGIN: &str = "https://www.practice.test";
pub const OTHER_ORIGIN: &str = "https://evil.example";
pub const SOURCE_IP: &str = "198.51.100.23";

pub fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").expect(
        "AWS_ENDPOINT_URL is not set: run the tests with `make test`, which starts the emulator",
    )
}

/// A unique lower-case suffix, so parallel tests never share a table or a mailbox.
pub fn unique() -> String {
    ulid::Ulid::new().to_string().to_lowercase()
}

/// A clock the test moves by hand.
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn now_plus(&self, by: chrono::Duration) -> DateTime<Utc> {
        *self.0.lock().unwrap() + by
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Log lines captured from the real subscriber (JSON lines, caps included).
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    pub fn lines(&self) -> Vec<Value> {
        self.text()
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))
            })
            .collect()
    }

    /// The subscriber to run a future under, with `directives` as `RUST_LOG` would give them.
    pub fn subscriber(&self, directives: &str) -> impl tracing::Subscriber + Send + Sync + use<> {
        consultation_form::logging::subscriber(directives, self.clone())
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

pub struct TestApp {
    pub app: Arc<App>,
    pub clock: Arc<TestClock>,
    pub table: String,
    pub staff: String,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Overrides replace the default test configuration; an empty value unsets a variable.
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> Self {
        let (config, staff) = test_config(overrides);
        let sdk = load_sdk_config().await;
        Self::with_sdk_config(config, staff, &sdk).await
    }

    /// The app on another SDK configuration (another endpoint), with its table still made in the
    /// emulator.
    pub async fn with_sdk_config(config: Config, staff: String, app_sdk: &SdkConfig) -> Self {
        let table = config.table_name.clone();
        let sdk = load_sdk_config().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let ses = aws_sdk_sesv2::Client::new(&sdk);
        create_table(&dynamodb, &config.table_name).await;
        verify_sender(&ses, SENDER).await;
        let clock = Arc::new(TestClock(Mutex::new(Utc::now())));
        let app = App::from_sdk_config(config, app_sdk)
            .expect("the app starts")
            .with_clock(clock.clone());
        Self {
            app: Arc::new(app),
            clock,
            table,
            staff,
            dynamodb,
            ses,
        }
    }

    pub async fn send(&self, request: RequestSpec) -> TestResponse {
        let event = request.event_json();
        let request = request_from_event(&event).expect("test event parses");
        TestResponse::from(consultation_form::http::handle(&self.app, request).await)
    }

    pub async fn post_json(&self, body: &Value) -> TestResponse {
        self.send(RequestSpec::post_json(body)).await
    }

    pub async fn post_form(&self, body: &str) -> TestResponse {
        self.send(RequestSpec::post_form(body)).await
    }

    /// The request items in this test's table (a consistent scan).
    pub async fn items(&self) -> Vec<HashMap<String, AttributeValue>> {
        self.all_items()
            .await
            .into_iter()
            .filter(|item| item["pk"].as_s().is_ok_and(|pk| pk.starts_with("request#")))
            .collect()
    }

    /// Every item in this test's table, bookkeeping included.
    pub async fn all_items(&self) -> Vec<HashMap<String, AttributeValue>> {
        scan(&self.dynamodb, &self.table).await
    }

    /// SES messages moto accepted for this test's staff address.
    pub async fn sent_emails(&self) -> Vec<Value> {
        sent_emails_to(&self.staff).await
    }

    /// The SendEmail requests as they crossed the wire (subject, both parts, Reply-To).
    pub async fn send_email_requests(&self) -> Vec<Value> {
        send_email_requests_to(&self.staff).await
    }

    pub async fn assert_nothing_kept(&self) {
        assert_eq!(self.all_items().await.len(), 0, "nothing may be stored");
        assert_eq!(self.sent_emails().await.len(), 0, "nothing may be sent");
        assert_eq!(
            self.send_email_requests().await.len(),
            0,
            "no email may be attempted"
        );
    }
}

/// An app whose AWS calls all go to `endpoint` instead of the emulator (its table is still made
/// in the emulator); `overrides` as in [`test_config`].
pub async fn app_against(endpoint: &str, overrides: &[(&str, &str)]) -> TestApp {
    let (config, staff) = test_config(overrides);
    let sdk = sdk_config_loader().endpoint_url(endpoint).load().await;
    TestApp::with_sdk_config(config, staff, &sdk).await
}

/// An endpoint that accepts connections and never answers; abort the handle to close it.
pub async fn silent_endpoint() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (format!("http://{address}"), held)
}

/// The test configuration with its own table and staff address; overrides replace defaults and an
/// empty value unsets a variable.
pub fn test_config(overrides: &[(&str, &str)]) -> (Config, String) {
    let suffix = unique();
    let table = format!("consultations-{suffix}");
    let staff = format!("staff-{suffix}@practice.test");
    let mut vars: HashMap<String, String> = [
        ("TABLE_NAME", table.as_str()),
        ("NOTIFY_FROM", SENDER),
        ("NOTIFY_TO", staff.as_str()),
        (
            "ALLOWED_ORIGINS",
            "https://www.practice.test,http://localhost:8080",
        ),
        ("PRACTICE_TIMEZONE", "America/New_York"),
        ("CLIENT_HASH_KEY", "test-client-hash-key-0123456789abcdef"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    (
        Config::from_vars(&vars).expect("test configuration is valid"),
        staff,
    )
}

/// Creates a table the way the local set-up does: keys, indexes and TTL from infra/template.yaml
/// (exported as JSON by `scripts/local_aws.py table-spec`).
pub async fn create_table(dynamodb: &aws_sdk_dynamodb::Client, name: &str) {
    let path = std::env::var("CONSULTATION_TABLE_SPEC")
        .expect("CONSULTATION_TABLE_SPEC is not set: run the tests with `make test`");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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
    let recording = reqwest::get(format!(
        "{}/moto-api/recorder/download-recording",
        endpoint()
    ))
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

pub fn s(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        other => panic!("attribute {name} is not a string: {other:?}"),
    }
}

/// One HTTP request, turned into an API Gateway HTTP API (payload 2.0) event.
#[derive(Clone)]
pub struct RequestSpec {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub base64: bool,
    pub source_ip: String,
    /// API Gateway's request id, which the summary log line carries.
    pub request_id: String,
}

impl RequestSpec {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: vec![("origin".into(), ALLOWED_ORIGIN.into())],
            body: None,
            base64: false,
            source_ip: SOURCE_IP.to_owned(),
            request_id: format!("test-{}", unique()),
        }
    }

    pub fn post_json(body: &Value) -> Self {
        Self::new("POST", "/consultations")
            .header("content-type", "application/json")
            .body(body.to_string().as_bytes())
    }

    /// A form post as a browser sends it through API Gateway: base64-encoded.
    pub fn post_form(body: &str) -> Self {
        Self::new("POST", "/consultations")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html,application/xhtml+xml")
            .body(body.as_bytes())
            .base64()
    }

    /// Sets a header, replacing one of the same name; an empty value removes it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !value.is_empty() {
            self.headers.push((name.to_lowercase(), value.to_owned()));
        }
        self
    }

    pub fn body(mut self, body: &[u8]) -> Self {
        self.body = Some(body.to_vec());
        self
    }

    pub fn base64(mut self) -> Self {
        self.base64 = true;
        self
    }

    pub fn event_json(&self) -> String {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let body = self.body.as_ref().map(|b| {
            if self.base64 {
                base64::engine::general_purpose::STANDARD.encode(b)
            } else {
                String::from_utf8(b.clone()).expect("a non-base64 test body is UTF-8")
            }
        });
        json!({
            "version": "2.0",
            "routeKey": format!("{} {}", self.method, self.path),
            "rawPath": self.path,
            "rawQueryString": "",
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "test",
                "domainName": "test.execute-api.us-east-1.amazonaws.com",
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.source_ip,
                    "userAgent": "integration-test"
                },
                "requestId": self.request_id,
                "routeKey": format!("{} {}", self.method, self.path),
                "stage": "$default",
                "time": "26/Nov/2026:14:05:00 +0000",
                "timeEpoch": 1795702300000u64
            },
            "isBase64Encoded": self.base64,
            "body": body
        })
        .to_string()
    }
}

pub struct TestResponse {
    pub status: u16,
    pub headers: lambda_http::http::HeaderMap,
    pub body: String,
}

impl From<Response<Body>> for TestResponse {
    fn from(response: Response<Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = match response.into_body() {
            Body::Text(t) => t,
            Body::Binary(b) => String::from_utf8(b).expect("UTF-8 body"),
            _ => String::new(),
        };
        Self {
            status,
            headers,
            body,
        }
    }
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A complete, valid JSON submission.
pub fn full_submission() -> Value {
    json!({
        "name": "Ana Lima",
        "email": "Ana.Lima@Example.COM",
        "phone": "(415) 555-2671",
        "preferred_contact": "text",
        "best_time": "Weekday evenings",
        "session_format": "telehealth",
        "message": "I've been anxious at work.\r\nCould we talk?",
        "consent": true
    })
}
