//! `consultation-admin export` and `show`: every stored field of the requests, as CSV (each cell
//! kept text for a spreadsheet) or JSON. The records policy's: personal data out.

use super::{Admin, AdminError};
use crate::store::{StoredRequest, rfc3339};
use chrono::{DateTime, Utc};
use std::io::Write;

/// Every exported column, in a stable order.
pub const COLUMNS: [&str; 18] = [
    "id",
    "received_at",
    "name",
    "email",
    "phone",
    "preferred_contact",
    "best_time",
    "session_format",
    "message",
    "notify_status",
    "notify_attempts",
    "urgent",
    "verification",
    "consent_version",
    "consented_at",
    "expires_at",
    "held_as_spam",
    // Each answer to the practice's own questions on a line: `question = answer`.
    "answers",
];

fn columns(stored: &StoredRequest) -> [String; 18] {
    let r = &stored.received;
    let q = &r.request;
    let opt = |v: Option<&str>| v.unwrap_or("").to_owned();
    [
        r.id.to_string(),
        rfc3339(r.received_at),
        q.name.as_str().to_owned(),
        q.email.as_str().to_owned(),
        opt(q.phone.as_ref().map(|p| p.as_str())),
        q.preferred_contact.as_str().to_owned(),
        opt(q.best_time.as_ref().map(|b| b.as_str())),
        opt(q.session_format.map(|f| f.as_str())),
        opt(q.message.as_ref().map(|m| m.as_str())),
        stored.notify_status.as_str().to_owned(),
        stored.attempts.to_string(),
        r.urgent.to_string(),
        opt(r.verification.as_stored()),
        r.consent_version.clone(),
        rfc3339(r.received_at),
        rfc3339(r.expires_at),
        r.held_for_review().to_string(),
        r.answers
            .iter()
            .map(|a| format!("{} = {}", a.label, a.shown))
            .collect::<Vec<_>>()
            .join("\n"),
    ]
}

/// A spreadsheet executes a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR before
/// one); such a cell is written with a leading `'` so it stays text.
pub fn csv_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Every stored field of one request as a JSON object (the console's export of one request too).
pub fn json_of(stored: &StoredRequest) -> serde_json::Value {
    serde_json::Value::Object(
        COLUMNS
            .iter()
            .zip(columns(stored))
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v)))
            .chain([("answers".to_owned(), answers_json(stored))])
            .collect(),
    )
}

/// The answers as JSON: each with its id, the question and the answer as they read when it was
/// stored, and the values chosen.
fn answers_json(stored: &StoredRequest) -> serde_json::Value {
    stored
        .received
        .answers
        .iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id,
                "question": a.label,
                "answer": a.shown,
                "values": a.values,
                "personal": a.personal,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl Admin<'_> {
    /// Every stored field of one request.
    pub async fn show(&self, id: &str, out: &mut dyn Write) -> Result<(), AdminError> {
        let stored = self.stored(id).await?;
        self.record(crate::access_log::Action::Viewed, [stored.received.id])
            .await?;
        for (name, value) in COLUMNS.iter().zip(columns(&stored)) {
            writeln!(out, "{name:>17}: {value}")?;
        }
        Ok(())
    }

    /// Every stored field of the requests since a time (all without one): a scan, which the
    /// records policy alone grants.
    pub async fn export(
        &self,
        since: Option<DateTime<Utc>>,
        format: ExportFormat,
        out: &mut dyn Write,
        progress: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let requests = self.requests_since(since, progress).await?;
        self.record(
            crate::access_log::Action::Exported,
            requests.iter().map(|r| r.received.id),
        )
        .await?;
        match format {
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(COLUMNS)?;
                for stored in &requests {
                    writer.write_record(columns(stored).iter().map(|v| csv_safe(v)))?;
                }
                writer.flush()?;
            }
            ExportFormat::Json => {
                let rows: Vec<serde_json::Value> = requests.iter().map(json_of).collect();
                serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
        }
        Ok(requests.len())
    }
}
