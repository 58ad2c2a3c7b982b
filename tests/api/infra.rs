//! What the infrastructure template must never lose: encryption with our own key, backups,
//! deletion protection, the TTL attribute the code writes, least-privilege IAM, and exactly the
//! environment the configuration reads. (cfn-lint, checkov and `sam validate` run in `make test` too.)

use consultation_form::store::attr;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub(crate) fn template() -> Value {
    let path = crate::helpers::suite_variable("CONSULTATION_TEMPLATE_JSON");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The template after the SAM transform (scripts/sam_stack.py translate), as `sam deploy` sends
/// it to CloudFormation.
pub(crate) fn translated() -> Value {
    let path = crate::helpers::suite_variable("CONSULTATION_TRANSLATED_JSON");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub(crate) fn resources_of_type<'a>(
    template: &'a Value,
    kind: &str,
) -> Vec<(&'a String, &'a Value)> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

pub(crate) fn the_table(template: &Value) -> &Value {
    let tables = resources_of_type(template, "AWS::DynamoDB::Table");
    let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["AccessLogTable", "ConsultationsTable", "StaffTable"],
        "the requests', the staff's and the access log's"
    );
    &template["Resources"]["ConsultationsTable"]
}

#[test]
fn the_table_is_encrypted_with_a_rotating_customer_managed_key() {
    let template = template();
    let sse = &the_table(&template)["Properties"]["SSESpecification"];
    assert_eq!(sse["SSEEnabled"], true);
    assert_eq!(sse["SSEType"], "KMS");
    let key_name = sse["KMSMasterKeyId"]["Ref"]
        .as_str()
        .expect("a key from this template");
    let key = &template["Resources"][key_name];
    assert_eq!(key["Type"], "AWS::KMS::Key");
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
}

#[test]
fn the_table_is_backed_up_protected_and_retained() {
    let template = template();
    let table = the_table(&template);
    let props = &table["Properties"];
    assert_eq!(
        props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(props["DeletionProtectionEnabled"], true);
    assert_eq!(props["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(table["DeletionPolicy"], "Retain");
    assert_eq!(table["UpdateReplacePolicy"], "Retain");
}

#[test]
fn the_table_keys_and_ttl_are_the_ones_the_code_uses() {
    let template = template();
    let props = &the_table(&template)["Properties"];
    assert_eq!(
        props["TimeToLiveSpecification"]["AttributeName"],
        attr::EXPIRES_AT
    );
    assert_eq!(props["TimeToLiveSpecification"]["Enabled"], true);
    assert_eq!(
        props["KeySchema"],
        json!([{"AttributeName": attr::PK, "KeyType": "HASH"}])
    );
}

/// Every `Action` and `Resource` in IAM statements, with the statement's Sid for messages.
pub(crate) fn iam_statements(template: &Value) -> Vec<(String, &Value)> {
    let mut statements = Vec::new();
    for (name, role) in resources_of_type(template, "AWS::IAM::Role") {
        for policy in role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for statement in policy["PolicyDocument"]["Statement"].as_array().unwrap() {
                statements.push((format!("{name}/{}", statement["Sid"]), statement));
            }
        }
    }
    for (name, policy) in resources_of_type(template, "AWS::IAM::ManagedPolicy") {
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
        {
            statements.push((format!("{name}/{}", statement["Sid"]), statement));
        }
    }
    for (name, function) in resources_of_type(template, "AWS::Serverless::Function") {
        assert!(
            function["Properties"]["Policies"].is_null(),
            "{name}: permissions belong in its explicit role, where they are checked"
        );
    }
    statements
}

pub(crate) fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        other => vec![other.to_string()],
    }
}

#[test]
fn iam_grants_no_wildcard_actions_or_resources() {
    let template = template();
    let statements = iam_statements(&template);
    assert!(
        statements.len() >= 4,
        "the function role's statements are found"
    );
    for (sid, statement) in &statements {
        for action in strings(&statement["Action"]) {
            assert!(!action.contains('*'), "{sid}: wildcard action {action}");
        }
        // Actions that take no resource, for which IAM requires "*" (doctor's account checks).
        let no_resource = [
            "ses:GetAccount",
            "ses:GetSuppressedDestination",
            "ses:DescribeActiveReceiptRuleSet",
        ];
        let actions = strings(&statement["Action"]);
        for resource in strings(&statement["Resource"]) {
            if resource == "*"
                && actions
                    .iter()
                    .all(|a| no_resource.iter().any(|n| a.contains(n)))
            {
                continue;
            }
            assert!(
                resource != "*" && !resource.ends_with(":*") && !resource.ends_with("/*\""),
                "{sid}: wildcard resource {resource}"
            );
        }
    }
    for (name, key) in resources_of_type(&template, "AWS::KMS::Key") {
        for statement in key["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .unwrap()
        {
            for action in strings(&statement["Action"]) {
                assert!(
                    !action.contains('*'),
                    "{name}: wildcard key action {action}"
                );
            }
        }
    }
}

#[test]
fn the_function_is_the_rust_binary_on_al2023_with_a_bounded_timeout() {
    let template = template();
    let (_, function) = resources_of_type(&template, "AWS::Serverless::Function")[0];
    let props = &function["Properties"];
    assert_eq!(props["Runtime"], "provided.al2023");
    assert_eq!(props["Handler"], "bootstrap");
    assert_eq!(function["Metadata"]["BuildMethod"], "rust-cargolambda");
    assert_eq!(template["Parameters"]["Architecture"]["Default"], "x86_64");
    let timeout = props["Timeout"].as_u64().unwrap();
    assert!(
        timeout < 30,
        "the function must end before API Gateway's 30 s"
    );
    let worst_case = 2 * consultation_form::aws::OPERATION_TIMEOUT.as_secs();
    assert!(
        worst_case < timeout,
        "store and email fit inside the timeout"
    );
}

#[test]
fn logs_have_finite_retention_and_carry_no_client_address() {
    let template = template();
    for (name, group) in resources_of_type(&template, "AWS::Logs::LogGroup") {
        assert!(
            !group["Properties"]["RetentionInDays"].is_null(),
            "{name} keeps logs forever"
        );
        assert!(
            !group["Properties"]["KmsKeyId"].is_null(),
            "{name} is not encrypted with our key"
        );
    }
    let (_, api) = resources_of_type(&template, "AWS::Serverless::HttpApi")[0];
    let format = api["Properties"]["AccessLogSettings"]["Format"]
        .as_str()
        .unwrap();
    for leak in ["sourceIp", "identity", "userAgent", "body"] {
        assert!(!format.contains(leak), "access logs must not carry {leak}");
    }
    assert!(
        api["Properties"]["CorsConfiguration"].is_null(),
        "the function owns CORS"
    );
}

#[test]
fn there_is_an_alarm_for_each_way_a_request_can_be_lost() {
    let template = template();
    let alarms: BTreeSet<String> = resources_of_type(&template, "AWS::CloudWatch::Alarm")
        .iter()
        .map(|(_, a)| a["Properties"]["MetricName"].as_str().unwrap().to_owned())
        .collect();
    for metric in [
        "Errors",
        "Throttles",
        "Duration",
        "5xx",
        "4xx",
        "NotificationsFailed",
        "CaptchaUnavailable",
        "StaffEmailProblems",
        "OldestPendingSeconds",
        "ApproximateNumberOfMessagesVisible",
        "FollowUpsOverdue",
        "WebhookProblems",
    ] {
        assert!(alarms.contains(metric), "no alarm on {metric}");
    }
}

#[test]
fn every_alarm_reaches_a_person() {
    let template = template();
    let rule = template["Rules"]["AlarmsReachSomeone"]["Assertions"][0]["Assert"].to_string();
    assert!(
        rule.contains("AlarmEmail") && rule.contains("ExistingAlarmTopicArn"),
        "{rule}"
    );
    let topic = json!({"Fn::If": ["CreateAlarmTopic", {"Ref": "AlarmTopic"}, {"Ref": "ExistingAlarmTopicArn"}]});
    for (name, alarm) in resources_of_type(&template, "AWS::CloudWatch::Alarm") {
        assert_eq!(
            alarm["Properties"]["AlarmActions"],
            json!([topic]),
            "{name}"
        );
    }
}

#[test]
fn ses_events_reach_the_function_and_what_fails_waits_in_a_dead_letter_queue() {
    let template = template();
    let (_, destination) =
        resources_of_type(&template, "AWS::SES::ConfigurationSetEventDestination")[0];
    let destination = &destination["Properties"]["EventDestination"];
    assert!(destination["EventBridgeDestination"]["EventBusArn"].is_object());
    let types: BTreeSet<&str> = destination["MatchingEventTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for kind in [
        "delivery",
        "bounce",
        "complaint",
        "reject",
        "deliveryDelay",
        "renderingFailure",
    ] {
        assert!(types.contains(kind), "no {kind} events");
    }

    let rules = resources_of_type(&template, "AWS::Events::Rule");
    let (_, rule) = rules
        .iter()
        .find(|(_, r)| {
            r["Properties"]["EventPattern"]["source"]
                == json!([consultation_form::lambda::SES_SOURCE])
        })
        .expect("a rule for SES's events");
    let detail_types = rule["Properties"]["EventPattern"]["detail-type"]
        .as_array()
        .unwrap();
    for detail_type in detail_types {
        assert!(
            consultation_form::domain::DeliveryStatus::from_detail_type(
                detail_type.as_str().unwrap()
            )
            .is_some(),
            "the function does not read {detail_type}"
        );
    }
    assert_eq!(detail_types.len(), 6);
    let target = &rule["Properties"]["Targets"][0];
    assert_eq!(
        target["Arn"],
        json!({"Fn::GetAtt": ["ConsultationFunction", "Arn"]})
    );
    let queue = json!({"Fn::GetAtt": ["UndeliveredEventsQueue", "Arn"]});
    assert_eq!(target["DeadLetterConfig"]["Arn"], queue);

    let function = &resources_of_type(&template, "AWS::Serverless::Function")[0].1["Properties"];
    assert_eq!(function["DeadLetterQueue"]["TargetArn"], queue);
    let schedule = &resources_of_type(&template, "AWS::Scheduler::Schedule")[0].1["Properties"];
    assert_eq!(schedule["Target"]["DeadLetterConfig"]["Arn"], queue);
    let (_, queue) = resources_of_type(&template, "AWS::SQS::Queue")[0];
    assert_eq!(
        queue["Properties"]["KmsMasterKeyId"],
        json!({"Ref": "DataKey"})
    );
    assert!(
        resources_of_type(&template, "AWS::Lambda::Permission")
            .iter()
            .any(|(_, p)| p["Properties"]["Principal"] == "events.amazonaws.com")
    );
}

#[test]
fn one_busy_client_cannot_use_up_the_stage_and_the_cost_is_capped() {
    let template = template();
    let parameters = &template["Parameters"];
    assert!(
        parameters["ThrottlingRateLimit"]["Default"]
            .as_u64()
            .unwrap()
            >= 50
    );
    assert!(
        parameters["ThrottlingBurstLimit"]["Default"]
            .as_u64()
            .unwrap()
            >= 100
    );
    assert!(
        parameters["ReservedConcurrency"]["Default"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let functions = resources_of_type(&template, "AWS::Serverless::Function");
    assert_eq!(
        functions[0].1["Properties"]["ReservedConcurrentExecutions"],
        json!({"Fn::If": ["ReserveConcurrency", {"Ref": "ReservedConcurrency"}, {"Ref": "AWS::NoValue"}]})
    );
}

#[test]
fn a_schedule_runs_the_retry_path_at_least_every_15_minutes() {
    let template = template();
    let schedules = resources_of_type(&template, "AWS::Scheduler::Schedule");
    assert_eq!(schedules.len(), 2);
    let (_, minute) = schedules
        .iter()
        .find(|(name, _)| *name == "WebhookSchedule")
        .expect("the webhooks' schedule");
    assert_eq!(minute["Properties"]["ScheduleExpression"], "rate(1 minute)");
    assert_eq!(
        minute["Properties"]["Target"]["Input"],
        r#"{"action": "send_webhooks"}"#
    );
    let (_, run) = schedules
        .iter()
        .find(|(name, _)| *name == "RetrySchedule")
        .expect("the scheduled run");
    let props = &run["Properties"];
    let target = &props["Target"];
    assert_eq!(
        target["Arn"],
        json!({"Fn::GetAtt": ["ConsultationFunction", "Arn"]})
    );
    // The input names the public URL for the heartbeat: `Fn::Sub` over the API's base.
    let sub = &target["Input"]["Fn::Sub"];
    let text = sub[0]
        .as_str()
        .unwrap()
        .replace("${Base}", "https://api.example");
    assert!(sub[1]["Base"]["Fn::If"][0] == "UseCustomDomain", "{sub}");
    let input: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(input["action"], "scheduled_run");
    assert_eq!(input["heartbeat_url"], "https://api.example/consultations");
    let expression = props["ScheduleExpression"].as_str().unwrap();
    let minutes: u32 = expression
        .strip_prefix("rate(")
        .and_then(|r| r.strip_suffix(" minutes)"))
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("expected rate(N minutes), got {expression}"));
    assert!(
        minutes <= 5,
        "a pending email waits at most one interval plus the lease"
    );
}

#[test]
fn the_retry_index_is_declared_as_the_code_queries_it() {
    let template = template();
    let props = &the_table(&template)["Properties"];
    let index = props["GlobalSecondaryIndexes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["IndexName"] == consultation_form::store::PENDING_INDEX)
        .expect("the pending-notifications index");
    assert_eq!(index["KeySchema"][0]["AttributeName"], attr::RETRY_QUEUE);
    let role =
        &template["Resources"]["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"];
    let text = role.to_string();
    assert!(text.contains(&format!(
        "/index/{}",
        consultation_form::store::PENDING_INDEX
    )));
}
