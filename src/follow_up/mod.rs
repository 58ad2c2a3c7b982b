//! Follow-up: nobody waits unseen. A request is `new` until someone records contact; staff record
//! it with one click from the email (`links`), the scheduled run reminds them of what waits too
//! long, counted in business hours (`reminders`, `business_hours`), and once a week they get the
//! figures (`summary`, `stats`). A reply to the staff email counts as contact too (`reply`).

pub mod business_hours;
pub(crate) mod links;
mod reminders;
pub mod reply;
pub mod stats;
mod summary;

pub use business_hours::BusinessHours;
pub use links::*;
pub use reminders::{FollowUpPolicy, ReminderReport};
pub use reply::reply_address;
