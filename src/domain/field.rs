//! The contract's field names and field error codes. What each says to a person is in the
//! catalogues (`crate::catalogues::field_message`).

use crate::questions::{QuestionIndex, compiled};
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
    /// One of the practice's own questions that the form asks (`q_<id>`), by its place in the
    /// compiled questions file; after the standard fields, as the form shows them.
    Answer(QuestionIndex),
    /// A JSON body's `answers` object itself (an error when it is not an object).
    Answers,
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

    /// Every field a form may hold: the standard ones, then each question asked.
    pub fn every() -> impl Iterator<Item = Field> {
        Field::ALL
            .into_iter()
            .chain(compiled().asked().map(|(index, _)| Field::Answer(index)))
    }

    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Answer(index) => compiled().get(index).map_or("q_", |q| q.wire_name()),
            Field::Answers => "answers",
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

    /// A standard field or an asked question by its form name; an undeclared question is none.
    pub fn from_wire(name: &str) -> Option<Field> {
        if name.starts_with("q_") {
            return compiled()
                .asked_by_wire(name)
                .map(|(index, _)| Field::Answer(index));
        }
        Field::ALL.into_iter().find(|f| f.as_str() == name)
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
