//! What the infrastructure template must never lose: encryption with our own key, backups,
//! deletion protection, the TTL attribute the code writes, least-privilege IAM, and exactly the
//! environment the configuration reads. (cfn-lint, checkov and `sam validate` run in `make test` too.)

use consultation_form::config::VARIABLES;
use consultation_form::store::attr;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn template() -> Value {
    let path = std::env::var("CONSULTATION_TEMPLATE_JSON")
        .expect("CONSULTATION_TEMPLATE_JSON is not set: run the tests with `make test`");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The template after the SAM transform (scripts/sam_stack.py translate), as `sam deploy` sends
/// it to CloudFormation.
fn translated() -> Value {
    let path = std::env::var("CONSULTATION_TRANSLATED_JSON")
        .expect("CONSULTATION_TRANSLATED_JSON is not set: run the tests with `make test`");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn resources_of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

fn the_table(template: &Value) -> &Value {
    let tables = resources_of_type(template, "AWS::DynamoDB::Table");
    assert_eq!(tables.len(), 1, "one table");
    tables[0].1
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
fn iam_statements(template: &Value) -> Vec<(String, &Value)> {
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

fn strings(value: &Value) -> Vec<String> {
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
        for resource in strings(&statement["Resource"]) {
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

/// The secrets and their previous versions: read from Secrets Manager by ARN in the stack, never
/// set in its environment (where `GetFunctionConfiguration` would show them).
const SECRET_VARIABLES: [&str; 5] = [
    "CLIENT_HASH_KEY",
    "CLIENT_HASH_KEY_PREVIOUS",
    "FOLLOW_UP_KEY",
    "FOLLOW_UP_KEY_PREVIOUS",
    "TURNSTILE_SECRET_KEY",
];

fn function_variables(template: &Value) -> &serde_json::Map<String, Value> {
    let functions = resources_of_type(template, "AWS::Serverless::Function");
    assert_eq!(functions.len(), 1);
    functions[0].1["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap()
}

#[test]
fn the_function_sets_exactly_the_variables_the_configuration_reads_but_no_secret() {
    let template = template();
    let set: BTreeSet<&str> = function_variables(&template)
        .keys()
        .map(String::as_str)
        .collect();
    let mut read: BTreeSet<&str> = VARIABLES.iter().map(|v| v.name()).collect();
    read.insert("RUST_LOG");
    for secret in SECRET_VARIABLES {
        assert!(read.remove(secret), "{secret} is a declared variable");
    }
    assert_eq!(set, read);
}

#[test]
fn secrets_are_named_by_arn_and_never_resolved_into_the_environment() {
    let template = template();
    let variables = function_variables(&template);
    let text = Value::Object(variables.clone()).to_string();
    assert!(!text.contains("{{resolve:"), "{text}");
    assert_eq!(
        variables["CLIENT_HASH_KEY_ARN"],
        json!({"Ref": "ClientHashKeySecret"})
    );
    assert_eq!(
        variables["FOLLOW_UP_KEY_ARN"],
        json!({"Ref": "FollowUpKeySecret"})
    );
    assert_eq!(
        variables["TURNSTILE_SECRET_KEY_ARN"],
        json!({"Fn::If": ["UseTurnstile", {"Ref": "TurnstileSecretArn"}, ""]})
    );
    for name in ["ClientHashKeySecret", "FollowUpKeySecret"] {
        assert_eq!(
            template["Resources"][name]["Type"],
            "AWS::SecretsManager::Secret"
        );
    }
    let parameters = template["Parameters"].as_object().unwrap();
    assert!(!parameters.contains_key("ClientHashKey"));
    assert!(!parameters.contains_key("TurnstileSecretKey"));
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
    ] {
        assert!(alarms.contains(metric), "no alarm on {metric}");
    }
}

#[test]
fn every_path_and_method_reaches_the_function_deployed() {
    // The translated template: the routes API Gateway is given, as `sam deploy` writes them.
    let translated = translated();
    let apis = resources_of_type(&translated, "AWS::ApiGatewayV2::Api");
    assert_eq!(apis.len(), 1);
    let paths = apis[0].1["Properties"]["Body"]["paths"]
        .as_object()
        .unwrap();
    let routes: Vec<&String> = paths.keys().collect();
    assert_eq!(
        routes,
        ["$default"],
        "one catch-all route, so GET /consultations is the function's 405, not API Gateway's 404"
    );
    let methods = paths["$default"].as_object().unwrap();
    assert_eq!(
        methods.keys().collect::<Vec<_>>(),
        ["x-amazon-apigateway-any-method"]
    );
    let integration = &methods["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"];
    assert_eq!(integration["type"], "aws_proxy");
    assert_eq!(integration["payloadFormatVersion"], "2.0");
    assert!(
        integration["uri"]
            .to_string()
            .contains("${ConsultationFunction.Arn}")
    );
    assert!(
        resources_of_type(&translated, "AWS::Lambda::Permission")
            .iter()
            .any(|(_, p)| p["Properties"]["Principal"] == "apigateway.amazonaws.com")
    );
}

#[test]
fn the_custom_domain_is_plain_api_gateway_resources_under_its_condition() {
    let template = template();
    let (_, api) = resources_of_type(&template, "AWS::Serverless::HttpApi")[0];
    assert!(
        api["Properties"]["Domain"].is_null(),
        "the SAM transform refuses a Domain under a condition"
    );
    let domain = &template["Resources"]["CustomDomain"];
    assert_eq!(domain["Type"], "AWS::ApiGatewayV2::DomainName");
    assert_eq!(domain["Condition"], "UseCustomDomain");
    let mapping = &template["Resources"]["CustomDomainMapping"];
    assert_eq!(mapping["Type"], "AWS::ApiGatewayV2::ApiMapping");
    assert_eq!(mapping["Condition"], "UseCustomDomain");
    assert_eq!(
        mapping["Properties"]["Stage"],
        json!({"Ref": "HttpApi.Stage"})
    );
}

/// Whether a `dynamodb:LeadingKeys` pattern (`*` for any run of characters) matches a key.
fn glob(pattern: &str, key: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == key,
        Some((head, tail)) => {
            key.starts_with(head)
                && (0..=key.len() - head.len()).any(|skip| glob(tail, &key[head.len() + skip..]))
        }
    }
}

#[test]
fn the_function_can_delete_no_request_and_scans_nothing() {
    let template = template();
    let request = consultation_form::store::request_key(
        consultation_form::domain::SubmissionId::new(chrono::Utc::now()),
    );
    let function: Vec<&Value> = iam_statements(&template)
        .into_iter()
        .filter(|(sid, _)| sid.starts_with("FunctionRole/"))
        .map(|(_, statement)| statement)
        .collect();
    assert!(function.len() >= 4, "the function's statements are found");
    for statement in function {
        let actions = strings(&statement["Action"]);
        assert!(
            !actions.iter().any(|a| a == "dynamodb:Scan"),
            "the scheduled run reads what is due, never the whole table: {statement}"
        );
        if actions.iter().any(|a| a == "dynamodb:DeleteItem") {
            // Allowed only under a LeadingKeys condition that no request's key can match.
            let keys =
                strings(&statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]);
            assert!(
                !keys.is_empty(),
                "DeleteItem without a LeadingKeys condition: {statement}"
            );
            assert!(
                keys.iter().all(|k| !glob(k, &request)),
                "{keys:?} allow deleting {request}"
            );
        }
    }
    assert!(glob("summary#*", "summary#2026-W48") && !glob("summary#*", "request#01"));
}

#[test]
fn the_front_desk_policy_cannot_export_erase_or_read_a_secret() {
    let template = template();
    let front_desk = &template["Resources"]["FrontDeskPolicy"];
    assert_eq!(front_desk["Type"], "AWS::IAM::ManagedPolicy");
    let actions: BTreeSet<String> = front_desk["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    for forbidden in [
        "dynamodb:DeleteItem",
        "secretsmanager:GetSecretValue",
        "ses:SendEmail",
        "kms:Decrypt",
    ] {
        assert!(!actions.contains(forbidden), "front desk may {forbidden}");
    }
    assert_eq!(
        template["Resources"]["RecordsPolicy"]["Type"],
        "AWS::IAM::ManagedPolicy"
    );
    for output in ["FrontDeskPolicyArn", "RecordsPolicyArn"] {
        assert!(
            template["Outputs"][output].is_object(),
            "no output {output}"
        );
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
    assert_eq!(schedules.len(), 1);
    let props = &schedules[0].1["Properties"];
    let target = &props["Target"];
    assert_eq!(
        target["Arn"],
        json!({"Fn::GetAtt": ["ConsultationFunction", "Arn"]})
    );
    let input: Value = serde_json::from_str(target["Input"].as_str().unwrap()).unwrap();
    assert_eq!(input["action"], consultation_form::lambda::RETRY_ACTION);
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
