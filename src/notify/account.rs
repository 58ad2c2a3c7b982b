//! The emails about staff accounts: an invite (its link, valid 24 hours) and the notices the
//! person and every admin get when a passkey is added or removed or an admin is invited. Their
//! words come from the console's catalogues, in the practice's language.

use super::{Composed, templates};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEmail {
    pub lang: &'static str,
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// A link and its label (an invite's registration page).
    pub link: Option<(String, String)>,
}

templates!(AccountEmail, "email/account.txt", "email/account.html");

impl Composed for AccountEmail {
    fn subject(&self) -> String {
        self.subject.clone()
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_and_the_html_escapes() {
        let email = AccountEmail {
            lang: "en",
            subject: "You are invited".into(),
            paragraphs: vec!["Ana <b>Ruiz</b> invited you.".into()],
            link: Some((
                "https://staff.example/staff/invite/t?x=1&y=2".into(),
                "Set up".into(),
            )),
        };
        let rendered = super::super::render(&email).unwrap();
        assert!(rendered.text.contains("Ana <b>Ruiz</b> invited you."));
        assert!(
            rendered
                .text
                .contains("https://staff.example/staff/invite/t?x=1&y=2")
        );
        assert!(!rendered.html.contains("<b>Ruiz"));
        assert!(
            rendered
                .html
                .contains("href=\"https://staff.example/staff/invite/t?x=1&#38;y=2\"")
        );
    }
}
