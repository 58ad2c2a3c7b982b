//! Recognising the same request twice: by the client's idempotency key (24 hours) or, without one,
//! by its normalised content (10 minutes).
//!
//! Fingerprints are HMAC-SHA256 under `CLIENT_HASH_KEY`, so the table never holds anything from
//! which a name, email or message could be recovered or guessed.

use super::item::{duplicate_key_by_content, duplicate_key_by_idempotency_key};
use crate::domain::{ConsultationRequest, IdempotencyKey};
use crate::signing::ClientHashKey;
use chrono::Duration;

pub const KEY_WINDOW: Duration = Duration::hours(24);
pub const CONTENT_WINDOW: Duration = Duration::minutes(10);

/// How a submission is recognised when it comes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateGuard {
    /// The partition key of the duplicate record.
    pub record_key: String,
    /// A fingerprint of everything submitted, to tell a replay from a reused key.
    pub payload_hash: String,
    /// How long the record recognises a repeat.
    pub window: Duration,
    /// The person's keyed email fingerprint, on every item about them, so that erasure finds all of
    /// them with one query and without the address in any key.
    pub email_hash: String,
    /// The keyed fingerprint of their phone (E.164), for the console's search by phone.
    pub phone_hash: Option<String>,
}

impl DuplicateGuard {
    /// A UUID-shaped key for Turnstile's siteverify, the same for every repeat of this request, so
    /// a resubmitted token is judged as it was the first time.
    pub fn verification_key(&self) -> String {
        let hex: String = self
            .record_key
            .rsplit('#')
            .next()
            .unwrap_or_default()
            .chars()
            .chain(std::iter::repeat('0'))
            .take(32)
            .collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }

    pub fn new(
        request: &ConsultationRequest,
        idempotency_key: Option<&IdempotencyKey>,
        secret: &ClientHashKey,
    ) -> Self {
        let optional = |v: Option<&str>| v.unwrap_or("").to_owned();
        let phone = optional(request.phone.as_ref().map(|p| p.as_str()));
        let message = optional(request.message.as_ref().map(|m| m.as_str()));
        let payload_hash = secret.fingerprint(
            "payload",
            &[
                request.name.as_str(),
                request.email.as_str(),
                &phone,
                request.preferred_contact.as_str(),
                &optional(request.best_time.as_ref().map(|b| b.as_str())),
                request.session_format.map_or("", |f| f.as_str()),
                &message,
            ],
        );
        let (record_key, payload_hash, window) = match idempotency_key {
            Some(key) => {
                let key = secret.fingerprint("key", &[key.as_str()]);
                (
                    duplicate_key_by_idempotency_key(&key),
                    payload_hash,
                    KEY_WINDOW,
                )
            }
            None => {
                let identity = [
                    request.name.as_str(),
                    request.email.as_str(),
                    &phone,
                    &message,
                ];
                let content = secret.fingerprint("content", &identity);
                // Without a key, the content *is* the identity: a repeat that changed only a
                // choice is still the same request, never a conflict.
                (duplicate_key_by_content(&content), content, CONTENT_WINDOW)
            }
        };
        Self {
            record_key,
            payload_hash,
            window,
            email_hash: secret.email_hash(request.email.as_str()),
            phone_hash: request
                .phone
                .as_ref()
                .map(|p| secret.phone_hash(p.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, SubmissionRules, SubmittedForm};

    fn secret(key: &str) -> ClientHashKey {
        ClientHashKey::new(key.as_bytes().to_vec(), None)
    }

    fn request(form: SubmittedForm) -> ConsultationRequest {
        ConsultationRequest::parse(&form, SubmissionRules::default())
            .unwrap()
            .request
    }

    fn base() -> SubmittedForm {
        SubmittedForm::new()
            .with(Field::Name, "Ana")
            .with(Field::Email, "ana@example.com")
            .with(Field::Message, "Hello")
            .with(Field::Consent, "on")
    }

    #[test]
    fn the_same_content_gives_the_same_record() {
        let key = secret("k".repeat(32).as_str());
        let a = DuplicateGuard::new(&request(base()), None, &key);
        let b = DuplicateGuard::new(&request(base().with(Field::Name, "  Ana ")), None, &key);
        assert_eq!(a, b);
        assert!(a.record_key.starts_with("dup#content#"));
        assert_eq!(a.window, CONTENT_WINDOW);
        assert!(!a.record_key.contains("Ana") && !a.record_key.contains("ana@"));
    }

    #[test]
    fn other_content_or_another_secret_gives_another_record() {
        let key = secret("k".repeat(32).as_str());
        let a = DuplicateGuard::new(&request(base()), None, &key);
        let other_message =
            DuplicateGuard::new(&request(base().with(Field::Message, "Hi")), None, &key);
        assert_ne!(a.record_key, other_message.record_key);
        let other_secret = DuplicateGuard::new(&request(base()), None, &secret(&"j".repeat(32)));
        assert_ne!(a.record_key, other_secret.record_key);
        // Parts are length-prefixed: moving text between fields changes the fingerprint.
        let shifted = DuplicateGuard::new(
            &request(
                base()
                    .with(Field::Name, "AnaH")
                    .with(Field::Message, "ello"),
            ),
            None,
            &key,
        );
        assert_ne!(a.record_key, shifted.record_key);
    }

    #[test]
    fn a_key_names_the_record_and_the_payload_tells_reuse() {
        let key = secret("k".repeat(32).as_str());
        let idem = IdempotencyKey::parse("abcdefgh-123").unwrap();
        let a = DuplicateGuard::new(&request(base()), Some(&idem), &key);
        let b = DuplicateGuard::new(
            &request(base().with(Field::Message, "Other")),
            Some(&idem),
            &key,
        );
        assert!(a.record_key.starts_with("dup#key#"));
        assert_eq!(a.window, KEY_WINDOW);
        assert_eq!(a.record_key, b.record_key);
        assert_ne!(a.payload_hash, b.payload_hash);
    }
}
