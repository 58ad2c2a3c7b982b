//! When an email that failed is tried again: backing off over a day from its first attempt, so
//! an SES pause of hours loses nobody. The staff email and the fallback email both follow it.

use chrono::{DateTime, Duration, Utc};

/// When a staff email that failed is tried again, counted from receipt: backing off over a day,
/// so an SES pause of hours loses nobody. After the last, the request is `failed`.
pub const RETRY_AFTER: [Duration; 6] = [
    Duration::minutes(5),
    Duration::minutes(15),
    Duration::hours(1),
    Duration::hours(3),
    Duration::hours(8),
    Duration::hours(24),
];

/// When to try again after `attempts` failed attempts of a request received at `received_at`;
/// `None` once the schedule is spent.
pub fn next_attempt(received_at: DateTime<Utc>, attempts: u32) -> Option<DateTime<Utc>> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_AFTER.get(index).map(|after| received_at + *after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_backs_off_over_a_day_from_receipt() {
        let received: DateTime<Utc> = "2026-11-26T14:00:00Z".parse().unwrap();
        let after = |attempts| next_attempt(received, attempts).map(|t| t - received);
        assert_eq!(after(1), Some(Duration::minutes(5)));
        assert_eq!(after(2), Some(Duration::minutes(15)));
        assert_eq!(after(3), Some(Duration::hours(1)));
        assert_eq!(after(4), Some(Duration::hours(3)));
        assert_eq!(after(5), Some(Duration::hours(8)));
        assert_eq!(after(6), Some(Duration::hours(24)));
        assert_eq!(after(7), None, "then it is failed");
        assert_eq!(after(0), None);
    }
}
