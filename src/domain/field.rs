//! The contract's field names and field error codes.

use std::collections::BTreeMap;

/// A field of the consultation form, in the contract's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Email,
    Phone,
    PreferredContact,
    BestTime,
    SessionFormat,
    Message,
    Consent,
    Website,
    TurnstileToken,
    IdempotencyKey,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::Email,
        Field::Phone,
        Field::PreferredContact,
        Field::BestTime,
        Field::SessionFormat,
        Field::Message,
        Field::Consent,
        Field::Website,
        Field::TurnstileToken,
        Field::IdempotencyKey,
    ];

    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::PreferredContact => "preferred_contact",
            Field::BestTime => "best_time",
            Field::SessionFormat => "session_format",
            Field::Message => "message",
            Field::Consent => "consent",
            Field::Website => "website",
            Field::TurnstileToken => "cf-turnstile-response",
            Field::IdempotencyKey => "idempotency_key",
        }
    }

    pub fn from_wire(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// How the field is labelled on the form, for messages shown to a person.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Email => "Email",
            Field::Phone => "Phone",
            Field::PreferredContact => "Preferred contact",
            Field::BestTime => "Best time to reach you",
            Field::SessionFormat => "Session format",
            Field::Message => "Message",
            Field::Consent => "Consent",
            Field::Website => "Website",
            Field::TurnstileToken => "Verification",
            Field::IdempotencyKey => "Submission key",
        }
    }
}

/// Why a field was refused. Each maps to one stable code of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Required,
    TooLong {
        max: usize,
    },
    Invalid,
    InvalidEmail,
    InvalidPhone,
    InvalidChoice,
    ConsentRequired,
    CaptchaFailed,
    /// The Turnstile token expired (after 300 s) or was used twice: sending again fixes it.
    CaptchaExpired,
}

impl FieldError {
    pub fn code(self) -> &'static str {
        match self {
            FieldError::Required => "required",
            FieldError::TooLong { .. } => "too_long",
            FieldError::Invalid => "invalid",
            FieldError::InvalidEmail => "invalid_email",
            FieldError::InvalidPhone => "invalid_phone",
            FieldError::InvalidChoice => "invalid_choice",
            FieldError::ConsentRequired => "consent_required",
            FieldError::CaptchaFailed => "captcha_failed",
            FieldError::CaptchaExpired => "captcha_expired",
        }
    }

    /// A sentence a person can act on: what to do, never "valid", "invalid" or "please" (the
    /// GOV.UK Design System's error messages are the model). It never repeats what they typed.
    pub fn message(self, field: Field) -> String {
        match (self, field) {
            (FieldError::Required, Field::Phone) => {
                "Enter a phone number, like 312 555 0142, so we can call or text you".to_owned()
            }
            (FieldError::Required, Field::Name) => "Enter your name".to_owned(),
            (FieldError::Required, Field::Email) => "Enter your email address".to_owned(),
            (FieldError::Required, f) => format!("Enter {}", f.label().to_lowercase()),
            (FieldError::TooLong { max }, f) => {
                format!("{} must be {} characters or fewer", f.label(), thousands(max))
            }
            (FieldError::Invalid, Field::Name) => {
                "Enter your name on one line, using letters".to_owned()
            }
            (FieldError::Invalid, Field::BestTime) => {
                "Enter the best time to reach you on one line, using letters and numbers".to_owned()
            }
            (FieldError::Invalid, Field::Message) => {
                "Remove the hidden or control characters from your message".to_owned()
            }
            (FieldError::Invalid, f) => {
                format!("Enter {} as plain text", f.label().to_lowercase())
            }
            (FieldError::InvalidEmail, _) => {
                "Enter an email address in the correct format, like name@example.com".to_owned()
            }
            (FieldError::InvalidPhone, _) => "Enter a phone number, like 312 555 0142".to_owned(),
            (FieldError::InvalidChoice, Field::PreferredContact) => {
                "Select how you would like us to contact you".to_owned()
            }
            (FieldError::InvalidChoice, Field::SessionFormat) => {
                "Select a session format".to_owned()
            }
            (FieldError::InvalidChoice, f) => format!(
                "Select one of the options for {}",
                f.label().to_lowercase()
            ),
            (FieldError::ConsentRequired, _) => {
                "Select the box to agree that the practice may store your request and contact you"
                    .to_owned()
            }
            (FieldError::CaptchaFailed, _) => {
                "The security check did not work. Send the form again".to_owned()
            }
            (FieldError::CaptchaExpired, _) => {
                "The security check ran out while you were writing. Send the form again: your answers are kept".to_owned()
            }
        }
    }
}

/// `2000` → `2,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every field error of one submission, at most one per field, in the form's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<Field, FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the first error found for a field: it is the one the person should fix first.
    pub fn add(&mut self, field: Field, error: FieldError) {
        self.0.entry(field).or_insert(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn get(&self, field: Field) -> Option<FieldError> {
        self.0.get(&field).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Field, FieldError)> + '_ {
        self.0.iter().map(|(f, e)| (*f, *e))
    }

    /// `field:code` pairs, safe to log: they carry no submitted value.
    pub fn codes(&self) -> Vec<String> {
        self.iter()
            .map(|(f, e)| format!("{}:{}", f.as_str(), e.code()))
            .collect()
    }
}
