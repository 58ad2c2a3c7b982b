//! The edge of the function through the compiled binary under a Lambda Runtime API: the whole
//! hostile corpus, and the people the edge must let through (a long non-Latin message, a form post
//! from a strict-referrer page, a browser that filled the hidden field).

use crate::helpers::{CLIENT_HASH_KEY, RequestSpec, TestApp, s};
use crate::hostile::corpus;
use crate::runtime_api::{RuntimeApi, local_env};
use serde_json::Value;

async fn binary_for(test: &TestApp, runtime: &RuntimeApi) -> tokio::process::Child {
    runtime.spawn_function(&local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("CLIENT_HASH_KEY", CLIENT_HASH_KEY),
        (
            "ALLOWED_ORIGINS",
            "https://www.practice.test,http://localhost:8080",
        ),
        ("RATE_LIMIT_PER_HOUR", "50"),
        ("THANK_YOU_URL", ""),
    ]))
}

async fn invoke(runtime: &RuntimeApi, spec: RequestSpec) -> (u16, Value, String) {
    let response = runtime.invoke(&spec.event_json()).await;
    let status = u16::try_from(response["statusCode"].as_u64().unwrap()).unwrap();
    let body = response["body"].as_str().unwrap_or_default().to_owned();
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    (status, json, body)
}

#[tokio::test]
async fn every_hostile_request_gets_its_exact_answer_from_the_binary() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = binary_for(&test, &runtime).await;
    for (label, spec, (status, code, field)) in corpus() {
        let (got, body, text) = invoke(&runtime, spec.header("accept", "application/json")).await;
        assert_eq!(got, status, "{label}: {text}");
        assert_eq!(body["error"], code, "{label}");
        if let Some((field, field_code)) = field {
            assert_eq!(body["fields"][field][0]["code"], field_code, "{label}");
        }
    }
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn the_people_the_edge_must_let_through_are_stored_by_the_binary() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = binary_for(&test, &runtime).await;

    let emoji = "😟".repeat(2000);
    let encoded = percent_encoding::utf8_percent_encode(&emoji, percent_encoding::NON_ALPHANUMERIC);
    let long = RequestSpec::post_form(&format!(
        "name=Ana+Lima&email=ana%40example.com&consent=on&message={encoded}"
    ));
    assert!(long.body.as_ref().unwrap().len() > 16 * 1024);
    let (status, _, text) = invoke(&runtime, long).await;
    assert_eq!(status, 200, "a 2,000-emoji form post: {text}");

    let strict = RequestSpec::post_form("name=Noa+Levi&email=noa%40example.com&consent=on")
        .header("origin", "null");
    let (status, _, text) = invoke(&runtime, strict).await;
    assert_eq!(status, 200, "a form post with Origin: null: {text}");

    let autofilled = RequestSpec::post_form(
        "name=Sam+Rivera&email=sam%40example.com&consent=on&website=https%3A%2F%2Fsam.example",
    );
    let (status, _, text) = invoke(&runtime, autofilled).await;
    assert_eq!(status, 200, "a filled honeypot looks accepted: {text}");

    let items = test.items().await;
    assert_eq!(items.len(), 3);
    let by_name = |name: &str| items.iter().find(|i| s(i, "name") == name).unwrap();
    assert_eq!(s(by_name("Ana Lima"), "message"), emoji);
    assert_eq!(s(by_name("Noa Levi"), "notify_status"), "sent");
    assert_eq!(s(by_name("Sam Rivera"), "notify_status"), "held");
    assert_eq!(
        test.sent_emails().await.len(),
        2,
        "nobody is emailed about spam"
    );
}

#[tokio::test]
async fn a_query_path_or_host_a_uri_refuses_gets_the_functions_answer_never_a_bare_502() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = binary_for(&test, &runtime).await;
    let with_query = |method: &str, path: &str, query: &str| {
        let mut spec = RequestSpec::new(method, path).header("accept", "application/json");
        spec.query = query.to_owned();
        spec
    };
    let cases = [
        (
            "a space in the query",
            with_query("GET", "/consultations", "a b"),
            405,
        ),
        (
            "quotes and markup",
            with_query("GET", "/consultations", "x=\"1\"&y=<b>"),
            405,
        ),
        (
            "a space in the path",
            with_query("GET", "/consultations/a b", ""),
            404,
        ),
        (
            "non-ASCII and braces",
            with_query("POST", "/contact", "q=é{}|^`"),
            404,
        ),
        (
            "a Host that is no host",
            with_query("GET", "/consultations", "").header("host", "bad host"),
            405,
        ),
    ];
    for (label, spec, status) in cases {
        // `invoke` fails the test if the function reports an invocation error (a 502 deployed).
        let (got, _, text) = invoke(&runtime, spec).await;
        assert_eq!(got, status, "{label}: {text}");
    }
    test.assert_nothing_kept().await;
}
