//! In the person's language, through the binary: the form's `lang`, else `Accept-Language`, else
//! the default; stable codes in every language; stored as `language`; the staff email says so;
//! the acknowledgement is in it.

use crate::helpers::{RequestSpec, TestApp, full_submission, s, send_email_requests_to, unique};
use crate::runtime_api::{RuntimeApi, body_of, test_env};
use serde_json::{Value, json};

#[tokio::test]
async fn a_spanish_browser_gets_spanish_messages_with_the_same_codes() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    let bad = json!({"name": "", "email": "nope", "consent": false, "message": "x".repeat(2001)});
    let spanish = RequestSpec::post_json(&bad).header("accept-language", "es-MX,es;q=0.9");
    let english = RequestSpec::post_json(&bad);

    let es = runtime.invoke(&spanish.event_json()).await;
    let en = runtime.invoke(&english.event_json()).await;

    assert_eq!(es["statusCode"], 422);
    let es: Value = serde_json::from_str(&body_of(&es)).unwrap();
    let en: Value = serde_json::from_str(&body_of(&en)).unwrap();
    assert_eq!(es["error"], en["error"]);
    for field in ["name", "email", "consent", "message"] {
        assert_eq!(
            es["fields"][field][0]["code"], en["fields"][field][0]["code"],
            "{field}"
        );
        assert_ne!(
            es["fields"][field][0]["message"],
            en["fields"][field][0]["message"]
        );
    }
    assert_eq!(es["fields"]["name"][0]["message"], "Escriba su nombre");
    assert_eq!(
        es["fields"]["message"][0]["message"],
        "Su mensaje debe tener 2000 caracteres o menos"
    );
    assert_eq!(en["fields"]["name"][0]["message"], "Enter your name");
    assert!(
        es["message"]
            .as_str()
            .unwrap()
            .starts_with("Hay que cambiar")
    );
    // The form's own `lang` wins over the browser: the English form in a Spanish browser.
    let mut english_form = bad.clone();
    english_form["lang"] = json!("en");
    let chosen = RequestSpec::post_json(&english_form).header("accept-language", "es");
    let answer: Value =
        serde_json::from_str(&body_of(&runtime.invoke(&chosen.event_json()).await)).unwrap();
    assert_eq!(answer["fields"]["name"][0]["message"], "Enter your name");
    // An unknown `lang` falls back, never an error of its own.
    let mut unknown = bad;
    unknown["lang"] = json!("tlh");
    let answer: Value = serde_json::from_str(&body_of(
        &runtime
            .invoke(&RequestSpec::post_json(&unknown).event_json())
            .await,
    ))
    .unwrap();
    assert!(answer["fields"].get("lang").is_none());
    test.assert_nothing_kept().await;
}

#[tokio::test]
async fn a_spanish_form_post_is_answered_stored_and_acknowledged_in_spanish() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[("SEND_ACKNOWLEDGEMENT", "true")]));

    let invalid = RequestSpec::post_form("lang=es&name=Ana&email=nope&consent=on");
    let page = runtime.invoke(&invalid.event_json()).await;
    assert_eq!(page["statusCode"], 422);
    let html = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body_of(&page))
            .unwrap_or_else(|_| body_of(&page).into_bytes()),
    )
    .unwrap();
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    assert!(
        html.contains("<title>Error: Hay un problema</title>"),
        "{html}"
    );
    assert!(html.contains("Escriba un correo electrónico con el formato correcto"));

    let person = format!("persona-{}@example.com", unique());
    let mut body = full_submission();
    body["email"] = json!(person);
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            body.as_object()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .chain([
                    ("lang".to_owned(), "es".to_owned()),
                    ("consent".to_owned(), "on".to_owned()),
                ]),
        )
        .finish();
    let accepted = runtime
        .invoke(&RequestSpec::post_form(&form).event_json())
        .await;
    assert!(
        matches!(accepted["statusCode"].as_u64(), Some(200 | 303)),
        "{accepted}"
    );

    let items = test.items().await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "language"), "es");
    let staff = test.send_email_requests().await;
    assert_eq!(staff.len(), 1);
    let text = staff[0]["Content"]["Simple"]["Body"]["Text"]["Data"]
        .as_str()
        .unwrap();
    assert!(text.contains("Preferred language: Spanish\n"), "{text}");
    assert!(
        staff[0]["Content"]["Simple"]["Subject"]["Data"]
            .as_str()
            .unwrap()
            .starts_with("New consultation request from"),
        "staff emails stay in the practice's language"
    );
    let acknowledgement = send_email_requests_to(&person).await;
    assert_eq!(acknowledgement.len(), 1, "one acknowledgement");
    let content = &acknowledgement[0]["Content"]["Simple"];
    assert_eq!(content["Subject"]["Data"], "Recibimos su solicitud");
    let text = content["Body"]["Text"]["Data"].as_str().unwrap();
    assert!(text.contains("un día hábil"), "{text}");
    assert!(text.contains("marque 2"), "988's Spanish line");
    assert!(
        !text.contains(['\u{2068}', '\u{2069}']),
        "no isolation marks in plain text"
    );
    let html = content["Body"]["Html"]["Data"].as_str().unwrap();
    assert!(html.contains("<html lang=\"es\">"));
}
