//! The pure part of taking a request in: from the body, its content type and the key header to a
//! parsed submission, or the contract's 4xx. No I/O, so it is property-tested for every input.

mod body;

use crate::domain::{
    ConsultationRequest, Field, FieldInput, ParsedSubmission, SubmissionRules, SubmittedForm,
};
use crate::error::RequestError;
pub use body::{MAX_BODY_BYTES, MediaType, ReadBody, parse_body};

/// What the intake reads from one request.
#[derive(Debug, Clone, Copy)]
pub struct Intake<'a> {
    /// The event claimed a base64 body that does not decode.
    pub undecodable_body: bool,
    pub content_type: Option<&'a str>,
    /// The `Idempotency-Key` header; `Err(())` when it is not visible ASCII.
    pub idempotency_header: Option<Result<&'a str, ()>>,
    pub body: &'a [u8],
}

/// Why a body could not be read: each is the contract's 400, 413 or 415.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("body larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("malformed body: {0}")]
    Malformed(&'static str),
}

impl From<IntakeError> for RequestError {
    fn from(error: IntakeError) -> Self {
        match error {
            IntakeError::UnsupportedMediaType => RequestError::UnsupportedMediaType,
            IntakeError::TooLarge => RequestError::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
            },
            IntakeError::Malformed(what) => RequestError::Malformed(what),
        }
    }
}

/// Size, media type and body, in that order, read once: the submitted fields (the
/// `Idempotency-Key` header among them) and what the edge reads beside them.
pub fn read_body(intake: Intake<'_>) -> Result<ReadBody, IntakeError> {
    if intake.undecodable_body {
        return Err(IntakeError::Malformed("body marked base64 does not decode"));
    }
    if intake.body.len() > MAX_BODY_BYTES {
        return Err(IntakeError::TooLarge);
    }
    let media = MediaType::from_content_type(intake.content_type)?;
    let mut read = parse_body(media, intake.body)?;
    if let Some(header) = intake.idempotency_header {
        add_header_key(&mut read.form, header.unwrap_or("\u{fffd}"));
    }
    Ok(read)
}

/// The field rules, over a body read once.
pub fn read_submission(
    body: &ReadBody,
    rules: SubmissionRules,
) -> Result<ParsedSubmission, RequestError> {
    ConsultationRequest::parse(&body.form, rules).map_err(RequestError::Validation)
}

/// Adds the `Idempotency-Key` header to the form as its `idempotency_key` field. Both may be sent
/// (a script that also fills the field); if they differ the key is refused as invalid.
fn add_header_key(form: &mut SubmittedForm, header_key: &str) {
    let same = matches!(
        form.get(Field::IdempotencyKey),
        Some(FieldInput::Text(field)) if field.trim() == header_key
    );
    if !same {
        form.insert(
            Field::IdempotencyKey,
            FieldInput::Text(header_key.to_owned()),
        );
    }
}

#[cfg(test)]
mod properties {
    //! Run more cases with `PROPTEST_CASES=100000 cargo test --lib properties`.

    use super::*;
    use crate::delivery::EmailSettings;
    use crate::domain::ReceivedRequest;
    use crate::notify::{StaffEmailKind, render};
    use proptest::prelude::*;

    const CONTRACT_STATUSES: [u16; 4] = [400, 413, 415, 422];

    fn content_types() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(Some("application/json".to_owned())),
            Just(Some("application/x-www-form-urlencoded".to_owned())),
            Just(Some("APPLICATION/JSON; charset=utf-8".to_owned())),
            Just(None),
            "\\PC{0,40}".prop_map(Some),
        ]
    }

    /// Text of up to `max` parts, each one of `pieces` or a plain word, as often as each piece.
    fn text_of(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
        let weight = u32::try_from(pieces.len()).unwrap();
        proptest::collection::vec(
            prop_oneof![
                weight => proptest::sample::select(pieces).prop_map(str::to_owned),
                1 => "[a-zA-Z ]{1,8}",
            ],
            0..max,
        )
        .prop_map(|parts| parts.concat())
    }

    /// Text rich in what breaks things: markup, quotes, line breaks, controls, bidi, multi-byte.
    fn hostile_text() -> impl Strategy<Value = String> {
        const HOSTILE: &[&str] = &[
            "<",
            ">",
            "&",
            "\"",
            "'",
            "\r",
            "\n",
            "\r\n",
            "\0",
            "\u{202e}",
            "<script>",
            "Bcc: x@example.com",
            "é",
            "😀",
        ];
        text_of(HOSTILE, 12)
    }

    fn fields() -> impl Strategy<Value = serde_json::Map<String, serde_json::Value>> {
        (
            hostile_text(),
            hostile_text(),
            hostile_text(),
            hostile_text(),
            any::<bool>(),
            hostile_text(),
        )
            .prop_map(|(name, best_time, message, email_local, consent, phone)| {
                let mut map = serde_json::Map::new();
                map.insert("name".into(), name.into());
                map.insert("email".into(), format!("{email_local}@example.com").into());
                map.insert("best_time".into(), best_time.into());
                map.insert("message".into(), message.into());
                map.insert("phone".into(), phone.into());
                map.insert("consent".into(), consent.into());
                map
            })
    }

    /// Values the rules accept but that are full of markup, so the rendering is what is tested.
    fn markup_text() -> impl Strategy<Value = String> {
        const MARKUP: &[&str] = &[
            "<",
            ">",
            "&",
            "\"",
            "'",
            "<script>alert(1)</script>",
            "</td></tr>",
            "<img src=x onerror=alert(1)>",
            "&amp;",
            "é",
            "😀",
        ];
        text_of(MARKUP, 10).prop_map(|text| format!("A{text}"))
    }

    fn accepted_fields() -> impl Strategy<Value = serde_json::Map<String, serde_json::Value>> {
        (
            markup_text(),
            markup_text(),
            markup_text(),
            proptest::option::of("[a-z0-9.+-]{1,12}"),
        )
            .prop_map(|(name, best_time, message, email_local)| {
                let mut map = serde_json::Map::new();
                map.insert(
                    "name".into(),
                    name.chars().take(100).collect::<String>().into(),
                );
                map.insert(
                    "email".into(),
                    format!("{}a@example.com", email_local.unwrap_or_default()).into(),
                );
                map.insert(
                    "best_time".into(),
                    best_time.chars().take(200).collect::<String>().into(),
                );
                map.insert("message".into(), message.into());
                map.insert("consent".into(), true.into());
                map
            })
    }

    /// Reads a JSON object as a submission, the way a script's request is read.
    fn read_json(
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<ParsedSubmission, RequestError> {
        let body = serde_json::Value::Object(fields.clone()).to_string();
        let intake = Intake {
            undecodable_body: false,
            content_type: Some("application/json"),
            idempotency_header: None,
            body: body.as_bytes(),
        };
        read_submission(&read_body(intake)?, SubmissionRules::default())
    }

    proptest! {
        #[test]
        fn any_bytes_get_a_contract_answer_and_never_a_panic(
            body in proptest::collection::vec(any::<u8>(), 0..2048),
            content_type in content_types(),
            undecodable in any::<bool>(),
            header in proptest::option::of("\\PC{0,20}"),
        ) {
            let intake = Intake {
                undecodable_body: undecodable,
                content_type: content_type.as_deref(),
                idempotency_header: header.as_deref().map(Ok),
                body: &body,
            };
            let read = read_body(intake)
                .map_err(RequestError::from)
                .and_then(|body| read_submission(&body, SubmissionRules::default()));
            if let Err(error) = read {
                prop_assert!(CONTRACT_STATUSES.contains(&error.describe().status), "{error:?}");
            }
        }

        #[test]
        fn any_json_object_is_accepted_or_a_422(fields in fields()) {
            match read_json(&fields) {
                Ok(_) => {}
                Err(error) => prop_assert!(
                    matches!(error.describe().status, 413 | 422),
                    "{error:?}"
                ),
            }
        }

        #[test]
        fn an_accepted_request_renders_safe_headers_and_escaped_html(fields in accepted_fields()) {
            let parsed = match read_json(&fields) {
                Ok(parsed) => parsed,
                // Only an address the email rules refuse (e.g. a leading dot) is expected here.
                Err(RequestError::Validation(errors)) if errors.codes() == ["email:invalid_email"] => return Ok(()),
                Err(other) => return Err(TestCaseError::fail(format!("{other:?}"))),
            };
            let html_of = |request: ConsultationRequest| {
                let at = chrono::DateTime::from_timestamp(1_795_702_300, 0).unwrap();
                let received = ReceivedRequest::example(request, at);
                let settings = EmailSettings::from(&crate::config::Config::from_vars(&crate::config::EXAMPLE_REQUIRED.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()).unwrap());
                render(&settings.staff_email(&received, StaffEmailKind::Notification, at)).unwrap()
            };
            let email = html_of(parsed.request.clone());
            prop_assert!(!email.subject.contains(['\r', '\n']), "{:?}", email.subject);

            // The same request with every free-text value made plain: the person's text may add no
            // markup of its own, so both HTML parts must hold exactly as many '<' as each other.
            let mut plain = fields;
            for key in ["name", "best_time", "message"] {
                if plain.get(key).and_then(|v| v.as_str()).is_some_and(|v| !v.trim().is_empty()) {
                    plain.insert(key.into(), "Plain".into());
                }
            }
            plain.insert("email".into(), parsed.request.email.as_str().into());
            let plain_parsed = read_json(&plain).unwrap();
            let plain_email = html_of(plain_parsed.request);
            prop_assert_eq!(email.html.matches('<').count(), plain_email.html.matches('<').count());
        }
    }
}
