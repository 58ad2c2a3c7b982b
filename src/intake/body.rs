//! Reading the request body: JSON or a URL-encoded form, into the submitted fields.

use super::IntakeError;
use crate::domain::{Field, FieldInput, SubmittedForm};
use percent_encoding::percent_decode;

/// The largest body accepted, after base64 decoding.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Json,
    Form,
}

impl MediaType {
    /// Reads a `Content-Type` header. Only UTF-8 is accepted, so another charset is refused.
    pub fn from_content_type(header: Option<&str>) -> Result<Self, IntakeError> {
        let header = header.ok_or(IntakeError::UnsupportedMediaType)?;
        let mut parts = header.split(';');
        let essence = parts.next().unwrap_or_default().trim();
        let media = if essence.eq_ignore_ascii_case("application/json") {
            MediaType::Json
        } else if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            MediaType::Form
        } else {
            return Err(IntakeError::UnsupportedMediaType);
        };
        for param in parts {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            if key.trim().eq_ignore_ascii_case("charset") {
                let charset = value.trim().trim_matches('"');
                if !(charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8"))
                {
                    return Err(IntakeError::UnsupportedMediaType);
                }
            }
        }
        Ok(media)
    }
}

/// A body read once: the fields the domain reads, and beside them the form's `lang` and the
/// hosted form's marker (`hosted_form=1`), which never refuse a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadBody {
    pub form: SubmittedForm,
    pub lang: Option<String>,
    pub hosted_form: bool,
}

impl ReadBody {
    /// Keeps the first `lang` and hosted-form marker; any other unknown field is dropped.
    fn note(&mut self, key: &str, value: Option<&str>) {
        match (key, value) {
            ("lang", Some(lang)) if self.lang.is_none() => self.lang = Some(lang.to_owned()),
            ("hosted_form", Some(marker)) => self.hosted_form |= marker == "1",
            _ => {}
        }
    }
}

/// Parses a body whose size has already been checked. Unknown fields are dropped here, so they are
/// never stored or logged.
pub fn parse_body(media: MediaType, body: &[u8]) -> Result<ReadBody, IntakeError> {
    match media {
        MediaType::Json => parse_json(body),
        MediaType::Form => parse_form(body),
    }
}

fn parse_json(body: &[u8]) -> Result<ReadBody, IntakeError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| IntakeError::Malformed("body is not valid JSON"))?;
    let serde_json::Value::Object(object) = value else {
        return Err(IntakeError::Malformed("JSON body is not an object"));
    };
    let mut read = ReadBody::default();
    for (key, value) in object {
        if key == "answers" {
            read_answers(&mut read.form, value);
            continue;
        }
        let Some(field) = Field::from_wire(&key) else {
            read.note(&key, value.as_str());
            continue;
        };
        if let Some(input) = json_input(value) {
            // Only a question that takes several answers takes a list.
            let input = match (field, input) {
                (Field::Answer(_), input) => input,
                (_, FieldInput::List(_)) => FieldInput::Malformed,
                (_, input) => input,
            };
            read.form.insert(field, input);
        }
    }
    Ok(read)
}

/// A JSON value as a field's input; `None` for `null`, which many scripts send for "left empty".
fn json_input(value: serde_json::Value) -> Option<FieldInput> {
    Some(match value {
        serde_json::Value::String(s) => FieldInput::Text(s),
        serde_json::Value::Bool(b) => FieldInput::Flag(b),
        serde_json::Value::Null => return None,
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            })
            .collect::<Option<Vec<String>>>()
            .map_or(FieldInput::Malformed, FieldInput::List),
        _ => FieldInput::Malformed,
    })
}

/// The JSON `answers` object: each asked question's answer by its id. An id the form does not
/// ask is dropped unread, like any unknown field.
fn read_answers(form: &mut SubmittedForm, value: serde_json::Value) {
    let answers = match value {
        serde_json::Value::Object(answers) => answers,
        serde_json::Value::Null => return,
        _ => {
            form.insert(Field::Answers, FieldInput::Malformed);
            return;
        }
    };
    for (id, value) in answers {
        let Some(field) = Field::from_wire(&format!("q_{id}")) else {
            continue;
        };
        if let Some(input) = json_input(value) {
            form.insert(field, input);
        }
    }
}

fn parse_form(body: &[u8]) -> Result<ReadBody, IntakeError> {
    std::str::from_utf8(body).map_err(|_| IntakeError::Malformed("form body is not UTF-8"))?;
    let mut read = ReadBody::default();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let key = decode_component(key)?;
        match Field::from_wire(&key) {
            Some(field) => read
                .form
                .insert(field, FieldInput::Text(decode_component(value)?)),
            // What the edge reads never refuses a request; other unknown fields are not read.
            None if matches!(key.as_str(), "lang" | "hosted_form") => {
                read.note(&key, decode_component(value).ok().as_deref());
            }
            None => {}
        }
    }
    Ok(read)
}

/// Decodes one `application/x-www-form-urlencoded` component, refusing percent-encoded bytes
/// that are not UTF-8 (a lossy decode would silently change what the person wrote).
fn decode_component(raw: &[u8]) -> Result<String, IntakeError> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).map_err(|_| IntakeError::Malformed("form field is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let cases: &[(Option<&str>, Option<MediaType>)] = &[
            (Some("application/json"), Some(MediaType::Json)),
            (
                Some("Application/JSON; charset=UTF-8"),
                Some(MediaType::Json),
            ),
            (
                Some("application/x-www-form-urlencoded"),
                Some(MediaType::Form),
            ),
            (
                Some("application/x-www-form-urlencoded;charset=\"utf-8\""),
                Some(MediaType::Form),
            ),
            (Some("application/json; charset=latin1"), None),
            (Some("text/plain"), None),
            (Some("multipart/form-data; boundary=x"), None),
            (Some("application/jsonx"), None),
            (Some(""), None),
            (None, None),
        ];
        for (header, expected) in cases {
            let got = MediaType::from_content_type(*header).ok();
            assert_eq!(got, *expected, "{header:?}");
        }
    }

    #[test]
    fn the_lang_and_the_hosted_forms_marker_are_read_with_the_fields() {
        let form = parse_body(MediaType::Form, b"name=A&lang=es&hosted_form=1&lang=en").unwrap();
        assert_eq!(form.lang.as_deref(), Some("es"), "the first");
        assert!(form.hosted_form);
        let json = parse_body(MediaType::Json, br#"{"lang":"es-MX","name":"Ana"}"#).unwrap();
        assert_eq!(json.lang.as_deref(), Some("es-MX"));
        assert!(!json.hosted_form);
        let not_text = parse_body(MediaType::Json, br#"{"lang":5,"hosted_form":"2"}"#).unwrap();
        assert_eq!(not_text.lang, None);
        assert!(!not_text.hosted_form);
    }

    #[test]
    fn json_bodies() {
        let form = parse_body(
            MediaType::Json,
            br#"{"name":"Ana","consent":true,"phone":null,"unknown":"x","message":["a"],"best_time":5}"#,
        )
        .unwrap()
        .form;
        assert_eq!(form.get(Field::Name), Some(&FieldInput::Text("Ana".into())));
        assert_eq!(form.get(Field::Consent), Some(&FieldInput::Flag(true)));
        assert_eq!(form.get(Field::Phone), None);
        assert_eq!(form.get(Field::Message), Some(&FieldInput::Malformed));
        assert_eq!(form.get(Field::BestTime), Some(&FieldInput::Malformed));
        for bad in [
            &b"{"[..],
            b"[]",
            b"\"name\"",
            b"",
            b"null",
            b"{\"name\":\"\xff\"}",
        ] {
            assert!(
                matches!(
                    parse_body(MediaType::Json, bad),
                    Err(IntakeError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn form_bodies() {
        let form = parse_body(
            MediaType::Form,
            b"name=Ana+Lima&email=ana%40example.com&consent=on&other=1&message=caf%C3%A9&&flag",
        )
        .unwrap()
        .form;
        assert_eq!(
            form.get(Field::Name),
            Some(&FieldInput::Text("Ana Lima".into()))
        );
        assert_eq!(
            form.get(Field::Email),
            Some(&FieldInput::Text("ana@example.com".into()))
        );
        assert_eq!(
            form.get(Field::Message),
            Some(&FieldInput::Text("café".into()))
        );
        assert_eq!(
            form.get(Field::Consent),
            Some(&FieldInput::Text("on".into()))
        );

        let repeated = parse_body(MediaType::Form, b"email=a%40x.com&email=b%40x.com")
            .unwrap()
            .form;
        assert_eq!(repeated.get(Field::Email), Some(&FieldInput::Malformed));

        for bad in [&b"name=%FF"[..], b"name=\xff", b"na%E9me=x"] {
            assert!(
                matches!(
                    parse_body(MediaType::Form, bad),
                    Err(IntakeError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }
}
