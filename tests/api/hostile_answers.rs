//! Every request of the hostile corpus (`hostile.rs`) gets its exact answer in-process and nothing
//! is kept; markup is accepted where the contract allows and always escaped.

use crate::helpers::{RequestSpec, TestApp, s};
use crate::hostile::*;
use serde_json::json;

#[tokio::test]
async fn every_hostile_request_gets_its_exact_answer_and_nothing_is_kept() {
    let test = TestApp::spawn().await;
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    for (label, spec, (status, code, field)) in cases {
        // Asking for JSON makes every answer's code readable; the HTML pages are tested elsewhere.
        let response = test.send(spec.header("accept", "application/json")).await;
        assert_eq!(response.status, status, "{label}: {}", response.body);
        let body = response.json();
        assert_eq!(body["error"], code, "{label}");
        if let Some((field, field_code)) = field {
            assert_eq!(
                body["fields"][field][0]["code"], field_code,
                "{label}: {body}"
            );
        } else {
            assert!(body.get("fields").is_none(), "{label}");
        }
        for echo in ["Bcc", "victim", "pwned", "eve@"] {
            assert!(
                !response.body.contains(echo),
                "{label}: the answer echoes {echo}"
            );
        }
    }
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn markup_is_accepted_where_the_contract_allows_and_always_escaped() {
    let test = TestApp::spawn().await;
    let body = json!({
        "name": "<b>Ana</b> \"Lima\" & Co",
        "email": "ana@exаmple.com",
        "best_time": "<script>alert('t')</script>",
        "message": "<img src=x onerror=alert(1)>\n<a href=\"javascript:alert(2)\">x</a>",
        "consent": true
    });

    let page = test
        .send(
            RequestSpec::post_form("").body(
                format!(
                    "name={}&email=ana%40example.com&consent=on",
                    "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
                )
                .as_bytes(),
            ),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("<script>alert(1)"),
        "the page never echoes the name"
    );

    let response = test.post_json(&body).await;
    assert_eq!(response.status, 201, "{}", response.body);

    let items = test.items().await;
    let stored = items.iter().find(|i| s(i, "name").contains("<b>")).unwrap();
    assert_eq!(
        s(stored, "name"),
        "<b>Ana</b> \"Lima\" & Co",
        "stored as written"
    );
    assert_eq!(
        s(stored, "email"),
        "ana@xn--exmple-4nf.com",
        "a look-alike domain shows as punycode"
    );
    let requests = test.send_email_requests().await;
    let email = requests
        .iter()
        .find(|r| r["ReplyToAddresses"][0] == "ana@xn--exmple-4nf.com")
        .unwrap();
    let html = email["Content"]["Simple"]["Body"]["Html"]["Data"]
        .as_str()
        .unwrap();
    for raw in [
        "<b>Ana",
        "<script>alert('t')",
        "<img src=x",
        "<a href=\"javascript",
    ] {
        assert!(
            !html.contains(raw),
            "{raw} must be escaped in the HTML part"
        );
    }
    assert!(html.contains("&#60;b&#62;Ana&#60;/b&#62; &#34;Lima&#34; &#38; Co"));
    let subject = email["Content"]["Simple"]["Subject"]["Data"]
        .as_str()
        .unwrap();
    assert!(!subject.contains(['\r', '\n']));
}
