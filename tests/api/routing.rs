//! Routing among clinicians, through the function's binary: three clinicians set up with the
//! operator tool, requests from IL/BCBS, WI/self-pay, a state nobody covers and a minor, each
//! routed as the contract says; several at once over several instances, each with exactly one
//! assignee and balanced within one; a transaction conflict (which the emulator never answers)
//! injected and retried; a removed clinician's open requests back to the front desk.

use crate::admin::admin;
use crate::console::{Console, HOST, ORIGIN};
use crate::helpers::{
    RefusingProxy, RequestSpec, full_submission, s, send_email_requests_to, unique,
};
use crate::runtime_api::{RuntimeApi, body_of, test_env};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The function's environment with the console (so routing) on.
pub(crate) fn routed_env(console: &Console, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let vars = &console.test.vars;
    let mut all = vec![
        ("STAFF_BASE_URL", ORIGIN),
        ("STAFF_RP_ID", HOST),
        ("STAFF_TABLE_NAME", vars["STAFF_TABLE_NAME"].as_str()),
        (
            "ACCESS_LOG_TABLE_NAME",
            vars["ACCESS_LOG_TABLE_NAME"].as_str(),
        ),
        ("RATE_LIMIT_PER_HOUR", "100"),
    ];
    all.extend_from_slice(extra);
    test_env(&console.test, &all)
}

/// A clinician added and profiled with the operator tool; their staff id.
pub(crate) async fn clinician(console: &Console, name: &str, profile: &[&str]) -> (String, String) {
    let email = format!("{}-{}@practice.test", name.to_lowercase(), unique());
    let out = admin(
        &console.test,
        &[
            "staff",
            "invite",
            &email,
            "--name",
            name,
            "--role",
            "clinician",
            "--print-link",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut args = vec!["staff", "profile", email.as_str()];
    args.extend_from_slice(profile);
    let out = admin(&console.test, &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let member = console
        .staff()
        .member_by_email(&consultation_form::domain::EmailAddress::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    (member.id.to_string(), email)
}

fn request_with(answers: Value) -> Value {
    let mut body = full_submission();
    body["email"] = json!(format!("person-{}@example.com", unique()));
    body["answers"] = answers;
    body
}

/// The staff emails (not the invite) sent to an address.
async fn staff_emails_to(address: &str) -> Vec<Value> {
    send_email_requests_to(address)
        .await
        .into_iter()
        .filter(|r| r["EmailTags"].to_string().contains("\"staff\""))
        .collect()
}

async fn post(runtime: &RuntimeApi, body: &Value) -> Value {
    let answer = runtime
        .invoke(&RequestSpec::post_json(body).event_json())
        .await;
    assert_eq!(answer["statusCode"], 201, "{}", body_of(&answer));
    serde_json::from_str(&body_of(&answer)).unwrap()
}

#[tokio::test]
async fn each_request_goes_to_the_clinician_who_matches_with_the_fewest_open() {
    let console = Console::spawn().await;
    let (a, a_email) = clinician(
        &console,
        "Ada",
        &[
            "--regions",
            "IL",
            "--payers",
            "bcbs,self_pay",
            "--client-types",
            "adult",
            "--accepting",
            "yes",
        ],
    )
    .await;
    let (b, b_email) = clinician(
        &console,
        "Ben",
        &[
            "--regions",
            "IL,WI",
            "--payers",
            "bcbs,self_pay",
            "--client-types",
            "adult,child",
            "--accepting",
            "yes",
        ],
    )
    .await;
    let (c, _) = clinician(
        &console,
        "Cy",
        &[
            "--regions",
            "WI",
            "--payers",
            "self_pay",
            "--client-types",
            "adult",
            "--accepting",
            "yes",
        ],
    )
    .await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&routed_env(&console, &[]));

    // IL and BCBS: Ada and Ben match, both with none open; Ada was never given one and her id
    // comes first.
    let il = post(
        &runtime,
        &request_with(json!({"state": "IL", "payment": "bcbs", "client_type": "adult"})),
    )
    .await;
    let item = console.test.item(il["id"].as_str().unwrap()).await;
    assert_eq!(s(&item, "assignee"), a);
    assert_eq!(
        s(&item, "routing_reason"),
        "matched 2 of 3: licensed in IL, takes Blue Cross Blue Shield, sees Myself; fewest open (0), assigned longest ago"
    );
    assert!(il.get("notice").is_none());
    // Her email: to her, and a copy to the front desk.
    let to_ada = staff_emails_to(&a_email).await;
    assert_eq!(to_ada.len(), 1);
    let to: Vec<&str> = to_ada[0]["Destination"]["ToAddresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(to, [a_email.as_str(), console.test.staff.as_str()]);
    assert!(to_ada[0].to_string().contains("Assigned to"));

    // WI and self-pay: Ben and Cy, none open each; Ben's id comes first.
    let wi = post(
        &runtime,
        &request_with(json!({"state": "WI", "payment": "self_pay"})),
    )
    .await;
    assert_eq!(
        s(
            &console.test.item(wi["id"].as_str().unwrap()).await,
            "assignee"
        ),
        b
    );

    // A state nobody is licensed in: kept for the front desk, and the person told kindly.
    let nv = post(
        &runtime,
        &request_with(json!({"state": "NV", "payment": "bcbs"})),
    )
    .await;
    assert_eq!(nv["notice"]["code"], "out_of_area", "{nv}");
    assert!(
        nv["notice"]["message"]
            .as_str()
            .unwrap()
            .contains("licensed")
    );
    let kept = console.test.item(nv["id"].as_str().unwrap()).await;
    assert!(!kept.contains_key("assignee"));
    assert_eq!(s(&kept, "routing_reason"), "no clinician for Nevada");
    assert_eq!(s(&kept, "notify_status"), "sent", "the front desk is told");

    // A minor, in IL, with a guardian: only Ben sees children there (he has one open now).
    let minor = post(
        &runtime,
        &request_with(json!({"state": "IL", "client_type": "child", "guardian_name": "Rosa Lima"})),
    )
    .await;
    let item = console.test.item(minor["id"].as_str().unwrap()).await;
    assert_eq!(s(&item, "assignee"), b);
    assert!(
        s(&item, "routing_reason")
            .starts_with("matched 1 of 3: licensed in IL, sees My child; fewest open (1)")
    );
    assert!(
        !s(&item, "routing_reason").contains("Rosa"),
        "a personal answer is never a reason"
    );
    assert_eq!(staff_emails_to(&b_email).await.len(), 2);

    // A plain form post that lands on the practice's thank-you page says so in its address.
    let thanks = RuntimeApi::start().await;
    let thanked = thanks.spawn_function(&routed_env(
        &console,
        &[(
            "THANK_YOU_URL",
            "https://www.practice.test/thanks?from=form",
        )],
    ));
    let form = "name=Ana&email=ana%40example.com&consent=on&q_state=outside%3AMX";
    let answer = thanks
        .invoke(&RequestSpec::post_form(form).event_json())
        .await;
    assert_eq!(answer["statusCode"], 303);
    assert_eq!(
        answer["headers"]["location"],
        "https://www.practice.test/thanks?from=form&notice=out_of_area"
    );
    drop(thanked);

    // Cy is removed: nothing of his was open. Ben is removed: his two go back to the front desk.
    let out = admin(&console.test, &["staff", "remove", &b_email]).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 open request(s)"),
        "{out:?}"
    );
    for id in [wi["id"].as_str().unwrap(), minor["id"].as_str().unwrap()] {
        assert!(!console.test.item(id).await.contains_key("assignee"));
    }
    let _ = c;
}

#[tokio::test]
async fn requests_arriving_at_once_over_several_instances_are_balanced_and_assigned_once() {
    let console = Console::spawn().await;
    let mut ids = Vec::new();
    for name in ["Dee", "Eli", "Fay"] {
        ids.push(
            clinician(&console, name, &["--regions", "IL", "--accepting", "yes"])
                .await
                .0,
        );
    }
    // One of the assignments meets another in DynamoDB: cancelled, read again, decided again.
    let proxy = RefusingProxy::start().await;
    proxy.conflict("routing#state", 1);
    let env = routed_env(&console, &[("AWS_ENDPOINT_URL", proxy.url.as_str())]);
    let mut instances = Vec::new();
    for _ in 0..3 {
        let runtime = RuntimeApi::start().await;
        let function = runtime.spawn_function(&env);
        instances.push((runtime, function));
    }
    let posts = instances.iter().flat_map(|(runtime, _)| {
        (0..4)
            .map(move |_| async move { post(runtime, &request_with(json!({"state": "IL"}))).await })
    });
    let answers = futures_util::future::join_all(posts).await;
    assert_eq!(answers.len(), 12);
    assert_eq!(proxy.conflicts_answered(), 1, "the conflict was injected");

    let mut counts: HashMap<String, usize> = HashMap::new();
    for answer in &answers {
        let item = console.test.item(answer["id"].as_str().unwrap()).await;
        let history = format!("{:?}", item.get("history"));
        assert!(item.contains_key("assignee"), "assigned: {history}");
        let assignee = s(&item, "assignee");
        assert!(
            ids.contains(&assignee),
            "exactly one of the clinicians: {assignee}"
        );
        let history = format!("{:?}", item["history"]);
        assert_eq!(
            history.matches("assigned").count(),
            1,
            "assigned once: {history}"
        );
        *counts.entry(assignee).or_default() += 1;
    }
    let (least, most) = (
        counts.values().min().unwrap(),
        counts.values().max().unwrap(),
    );
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(most - least <= 1, "balanced within one: {counts:?}");
}
