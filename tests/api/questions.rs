//! The practice's own questions, through the binary built with `tests/fixtures/questions.toml`
//! (the state, the payment, who the therapy is for, a guardian's name): answered in JSON and in a
//! form post, stored with their words, shown on the hosted form in Spanish, refused with the
//! contract's codes (nothing stored), in the staff email and the export.

use crate::abuse::API_HOST;
use crate::admin::admin;
use crate::helpers::{RequestSpec, TestApp, full_submission, send_email_requests_to};
use crate::runtime_api::{RuntimeApi, body_of, test_env};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};

fn answers_of(item: &std::collections::HashMap<String, AttributeValue>) -> Vec<(String, String)> {
    item.get("answers")
        .and_then(|a| a.as_l().ok())
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    let m = e.as_m().unwrap();
                    let text = |k: &str| m[k].as_s().unwrap().clone();
                    (text("id"), text("shown"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn html_of(response: &Value) -> String {
    let body = body_of(response);
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &body)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or(body)
}

#[tokio::test]
async fn answers_are_stored_with_their_words_and_reach_the_staff_email() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));

    let mut body = full_submission();
    body["answers"] = json!({
        "state": "il",
        "payment": "bcbs",
        "client_type": "child",
        "guardian_name": "  Rosa Lima ",
        // Not a question this form asks: dropped, never stored.
        "favourite_colour": "blue"
    });
    let answer = runtime
        .invoke(&RequestSpec::post_json(&body).event_json())
        .await;
    assert_eq!(answer["statusCode"], 201, "{}", body_of(&answer));
    let id = serde_json::from_str::<Value>(&body_of(&answer)).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let item = test.item(&id).await;
    assert_eq!(
        answers_of(&item),
        [
            ("state".into(), "Illinois".into()),
            ("payment".into(), "Blue Cross Blue Shield".into()),
            ("client_type".into(), "My child".into()),
            ("guardian_name".into(), "Rosa Lima".into()),
        ]
    );
    let kept = item["answers"].as_l().unwrap();
    let state = kept[0].as_m().unwrap();
    assert_eq!(
        state["label"].as_s().unwrap(),
        "Where will you be during sessions?"
    );
    assert_eq!(state["values"].as_l().unwrap()[0].as_s().unwrap(), "IL");
    assert_eq!(state["personal"], AttributeValue::Bool(false));
    assert_eq!(
        kept[3].as_m().unwrap()["personal"],
        AttributeValue::Bool(true)
    );
    assert!(
        !format!("{item:?}").contains("favourite"),
        "an undeclared answer is not kept"
    );

    // The full staff email shows every answer.
    let emails = send_email_requests_to(&test.staff).await;
    let text = emails
        .iter()
        .map(|e| {
            e["Content"]["Simple"]["Body"]["Text"]["Data"]
                .as_str()
                .unwrap_or_default()
        })
        .find(|t| t.contains(&id))
        .expect("the staff email");
    for shown in [
        "Illinois",
        "Blue Cross Blue Shield",
        "My child",
        "Rosa Lima",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
}

#[tokio::test]
async fn a_form_post_answers_by_q_fields() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    let form = "name=Ana+Lima&email=ana%40example.com&consent=on&q_state=outside%3Amx&q_payment=self_pay&q_guardian_name=&lang=es";
    let answer = runtime
        .invoke(
            &RequestSpec::post_form(form)
                .header("accept", "application/json")
                .event_json(),
        )
        .await;
    assert_eq!(answer["statusCode"], 201, "{}", body_of(&answer));
    let id = serde_json::from_str::<Value>(&body_of(&answer)).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Kept in the practice's language, whatever the person's.
    assert_eq!(
        answers_of(&test.item(&id).await),
        [
            ("state".into(), "Mexico".into()),
            ("payment".into(), "I will pay myself (self-pay)".into()),
        ]
    );
}

#[tokio::test]
async fn refused_answers_get_the_contracts_codes_and_nothing_is_kept() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    let cases: [(Value, &str, &str); 8] = [
        (json!({"payment": "kaiser"}), "q_payment", "invalid_choice"),
        (json!({"state": "ZZ"}), "q_state", "invalid_choice"),
        (json!({"state": "outside:US"}), "q_state", "invalid_choice"),
        (
            json!({"guardian_name": "Rosa\u{200B}Lima"}),
            "q_guardian_name",
            "invalid",
        ),
        (
            json!({"guardian_name": "Rosa\u{0007}"}),
            "q_guardian_name",
            "invalid",
        ),
        (
            json!({"guardian_name": "a".repeat(201)}),
            "q_guardian_name",
            "too_long",
        ),
        (
            json!({"client_type": ["adult", "child"]}),
            "q_client_type",
            "invalid",
        ),
        (json!({"payment": 5}), "q_payment", "invalid"),
    ];
    for (answers, field, code) in cases {
        let mut body = full_submission();
        body["answers"] = answers.clone();
        let answer = runtime
            .invoke(&RequestSpec::post_json(&body).event_json())
            .await;
        assert_eq!(answer["statusCode"], 422, "{answers}");
        let json: Value = serde_json::from_str(&body_of(&answer)).unwrap();
        assert_eq!(json["fields"][field][0]["code"], code, "{answers}: {json}");
        let message = json["fields"][field][0]["message"].as_str().unwrap();
        assert!(
            !message.contains("kaiser") && !message.contains("Rosa"),
            "{message}"
        );
    }
    for wrong in [json!("IL"), json!(["IL"]), json!(5)] {
        let mut body = full_submission();
        body["answers"] = wrong.clone();
        let answer = runtime
            .invoke(&RequestSpec::post_json(&body).event_json())
            .await;
        assert_eq!(answer["statusCode"], 422, "{wrong}");
        let json: Value = serde_json::from_str(&body_of(&answer)).unwrap();
        assert_eq!(json["fields"]["answers"][0]["code"], "invalid", "{json}");
    }
    // A question asked once, given twice in a form post.
    let twice = "name=Ana&email=ana%40example.com&consent=on&q_payment=bcbs&q_payment=aetna";
    let answer = runtime
        .invoke(
            &RequestSpec::post_form(twice)
                .header("accept", "application/json")
                .event_json(),
        )
        .await;
    assert_eq!(answer["statusCode"], 422);
    test.assert_nothing_kept().await;
    assert!(send_email_requests_to(&test.staff).await.is_empty());
}

#[tokio::test]
async fn the_hosted_form_asks_the_questions_in_spanish_and_shows_errors_in_its_summary() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    let page = runtime
        .invoke(&RequestSpec::new("GET", "/consultations/form?lang=es").event_json())
        .await;
    assert_eq!(page["statusCode"], 200);
    let html = html_of(&page);
    for words in [
        "¿Dónde estará durante las sesiones?",
        "<optgroup label=\"Fuera de los Estados Unidos\">",
        "<option value=\"NY\">Nueva York</option>",
        "<option value=\"outside:DE\">Alemania</option>",
        "name=\"q_payment\" value=\"bcbs\"",
        "¿Para quién es la terapia?",
        "id=\"cf-q_guardian_name\"",
    ] {
        assert!(html.contains(words), "{words}");
    }
    // A same-origin post from the hosted form with a refused answer: the form again, the
    // problem in the summary linking to its field, what was typed kept.
    let post = "lang=es&hosted_form=1&name=Ana&email=ana%40example.com&consent=on&q_state=ZZ&q_payment=bcbs";
    let answer = runtime
        .invoke(
            &RequestSpec::post_form(post)
                .header("origin", &format!("https://{API_HOST}"))
                .event_json(),
        )
        .await;
    assert_eq!(answer["statusCode"], 422);
    let html = html_of(&answer);
    assert!(html.contains("<a href=\"#cf-q_state\">"), "{html}");
    assert!(html.contains("¿Dónde estará durante las sesiones?"));
    assert!(
        html.contains("value=\"bcbs\" checked"),
        "the payment is kept"
    );
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn export_and_erase_include_the_answers() {
    let test = TestApp::spawn().await;
    let mut body = full_submission();
    body["email"] = json!(format!("answers-{}@example.com", crate::helpers::unique()));
    body["answers"] = json!({"state": "WI", "payment": "self_pay", "guardian_name": "Rosa Lima"});
    let sent = test.post_json(&body).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let path = std::env::temp_dir().join(format!("export-{}.json", crate::helpers::unique()));
    let args = [
        "export",
        "--format",
        "json",
        "--output",
        path.to_str().unwrap(),
    ];
    let output = admin(&test, &args).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    let answers = &rows[0]["answers"];
    assert_eq!(answers[0]["question"], "Where will you be during sessions?");
    assert_eq!(answers[0]["answer"], "Wisconsin");
    assert_eq!(answers[1]["values"], json!(["self_pay"]));
    assert_eq!(answers[2]["answer"], "Rosa Lima");
    assert_eq!(answers[2]["personal"], true);

    let email = body["email"].as_str().unwrap().to_owned();
    let output = admin(&test, &["erase", "--email", &email]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let everything = format!("{:?}", test.all_items().await);
    assert!(
        !everything.contains("Rosa Lima"),
        "the answers went with the request"
    );
}
