//! The weekly summary: the follow-up figures of the past seven days, counts and references only.

use super::{Composed, templates};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySummary {
    /// The ISO week, `2026-W48`.
    pub week: String,
    pub received: usize,
    pub open: usize,
    /// The figures, one sentence each.
    pub lines: Vec<String>,
}

templates!(
    WeeklySummary,
    "email/weekly_summary.txt",
    "email/weekly_summary.html"
);

impl Composed for WeeklySummary {
    fn subject(&self) -> String {
        format!(
            "Weekly summary: {} consultation requests, {} still open",
            self.received, self.open
        )
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}
