//! Follow-up: nobody waits unseen. A request is `new` until someone records contact: with one
//! click from the email (`links`: signed tokens, and recording the state), or by replying to it
//! (`reply_address`: the signed address replies go to; `reply_verdict`: whether a reply counts). `policy` says when a request waits too
//! long (the scheduled run's reminders follow it); `stats` are the figures staff get each week.

pub(crate) mod links;
mod policy;
mod reply_address;
pub mod reply_verdict;
pub mod stats;

pub use links::*;
pub use policy::FollowUpPolicy;
pub use reply_address::{reply_address, request_of};
