//! The small HTML pages answered to a plain form post (no JavaScript).

use askama::Template;

/// A button that posts the follow-up form back to the page's own address.
pub struct Confirm {
    pub state: &'static str,
    pub token: String,
    pub label: String,
}

/// One line of the error summary: the message beside the field, linking to it on the form.
pub struct Problem {
    pub message: String,
    pub href: Option<String>,
}

/// One page template for every outcome; askama escapes every value.
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page {
    pub title: &'static str,
    pub paragraphs: Vec<String>,
    pub problems: Vec<Problem>,
    pub back_link: Option<String>,
    pub show_back_hint: bool,
    pub show_crisis: bool,
    pub reference: Option<String>,
    pub confirm: Option<Confirm>,
    /// The way out when sending failed: the practice's phone (shown, and its `tel:` link) and
    /// email.
    pub contact: Option<Contact>,
}

pub struct Contact {
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
}

impl Page {
    pub fn new(title: &'static str) -> Self {
        Self {
            title,
            paragraphs: Vec::new(),
            problems: Vec::new(),
            back_link: None,
            show_back_hint: false,
            show_crisis: false,
            reference: None,
            confirm: None,
            contact: None,
        }
    }

    pub fn thank_you() -> Self {
        let mut page = Self::new("Thank you, we received your request");
        page.paragraphs = vec![
            "Someone from the practice will get back to you, usually within one business day, in the way you asked us to.".to_owned(),
            "You do not need to send the form again.".to_owned(),
        ];
        page.show_crisis = true;
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        let mut page = Page::new("There is a problem");
        page.paragraphs.push("<script>alert(1)</script>".to_owned());
        page.problems.push(Problem {
            message: "\"><img src=x onerror=alert(1)>".to_owned(),
            href: Some("https://www.example.com/contact#cf-name".to_owned()),
        });
        page.back_link = Some("https://www.example.com/contact?a=1&b=\"x\"".to_owned());
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&#60;script&#62;"));
        assert!(html.contains("a=1&#38;b=&#34;x&#34;"));
    }

    #[test]
    fn the_thank_you_page_names_crisis_lines() {
        let html = Page::thank_you().render().unwrap();
        assert!(html.contains("988"));
        assert!(html.contains("911"));
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("name=\"viewport\""));
    }
}
