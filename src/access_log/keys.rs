//! The access log's keys. An entry is written once per way it is read, each copy in a partition
//! that stays small for ever:
//!
//! - `day#2026-12-03`: every entry of a day (the console's page, `access-log --since`);
//! - `who#<staff id or operator:ARN>#2026-12`: a person's entries of a month
//!   (`access-log --staff`), so six years are at most 73 partitions, each read only when asked;
//! - `request#<reference>`: every entry naming a request (its *Viewed by*, `access-log
//!   --request`), list views that showed it included; as many as the request was looked at.
//!
//! The sort key is the time (RFC 3339, milliseconds, UTC) and the entry's id, so each partition
//! reads in time order and two entries never share a key.

use super::Entry;
use crate::domain::SubmissionId;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub mod attr {
    pub const PK: &str = "pk";
    pub const SK: &str = "sk";
    pub const ENTRY_ID: &str = "entry_id";
    pub const AT: &str = "at";
    pub const WHO: &str = "who";
    pub const ACTION: &str = "action";
    pub const REFS: &str = "refs";
    /// On a request's copy of a list view: how many requests the list showed.
    pub const SHOWN_WITH: &str = "shown_with";
    pub const CLIENT: &str = "client";
    pub const BROWSER: &str = "browser";
    pub const DETAIL: &str = "detail";
    pub const EXPIRES_AT: &str = "expires_at";
}

pub fn day_key(day: NaiveDate) -> String {
    format!("day#{}", day.format("%Y-%m-%d"))
}

pub fn who_key(who: &str, month: NaiveDate) -> String {
    format!("who#{who}#{}", month.format("%Y-%m"))
}

pub fn request_key(id: SubmissionId) -> String {
    format!("request#{id}")
}

/// Sorts by time, then by id.
pub fn sort_key(entry: &Entry) -> String {
    format!("{}#{}", time(entry.at), entry.id)
}

/// The smallest sort key at or after `at`.
pub fn sort_key_from(at: DateTime<Utc>) -> String {
    time(at)
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The partitions one entry is written to: its day, its author's month, each request it names.
pub fn partitions(entry: &Entry) -> Vec<String> {
    let day = entry.at.date_naive();
    [day_key(day), who_key(&entry.who.key(), day)]
        .into_iter()
        .chain(entry.refs.iter().map(|id| request_key(*id)))
        .collect()
}

/// The first day of each month from `since`'s to `until`'s, newest first: the months a person's
/// entries since a date are in.
pub fn months_between(since: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    use chrono::Datelike;
    let first = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let mut months = Vec::new();
    let mut month = first(until);
    let start = first(since);
    while month >= start {
        months.push(month);
        month = match month.pred_opt() {
            Some(previous) => first(previous),
            None => break,
        };
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_log::{Action, Actor};

    #[test]
    fn an_entry_goes_to_its_day_its_authors_month_and_each_request() {
        let at = DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (a, b) = (SubmissionId::new(at), SubmissionId::new(at));
        let entry = Entry::new(Actor::Staff("S1".into()), Action::Listed, at).about([a, b]);
        assert_eq!(
            partitions(&entry),
            vec![
                "day#2026-12-03".to_owned(),
                "who#S1#2026-12".to_owned(),
                format!("request#{a}"),
                format!("request#{b}"),
            ]
        );
        assert!(sort_key(&entry).starts_with("2026-12-03T10:00:00.000Z#"));
    }

    #[test]
    fn six_years_of_a_persons_entries_are_at_most_seventy_three_monthly_partitions() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let months = months_between(day("2020-12-03"), day("2026-12-02"));
        assert_eq!(months.len(), 73);
        assert_eq!(months[0], day("2026-12-01"));
        assert_eq!(months[72], day("2020-12-01"));
        assert_eq!(
            months_between(day("2026-12-03"), day("2026-12-03")).len(),
            1
        );
    }
}
