//! What a webhook says: the thin body (the event type, the reference, the time, the follow-up
//! state, the assignee's name, the answers the practice marked not personal, and the console's
//! URL for the request), and the one line a chat gets from it. Never a name, an address, a
//! phone, a message, a personal answer or the urgent flag: the types below have no place for
//! them.

use super::endpoint::EventType;
use crate::domain::{FollowUpState, KeptAnswer, SubmissionId};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The facts about a request an event may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub reference: SubmissionId,
    pub follow_up: Option<FollowUpState>,
    /// The assignee's name (a staff member's, never the person's); `None`: the front desk.
    pub assignee: Option<String>,
    answers: Vec<KeptAnswer>,
}

impl Facts {
    /// The facts, with only the answers not marked personal kept, and of those only answers
    /// from a list (a choice, a region, yes or no): what a person typed themselves never leaves,
    /// whatever its marking, nor an answer to a question the file no longer has.
    pub fn new(
        reference: SubmissionId,
        follow_up: Option<FollowUpState>,
        assignee: Option<String>,
        answers: &[KeptAnswer],
    ) -> Self {
        let from_a_list = |answer: &KeptAnswer| {
            crate::questions::compiled()
                .all()
                .iter()
                .find(|question| question.id() == answer.id)
                .is_some_and(|question| question.kind != crate::questions::Kind::ShortText)
        };
        Self {
            reference,
            follow_up,
            assignee,
            answers: answers
                .iter()
                .filter(|a| !a.personal && from_a_list(a))
                .cloned()
                .collect(),
        }
    }

    pub fn answers(&self) -> &[KeptAnswer] {
        &self.answers
    }
}

/// One event, as stored once per endpoint and sent unchanged on every attempt.
#[derive(Debug, Clone)]
pub struct Event {
    /// The `webhook-id`: `msg_` and a ULID, the same for every endpoint and every attempt, so a
    /// receiver can tell a retry from a new event.
    pub id: String,
    pub kind: EventType,
    pub at: DateTime<Utc>,
    pub about: About,
}

/// What an event is about.
#[derive(Debug, Clone)]
pub enum About {
    /// A request, by its facts.
    Request(Facts),
    /// A request erased: only its reference is left to say.
    Erased(SubmissionId),
    /// `webhooks test`: nothing about anyone.
    Test,
}

impl Event {
    pub fn new(kind: EventType, at: DateTime<Utc>, about: About) -> Self {
        Self {
            id: format!("msg_{}", SubmissionId::new(at)),
            kind,
            at,
            about,
        }
    }

    pub fn reference(&self) -> Option<SubmissionId> {
        match &self.about {
            About::Request(facts) => Some(facts.reference),
            About::Erased(id) => Some(*id),
            About::Test => None,
        }
    }

    /// The body every standard receiver gets (and a chat's line is written from).
    pub fn body(&self, console_base: Option<&str>) -> String {
        let data = match &self.about {
            About::Request(facts) => json!({
                "reference": facts.reference.to_string(),
                "follow_up": facts.follow_up.map(FollowUpState::as_str),
                "assignee": facts.assignee,
                "answers": facts.answers.iter().map(|answer| json!({
                    "id": answer.id,
                    "question": answer.label,
                    "answer": answer.shown,
                    "values": answer.values,
                })).collect::<Vec<_>>(),
                "console_url": console_base
                    .map(|base| format!("{base}/staff/requests/{}", facts.reference)),
            }),
            About::Erased(id) => json!({ "reference": id.to_string() }),
            About::Test => json!({ "message": "A test from the consultation form." }),
        };
        json!({
            "type": self.kind.as_str(),
            "timestamp": self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "data": data,
        })
        .to_string()
    }
}

/// A chat's line, written from a stored body: the same facts, and the console's link apart.
pub fn chat_line(body: &str) -> (String, Option<String>) {
    let body: Value = serde_json::from_str(body).unwrap_or_default();
    let data = &body["data"];
    let reference = data["reference"].as_str().unwrap_or_default();
    let answers: Vec<&str> = data["answers"]
        .as_array()
        .map(|answers| {
            answers
                .iter()
                .filter_map(|a| a["answer"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let facts = if answers.is_empty() {
        String::new()
    } else {
        format!(" — {}", answers.join(", "))
    };
    let state = data["follow_up"].as_str().unwrap_or("new");
    let line = match EventType::parse(body["type"].as_str().unwrap_or_default()) {
        Some(EventType::Received) => format!("New consultation request {reference}{facts}"),
        Some(EventType::Assigned) => match data["assignee"].as_str() {
            Some(name) => format!("Consultation request {reference} assigned to {name}{facts}"),
            None => format!("Consultation request {reference} is with the front desk{facts}"),
        },
        Some(EventType::FollowUpChanged) => {
            format!("Consultation request {reference}: follow-up now {state}")
        }
        Some(EventType::Overdue) => {
            format!("Consultation request {reference} is waiting for a first contact{facts}")
        }
        Some(EventType::Erased) => format!("Consultation request {reference} was erased"),
        Some(EventType::Test) | None => {
            "A test from the consultation form: this channel is connected".to_owned()
        }
    };
    (line, data["console_url"].as_str().map(str::to_owned))
}

/// Slack's incoming webhook: one line of text, the link in Slack's own markup.
pub fn slack_body(body: &str) -> String {
    let (line, url) = chat_line(body);
    // Slack's three control characters, escaped as its documentation asks.
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let text = match url {
        Some(url) => format!("{} — <{}|open in the console>", escape(&line), escape(&url)),
        None => escape(&line),
    };
    json!({ "text": text }).to_string()
}

/// A Teams Workflows webhook: a message with one Adaptive Card (the line, and a button to the
/// console). Office 365 connectors are retired.
pub fn teams_body(body: &str) -> String {
    let (line, url) = chat_line(body);
    let actions: Vec<Value> = url
        .into_iter()
        .map(|url| json!({ "type": "Action.OpenUrl", "title": "Open in the console", "url": url }))
        .collect();
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [{ "type": "TextBlock", "text": line, "wrap": true }],
                "actions": actions,
            }
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests;
