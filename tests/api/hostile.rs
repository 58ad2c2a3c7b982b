//! A corpus of hostile requests, each with its exact expected status and code. None may store or
//! send anything.

use crate::helpers::{RequestSpec, full_submission};
use consultation_form::intake::MAX_BODY_BYTES;
use serde_json::{Value, json};

/// The expected answer: status, the `error` code, and for a 422 the field and its code.
pub type Expected = (u16, &'static str, Option<(&'static str, &'static str)>);

pub(crate) fn json_with(field: &str, value: Value) -> RequestSpec {
    let mut body = full_submission();
    body[field] = value;
    RequestSpec::post_json(&body)
}

const FORM_BASE: &str = "name=Ana&email=ana%40example.com&consent=on";

pub(crate) fn form_with(extra: &str) -> RequestSpec {
    // A later key replaces nothing: to override a base field, the case builds its own body.
    RequestSpec::post_form(&format!("{FORM_BASE}&{extra}")).header("accept", "application/json")
}

pub(crate) fn form(body: &str) -> RequestSpec {
    RequestSpec::post_form(body).header("accept", "application/json")
}

pub(crate) fn invalid(field: &'static str, code: &'static str) -> Expected {
    (422, "validation_failed", Some((field, code)))
}

pub fn corpus() -> Vec<(&'static str, RequestSpec, Expected)> {
    let mut body_over = full_submission();
    body_over["message"] = json!("");
    let over = MAX_BODY_BYTES + 1 - body_over.to_string().len();
    body_over["message"] = json!("m".repeat(over));
    vec![
        // Line breaks and control characters in every single-line field, raw (JSON) and encoded (form).
        (
            "LF in name",
            json_with("name", json!("Ana\nLima")),
            invalid("name", "invalid"),
        ),
        (
            "CR in name",
            json_with("name", json!("Ana\rLima")),
            invalid("name", "invalid"),
        ),
        (
            "CRLF header injection in name",
            json_with("name", json!("Ana\r\nBcc: victim@example.com")),
            invalid("name", "invalid"),
        ),
        (
            "NUL in name",
            json_with("name", json!("Ana\u{0}")),
            invalid("name", "invalid"),
        ),
        (
            "ESC in name",
            json_with("name", json!("Ana\u{1b}[2J")),
            invalid("name", "invalid"),
        ),
        (
            "DEL in name",
            json_with("name", json!("Ana\u{7f}")),
            invalid("name", "invalid"),
        ),
        (
            "encoded CRLF in name",
            form("name=Ana%0D%0ABcc%3A+x%40example.com&email=a%40example.com&consent=on"),
            invalid("name", "invalid"),
        ),
        (
            "encoded NUL in name",
            form("name=Ana%00&email=a%40example.com&consent=on"),
            invalid("name", "invalid"),
        ),
        (
            "CRLF Bcc in email",
            json_with("email", json!("ana@example.com\r\nBcc: victim@example.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "encoded LF To: in email",
            form("name=Ana&email=ana%40example.com%0ATo%3A+x%40example.com&consent=on"),
            invalid("email", "invalid_email"),
        ),
        (
            "LF inside phone",
            json_with("phone", json!("415\n555 2671")),
            invalid("phone", "invalid_phone"),
        ),
        (
            "encoded NUL in phone",
            form_with("phone=415%00555+2671"),
            invalid("phone", "invalid_phone"),
        ),
        (
            "LF To: in best time",
            json_with("best_time", json!("mornings\nTo: victim@example.com")),
            invalid("best_time", "invalid"),
        ),
        (
            "encoded CRLF in best time",
            form_with("best_time=evenings%0D%0ABcc%3A+x"),
            invalid("best_time", "invalid"),
        ),
        (
            "tab in best time",
            json_with("best_time", json!("mornings\tonly")),
            invalid("best_time", "invalid"),
        ),
        (
            "LF inside preferred contact",
            json_with("preferred_contact", json!("ph\none")),
            invalid("preferred_contact", "invalid_choice"),
        ),
        (
            "NUL in session format",
            json_with("session_format", json!("telehealth\u{0}")),
            invalid("session_format", "invalid_choice"),
        ),
        (
            "LF in idempotency key",
            json_with("idempotency_key", json!("abcdefgh\nijkl")),
            invalid("idempotency_key", "invalid"),
        ),
        (
            "NUL in message",
            json_with("message", json!("hello\u{0}world")),
            invalid("message", "invalid"),
        ),
        (
            "terminal escape in message",
            json_with("message", json!("\u{1b}]0;pwned\u{7}")),
            invalid("message", "invalid"),
        ),
        // Addresses that are not one plain address.
        (
            "display-name email",
            json_with("email", json!("Ana Lima <ana@example.com>")),
            invalid("email", "invalid_email"),
        ),
        (
            "two addresses with a comma",
            json_with("email", json!("ana@example.com,eve@example.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "two addresses with a semicolon",
            json_with("email", json!("ana@example.com; eve@example.com")),
            invalid("email", "invalid_email"),
        ),
        // An invisible character pasted into an address is removed (tests/api/pasted.rs); what
        // is left must still be an address.
        (
            "a space hidden behind a zero-width one in an email",
            json_with("email", json!("ana\u{200b} eve@example.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "an email of only invisible characters",
            json_with("email", json!("\u{200b}\u{feff}\u{2060}")),
            invalid("email", "required"),
        ),
        (
            "bidi override in name",
            json_with("name", json!("Ana \u{202e}moc.elpmaxe")),
            invalid("name", "invalid"),
        ),
        (
            "only zero-width characters as name",
            json_with("name", json!("\u{200d}\u{200b}")),
            invalid("name", "invalid"),
        ),
        // Too long, by characters and by multi-byte text.
        (
            "name of 101 characters",
            json_with("name", json!("a".repeat(101))),
            invalid("name", "too_long"),
        ),
        (
            "name of 101 accented characters",
            json_with("name", json!("é".repeat(101))),
            invalid("name", "too_long"),
        ),
        (
            "message of 2001 CJK characters",
            json_with("message", json!("漢".repeat(2001))),
            invalid("message", "too_long"),
        ),
        (
            "best time of 201 emoji",
            json_with("best_time", json!("😀".repeat(201))),
            invalid("best_time", "too_long"),
        ),
        // Wrong JSON types, nesting, null.
        (
            "number as name",
            json_with("name", json!(42)),
            invalid("name", "invalid"),
        ),
        (
            "object as email",
            json_with("email", json!({"address": "ana@example.com"})),
            invalid("email", "invalid"),
        ),
        (
            "array as message",
            json_with("message", json!(["a", "b"])),
            invalid("message", "invalid"),
        ),
        (
            "null name",
            json_with("name", Value::Null),
            invalid("name", "required"),
        ),
        (
            "number as consent",
            json_with("consent", json!(1)),
            invalid("consent", "invalid"),
        ),
        (
            "string false as consent",
            json_with("consent", json!("false")),
            invalid("consent", "consent_required"),
        ),
        // Duplicate form keys.
        (
            "repeated name",
            form("name=Ana&name=Eve&email=a%40example.com&consent=on"),
            invalid("name", "invalid"),
        ),
        (
            "repeated consent",
            form("name=Ana&email=a%40example.com&consent=on&consent=on"),
            invalid("consent", "invalid"),
        ),
        // Unreadable bodies.
        (
            "invalid UTF-8 in a form",
            form("").body(b"name=\xc3\x28&consent=on"),
            (400, "malformed_request", None),
        ),
        (
            "percent-encoded invalid UTF-8",
            form("name=%C3%28&email=a%40example.com&consent=on"),
            (400, "malformed_request", None),
        ),
        (
            "invalid UTF-8 in JSON",
            RequestSpec::post_json(&json!({}))
                .body(b"{\"name\": \"\xff\"}")
                .base64(),
            (400, "malformed_request", None),
        ),
        (
            "malformed JSON",
            RequestSpec::post_json(&json!({})).body(b"{\"name\": "),
            (400, "malformed_request", None),
        ),
        (
            "JSON that is an array",
            RequestSpec::post_json(&json!([full_submission()])),
            (400, "malformed_request", None),
        ),
        (
            "JSON nested past any sane depth",
            RequestSpec::post_json(&json!({})).body("[".repeat(4000).as_bytes()),
            (400, "malformed_request", None),
        ),
        // Sizes.
        (
            "body one byte over 64 KiB",
            RequestSpec::post_json(&body_over),
            (413, "payload_too_large", None),
        ),
        (
            "body of 1 MiB",
            RequestSpec::post_json(&json!({})).body(&vec![b'{'; 1024 * 1024]),
            (413, "payload_too_large", None),
        ),
        // Content types.
        (
            "missing content type",
            RequestSpec::post_json(&full_submission()).header("content-type", ""),
            (415, "unsupported_media_type", None),
        ),
        (
            "XML",
            RequestSpec::post_json(&full_submission()).header("content-type", "text/xml"),
            (415, "unsupported_media_type", None),
        ),
        (
            "multipart",
            RequestSpec::post_json(&full_submission())
                .header("content-type", "multipart/form-data; boundary=x"),
            (415, "unsupported_media_type", None),
        ),
        (
            "a charset other than UTF-8",
            form(FORM_BASE).header(
                "content-type",
                "application/x-www-form-urlencoded; charset=ISO-8859-1",
            ),
            (415, "unsupported_media_type", None),
        ),
        // Addresses mail cannot reach, which staff could not reply to.
        (
            "doubled dot in the local part",
            json_with("email", json!("john..smith@gmail.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "leading dot in the local part",
            json_with("email", json!(".ana@example.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "trailing dot in the local part",
            json_with("email", json!("ana.@example.com")),
            invalid("email", "invalid_email"),
        ),
        (
            "comma and domain literal in the domain",
            json_with("email", json!("a@x,y[1.2.3.4]")),
            invalid("email", "invalid_email"),
        ),
        (
            "IP literal as the domain",
            json_with("email", json!("ana@[192.0.2.1]")),
            invalid("email", "invalid_email"),
        ),
        (
            "parentheses in the domain",
            json_with("email", json!("ana@exa(mple).com")),
            invalid("email", "invalid_email"),
        ),
        (
            "angle brackets and quotes in the domain",
            json_with("email", json!("ana@\"exa<mple>\".com")),
            invalid("email", "invalid_email"),
        ),
        // Invisible text that can hide or fake what was written.
        (
            "a name of only Hangul fillers",
            json_with("name", json!("\u{3164}\u{3164}")),
            invalid("name", "invalid"),
        ),
        (
            "a zero-width joiner in the name",
            json_with("name", json!("Ana\u{200D}Lima")),
            invalid("name", "invalid"),
        ),
        (
            "tag characters in the name",
            json_with("name", json!("Ana\u{E0041}\u{E0042}")),
            invalid("name", "invalid"),
        ),
        (
            "a word joiner in the best time",
            json_with("best_time", json!("Mornings\u{2060}")),
            invalid("best_time", "invalid"),
        ),
        (
            "hidden tag text in the message",
            json_with("message", json!("Hello\u{E0069}\u{E0067}\u{E006E}")),
            invalid("message", "invalid"),
        ),
        (
            "a bidi isolate in the message",
            json_with("message", json!("Hello \u{2067}world")),
            invalid("message", "invalid"),
        ),
        // Origin null is a form post's privilege: a script sending it is refused.
        (
            "a JSON client with Origin null",
            RequestSpec::post_json(&full_submission()).header("origin", "null"),
            (403, "origin_not_allowed", None),
        ),
        (
            "upper-case JSON type still read",
            json_with("email", json!("nope")).header("content-type", "APPLICATION/JSON"),
            invalid("email", "invalid_email"),
        ),
    ]
}
