//! The app under test, with its own table and staff address in the emulator.

use super::{
    CLIENT_HASH_KEY, HARNESS_ACCESS_KEY, RequestSpec, SENDER, TestClock, TestResponse, unique,
};
use super::{
    create_table, create_table_of, scan, send_email_requests_to, sent_emails_to, verify_sender,
};
use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::AttributeValue;
use consultation_form::app::App;
use consultation_form::aws::{load_sdk_config, sdk_config_loader};
use consultation_form::config::Config;
use consultation_form::http::envelope::request_from_event;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

pub struct TestApp {
    pub app: Arc<App>,
    /// The variables its configuration was read from, for the binaries a test starts.
    pub vars: HashMap<String, String>,
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
        let sdk = load_sdk_config().await.expect("usable AWS roots");
        Self::with_sdk_config(test_config(overrides), &sdk).await
    }

    /// The app on another SDK configuration (another endpoint), with its table still made in the
    /// emulator.
    pub async fn with_sdk_config(test_config: TestConfig, app_sdk: &SdkConfig) -> Self {
        let TestConfig {
            config,
            staff,
            vars,
        } = test_config;
        let table = config.table_name.clone();
        let sdk = harness_sdk_config().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let ses = aws_sdk_sesv2::Client::new(&sdk);
        create_table(&dynamodb, &config.table_name).await;
        if let Some(log) = &config.access_log {
            create_table_of(&dynamodb, "AccessLogTable", &log.table).await;
        }
        if let Some(table) = vars.get("STAFF_TABLE_NAME").filter(|t| !t.is_empty()) {
            create_table_of(&dynamodb, "StaffTable", table).await;
        }
        verify_sender(&ses, SENDER).await;
        let clock = Arc::new(TestClock::default());
        let app = App::from_sdk_config(config, app_sdk).with_clock(clock.clone());
        Self {
            app: Arc::new(app),
            vars,
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

    /// The stored request with this id.
    pub async fn item(&self, id: &str) -> HashMap<String, AttributeValue> {
        self.items()
            .await
            .into_iter()
            .find(|item| item["id"].as_s().is_ok_and(|item_id| item_id == id))
            .unwrap_or_else(|| panic!("no stored request {id}"))
    }

    /// The item with this partition key (a consistent read).
    pub async fn item_by_key(&self, key: &str) -> HashMap<String, AttributeValue> {
        self.dynamodb
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .unwrap_or_else(|| panic!("no item {key}"))
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

/// The SDK configuration of the tests' own calls (making tables, planting items, reading what was
/// stored): its own access key, so the IAM coverage check (scripts/iam_coverage.py) tells them
/// from the calls the function and the operator tool make, which it holds to the template's grants.
pub async fn harness_sdk_config() -> SdkConfig {
    sdk_config_loader()
        .expect("usable AWS roots")
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            HARNESS_ACCESS_KEY,
            HARNESS_ACCESS_KEY,
            None,
            None,
            "tests",
        ))
        .load()
        .await
}

/// An app whose AWS calls all go to `endpoint` instead of the emulator (its table is still made
/// in the emulator); `overrides` as in [`test_config`].
pub async fn app_against(endpoint: &str, overrides: &[(&str, &str)]) -> TestApp {
    let sdk = sdk_config_loader()
        .expect("usable AWS roots")
        .endpoint_url(endpoint)
        .load()
        .await;
    TestApp::with_sdk_config(test_config(overrides), &sdk).await
}

/// The one test configuration: the variables, what they parse into, and the staff address.
pub struct TestConfig {
    pub config: Config,
    pub staff: String,
    pub vars: HashMap<String, String>,
}

/// The test configuration with its own table and staff address; overrides replace defaults and an
/// empty value unsets a variable.
pub fn test_config(overrides: &[(&str, &str)]) -> TestConfig {
    let suffix = unique();
    let table = format!("consultations-{suffix}");
    let access_log = format!("{table}-access-log");
    let staff_table = format!("{table}-staff");
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
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
        // The access log and the staff tables beside the requests' (the operator tool writes
        // the access log; the console needs STAFF_BASE_URL as well, which console tests set).
        ("ACCESS_LOG_TABLE_NAME", access_log.as_str()),
        ("STAFF_TABLE_NAME", staff_table.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    TestConfig {
        config: Config::from_vars(&vars).expect("test configuration is valid"),
        staff,
        vars,
    }
}
