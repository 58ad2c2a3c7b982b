//! Reading the request body: JSON or a URL-encoded form, into the submitted fields.

use crate::domain::{Field, FieldInput, SubmittedForm};
use crate::error::RequestError;
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
    pub fn from_content_type(header: Option<&str>) -> Result<Self, RequestError> {
        let header = header.ok_or(RequestError::UnsupportedMediaType)?;
        let mut parts = header.split(';');
        let essence = parts.next().unwrap_or_default().trim();
        let media = if essence.eq_ignore_ascii_case("application/json") {
            MediaType::Json
        } else if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            MediaType::Form
        } else {
            return Err(RequestError::UnsupportedMediaType);
        };
        for param in parts {
            let (key, value) = param.split_once('=').unwrap_or((param, ""));
            if key.trim().eq_ignore_ascii_case("charset") {
                let charset = value.trim().trim_matches('"');
                if !(charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8"))
                {
                    return Err(RequestError::UnsupportedMediaType);
                }
            }
        }
        Ok(media)
    }
}

/// Parses a body whose size has already been checked. Unknown fields are dropped here, so they are
/// never stored or logged.
pub fn parse_body(media: MediaType, body: &[u8]) -> Result<SubmittedForm, RequestError> {
    match media {
        MediaType::Json => parse_json(body),
        MediaType::Form => parse_form(body),
    }
}

fn parse_json(body: &[u8]) -> Result<SubmittedForm, RequestError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| RequestError::Malformed("body is not valid JSON"))?;
    let serde_json::Value::Object(object) = value else {
        return Err(RequestError::Malformed("JSON body is not an object"));
    };
    let mut form = SubmittedForm::new();
    for (key, value) in object {
        let Some(field) = Field::from_wire(&key) else {
            continue;
        };
        let input = match value {
            serde_json::Value::String(s) => FieldInput::Text(s),
            serde_json::Value::Bool(b) => FieldInput::Flag(b),
            // `null` is how many scripts say "left empty".
            serde_json::Value::Null => continue,
            _ => FieldInput::Malformed,
        };
        form.insert(field, input);
    }
    Ok(form)
}

fn parse_form(body: &[u8]) -> Result<SubmittedForm, RequestError> {
    std::str::from_utf8(body).map_err(|_| RequestError::Malformed("form body is not UTF-8"))?;
    let mut form = SubmittedForm::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let key = decode_component(key)?;
        let Some(field) = Field::from_wire(&key) else {
            continue;
        };
        form.insert(field, FieldInput::Text(decode_component(value)?));
    }
    Ok(form)
}

/// The first value of a field the domain does not read (the form's `lang`, the hosted form's
/// marker), read at the edge before the body is parsed for its fields: these never refuse a
/// request, so a body that does not parse simply has none.
pub fn first_value(media: MediaType, body: &[u8], name: &str) -> Option<String> {
    let [value] = first_values(media, body, [name]);
    value
}

/// The first value of each of `names`, from one reading of the body.
pub fn first_values<const N: usize>(
    media: MediaType,
    body: &[u8],
    names: [&str; N],
) -> [Option<String>; N] {
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    if body.len() > MAX_BODY_BYTES {
        return values;
    }
    match media {
        MediaType::Json => {
            let Ok(object) = serde_json::from_slice::<serde_json::Value>(body) else {
                return values;
            };
            for (value, name) in values.iter_mut().zip(names) {
                *value = object.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            }
        }
        MediaType::Form => {
            for pair in body.split(|b| *b == b'&') {
                let Some(i) = pair.iter().position(|b| *b == b'=') else {
                    continue;
                };
                let Ok(key) = decode_component(&pair[..i]) else {
                    continue;
                };
                if let Some(slot) = names.iter().position(|n| *n == key)
                    && values[slot].is_none()
                {
                    values[slot] = decode_component(&pair[i + 1..]).ok();
                }
            }
        }
    }
    values
}

/// Decodes one `application/x-www-form-urlencoded` component, refusing percent-encoded bytes
/// that are not UTF-8 (a lossy decode would silently change what the person wrote).
fn decode_component(raw: &[u8]) -> Result<String, RequestError> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).map_err(|_| RequestError::Malformed("form field is not UTF-8"))
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
    fn a_value_read_at_the_edge() {
        let form = b"name=Ana&lang=es&lang=en&hosted=%31";
        assert_eq!(
            first_value(MediaType::Form, form, "lang").as_deref(),
            Some("es")
        );
        assert_eq!(
            first_value(MediaType::Form, form, "hosted").as_deref(),
            Some("1")
        );
        assert_eq!(first_value(MediaType::Form, form, "other"), None);
        let json = br#"{"lang":"es-MX","name":"Ana"}"#;
        assert_eq!(
            first_value(MediaType::Json, json, "lang").as_deref(),
            Some("es-MX")
        );
        assert_eq!(first_value(MediaType::Json, br#"{"lang":5}"#, "lang"), None);
        assert_eq!(first_value(MediaType::Json, b"{", "lang"), None);
    }

    #[test]
    fn json_bodies() {
        let form = parse_body(
            MediaType::Json,
            br#"{"name":"Ana","consent":true,"phone":null,"unknown":"x","message":["a"],"best_time":5}"#,
        )
        .unwrap();
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
                    Err(RequestError::Malformed(_))
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
        .unwrap();
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

        let repeated = parse_body(MediaType::Form, b"email=a%40x.com&email=b%40x.com").unwrap();
        assert_eq!(repeated.get(Field::Email), Some(&FieldInput::Malformed));

        for bad in [&b"name=%FF"[..], b"name=\xff", b"na%E9me=x"] {
            assert!(
                matches!(
                    parse_body(MediaType::Form, bad),
                    Err(RequestError::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }
}
