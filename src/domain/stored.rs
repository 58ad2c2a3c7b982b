//! Reading a request back as it was kept. The values were checked when the request was accepted;
//! a rule tightened since then must not make an old request unreadable, or it would never be
//! emailed, listed or exported again.

use super::{
    BestTime, Consent, ConsultationRequest, EmailAddress, Message, PersonName, PhoneNumber,
    PreferredContact, SessionFormat,
};

/// A stored request's fields, as kept.
#[derive(Debug, Clone, Copy)]
pub struct StoredFields<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub preferred_contact: &'a str,
    pub best_time: Option<&'a str>,
    pub session_format: Option<&'a str>,
    pub message: Option<&'a str>,
}

impl ConsultationRequest {
    /// The request as it was stored, without today's rules. A choice that is no longer one is
    /// read as the default (email) or as not given.
    pub fn from_stored(fields: StoredFields<'_>) -> Self {
        Self {
            name: PersonName::kept(fields.name),
            email: EmailAddress::kept(fields.email),
            phone: fields.phone.map(PhoneNumber::kept),
            preferred_contact: PreferredContact::parse(fields.preferred_contact)
                .unwrap_or_default(),
            best_time: fields.best_time.map(BestTime::kept),
            session_format: fields
                .session_format
                .and_then(|f| SessionFormat::parse(f).ok()),
            message: fields.message.map(Message::kept),
            consent: Consent::recorded(),
        }
    }
}
