//! The staff notification: rendering it (templates) and sending it (SES v2).

mod acknowledgement;
mod render;
mod ses;

pub use acknowledgement::render_acknowledgement;
pub use render::{NotificationEmail, NotificationSettings, render_notification, render_reminder};
pub use ses::{EmailKind, KIND_TAG, NotifyError, SUBMISSION_TAG, SesNotifier};
