use super::*;
use crate::domain::{Field, FieldError};

fn responder(kind: ClientKind) -> Responder {
    Responder {
        kind,
        cors_origin: Some("https://www.example.com".into()),
        back_link: Some("https://www.example.com/contact".into()),
        request_id: "req-1".into(),
        contact: PracticeContact::default(),
        language: Language::English,
        catalogues: Arc::new(Catalogues::load().unwrap()),
    }
}

fn body_text(response: &Response<Body>) -> String {
    match response.body() {
        Body::Text(t) => t.clone(),
        Body::Empty => String::new(),
        Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

#[test]
fn accepted_answers() {
    let json = responder(ClientKind::Json).accepted("01J", None, None);
    assert_eq!(json.status(), 201);
    assert_eq!(body_text(&json), r#"{"id":"01J","status":"received"}"#);
    assert_eq!(
        json.headers()["access-control-allow-origin"],
        "https://www.example.com"
    );

    let redirect =
        responder(ClientKind::Html).accepted("01J", Some("https://www.example.com/thanks"), None);
    assert_eq!(redirect.status(), 303);
    assert_eq!(
        redirect.headers()["location"],
        "https://www.example.com/thanks"
    );

    let page = responder(ClientKind::Html).accepted("01J", None, None);
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-security-policy"], HTML_CSP);
    assert!(body_text(&page).contains("01J"));
}

#[test]
fn validation_errors_list_every_field() {
    let mut fields = FieldErrors::new();
    fields.add(Field::Email, FieldError::InvalidEmail);
    fields.add(Field::Consent, FieldError::ConsentRequired);
    let error = RequestError::Validation(fields);

    let json = responder(ClientKind::Json).error(&error);
    assert_eq!(json.status(), 422);
    let body: serde_json::Value = serde_json::from_str(&body_text(&json)).unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert_eq!(body["fields"]["email"][0]["code"], "invalid_email");
    assert_eq!(
        body["fields"]["email"][0]["message"],
        "Enter an email address in the correct format, like name@example.com"
    );
    assert_eq!(body["fields"]["consent"][0]["code"], "consent_required");

    let html = responder(ClientKind::Html).error(&error);
    assert_eq!(html.status(), 422);
    let page = body_text(&html);
    // The GOV.UK pattern: "Error: " in the title, a summary headed "There is a problem" whose
    // links go to each field, worded as the message beside it.
    assert!(
        page.contains("<title>Error: There is a problem</title>"),
        "{page}"
    );
    assert!(page.contains("There is a problem"));
    assert!(page.contains(
        "<a href=\"https://www.example.com/contact#cf-email\">Enter an email address in the correct format, like name@example.com</a>"
    ), "{page}");
    assert!(page.contains("href=\"https://www.example.com/contact#cf-consent\""));
    assert!(page.contains("href=\"https://www.example.com/contact\""));
}

#[test]
fn special_errors_carry_their_headers() {
    let r = responder(ClientKind::Json);
    let not_allowed = r.error(&RequestError::MethodNotAllowed);
    assert_eq!(not_allowed.status(), 405);
    assert_eq!(not_allowed.headers()["allow"], ALLOW);
    let unavailable = r.error(&crate::error::tests::unavailable());
    assert_eq!(unavailable.status(), 503);
    assert_eq!(unavailable.headers()["retry-after"], "30");
    let internal = r.error(&RequestError::Internal("boom"));
    let body: serde_json::Value = serde_json::from_str(&body_text(&internal)).unwrap();
    assert_eq!(body["request_id"], "req-1");
    assert!(!body_text(&internal).contains("boom"));
}

#[test]
fn preflight_answers() {
    let responder = Responder {
        kind: ClientKind::Html,
        cors_origin: Some("http://localhost:8080".into()),
        back_link: None,
        request_id: "r".into(),
        contact: PracticeContact::default(),
        language: Language::English,
        catalogues: Arc::new(Catalogues::load().unwrap()),
    };
    let ok = responder.preflight(&OriginCheck::Allowed("http://localhost:8080".into()));
    assert_eq!(ok.status(), 204);
    let h = ok.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:8080");
    assert_eq!(h["access-control-allow-methods"], ALLOW_METHODS);
    assert_eq!(h["access-control-allow-headers"], ALLOW_HEADERS);
    assert_eq!(h["access-control-max-age"], "600");
    assert_eq!(h["vary"], "Origin");

    let refused = Responder {
        cors_origin: None,
        ..responder
    };
    let no = refused.preflight(&OriginCheck::Refused);
    assert_eq!(no.status(), 403);
    assert!(no.headers().get("access-control-allow-origin").is_none());
}

#[test]
fn every_5xx_says_how_to_reach_the_practice_directly_and_nothing_else_does() {
    let contact = PracticeContact {
        phone: Some("(312) 555-0142".into()),
        email: Some(crate::domain::EmailAddress::parse("frontdesk@practice.example").unwrap()),
    };
    let unavailable = RequestError::StorageUnavailable(crate::store::StoreError::OutOfTime);
    let page = responder(ClientKind::Html)
        .with_contact(&contact)
        .error(&unavailable);
    assert_eq!(page.status(), 503);
    let html = body_text(&page);
    assert!(
        html.contains(r#"<a href="tel:3125550142">(312) 555-0142</a>"#),
        "{html}"
    );
    assert!(html.contains("mailto:frontdesk@practice.example"), "{html}");
    let json = responder(ClientKind::Json)
        .with_contact(&contact)
        .error(&unavailable);
    let body: serde_json::Value = serde_json::from_str(&body_text(&json)).unwrap();
    assert_eq!(body["contact"]["phone"], "(312) 555-0142");
    assert_eq!(body["contact"]["email"], "frontdesk@practice.example");
    let refused = responder(ClientKind::Html)
        .with_contact(&contact)
        .error(&RequestError::MethodNotAllowed);
    assert!(
        !body_text(&refused).contains("tel:"),
        "a 4xx has its own way forward"
    );
    let none = responder(ClientKind::Html).error(&unavailable);
    assert!(!body_text(&none).contains("reach the practice directly"));
}
