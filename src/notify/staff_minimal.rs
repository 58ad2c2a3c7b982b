//! A staff email in `minimal` mode (`STAFF_EMAIL_CONTENT=minimal`), for a staff mailbox no
//! business associate agreement covers: the reference, when it came in, the urgent and unverified
//! marks, the person's language, who it is assigned to, and one link to the request's page in
//! the console. Nothing the person wrote, nothing that identifies them, no `Reply-To` of theirs.

use super::staff::{AnswerLine, StaffEmail, StaffEmailKind};
use super::{Composed, templates};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimalStaffEmail {
    pub kind: StaffEmailKind,
    pub reference: String,
    pub received: String,
    pub urgent: bool,
    pub unverified: bool,
    /// The person's language, in English (always shown: staff answer in it).
    pub language: &'static str,
    /// The assigned clinician's name, when there is one.
    pub assigned_to: Option<String>,
    /// The answers that are not personal (the region, the payer, who the therapy is for).
    pub answers: Vec<AnswerLine>,
    /// The request's page in the console.
    pub console_link: String,
}

impl MinimalStaffEmail {
    fn heading(&self) -> &'static str {
        match self.kind {
            StaffEmailKind::Notification => "New consultation request",
            StaffEmailKind::Reminder { .. } => {
                "Still waiting: nobody has recorded contacting this person yet"
            }
            StaffEmailKind::Escalation { .. } => {
                "Nobody has recorded contacting this person, although staff were reminded"
            }
        }
    }
}

templates!(
    MinimalStaffEmail,
    "email/staff_minimal.txt",
    "email/staff_minimal.html"
);

impl Composed for MinimalStaffEmail {
    /// `New consultation request <reference>` (`Urgent: ` first when flagged).
    fn subject(&self) -> String {
        let prefix = if self.urgent { "Urgent: " } else { "" };
        match &self.kind {
            StaffEmailKind::Notification => {
                format!("{prefix}New consultation request {}", self.reference)
            }
            StaffEmailKind::Reminder { since } | StaffEmailKind::Escalation { since } => format!(
                "{prefix}Reminder: consultation request {} waiting since {since}",
                self.reference
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

/// A staff email about one request, in the mode the practice chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffMessage {
    Full(Box<StaffEmail>),
    Minimal(MinimalStaffEmail),
}

impl StaffMessage {
    /// Names the staff member the request is assigned to.
    pub fn with_assignee(mut self, name: Option<&str>) -> Self {
        let name = name.map(str::to_owned);
        match &mut self {
            Self::Full(email) => email.assigned_to = name,
            Self::Minimal(email) => email.assigned_to = name,
        }
        self
    }
}

impl Composed for StaffMessage {
    fn subject(&self) -> String {
        match self {
            Self::Full(email) => email.subject(),
            Self::Minimal(email) => email.subject(),
        }
    }

    fn text(&self) -> askama::Result<String> {
        match self {
            Self::Full(email) => email.text(),
            Self::Minimal(email) => email.text(),
        }
    }

    fn html(&self) -> askama::Result<String> {
        match self {
            Self::Full(email) => email.html(),
            Self::Minimal(email) => email.html(),
        }
    }
}
