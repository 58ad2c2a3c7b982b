//! Rendering the staff notification: a subject, a text part and an HTML part, every value escaped.

use crate::catalogues::Catalogues;
use crate::domain::{FollowUpState, Language, ReceivedRequest};
use crate::signing::FollowUpKey;
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;

/// At most this many characters of the person's name go into the subject.
pub const SUBJECT_NAME_CHARS: usize = 60;

#[derive(Debug, Clone)]
pub struct NotificationSettings {
    pub timezone: Tz,
    /// `NOTIFY_INCLUDE_MESSAGE`: when false the message is withheld and the email says so.
    pub include_message: bool,
    /// With a key (and a base URL stored with the request), the email carries one follow-up
    /// link per state.
    pub follow_up_key: Option<FollowUpKey>,
    /// With a key, staff emails' `Reply-To` also holds a signed address at this domain, so a
    /// reply counts as contact.
    pub reply_tracking_domain: Option<String>,
    /// The practice's language: a request in another one says so ("Preferred language: Spanish").
    pub default_language: Language,
    /// For what the person reads: the acknowledgement.
    pub catalogues: Arc<Catalogues>,
}

impl From<&crate::config::Config> for NotificationSettings {
    fn from(config: &crate::config::Config) -> Self {
        Self {
            timezone: config.practice_timezone,
            include_message: config.notify_include_message,
            follow_up_key: config.follow_up_key.clone(),
            reply_tracking_domain: config.reply_tracking_domain.clone(),
            default_language: config.default_language,
            catalogues: Arc::clone(&config.catalogues),
        }
    }
}

impl NotificationSettings {
    /// Where staff's replies about a request go: the person, and with reply tracking the signed
    /// address that records the reply as contact.
    pub fn reply_to(&self, received: &ReceivedRequest) -> Vec<crate::domain::EmailAddress> {
        let tracking = self
            .follow_up_key
            .as_ref()
            .zip(self.reply_tracking_domain.as_deref())
            .and_then(|(key, domain)| crate::follow_up::reply_address(key, received.id, domain));
        std::iter::once(received.request.email.clone())
            .chain(tracking)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct Fields<'a> {
    urgent: bool,
    name: &'a str,
    email: &'a str,
    /// `mailto:` and `tel:` targets, percent-encoded: an address may legally hold `?`, `&` or `=`,
    /// which would otherwise turn the link into one that adds recipients or a body.
    email_link: String,
    phone: &'a str,
    phone_link: Option<String>,
    preferred_contact: &'a str,
    /// The person's language, in English, when it is not the practice's.
    language: Option<&'static str>,
    best_time: &'a str,
    session_format: &'a str,
    received: String,
    id: String,
    message: Option<&'a str>,
    message_withheld: bool,
    unverified: bool,
    follow_up: Vec<FollowUpLink>,
    /// Above everything: why this email comes (a reminder).
    banner: Option<String>,
}

/// The text part; fields are reached through `Deref`, so both parts read the same values.
#[derive(Template)]
#[template(path = "notification.txt")]
struct TextPart<'a>(&'a Fields<'a>);

#[derive(Template)]
#[template(path = "notification.html")]
struct HtmlPart<'a>(&'a Fields<'a>);

impl<'a> std::ops::Deref for TextPart<'a> {
    type Target = Fields<'a>;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl<'a> std::ops::Deref for HtmlPart<'a> {
    type Target = Fields<'a>;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

const NOT_GIVEN: &str = "not given";

/// One follow-up link of the staff email.
struct FollowUpLink {
    label: &'static str,
    url: String,
}

/// The staff email about a request, sent at `sent_at` (its links work for 30 days from then).
pub fn render_notification(
    received: &ReceivedRequest,
    settings: &NotificationSettings,
    sent_at: DateTime<Utc>,
) -> Result<NotificationEmail, askama::Error> {
    render(received, settings, None, sent_at)
}

/// The reminder about a request still `new`: the same details and links, a subject that says it
/// waits, and a first line that says so (to `ESCALATE_TO`, that staff were reminded already).
pub fn render_reminder(
    received: &ReceivedRequest,
    settings: &NotificationSettings,
    escalation: bool,
    sent_at: DateTime<Utc>,
) -> Result<NotificationEmail, askama::Error> {
    let since = received
        .received_at
        .with_timezone(&settings.timezone)
        .format("%a %-d %b, %H:%M");
    let banner = if escalation {
        "Nobody has recorded contacting this person, although staff were reminded. Please make sure someone calls them back."
    } else {
        "Still waiting: nobody has recorded contacting this person yet. Once someone has, use a link below."
    };
    let mut email = render(received, settings, Some(banner.to_owned()), sent_at)?;
    email.subject = format!(
        "Reminder: consultation request from {} waiting since {since}",
        subject_name(received)
    );
    Ok(email)
}

fn render(
    received: &ReceivedRequest,
    settings: &NotificationSettings,
    banner: Option<String>,
    sent_at: DateTime<Utc>,
) -> Result<NotificationEmail, askama::Error> {
    // Urgent and held for review (it came without the security check): sent at once, said so.
    let banner = banner.or_else(|| {
        received.sent_while_held().then(|| {
            "Unverified: held for review. This request came without the security check (from a browser without JavaScript); it is urgent, so it is here at once.".to_owned()
        })
    });
    let follow_up = settings
        .follow_up_key
        .as_ref()
        .zip(received.public_base_url.as_deref())
        .map(|(key, base)| {
            FollowUpState::CHOICES
                .into_iter()
                .map(|state| FollowUpLink {
                    label: state.label(),
                    url: key.link(base, received.id, state, sent_at),
                })
                .collect()
        })
        .unwrap_or_default();
    let request = &received.request;
    let fields = Fields {
        urgent: received.urgent,
        name: request.name.as_str(),
        email: request.email.as_str(),
        email_link: format!("mailto:{}", link_encode(request.email.as_str())),
        phone: request.phone.as_ref().map_or(NOT_GIVEN, |p| p.as_str()),
        phone_link: request
            .phone
            .as_ref()
            .map(|p| format!("tel:{}", link_encode(p.as_str()))),
        preferred_contact: request.preferred_contact.label(),
        language: (received.language != settings.default_language)
            .then(|| received.language.name_in_english()),
        best_time: request.best_time.as_ref().map_or(NOT_GIVEN, |b| b.as_str()),
        session_format: request.session_format.map_or(NOT_GIVEN, |f| f.label()),
        received: format_received(received, settings.timezone),
        id: received.id.to_string(),
        message: request
            .message
            .as_ref()
            .filter(|_| settings.include_message)
            .map(|m| m.as_str()),
        message_withheld: !settings.include_message && request.message.is_some(),
        unverified: received.verification == crate::domain::Verification::Unverified,
        follow_up,
        banner,
    };
    let text = TextPart(&fields).render()?;
    let html = HtmlPart(&fields).render()?;
    Ok(NotificationEmail {
        subject: subject(received),
        text,
        html,
    })
}

/// Percent-encodes a value for a URI's path: everything but letters, digits and `@ . - _ +`.
fn link_encode(value: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'@')
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'+');
    percent_encoding::utf8_percent_encode(value, KEEP).to_string()
}

/// `New consultation request from <name>`, prefixed `Urgent: ` when flagged.
fn subject(received: &ReceivedRequest) -> String {
    let prefix = if received.urgent { "Urgent: " } else { "" };
    format!(
        "{prefix}New consultation request from {}",
        subject_name(received)
    )
}

/// The name as a subject may carry it: one line by construction, any stray whitespace still
/// flattened so no header can break, cut to [`SUBJECT_NAME_CHARS`], never an encoded word.
fn subject_name(received: &ReceivedRequest) -> String {
    let name: String = received
        .request
        .name
        .as_str()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .take(SUBJECT_NAME_CHARS)
        .collect();
    // Mail clients decode `=?charset?encoding?text?=` in a subject as an RFC 2047 encoded word,
    // which would let a submitted name show staff any text it likes: such a name never forms one.
    name.trim_end().replace("=?", "= ?")
}

fn format_received(received: &ReceivedRequest, timezone: Tz) -> String {
    let local = received.received_at.with_timezone(&timezone);
    format!(
        "{} ({})",
        local.format("%A %-d %B %Y, %H:%M %Z"),
        timezone.name()
    )
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
