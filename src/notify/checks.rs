//! The emails that prove the chain works, about no request: the heartbeat probe's email to
//! `HEARTBEAT_TO`, and `doctor --send-test`'s notification to staff.

use super::{Composed, templates};

/// The heartbeat probe's email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatEmail {
    pub id: String,
    /// When the probe came, in the practice's time zone.
    pub when: String,
}

templates!(
    HeartbeatEmail,
    "email/heartbeat.txt",
    "email/heartbeat.html"
);

impl Composed for HeartbeatEmail {
    fn subject(&self) -> String {
        "Heartbeat: the consultation form works".to_owned()
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}

/// `doctor --send-test`'s notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestEmail {
    pub id: String,
    /// RFC 3339.
    pub sent_at: String,
}

templates!(TestEmail, "email/test.txt", "email/test.html");

impl Composed for TestEmail {
    fn subject(&self) -> String {
        "Test: consultation form notification (no action needed)".to_owned()
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}
