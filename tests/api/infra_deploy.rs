//! What a deploy of the template gives the function: exactly the environment the configuration
//! reads and no secret in it, every path and method routed to it (on the translated template, as
//! API Gateway gets it), the custom domain in a shape the SAM transform accepts, and grants that
//! can delete no request and let the front desk export nothing.

use crate::infra::{iam_statements, resources_of_type, strings, template, translated};
use consultation_form::config::VARIABLES;
use consultation_form::config::vars::TEST_ONLY_VARIABLES;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The secrets and their previous versions: read from Secrets Manager by ARN in the stack, never
/// set in its environment (where `GetFunctionConfiguration` would show them).
const SECRET_VARIABLES: [&str; 7] = [
    "CLIENT_HASH_KEY",
    "CLIENT_HASH_KEY_PREVIOUS",
    "FOLLOW_UP_KEY",
    "FOLLOW_UP_KEY_PREVIOUS",
    "TURNSTILE_SECRET_KEY",
    "HEARTBEAT_KEY",
    "HEARTBEAT_KEY_PREVIOUS",
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
    for local in TEST_ONLY_VARIABLES {
        assert!(read.remove(local), "{local} is a declared variable");
        assert!(!set.contains(local), "the template sets {local}");
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
fn every_path_and_method_reaches_the_function_deployed() {
    // The translated template: the routes API Gateway is given, as `sam deploy` writes them.
    let translated = translated();
    // The form's API (SAM's, with its routes in a Body) and the console's (plain resources).
    let apis = resources_of_type(&translated, "AWS::ApiGatewayV2::Api");
    assert_eq!(apis.len(), 2);
    let form = apis
        .iter()
        .find(|(_, a)| !a["Properties"]["Body"].is_null())
        .expect("the form's API");
    let paths = form.1["Properties"]["Body"]["paths"].as_object().unwrap();
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
    // The console's API: every path to the same function, on its own host.
    let resources = &translated["Resources"];
    assert_eq!(
        resources["StaffApiRoute"]["Properties"]["RouteKey"],
        "$default"
    );
    let staff = &resources["StaffApiIntegration"]["Properties"];
    assert_eq!(staff["IntegrationType"], "AWS_PROXY");
    assert_eq!(staff["PayloadFormatVersion"], "2.0");
    assert_eq!(
        staff["IntegrationUri"],
        json!({"Fn::GetAtt": ["ConsultationFunction", "Arn"]})
    );
    assert!(
        resources["StaffApiPermission"]["Properties"]["SourceArn"]
            .to_string()
            .contains("${StaffApi}/*")
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
fn the_function_deletes_nothing_but_a_request_an_admin_erases_and_scans_nothing() {
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
        let on_requests = statement["Resource"]
            .to_string()
            .contains("ConsultationsTable");
        if on_requests && actions.iter().any(|a| a == "dynamodb:DeleteItem") {
            // A request's own item only (an admin's erase in the console): never a duplicate
            // record, a rate counter or the scheduled run's records.
            let keys =
                strings(&statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]);
            assert_eq!(keys, ["request#*"], "{statement}");
            assert!(keys.iter().all(|k| glob(k, &request)));
            for other in [
                "dup#content#ab",
                "rate#ab#2026120310",
                "heartbeat-state",
                "summary#2026-W48",
            ] {
                assert!(keys.iter().all(|k| !glob(k, other)), "{other}");
            }
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
    ] {
        assert!(!actions.contains(forbidden), "front desk may {forbidden}");
    }
    // It may decrypt only through Lambda, to read the function's environment (which names the
    // secrets by ARN and holds none): never a secret through Secrets Manager.
    for statement in front_desk["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
    {
        if strings(&statement["Action"])
            .iter()
            .any(|a| a == "kms:Decrypt")
        {
            let via = &statement["Condition"]["StringEquals"]["kms:ViaService"]["Fn::Sub"];
            assert_eq!(via, "lambda.${AWS::Region}.amazonaws.com", "{statement}");
        }
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
