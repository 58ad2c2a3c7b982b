//! Every staff email about one request (the notification, a reminder, an escalation, the
//! fallback copy) is a [`StaffEmail`]: what it shows, already decided (the links signed, the time
//! written in the practice's zone), so that the one template renders it and nothing else can add
//! to it.

use super::{Composed, templates};

/// At most this many characters of the person's name go into the subject.
pub const SUBJECT_NAME_CHARS: usize = 60;

/// Which staff email about a request this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffEmailKind {
    /// The notification of a new request (and its copy to `NOTIFY_FALLBACK_TO`).
    Notification,
    /// To staff: still `new` after the follow-up time, waiting since `since` (practice time).
    Reminder { since: String },
    /// To `ESCALATE_TO`: still `new` after twice that.
    Escalation { since: String },
}

/// What the person wrote, as staff may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    pub name: String,
    pub email: String,
    /// `mailto:` and `tel:` targets, percent-encoded: an address may legally hold `?`, `&` or
    /// `=`, which would otherwise turn the link into one that adds recipients or a body.
    pub email_link: String,
    pub phone: String,
    pub phone_link: Option<String>,
    pub preferred_contact: &'static str,
    pub best_time: String,
    pub session_format: &'static str,
    pub message: MessageShown,
}

/// The message, or why it is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageShown {
    Shown(String),
    /// `NOTIFY_INCLUDE_MESSAGE=false`.
    Withheld,
    NotWritten,
}

/// One answer to the practice's own questions: the question and the answer, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    pub label: String,
    pub shown: String,
}

/// One follow-up link of a staff email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpLink {
    pub label: &'static str,
    pub url: String,
}

/// A staff email about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffEmail {
    pub kind: StaffEmailKind,
    /// The request's id.
    pub reference: String,
    /// When it came in, in the practice's time zone.
    pub received: String,
    pub urgent: bool,
    /// The bot check could not be asked.
    pub unverified: bool,
    /// Held for review but sent at once (urgent, without the captcha).
    pub sent_while_held: bool,
    /// The person's language, in English, when it is not the practice's.
    pub language: Option<&'static str>,
    pub details: PersonDetails,
    /// Every answer to the practice's own questions.
    pub answers: Vec<AnswerLine>,
    /// The clinician it is assigned to, when routing gave it to one.
    pub assigned_to: Option<String>,
    pub follow_up: Vec<FollowUpLink>,
}

impl StaffEmail {
    /// Above everything: why this email comes.
    fn banner(&self) -> Option<&'static str> {
        match self.kind {
            StaffEmailKind::Escalation { .. } => Some(
                "Nobody has recorded contacting this person, although staff were reminded. Please make sure someone calls them back.",
            ),
            StaffEmailKind::Reminder { .. } => Some(
                "Still waiting: nobody has recorded contacting this person yet. Once someone has, use a link below.",
            ),
            StaffEmailKind::Notification if self.sent_while_held => Some(
                "Unverified: held for review. This request came without the security check (from a browser without JavaScript); it is urgent, so it is here at once.",
            ),
            StaffEmailKind::Notification => None,
        }
    }

    /// The name as a subject may carry it: one line by construction, any stray whitespace
    /// still flattened so no header can break, cut to [`SUBJECT_NAME_CHARS`], never an encoded
    /// word.
    fn subject_name(&self) -> String {
        let name: String = self
            .details
            .name
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
        // Mail clients decode `=?charset?encoding?text?=` in a subject as an RFC 2047 encoded
        // word, which would let a submitted name show staff any text it likes: such a name never
        // forms one.
        name.trim_end().replace("=?", "= ?")
    }
}

templates!(StaffEmail, "email/staff.txt", "email/staff.html");

impl Composed for StaffEmail {
    /// `New consultation request from <name>` (prefixed `Urgent: ` when flagged); a reminder's
    /// says how long it has waited.
    fn subject(&self) -> String {
        match &self.kind {
            StaffEmailKind::Notification => {
                let prefix = if self.urgent { "Urgent: " } else { "" };
                format!(
                    "{prefix}New consultation request from {}",
                    self.subject_name()
                )
            }
            StaffEmailKind::Reminder { since } | StaffEmailKind::Escalation { since } => format!(
                "Reminder: consultation request from {} waiting since {since}",
                self.subject_name()
            ),
        }
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}
