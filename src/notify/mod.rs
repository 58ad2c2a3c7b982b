//! Every email the function sends, rendered one way and sent one way. Each email is a data type
//! (what it says, already decided) with a text and an HTML template written from the same data;
//! the HTML templates extend one layout and askama escapes every value in them. [`render`] turns
//! any of them into an [`Email`]; `ses` sends it.

mod account;
mod acknowledgement;
mod checks;
mod review_digest;
mod ses;
mod staff;
mod staff_minimal;
mod weekly_summary;

pub use account::AccountEmail;
pub use acknowledgement::Acknowledgement;
pub use checks::{HeartbeatEmail, TestEmail};
pub use review_digest::{DigestRow, ReviewDigest, defanged_name};
pub use ses::{EmailKind, KIND_TAG, NotifyError, SUBMISSION_TAG, SesNotifier};
pub use staff::{
    AnswerLine, FollowUpLink, MessageShown, PersonDetails, SUBJECT_NAME_CHARS, StaffEmail,
    StaffEmailKind,
};
pub use staff_minimal::{MinimalStaffEmail, StaffMessage};
pub use weekly_summary::WeeklySummary;

/// An email as SES sends it: a subject and two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An email's data, with its two templates.
pub trait Composed {
    fn subject(&self) -> String;
    fn text(&self) -> askama::Result<String>;
    fn html(&self) -> askama::Result<String>;
}

/// The one way an email is rendered.
pub fn render(email: &impl Composed) -> Result<Email, askama::Error> {
    Ok(Email {
        subject: email.subject(),
        text: email.text()?,
        html: email.html()?,
    })
}

/// The two templates of an email's data type: `templates/<text>` and `templates/<html>` read the
/// type's fields (through `Deref`), so both parts say the same.
macro_rules! templates {
    ($data:ident, $text:literal, $html:literal) => {
        const _: () = {
            #[derive(askama::Template)]
            #[template(path = $text, escape = "none")]
            struct Text<'a>(&'a $data);

            #[derive(askama::Template)]
            #[template(path = $html)]
            struct Html<'a>(&'a $data);

            impl std::ops::Deref for Text<'_> {
                type Target = $data;
                fn deref(&self) -> &$data {
                    self.0
                }
            }

            impl std::ops::Deref for Html<'_> {
                type Target = $data;
                fn deref(&self) -> &$data {
                    self.0
                }
            }

            impl $data {
                fn render_text(&self) -> askama::Result<String> {
                    askama::Template::render(&Text(self))
                }

                fn render_html(&self) -> askama::Result<String> {
                    askama::Template::render(&Html(self))
                }
            }
        };
    };
}
pub(crate) use templates;
