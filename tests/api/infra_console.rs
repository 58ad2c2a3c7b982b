//! The staff console's part of the template: its two tables kept like the requests', and the
//! access log append-only for every role of the stack.

use crate::infra::{template, the_table};
use serde_json::{Value, json};

#[test]
fn the_staff_and_access_log_tables_are_backed_up_protected_encrypted_retained_and_expire() {
    let template = template();
    let _ = the_table(&template);
    for name in ["StaffTable", "AccessLogTable"] {
        let table = &template["Resources"][name];
        let props = &table["Properties"];
        assert_eq!(
            props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
            "{name}"
        );
        assert_eq!(props["DeletionProtectionEnabled"], true, "{name}");
        assert_eq!(table["DeletionPolicy"], "Retain", "{name}");
        assert_eq!(
            props["SSESpecification"]["KMSMasterKeyId"],
            json!({"Ref": "DataKey"}),
            "{name}"
        );
        assert_eq!(
            props["TimeToLiveSpecification"]["AttributeName"], "expires_at",
            "{name}"
        );
        assert_eq!(
            props["KeySchema"],
            json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]),
            "{name}"
        );
    }
    let by_member = &template["Resources"]["StaffTable"]["Properties"]["GlobalSecondaryIndexes"][0];
    assert_eq!(
        by_member["IndexName"],
        consultation_form::staff::MEMBER_INDEX
    );
}

/// Every IAM statement in the template, with the resource (role or managed policy) it belongs to.
fn statements(template: &Value) -> Vec<(String, Value)> {
    fn walk(owner: &str, value: &Value, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(list)) = map.get("Statement") {
                    out.extend(list.iter().map(|st| (owner.to_owned(), st.clone())));
                }
                map.values().for_each(|v| walk(owner, v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| walk(owner, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (name, resource) in template["Resources"].as_object().unwrap() {
        if matches!(
            resource["Type"].as_str(),
            Some("AWS::IAM::Role" | "AWS::IAM::ManagedPolicy")
        ) {
            walk(name, &resource["Properties"], &mut out);
        }
    }
    out
}

fn list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

#[test]
fn every_role_may_only_add_to_the_access_log_and_read_it() {
    let template = template();
    let mut adders = Vec::new();
    for (owner, statement) in statements(&template) {
        let on_the_log = list(&statement["Resource"])
            .iter()
            .any(|r| r.to_string().contains("AccessLogTable"));
        if !on_the_log {
            continue;
        }
        let actions: Vec<String> = list(&statement["Action"])
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        for action in &actions {
            assert!(
                ["dynamodb:PutItem", "dynamodb:Query"].contains(&action.as_str()),
                "{owner} {}: {action} on the access log (only adding and reading)",
                statement["Sid"]
            );
        }
        if actions.iter().any(|a| a == "dynamodb:PutItem") {
            adders.push(owner);
        }
    }
    adders.sort();
    adders.dedup();
    assert_eq!(
        adders,
        ["FrontDeskPolicy", "FunctionRole", "RecordsPolicy"],
        "the function and both operator policies write their entries"
    );
}
