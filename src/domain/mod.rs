//! The consultation request and its field types: parse, don't validate.
//!
//! Everything in here is pure: it turns what the website submitted into values that can only hold
//! valid data, or into the contract's field errors.

mod answers;
mod business_hours;
mod case_notes;
mod consent;
mod contact;
mod email;
mod field;
mod follow_up_state;
mod free_text;
mod idempotency;
mod language;
mod name;
mod phone;
mod record;
mod request;
mod stored;
mod submission;
mod text;
mod urgency;

pub use answers::{Answer, AnswerValue, KeptAnswer, parse_answers};
pub use business_hours::BusinessHours;
pub use case_notes::{Actor, Change, HistoryEntry, Note, NoteProblem, NoteText};
pub use consent::Consent;
pub use contact::{PreferredContact, SessionFormat};
pub use email::EmailAddress;
pub use field::{Field, FieldError, FieldErrors};
pub use follow_up_state::{FollowUpState, Reminder};
pub use free_text::{BestTime, Message};
pub use idempotency::IdempotencyKey;
pub use language::Language;
pub use name::PersonName;
pub use phone::{PhoneNumber, PhoneRegion};
pub use record::{
    DeliveryStatus, HoldReason, NotifyStatus, ReceivedRequest, SubmissionId, Verification,
};
pub use request::{ConsultationRequest, ParsedSubmission, SubmissionRules};
pub use stored::StoredFields;
pub use submission::{FieldInput, SubmittedForm};
pub use urgency::UrgentPhrases;
