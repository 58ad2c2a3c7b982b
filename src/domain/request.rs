//! A consultation request: the whole submission, parsed.

use super::text::{as_pasted, normalize};
use super::{
    Answer, BestTime, Consent, EmailAddress, Field, FieldError, FieldErrors, FieldInput,
    IdempotencyKey, Message, PersonName, PhoneNumber, PhoneRegion, PreferredContact, SessionFormat,
    SubmittedForm, parse_answers,
};

/// A request for a free consultation, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationRequest {
    pub name: PersonName,
    pub email: EmailAddress,
    pub phone: Option<PhoneNumber>,
    pub preferred_contact: PreferredContact,
    pub best_time: Option<BestTime>,
    pub session_format: Option<SessionFormat>,
    pub message: Option<Message>,
    pub consent: Consent,
}

/// The rules that depend on configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubmissionRules {
    pub phone_region: PhoneRegion,
}

/// Everything a valid submission carries besides the request itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSubmission {
    pub request: ConsultationRequest,
    /// A non-empty honeypot: a bot filled in the field people never see.
    pub honeypot_filled: bool,
    pub turnstile_token: Option<String>,
    pub idempotency_key: Option<IdempotencyKey>,
    /// The answers to the practice's own questions that the form asks.
    pub answers: Vec<Answer>,
}

impl ConsultationRequest {
    /// Applies every rule of the contract to a submitted form, collecting one error per field.
    pub fn parse(
        form: &SubmittedForm,
        rules: SubmissionRules,
    ) -> Result<ParsedSubmission, FieldErrors> {
        // A bot may fill the honeypot with anything; it is never an error the bot could learn from.
        let honeypot_filled = match form.get(Field::Website) {
            None => false,
            Some(FieldInput::Text(text)) => normalize(text).is_some(),
            Some(FieldInput::Flag(flag)) => *flag,
            Some(FieldInput::Malformed | FieldInput::List(_)) => true,
        };
        let mut errors = FieldErrors::new();
        let mut take = |field: Field| -> Option<String> {
            match form.get(field) {
                None => None,
                // Most often pasted: what copying added is taken away before the value is read.
                Some(FieldInput::Text(raw)) if matches!(field, Field::Email | Field::Phone) => {
                    normalize(&as_pasted(raw))
                }
                Some(FieldInput::Text(raw)) => normalize(raw),
                Some(FieldInput::Flag(_) | FieldInput::List(_) | FieldInput::Malformed) => {
                    errors.add(field, FieldError::Invalid);
                    None
                }
            }
        };

        let name = take(Field::Name);
        let email = take(Field::Email);
        let phone = take(Field::Phone);
        let preferred_contact = take(Field::PreferredContact);
        let best_time = take(Field::BestTime);
        let session_format = take(Field::SessionFormat);
        let message = take(Field::Message);
        let turnstile_token = take(Field::TurnstileToken);
        let idempotency_key = take(Field::IdempotencyKey);

        let name = required(&mut errors, Field::Name, name, PersonName::parse);
        let email = required(&mut errors, Field::Email, email, |e| {
            EmailAddress::parse(&e)
        });
        let preferred_contact = optional(
            &mut errors,
            Field::PreferredContact,
            preferred_contact,
            |c| PreferredContact::parse(&c),
        );
        let parse_phone = |p: String| PhoneNumber::parse(&p, rules.phone_region);
        let phone = match preferred_contact {
            Some(Some(contact)) if contact.needs_phone() => {
                required(&mut errors, Field::Phone, phone, parse_phone).map(Some)
            }
            _ => optional(&mut errors, Field::Phone, phone, parse_phone),
        };
        let best_time = optional(&mut errors, Field::BestTime, best_time, BestTime::parse);
        let session_format = optional(&mut errors, Field::SessionFormat, session_format, |s| {
            SessionFormat::parse(&s)
        });
        let message = optional(&mut errors, Field::Message, message, Message::parse);
        let consent = Consent::parse(form.get(Field::Consent))
            .map_err(|e| errors.add(Field::Consent, e))
            .ok();
        let idempotency_key = optional(&mut errors, Field::IdempotencyKey, idempotency_key, |k| {
            IdempotencyKey::parse(&k)
        });
        let answers = parse_answers(form, &mut errors);

        match (
            name,
            email,
            phone,
            preferred_contact,
            best_time,
            session_format,
            message,
            consent,
            idempotency_key,
        ) {
            (
                Some(name),
                Some(email),
                Some(phone),
                Some(preferred_contact),
                Some(best_time),
                Some(session_format),
                Some(message),
                Some(consent),
                Some(idempotency_key),
            ) if errors.is_empty() => Ok(ParsedSubmission {
                request: ConsultationRequest {
                    name,
                    email,
                    phone,
                    preferred_contact: preferred_contact.unwrap_or_default(),
                    best_time,
                    session_format,
                    message,
                    consent,
                },
                honeypot_filled,
                turnstile_token,
                idempotency_key,
                answers,
            }),
            _ => Err(errors),
        }
    }
}

/// A required field: absent or empty is `required`; otherwise the parser decides.
fn required<T>(
    errors: &mut FieldErrors,
    field: Field,
    value: Option<String>,
    parse: impl FnOnce(String) -> Result<T, FieldError>,
) -> Option<T> {
    match value {
        None => {
            errors.add(field, FieldError::Required);
            None
        }
        Some(v) => parse(v).map_err(|e| errors.add(field, e)).ok(),
    }
}

/// An optional field: `Some(None)` when absent, `None` when present but refused.
fn optional<T>(
    errors: &mut FieldErrors,
    field: Field,
    value: Option<String>,
    parse: impl FnOnce(String) -> Result<T, FieldError>,
) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(v) => parse(v).map(Some).map_err(|e| errors.add(field, e)).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_form() -> SubmittedForm {
        SubmittedForm::new()
            .with(Field::Name, "  Ana Lima ")
            .with(Field::Email, "ana@Example.com")
            .with(Field::Consent, "on")
    }

    fn parse(form: &SubmittedForm) -> Result<ParsedSubmission, FieldErrors> {
        ConsultationRequest::parse(form, SubmissionRules::default())
    }

    fn errors_of(form: SubmittedForm) -> Vec<String> {
        parse(&form).expect_err("form should be refused").codes()
    }

    #[test]
    fn a_minimal_form_is_accepted_with_defaults() {
        let parsed = parse(&valid_form()).unwrap();
        let request = parsed.request;
        assert_eq!(request.name.as_str(), "Ana Lima");
        assert_eq!(request.email.as_str(), "ana@example.com");
        assert_eq!(request.preferred_contact, PreferredContact::Email);
        assert_eq!(request.phone, None);
        assert_eq!(request.best_time, None);
        assert_eq!(request.session_format, None);
        assert_eq!(request.message, None);
        assert!(!parsed.honeypot_filled);
        assert_eq!(parsed.idempotency_key, None);
    }

    #[test]
    fn a_full_form_is_normalised() {
        let form = valid_form()
            .with(Field::Phone, "(415) 555-2671")
            .with(Field::PreferredContact, "text")
            .with(Field::BestTime, " weekday evenings ")
            .with(Field::SessionFormat, "telehealth")
            .with(Field::Message, "Line one\r\nLine two\tand a tab\r\n")
            .with(Field::IdempotencyKey, "abcdefgh-1234")
            .with(Field::TurnstileToken, "token");
        let parsed = parse(&form).unwrap();
        let request = parsed.request;
        assert_eq!(request.phone.unwrap().as_str(), "+14155552671");
        assert_eq!(request.preferred_contact, PreferredContact::Text);
        assert_eq!(request.best_time.unwrap().as_str(), "weekday evenings");
        assert_eq!(request.session_format, Some(SessionFormat::Telehealth));
        assert_eq!(
            request.message.unwrap().as_str(),
            "Line one\nLine two\tand a tab"
        );
        assert_eq!(parsed.idempotency_key.unwrap().as_str(), "abcdefgh-1234");
        assert_eq!(parsed.turnstile_token.as_deref(), Some("token"));
    }

    #[test]
    fn every_rule_has_its_error_code() {
        let cases: Vec<(SubmittedForm, Vec<&str>)> = vec![
            (
                SubmittedForm::new(),
                vec![
                    "name:required",
                    "email:required",
                    "consent:consent_required",
                ],
            ),
            (valid_form().with(Field::Name, "   "), vec!["name:required"]),
            (valid_form().with(Field::Name, "&&&"), vec!["name:invalid"]),
            (
                SubmittedForm::new()
                    .with(Field::Name, " ")
                    .with(Field::Email, "")
                    .with(Field::Consent, "on"),
                vec!["name:required", "email:required"],
            ),
            (
                valid_form().with(Field::Email, "not-an-email"),
                vec!["email:invalid_email"],
            ),
            (
                valid_form().with(Field::PreferredContact, "phone"),
                vec!["phone:required"],
            ),
            (
                valid_form()
                    .with(Field::PreferredContact, "text")
                    .with(Field::Phone, " "),
                vec!["phone:required"],
            ),
            (
                valid_form().with(Field::PreferredContact, "pigeon"),
                vec!["preferred_contact:invalid_choice"],
            ),
            (
                valid_form().with(Field::Phone, "123"),
                vec!["phone:invalid_phone"],
            ),
            (
                valid_form().with(Field::BestTime, &"x".repeat(201)),
                vec!["best_time:too_long"],
            ),
            (
                valid_form().with(Field::BestTime, "mornings\nBcc: x@example.com"),
                vec!["best_time:invalid"],
            ),
            (
                valid_form().with(Field::SessionFormat, "online"),
                vec!["session_format:invalid_choice"],
            ),
            (
                valid_form().with(Field::Message, &"é".repeat(2001)),
                vec!["message:too_long"],
            ),
            (
                valid_form().with(Field::Message, "hello\u{0}"),
                vec!["message:invalid"],
            ),
            (
                valid_form().with(Field::Message, "hello\u{1b}[31m"),
                vec!["message:invalid"],
            ),
            (
                valid_form().with(Field::Consent, "no"),
                vec!["consent:consent_required"],
            ),
            (
                valid_form().with(Field::IdempotencyKey, "short"),
                vec!["idempotency_key:invalid"],
            ),
        ];
        for (form, expected) in cases {
            let got = errors_of(form.clone());
            assert_eq!(got, expected, "form {form:?}");
        }
    }

    #[test]
    fn a_message_of_exactly_the_limit_is_accepted() {
        let form = valid_form().with(Field::Message, &"é".repeat(2000));
        assert!(parse(&form).is_ok());
        let form = valid_form().with(Field::Message, &"x\r\n".repeat(1000));
        // 1000 CRLF pairs become 1000 LFs: 1999 characters once trimmed.
        assert!(parse(&form).is_ok());
    }

    #[test]
    fn wrong_types_and_repeats_are_invalid() {
        let mut form = valid_form();
        form.insert(Field::Name, FieldInput::Text("again".into()));
        assert_eq!(errors_of(form), vec!["name:invalid"]);

        let mut form = valid_form();
        form.insert(Field::Message, FieldInput::Flag(true));
        form.insert(Field::SessionFormat, FieldInput::Malformed);
        assert_eq!(
            errors_of(form),
            vec!["session_format:invalid", "message:invalid"]
        );

        let mut form = SubmittedForm::new()
            .with(Field::Name, "Ana")
            .with(Field::Email, "a@example.com");
        form.insert(Field::Consent, FieldInput::Malformed);
        assert_eq!(errors_of(form), vec!["consent:invalid"]);
    }

    #[test]
    fn the_honeypot_is_noticed_but_not_an_error() {
        let parsed = parse(&valid_form().with(Field::Website, "http://spam.example")).unwrap();
        assert!(parsed.honeypot_filled);
        let parsed = parse(&valid_form().with(Field::Website, "   ")).unwrap();
        assert!(!parsed.honeypot_filled);
    }
}
