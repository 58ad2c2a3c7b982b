//! The practice's business hours (`BUSINESS_HOURS`, e.g. `Mon-Fri 09:00-17:00`, in
//! `PRACTICE_TIMEZONE`), and time counted in them: a request that comes in on Friday evening is
//! not overdue on Saturday morning.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Which weekdays are open, and from when to when (the same each open day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessHours {
    open_days: [bool; 7],
    opens: NaiveTime,
    closes: NaiveTime,
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self::parse("Mon-Fri 09:00-17:00").expect("the default parses")
    }
}

impl BusinessHours {
    /// `Mon-Fri 09:00-17:00`, `Mon,Wed,Fri 08:30-12:00` or `Tue-Sat 10:00-18:00`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not like `Mon-Fri 09:00-17:00`");
        let (days, hours) = text.trim().split_once(' ').ok_or_else(invalid)?;
        let day = |name: &str| {
            DAYS.iter()
                .position(|d| d.eq_ignore_ascii_case(name.trim()))
                .ok_or_else(invalid)
        };
        let mut open_days = [false; 7];
        for part in days.split(',') {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to) = (day(from)?, day(to)?);
                    for offset in 0..7 {
                        let index = (from + offset) % 7;
                        open_days[index] = true;
                        if index == to {
                            break;
                        }
                    }
                }
                None => open_days[day(part)?] = true,
            }
        }
        let (opens, closes) = hours.trim().split_once('-').ok_or_else(invalid)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| invalid());
        let (opens, closes) = (time(opens)?, time(closes)?);
        if opens >= closes {
            return Err(format!("`{text}`: opening must come before closing"));
        }
        Ok(Self {
            open_days,
            opens,
            closes,
        })
    }

    fn is_open_on(&self, weekday: Weekday) -> bool {
        self.open_days[weekday.num_days_from_monday() as usize]
    }

    /// Whether `at` falls in business hours in `tz`.
    pub fn is_open(&self, at: DateTime<Utc>, tz: Tz) -> bool {
        let local = at.with_timezone(&tz);
        let date = local.date_naive();
        self.is_open_on(date.weekday())
            && matches!(
                (first_existing(tz, date, self.opens), first_existing(tz, date, self.closes)),
                (Some(opens), Some(closes)) if opens <= at && at < closes
            )
    }

    /// `start` plus `hours` of business time in `tz`.
    pub fn add(&self, start: DateTime<Utc>, hours: u32, tz: Tz) -> DateTime<Utc> {
        let mut left = Duration::hours(i64::from(hours));
        let mut now = start;
        // A year of days is more than any setting needs; the bound keeps a bad one finite.
        for _ in 0..370 {
            let date = now.with_timezone(&tz).date_naive();
            if self.is_open_on(date.weekday()) {
                let at = |time: NaiveTime| first_existing(tz, date, time);
                if let (Some(opens), Some(closes)) = (at(self.opens), at(self.closes)) {
                    let from = now.max(opens);
                    if from < closes {
                        let available = closes - from;
                        if left <= available {
                            return from + left;
                        }
                        left -= available;
                    }
                }
            }
            let next_day = date.succ_opt().unwrap_or(date);
            now = first_existing(tz, next_day, NaiveTime::MIN).unwrap_or(now + Duration::days(1));
        }
        now
    }
}

/// The first minute at or after `time` on `date` that exists in `tz`. Where summer time starts
/// at midnight (America/Santiago, America/Havana, Africa/Cairo, ...), that day has no 00:00: it
/// starts at 01:00, and is counted from then.
fn first_existing(tz: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let start = date.and_time(time);
    // Time-zone gaps are at most a few hours; a day has 1,440 minutes.
    (0..=240).find_map(|minutes| {
        let local = start + Duration::minutes(minutes);
        (local.date() == date)
            .then(|| tz.from_local_datetime(&local).earliest())
            .flatten()
            .map(|t| t.with_timezone(&Utc))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny(text: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        chrono_tz::America::New_York
            .from_local_datetime(&naive)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn hours_are_counted_only_on_open_days_between_opening_and_closing() {
        let hours = BusinessHours::default();
        let tz = chrono_tz::America::New_York;
        let cases = [
            // Monday morning: four hours later the same day.
            ("2026-11-23 10:00", 4, "2026-11-23 14:00"),
            // Monday evening: from Tuesday's opening.
            ("2026-11-23 19:30", 4, "2026-11-24 13:00"),
            // Friday 15:00: two hours on Friday, two on Monday.
            ("2026-11-27 15:00", 4, "2026-11-30 11:00"),
            // Saturday: nothing until Monday.
            ("2026-11-28 11:00", 1, "2026-11-30 10:00"),
            // Before opening.
            ("2026-11-24 06:00", 8, "2026-11-24 17:00"),
            // Across the switch to summer time (Sunday 8 March 2026): still 09:00 local.
            ("2026-03-06 16:00", 2, "2026-03-09 10:00"),
            // And back to winter time (Sunday 1 November 2026).
            ("2026-10-30 16:00", 2, "2026-11-02 10:00"),
        ];
        for (start, add, expected) in cases {
            assert_eq!(
                hours.add(ny(start), add, tz),
                ny(expected),
                "{start} + {add} h"
            );
        }
    }

    /// A local time in `tz` (the first one, where the clock goes back), in UTC.
    fn local(tz: Tz, text: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&naive)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn where_summer_time_starts_at_midnight_the_day_counts_from_its_first_minute() {
        let every_day = BusinessHours::parse("Mon-Sun 09:00-17:00").unwrap();
        let early = BusinessHours::parse("Mon-Sun 00:00-17:00").unwrap();
        // The day before each zone's switch to summer time at midnight, in 2026.
        let cases = [
            (chrono_tz::America::Santiago, "2026-09-05", "2026-09-06"),
            (chrono_tz::America::Havana, "2026-03-07", "2026-03-08"),
            (chrono_tz::Africa::Cairo, "2026-04-23", "2026-04-24"),
        ];
        for (tz, before, switch_day) in cases {
            assert!(
                tz.from_local_datetime(
                    &NaiveDate::parse_from_str(switch_day, "%Y-%m-%d")
                        .unwrap()
                        .and_time(NaiveTime::MIN)
                )
                .earliest()
                .is_none(),
                "{tz}: {switch_day} has no midnight in the time-zone data"
            );
            // One hour left on the day before, one the next morning from opening.
            assert_eq!(
                every_day.add(local(tz, &format!("{before} 16:00")), 2, tz),
                local(tz, &format!("{switch_day} 10:00")),
                "{tz}"
            );
            // Open from midnight: the switch day's hours start at its first minute, 01:00.
            assert_eq!(
                early.add(local(tz, &format!("{before} 16:30")), 1, tz),
                local(tz, &format!("{switch_day} 01:30")),
                "{tz}"
            );
        }
    }

    #[test]
    fn settings_parse_or_are_refused() {
        let weekend = BusinessHours::parse("Sat,Sun 10:00-14:00").unwrap();
        assert!(weekend.is_open_on(Weekday::Sun) && !weekend.is_open_on(Weekday::Mon));
        let wrapping = BusinessHours::parse("Fri-Mon 08:00-12:00").unwrap();
        assert!(wrapping.is_open_on(Weekday::Sat) && !wrapping.is_open_on(Weekday::Wed));
        for bad in [
            "",
            "Mon-Fri",
            "Mon-Fri 9-5",
            "Someday 09:00-17:00",
            "Mon-Fri 17:00-09:00",
        ] {
            assert!(BusinessHours::parse(bad).is_err(), "{bad}");
        }
    }
}
