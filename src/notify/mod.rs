//! The staff notification: rendering it (templates) and sending it (SES v2).

mod render;
mod ses;

pub use render::{
    NotificationEmail, NotificationSettings, render_acknowledgement, render_notification,
    render_reminder,
};
pub use ses::{EmailKind, KIND_TAG, NotifyError, SUBMISSION_TAG, SesNotifier};
