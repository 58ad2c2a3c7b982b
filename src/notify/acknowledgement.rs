//! The short reply to the person, when the practice sends one, in the language they wrote in.

use super::{Composed, templates};
use crate::catalogues::{Catalogues, Texts};
use crate::domain::Language;

/// The acknowledgement's sentences, in the person's language: the HTML part's as the catalogues
/// render them for a page, the subject's and the text part's without isolation marks. It repeats
/// nothing they wrote, not even their name: anyone can type anyone's address into a form.
pub struct Acknowledgement {
    lang: &'static str,
    plain: Sentences,
    html: Sentences,
}

struct Sentences {
    subject: String,
    greeting: String,
    received: String,
    crisis: String,
    not_you: String,
}

impl Sentences {
    fn of(text: impl Fn(&str) -> String) -> Self {
        Self {
            subject: text("acknowledgement-subject"),
            greeting: text("acknowledgement-greeting"),
            received: text("acknowledgement-received"),
            crisis: text("crisis"),
            not_you: text("acknowledgement-not-you"),
        }
    }
}

impl Acknowledgement {
    /// The short reply to the person (`SEND_ACKNOWLEDGEMENT`), in `language`.
    pub fn new(catalogues: &Catalogues, language: Language) -> Self {
        let texts = Texts::new(catalogues, language);
        Self {
            lang: language.tag(),
            plain: Sentences::of(|id| texts.plain(id)),
            html: Sentences::of(|id| texts.html(id)),
        }
    }
}

templates!(
    Acknowledgement,
    "email/acknowledgement.txt",
    "email/acknowledgement.html"
);

impl Composed for Acknowledgement {
    fn subject(&self) -> String {
        self.plain.subject.clone()
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
    use crate::notify::render;

    #[test]
    fn the_acknowledgement_gives_crisis_lines_and_repeats_nothing_in_each_language() {
        let catalogues = Catalogues::load().unwrap();
        for (language, words) in [
            (Language::English, "one business day"),
            (Language::Spanish, "un día hábil"),
        ] {
            let email = render(&Acknowledgement::new(&catalogues, language)).unwrap();
            for part in [&email.text, &email.html] {
                assert!(part.contains("988"));
                assert!(part.contains("911"));
                assert!(part.contains(words), "{part}");
            }
            assert!(email.html.contains(&format!("lang=\"{}\"", language.tag())));
            for plain in [&email.subject, &email.text] {
                assert!(!plain.contains(['\u{2068}', '\u{2069}', '{']), "{plain:?}");
            }
        }
        let spanish = render(&Acknowledgement::new(&catalogues, Language::Spanish)).unwrap();
        assert_eq!(spanish.subject, "Recibimos su solicitud");
        assert!(spanish.text.contains("marque 2"));
        assert_eq!(catalogues.misses(), 0);
    }
}
