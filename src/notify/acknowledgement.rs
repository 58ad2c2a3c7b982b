//! The short reply to the person, when the practice sends one, in the language they wrote in.

use super::NotificationEmail;
use crate::catalogues::{Catalogues, Texts};
use crate::domain::Language;
use askama::Template;

/// The acknowledgement's sentences; the text part gets them without isolation marks.
struct Sentences {
    lang: &'static str,
    subject: String,
    greeting: String,
    received: String,
    crisis: String,
    not_you: String,
}

impl Sentences {
    fn plain(texts: Texts<'_>) -> Self {
        Self::of(texts, |id| texts.plain(id))
    }

    fn html(texts: Texts<'_>) -> Self {
        Self::of(texts, |id| texts.html(id))
    }

    fn of(texts: Texts<'_>, text: impl Fn(&str) -> String) -> Self {
        Self {
            lang: texts.language.tag(),
            subject: text("acknowledgement-subject"),
            greeting: text("acknowledgement-greeting"),
            received: text("acknowledgement-received"),
            crisis: text("crisis"),
            not_you: text("acknowledgement-not-you"),
        }
    }
}

#[derive(Template)]
#[template(path = "acknowledgement.txt")]
struct AcknowledgementText(Sentences);

#[derive(Template)]
#[template(path = "acknowledgement.html")]
struct AcknowledgementHtml(Sentences);

impl std::ops::Deref for AcknowledgementText {
    type Target = Sentences;
    fn deref(&self) -> &Sentences {
        &self.0
    }
}

impl std::ops::Deref for AcknowledgementHtml {
    type Target = Sentences;
    fn deref(&self) -> &Sentences {
        &self.0
    }
}

/// The short reply to the person (`SEND_ACKNOWLEDGEMENT`). It repeats nothing they wrote, not even
/// their name: anyone can type anyone's address into a form.
pub fn render_acknowledgement(
    catalogues: &Catalogues,
    language: Language,
) -> Result<NotificationEmail, askama::Error> {
    let texts = Texts::new(catalogues, language);
    let text = AcknowledgementText(Sentences::plain(texts));
    Ok(NotificationEmail {
        subject: text.subject.clone(),
        text: text.render()?,
        html: AcknowledgementHtml(Sentences::html(texts)).render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acknowledgement_gives_crisis_lines_and_repeats_nothing_in_each_language() {
        let catalogues = Catalogues::load().unwrap();
        for (language, words) in [
            (Language::English, "one business day"),
            (Language::Spanish, "un día hábil"),
        ] {
            let email = render_acknowledgement(&catalogues, language).unwrap();
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
        let spanish = render_acknowledgement(&catalogues, Language::Spanish).unwrap();
        assert_eq!(spanish.subject, "Recibimos su solicitud");
        assert!(spanish.text.contains("marque 2"));
        assert_eq!(catalogues.misses(), 0);
    }
}
