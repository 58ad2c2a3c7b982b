//! The small HTML pages answered to a plain form post (no JavaScript), in the person's language.

use crate::app::Notice;
use crate::catalogues::Texts;
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

/// The way out when sending failed: the practice's phone (shown, and its `tel:` link) and email.
pub struct Contact {
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
}

/// What any page may show around its own text, from the catalogues.
pub struct Furniture {
    pub error_prefix: String,
    pub summary_title: String,
    pub back_link: String,
    pub back_link_after: String,
    pub back_hint: String,
    pub way_out_lead: String,
    pub call: String,
    pub or: String,
    pub email: String,
    pub crisis: String,
}

impl Furniture {
    fn new(texts: Texts<'_>) -> Self {
        Self {
            error_prefix: texts.html("page-error-prefix"),
            summary_title: texts.html("error-summary-title"),
            back_link: texts.html("page-back-link"),
            back_link_after: texts.html("page-back-link-after"),
            back_hint: texts.html("page-back-hint"),
            way_out_lead: texts.html("way-out-lead"),
            call: texts.html("way-out-call"),
            or: texts.html("way-out-or"),
            email: texts.html("way-out-email"),
            crisis: texts.html("crisis"),
        }
    }
}

/// One page template for every outcome; askama escapes every value.
#[derive(Template)]
#[template(path = "page.html")]
pub struct Page {
    pub lang: &'static str,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub problems: Vec<Problem>,
    pub back_link: Option<String>,
    pub show_back_hint: bool,
    pub show_crisis: bool,
    /// "Reference: <id>", written out.
    pub reference: Option<String>,
    pub confirm: Option<Confirm>,
    pub contact: Option<Contact>,
    pub furniture: Furniture,
}

impl Page {
    pub fn new(texts: Texts<'_>, title: String) -> Self {
        Self {
            lang: texts.language.tag(),
            title,
            paragraphs: Vec::new(),
            problems: Vec::new(),
            back_link: None,
            show_back_hint: false,
            show_crisis: false,
            reference: None,
            confirm: None,
            contact: None,
            furniture: Furniture::new(texts),
        }
    }

    pub fn with_reference(mut self, texts: Texts<'_>, id: &str) -> Self {
        self.reference = Some(texts.html_with("page-reference", &[("id", id)]));
        self
    }

    /// The thank-you's notice, when there is one, after its first paragraph.
    pub fn with_notice(mut self, texts: Texts<'_>, notice: Option<Notice>) -> Self {
        if let Some(notice) = notice {
            let text = texts.html(&notice_message(notice));
            self.paragraphs.insert(1.min(self.paragraphs.len()), text);
        }
        self
    }

    pub fn thank_you(texts: Texts<'_>) -> Self {
        let mut page = Self::new(texts, texts.html("thank-you-title"));
        page.paragraphs = vec![texts.html("thank-you-reply"), texts.html("thank-you-once")];
        page.show_crisis = true;
        page
    }
}

/// The catalogue message of a notice (`notice-out_of_area`).
pub fn notice_message(notice: Notice) -> String {
    format!("notice-{}", notice.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogues::{Catalogues, Language};

    #[test]
    fn every_value_is_escaped() {
        let catalogues = Catalogues::load().unwrap();
        let texts = Texts::new(&catalogues, Language::English);
        let mut page = Page::new(texts, "There is a problem".to_owned());
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
    fn the_thank_you_page_names_crisis_lines_in_each_language() {
        let catalogues = Catalogues::load().unwrap();
        for (language, title, spanish_line) in [
            (
                Language::English,
                "Thank you, we received your request",
                false,
            ),
            (Language::Spanish, "Gracias, recibimos su solicitud", true),
        ] {
            let texts = Texts::new(&catalogues, language);
            let html = Page::thank_you(texts)
                .with_reference(texts, "01J")
                .render()
                .unwrap();
            assert!(html.contains("988"));
            assert!(html.contains("911"));
            assert!(html.contains(title), "{html}");
            assert_eq!(html.contains("marque 2"), spanish_line);
            assert!(html.contains(&format!("<html lang=\"{}\">", language.tag())));
            assert!(html.starts_with("<!DOCTYPE html>"));
            assert!(html.contains("name=\"viewport\""));
        }
        assert_eq!(catalogues.misses(), 0);
    }
}
