//! `consultation-admin --stack NAME doctor`, end to end, with nothing but AWS credentials (the
//! front desk's) and a region: it finds the emulated stack by name, reads its function's
//! environment, and checks the stack. moto lacks SES v2's account, suppression list, event
//! destinations and verified identities, and cannot keep the stack's Lambda function (see
//! scripts/sam_stack.py), so a stand-in in front of the stack's emulator answers those calls
//! (after passing each on, so the emulator records it for the IAM coverage check) and forwards
//! the rest.

use crate::helpers::{FRONT_DESK_ACCESS_KEY, answer_of, forward_to, harness_sdk_config, serve};
use crate::runtime_api::RuntimeApi;
use aws_sdk_dynamodb::types::{AttributeValue, PointInTimeRecoverySpecification};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the stand-in says of the account.
#[derive(Clone, Default)]
pub(crate) struct Scenario {
    sandbox: bool,
    suppressed: Option<String>,
    dkim: &'static str,
    sender_unverified: bool,
    /// The alarm topic's subscription still `PendingConfirmation` (moto confirms at once).
    subscription_pending: bool,
    /// In the sandbox, the addresses verified all the same.
    verified: Vec<String>,
}

pub(crate) fn json_answer(status: u16, body: &Value) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

fn not_found(kind: &str) -> hyper::Response<Full<Bytes>> {
    let mut answer = json_answer(404, &json!({"message": "not found"}));
    answer
        .headers_mut()
        .insert("x-amzn-errortype", kind.parse().unwrap());
    answer
}

/// The answers moto cannot give, as the SES v2 and Lambda API references show them.
fn stand_in_answer(
    path: &str,
    body: &[u8],
    scenario: &Scenario,
    environment: &HashMap<String, String>,
) -> Option<hyper::Response<Full<Bytes>>> {
    let form = String::from_utf8_lossy(body);
    if scenario.subscription_pending && form.contains("Action=ListSubscriptionsByTopic") {
        // SNS's query protocol answers in XML.
        let xml = "<ListSubscriptionsByTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListSubscriptionsByTopicResult><Subscriptions><member><TopicArn>arn:aws:sns:us-east-1:123456789012:oncall</TopicArn><Protocol>email</Protocol><SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>123456789012</Owner><Endpoint>ops@practice.example</Endpoint></member></Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>";
        return Some(
            hyper::Response::builder()
                .status(200)
                .header("content-type", "text/xml")
                .body(Full::new(Bytes::from(xml)))
                .unwrap(),
        );
    }
    if let Some(answer) = crate::dns::certificate_answer(&form) {
        return Some(answer);
    }
    if path == "/v2/email/account" {
        return Some(json_answer(
            200,
            &json!({
                "DedicatedIpAutoWarmupEnabled": false, "EnforcementStatus": "HEALTHY",
                "ProductionAccessEnabled": !scenario.sandbox, "SendingEnabled": true,
                "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 3.0}
            }),
        ));
    }
    if let Some(address) = path.strip_prefix("/v2/email/suppression/addresses/") {
        let address = percent_encoding::percent_decode_str(address)
            .decode_utf8_lossy()
            .into_owned();
        return Some(
            if scenario.suppressed.as_deref() == Some(address.as_str()) {
                json_answer(
                    200,
                    &json!({"SuppressedDestination": {
                        "EmailAddress": address, "Reason": "BOUNCE", "LastUpdateTime": 1_795_000_000
                    }}),
                )
            } else {
                not_found("NotFoundException")
            },
        );
    }
    if path.starts_with("/v2/email/configuration-sets/") && path.ends_with("/event-destinations") {
        return Some(json_answer(
            200,
            &json!({"EventDestinations": [{
                "Name": "to-eventbridge", "Enabled": true,
                "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY", "RENDERING_FAILURE"],
                "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}
            }]}),
        ));
    }
    if let Some(identity) = path.strip_prefix("/v2/email/identities/") {
        let identity = percent_encoding::percent_decode_str(identity)
            .decode_utf8_lossy()
            .into_owned();
        let domain = !identity.contains('@');
        return Some(json_answer(
            200,
            &json!({
                "IdentityType": if domain { "DOMAIN" } else { "EMAIL_ADDRESS" },
                "FeedbackForwardingStatus": true, "VerifiedForSendingStatus": if domain { !scenario.sender_unverified } else { !scenario.sandbox || scenario.verified.contains(&identity) },
                "DkimAttributes": {"SigningEnabled": domain, "Status": if domain { scenario.dkim } else { "NOT_STARTED" },
                                   "SigningAttributesOrigin": "AWS_SES",
                                   "Tokens": if domain { crate::dns::DKIM_TOKENS.to_vec() } else { Vec::new() }},
                "MailFromAttributes": if domain { json!({"MailFromDomain": format!("bounce.{identity}"), "MailFromDomainStatus": "SUCCESS", "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}) } else { Value::Null },
                "VerificationStatus": "SUCCESS"
            }),
        ));
    }
    if path.starts_with("/2015-03-31/functions/") && path.ends_with("/configuration") {
        return Some(json_answer(
            200,
            &json!({
                "FunctionName": "consultation-form", "Runtime": "provided.al2023",
                "Environment": {"Variables": environment}
            }),
        ));
    }
    None
}

async fn stand_in(
    upstream: String,
    environment: HashMap<String, String>,
    scenario: Arc<Mutex<Scenario>>,
) -> String {
    serve(move |parts, body| {
        let (upstream, environment, scenario) =
            (upstream.clone(), environment.clone(), scenario.clone());
        async move {
            let path = parts.uri.path().to_owned();
            record_unrouted(&parts, &path);
            // Passed on first: the emulator records every call the tool made.
            let upstream_answer = forward_to(&upstream, &parts, body.clone()).await?;
            let current = scenario.lock().unwrap().clone();
            if String::from_utf8_lossy(&body).contains("Action=DescribeStacks") {
                return crate::dns::with_domain_targets(upstream_answer).await;
            }
            match stand_in_answer(&path, &body, &current, &environment) {
                Some(answer) => Ok(answer),
                None => answer_of(upstream_answer).await,
            }
        }
    })
    .await
}

/// moto records only the calls it has a route for: the stand-in records the SES v2 calls it
/// answers alone, in moto's format, for the IAM coverage check (scripts/test.sh reads the file).
fn record_unrouted(parts: &hyper::http::request::Parts, path: &str) {
    let unrouted = path == "/v2/email/account"
        || path.starts_with("/v2/email/suppression/addresses/")
        || (path.starts_with("/v2/email/configuration-sets/")
            && path.ends_with("/event-destinations"));
    let Ok(file) = std::env::var("CONSULTATION_STANDIN_RECORDING") else {
        return;
    };
    if !unrouted {
        return;
    }
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let name = if name == "authorization" {
                "Authorization".to_owned()
            } else {
                name.to_string()
            };
            (name, json!(value.to_str().unwrap_or_default()))
        })
        .collect();
    let entry = json!({"method": parts.method.as_str(), "url": format!("http://stand-in{path}"), "headers": headers, "body": "", "body_encoded": false});
    // One write of the whole line, one writer at a time: tests run in parallel, and a line
    // written in pieces by two of them is no JSON (the coverage check reads every line).
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    use std::io::Write;
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .unwrap();
    out.write_all(format!("{entry}\n").as_bytes()).unwrap();
}

/// The stack IAM coverage evaluates (every optional part on, an alarm topic of the practice's).
fn evaluated_stack() -> Value {
    let path = crate::helpers::suite_variable("CONSULTATION_STACKS");
    let created: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    created["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            let c = s["conditions"].to_string();
            [
                "UseCustomDomain",
                "UseSenderDomain",
                "UseTurnstile",
                "UseReplyTracking",
                "UseStaffDomain",
            ]
            .iter()
            .all(|n| c.contains(&format!("\"{n}\"")))
                && !c.contains("\"CreateAlarmTopic\"")
        })
        .cloned()
        .expect("the all-options stack")
}

/// The scheduled run turned off, as an operator might by mistake.
async fn disable_schedule(stack: &Value, endpoint: &str) {
    use aws_sdk_scheduler::types::{
        FlexibleTimeWindow, FlexibleTimeWindowMode, ScheduleState, Target,
    };
    let sdk = harness_sdk_config().await;
    let scheduler = aws_sdk_scheduler::Client::from_conf(
        aws_sdk_scheduler::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    );
    scheduler
        .update_schedule()
        .name(format!(
            "{}-scheduled-run",
            stack["stack"].as_str().unwrap()
        ))
        .schedule_expression("rate(5 minutes)")
        .state(ScheduleState::Disabled)
        .flexible_time_window(
            FlexibleTimeWindow::builder()
                .mode(FlexibleTimeWindowMode::Off)
                .build()
                .unwrap(),
        )
        .target(
            Target::builder()
                .arn("arn:aws:lambda:us-east-1:123456789012:function:consultation-form")
                .role_arn("arn:aws:iam::123456789012:role/scheduler")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// What the stack's own resources would be, where moto skipped them: a confirmed alarm
/// subscription, the schedule, PITR and TTL, the active receipt rule set, a delivered heartbeat.
/// Once for the stack, however many scenarios run against it.
pub(crate) async fn stage(stack: &Value, endpoint: &str) {
    static STAGED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    STAGED.get_or_init(|| stage_once(stack, endpoint)).await;
}

async fn stage_once(stack: &Value, endpoint: &str) {
    let sdk = harness_sdk_config().await;
    let name = stack["stack"].as_str().unwrap();
    let env = &stack["environment"];
    let table = env["TABLE_NAME"].as_str().unwrap();
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    );
    // The practice's first admin, with a passkey for the console's relying party.
    let staff = consultation_form::staff::Staff::new(
        dynamodb.clone(),
        env["STAFF_TABLE_NAME"].as_str().unwrap().to_owned(),
    );
    crate::console::admin_with_passkey(
        &staff,
        env["STAFF_RP_ID"].as_str().unwrap(),
        env["STAFF_BASE_URL"].as_str().unwrap(),
        "owner@practice.example",
    )
    .await;
    dynamodb
        .update_continuous_backups()
        .table_name(table)
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    dynamodb
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires_at")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = chrono::Utc::now();
    // An update, not a put: the other test may have asked for a test notification already.
    let two_hours_ago = consultation_form::store::rfc3339(now - chrono::Duration::hours(2));
    dynamodb
        .update_item()
        .table_name(table)
        .key("pk", AttributeValue::S("heartbeat-state".into()))
        .update_expression(
            "SET probe_day = :day, probe_id = :id, probe_sent_at = :at, delivered_at = :at",
        )
        .expression_attribute_values(":day", AttributeValue::S(now.date_naive().to_string()))
        .expression_attribute_values(
            ":id",
            AttributeValue::S(consultation_form::domain::SubmissionId::new(now).to_string()),
        )
        .expression_attribute_values(":at", AttributeValue::S(two_hours_ago))
        .send()
        .await
        .unwrap();
    let sns = aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    );
    let topic = stack["parameters"]["ExistingAlarmTopicArn"]
        .as_str()
        .unwrap();
    sns.subscribe()
        .topic_arn(topic)
        .protocol("email")
        .endpoint("ops@practice.example")
        .send()
        .await
        .unwrap();
    let scheduler = aws_sdk_scheduler::Client::from_conf(
        aws_sdk_scheduler::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    );
    use aws_sdk_scheduler::types::{FlexibleTimeWindow, FlexibleTimeWindowMode, Target};
    scheduler
        .create_schedule()
        .name(format!("{name}-scheduled-run"))
        .schedule_expression("rate(5 minutes)")
        .flexible_time_window(
            FlexibleTimeWindow::builder()
                .mode(FlexibleTimeWindowMode::Off)
                .build()
                .unwrap(),
        )
        .target(
            Target::builder()
                .arn("arn:aws:lambda:us-east-1:123456789012:function:consultation-form")
                .role_arn("arn:aws:iam::123456789012:role/scheduler")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let ses = aws_sdk_ses::Client::from_conf(
        aws_sdk_ses::config::Builder::from(&sdk)
            .endpoint_url(endpoint)
            .build(),
    );
    let rules = format!("replies-{}", name.rsplit('-').next().unwrap());
    ses.create_receipt_rule_set()
        .rule_set_name(&rules)
        .send()
        .await
        .unwrap();
    let domain = env["REPLY_TRACKING_DOMAIN"].as_str().unwrap();
    ses.create_receipt_rule()
        .rule_set_name(&rules)
        .rule(
            aws_sdk_ses::types::ReceiptRule::builder()
                .name("replies")
                .enabled(true)
                .recipients(domain)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    ses.set_active_receipt_rule_set()
        .rule_set_name(&rules)
        .send()
        .await
        .unwrap();
}

/// The operator tool with nothing but credentials (of `key`'s policy) and a region.
pub(crate) async fn operator(stand_in: &str, key: &str, args: &[&str]) -> std::process::Output {
    operator_asking(stand_in, key, args, None).await
}

/// The same, asking DNS at `dns_server` (doctor's DNS checks).
pub(crate) async fn operator_asking(
    stand_in: &str,
    key: &str,
    args: &[&str],
    dns_server: Option<&str>,
) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_consultation-admin"));
    command.env_clear();
    if let Some(server) = dns_server {
        command.env("DNS_SERVER", server);
    }
    command
        .args(args)
        .env("AWS_ENDPOINT_URL", stand_in)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .expect("run consultation-admin")
}

/// `doctor` with the front desk's credentials; `--send-test` (which asks the scheduled run for a
/// test email) with an operator's who also holds the records policy. DNS is a server serving
/// every record `dns` printed for the stack.
async fn doctor(stand_in: &str, stack: &str, extra: &[&str]) -> std::process::Output {
    let dns = crate::dns::published(stand_in, stack).await;
    doctor_asking(stand_in, stack, extra, &dns.address).await
}

pub(crate) async fn doctor_asking(
    stand_in: &str,
    stack: &str,
    extra: &[&str],
    dns_server: &str,
) -> std::process::Output {
    let args: Vec<&str> = ["--stack", stack, "doctor"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let key = if extra.contains(&"--send-test") {
        crate::helpers::BOTH_POLICIES_ACCESS_KEY
    } else {
        FRONT_DESK_ACCESS_KEY
    };
    operator_asking(stand_in, key, &args, Some(dns_server)).await
}

/// The all-options stack, its environment, and a stand-in in front of its emulator.
pub(crate) struct Setup {
    pub(crate) endpoint: String,
    pub(crate) stack: Value,
    pub(crate) name: String,
    pub(crate) environment: HashMap<String, String>,
    pub(crate) scenario: Arc<Mutex<Scenario>>,
    pub(crate) url: String,
}

impl Setup {
    pub(crate) async fn new() -> Self {
        let endpoint = crate::helpers::suite_variable("CONSULTATION_STACK_ENDPOINT");
        let stack = evaluated_stack();
        let name = stack["stack"].as_str().unwrap().to_owned();
        let environment: HashMap<String, String> =
            serde_json::from_value(stack["environment"].clone()).unwrap();
        let scenario = Arc::new(Mutex::new(Scenario {
            dkim: "SUCCESS",
            ..Scenario::default()
        }));
        let url = stand_in(endpoint.clone(), environment.clone(), scenario.clone()).await;
        Self {
            endpoint,
            stack,
            name,
            environment,
            scenario,
            url,
        }
    }
}

#[tokio::test]
async fn doctor_finds_the_stack_by_name_and_every_check_passes_or_says_the_fix() {
    let Setup {
        endpoint,
        stack,
        name,
        scenario,
        url,
        ..
    } = Setup::new().await;
    stage(&stack, &endpoint).await;

    let ready = doctor(&url, &name, &[]).await;
    let report = String::from_utf8_lossy(&ready.stdout).into_owned();
    let errors = String::from_utf8_lossy(&ready.stderr).into_owned();
    assert_eq!(ready.status.code(), Some(0), "{report}{errors}");
    for check in [
        "SES production access",
        "Sender identity",
        "Suppression list",
        "SES events to the function",
        "Alarm subscription",
        "Scheduled run",
        "Staff console",
        "Secrets",
        "Table backups and expiry",
        "Reply tracking",
        "Heartbeat",
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("pass") && l.contains(check)),
            "{check}: {report}"
        );
    }

    // Every other command with the front desk's credentials alone.
    let listed = operator(
        &url,
        FRONT_DESK_ACCESS_KEY,
        &["--stack", &name, "list", "--open"],
    )
    .await;
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );

    // A bad day: the SES sandbox (the staff address unverified), the sender unverified, a staff
    // address suppressed, the alarm subscription pending, the schedule disabled: each line says
    // what is wrong and the fix; the exit status says so.
    let staff = stack["staff"].as_str().unwrap().to_owned();
    *scenario.lock().unwrap() = Scenario {
        sandbox: true,
        suppressed: Some(staff.clone()),
        dkim: "PENDING",
        sender_unverified: true,
        subscription_pending: true,
        verified: Vec::new(),
    };
    disable_schedule(&stack, &endpoint).await;
    let broken = doctor(&url, &name, &[]).await;
    let report = String::from_utf8_lossy(&broken.stdout).into_owned();
    assert_eq!(broken.status.code(), Some(1), "{report}");
    let failed = |check: &str, words: &str| {
        let line = report
            .lines()
            .find(|l| l.contains(&format!(" {check}: ")))
            .unwrap_or_default();
        assert!(
            line.starts_with("FAIL") && line.contains(words),
            "{check}: {report}"
        );
    };
    failed("SES production access", "in the SES sandbox, and ");
    failed("SES production access", &staff);
    failed("Sender identity", "is not verified for sending");
    failed("Suppression list", &format!("{staff} (BOUNCE)"));
    failed(
        "Alarm subscription",
        "ops@practice.example is not confirmed",
    );
    failed("Scheduled run", "is DISABLED");
    assert_eq!(report.matches("Fix: ").count(), 5, "{report}");

    // The records policy finds the stack the same way (export: every stored field).
    let export = ["--stack", &name, "export", "--format", "json"];
    let exported = operator(&url, crate::helpers::RECORDS_ACCESS_KEY, &export).await;
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
}

#[tokio::test]
async fn send_test_waits_for_ses_to_report_the_test_notification_delivered() {
    let Setup {
        endpoint,
        stack,
        name,
        environment,
        url,
        ..
    } = Setup::new().await;
    // The function, as EventBridge would invoke it with SES's event.
    let mut function_env = environment.clone();
    function_env.insert("AWS_ENDPOINT_URL".into(), endpoint.clone());
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&function_env);

    let run = tokio::spawn({
        let url = url.clone();
        let name = name.clone();
        async move { doctor(&url, &name, &["--send-test", "--wait", "60"]).await }
    });
    // doctor sends nothing itself: the next scheduled run sends the test notification.
    let mut id = None;
    for _ in 0..150 {
        let run = runtime
            .invoke(&json!({"action": "scheduled_run"}).to_string())
            .await;
        if let Some(sent) = run["daily_checks"]["test_sent"].as_str() {
            id = Some(sent.to_owned());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let id = id.expect("the scheduled run sent the test notification");
    let staff = stack["staff"].as_str().unwrap();
    let sent = crate::helpers::send_email_requests_at(&endpoint, staff).await;
    let tagged = sent.iter().any(|email| {
        let tags = email["EmailTags"].to_string();
        tags.contains("\"test\"") && tags.contains(&id)
    });
    assert!(tagged, "sent to staff through SES, tagged as a test");
    let event = json!({
        "source": "aws.ses", "detail-type": "Email Delivered",
        "detail": {"mail": {"destination": [staff], "tags": {"submission_id": [id], "email_kind": ["test"]}}}
    });
    let recorded = runtime.invoke(&event.to_string()).await;
    assert_eq!(recorded["outcome"], "test_delivered", "{recorded}");
    let output = run.await.unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("pass") && l.contains("Test notification") && l.contains(&id)),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn in_the_sandbox_every_address_the_stack_sends_to_must_be_verified_not_only_the_staffs() {
    let Setup {
        endpoint,
        stack,
        name,
        environment,
        scenario,
        url,
    } = Setup::new().await;
    stage(&stack, &endpoint).await;
    let staff = stack["staff"].as_str().unwrap().to_owned();
    // The staff address is verified; the heartbeat's (the alarm address), the escalation's and
    // the fallback's are not, nor their domain (a verified domain would cover them all): the
    // morning's heartbeat would never arrive.
    *scenario.lock().unwrap() = Scenario {
        sandbox: true,
        dkim: "SUCCESS",
        sender_unverified: true,
        verified: vec![staff.clone()],
        ..Scenario::default()
    };
    let report = doctor(&url, &name, &[]).await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains(" SES production access: "))
        .unwrap_or_default();
    assert!(line.starts_with("FAIL"), "{text}");
    assert!(
        !line.contains(&staff),
        "the staff address is verified: {line}"
    );
    for variable in ["HEARTBEAT_TO", "ESCALATE_TO", "NOTIFY_FALLBACK_TO"] {
        let address = environment[variable].split(',').next().unwrap().trim();
        assert!(
            address.contains('@'),
            "the stack sets {variable}: {environment:?}"
        );
        assert!(line.contains(address), "{variable} {address}: {line}");
    }
    assert_eq!(report.status.code(), Some(1), "{text}");
}
