//! Rendering the staff notification: a subject, a text part and an HTML part, every value escaped.

use crate::config::FollowUpKey;
use crate::domain::{FollowUpState, ReceivedRequest};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
}

impl From<&crate::config::Config> for NotificationSettings {
    fn from(config: &crate::config::Config) -> Self {
        Self {
            timezone: config.practice_timezone,
            include_message: config.notify_include_message,
            follow_up_key: config.follow_up_key.clone(),
            reply_tracking_domain: config.reply_tracking_domain.clone(),
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
mod tests {
    use super::*;
    use crate::domain::{ConsultationRequest, Field, SubmissionRules, SubmittedForm};
    use chrono::{DateTime, Utc};

    /// When the example request was received and its email sent.
    const AT: DateTime<Utc> = DateTime::from_timestamp(1_795_701_900, 0).unwrap(); // 2026-11-26T14:05:00Z

    fn received(form: SubmittedForm, urgent: bool) -> ReceivedRequest {
        let request = ConsultationRequest::parse(&form, SubmissionRules::default())
            .unwrap()
            .request;
        ReceivedRequest {
            urgent,
            ..ReceivedRequest::example(request, AT)
        }
    }

    fn form() -> SubmittedForm {
        SubmittedForm::new()
            .with(Field::Name, "Ana <b>Lima</b> & Co")
            .with(Field::Email, "ana@example.com")
            .with(Field::Phone, "415 555 2671")
            .with(Field::BestTime, "<i>evenings</i>")
            .with(Field::SessionFormat, "telehealth")
            .with(Field::Message, "<script>alert('x')</script>\nSecond line")
            .with(Field::Consent, "on")
    }

    fn settings(include_message: bool) -> NotificationSettings {
        NotificationSettings {
            timezone: chrono_tz::America::New_York,
            include_message,
            follow_up_key: None,
            reply_tracking_domain: None,
        }
    }

    #[test]
    fn every_field_is_shown_and_escaped() {
        let email = render_notification(&received(form(), false), &settings(true), AT).unwrap();
        assert_eq!(
            email.subject,
            "New consultation request from Ana <b>Lima</b> & Co"
        );
        assert!(
            email
                .html
                .contains("Ana &#60;b&#62;Lima&#60;/b&#62; &#38; Co")
        );
        assert!(!email.html.contains("<script>"));
        assert!(!email.html.contains("<i>"));
        assert!(email.html.contains("&#60;script&#62;"));
        assert!(email.html.contains("href=\"tel:+14155552671\""));
        assert!(email.html.contains("href=\"mailto:ana@example.com\""));
        assert!(
            email
                .text
                .contains("Name:              Ana <b>Lima</b> & Co")
        );
        assert!(email.text.contains("Phone:             +14155552671"));
        assert!(email.text.contains("Best time:         <i>evenings</i>"));
        assert!(email.text.contains("Session format:    Telehealth (video)"));
        assert!(email.text.contains("Preferred contact: Email"));
        assert!(
            email
                .text
                .contains("<script>alert('x')</script>\nSecond line")
        );
        // 14:05 UTC is 09:05 in New York in November.
        assert!(
            email
                .text
                .contains("Thursday 26 November 2026, 09:05 EST (America/New_York)")
        );
        assert!(!email.text.contains("URGENT"));
    }

    #[test]
    fn the_message_can_be_withheld() {
        let email = render_notification(&received(form(), false), &settings(false), AT).unwrap();
        for part in [&email.text, &email.html] {
            assert!(!part.contains("Second line"));
            assert!(part.contains("The message is not included in this email"));
        }
    }

    #[test]
    fn urgent_requests_say_so_first() {
        let email = render_notification(&received(form(), true), &settings(true), AT).unwrap();
        assert!(
            email
                .subject
                .starts_with("Urgent: New consultation request from")
        );
        assert!(email.text.starts_with("URGENT:"));
        assert!(email.text.contains("not an assessment"));
        assert!(email.html.contains("<strong>Urgent:</strong>"));
    }

    #[test]
    fn links_are_percent_encoded_and_the_subject_holds_no_encoded_word() {
        let form = form()
            .with(Field::Email, "ana?cc=spy&body=x@mail.example")
            .with(Field::Name, "=?UTF-8?B?SGFja2Vk?=");
        let email = render_notification(&received(form, false), &settings(true), AT).unwrap();
        assert!(
            email
                .html
                .contains("href=\"mailto:ana%3Fcc%3Dspy%26body%3Dx@mail.example\""),
            "{}",
            email.html
        );
        assert!(!email.subject.contains("=?"), "{}", email.subject);
        assert_eq!(
            email.subject,
            "New consultation request from = ?UTF-8?B?SGFja2Vk?="
        );
    }

    #[test]
    fn with_a_key_and_a_base_url_the_email_carries_one_follow_up_link_per_state() {
        let mut request = received(form(), false);
        let mut with_key = settings(true);
        with_key.follow_up_key = Some(FollowUpKey::new(b"k".repeat(32)));
        let without_base = render_notification(&request, &with_key, AT).unwrap();
        assert!(!without_base.text.contains("follow-up"));
        request.public_base_url = Some("https://forms.practice.example".to_owned());
        let email = render_notification(&request, &with_key, AT).unwrap();
        for state in FollowUpState::CHOICES {
            let link = format!(
                "https://forms.practice.example/consultations/{}/follow-up?state={}&#38;token=",
                request.id,
                state.as_str()
            );
            assert!(email.html.contains(&link), "{link} in {}", email.html);
            assert!(email.text.contains(&link.replace("&#38;", "&")));
        }
        assert!(
            !email.text.contains("Ana Lima@"),
            "links carry nothing personal"
        );
        let no_key = render_notification(&request, &settings(true), AT).unwrap();
        assert!(!no_key.html.contains("follow-up?"));
    }

    #[test]
    fn long_names_are_cut_in_the_subject() {
        let name = "É".repeat(100);
        let email = render_notification(
            &received(form().with(Field::Name, &name), false),
            &settings(true),
            AT,
        )
        .unwrap();
        let expected = format!(
            "New consultation request from {}",
            "É".repeat(SUBJECT_NAME_CHARS)
        );
        assert_eq!(email.subject, expected);
        assert!(email.text.contains(&name));
    }

    #[test]
    fn links_in_an_escalation_work_for_30_days_from_the_escalation_not_from_receipt() {
        let key = FollowUpKey::new(b"k".repeat(32));
        let mut request = received(form(), false);
        request.public_base_url = Some("https://forms.practice.example".to_owned());
        let mut with_key = settings(true);
        with_key.follow_up_key = Some(key.clone());
        let token_of = |email: &NotificationEmail| {
            let link = email
                .text
                .split_whitespace()
                .find(|w| w.contains("state=contacted&token="))
                .unwrap()
                .to_owned();
            link.rsplit("token=").next().unwrap().to_owned()
        };
        let escalated_at = AT + chrono::Duration::days(20);
        let escalation = render_reminder(&request, &with_key, true, escalated_at).unwrap();
        let first = render_notification(&request, &with_key, AT).unwrap();

        let day_40 = AT + chrono::Duration::days(40);
        let contacted = FollowUpState::Contacted;
        assert_eq!(
            key.verify(request.id, contacted, &token_of(&escalation), day_40),
            Ok(()),
            "20 days after the escalation"
        );
        assert_eq!(
            key.verify(request.id, contacted, &token_of(&first), day_40),
            Err(crate::follow_up::LinkError::Expired),
            "40 days after the first email"
        );
        let day_51 = escalated_at + crate::follow_up::LINK_LIFETIME + chrono::Duration::days(1);
        assert!(
            key.verify(request.id, contacted, &token_of(&escalation), day_51)
                .is_err()
        );
    }
}
