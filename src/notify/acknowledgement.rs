//! The short reply to the person, when the practice sends one.

use super::NotificationEmail;
use askama::Template;

#[derive(Template)]
#[template(path = "acknowledgement.txt")]
struct AcknowledgementText;

#[derive(Template)]
#[template(path = "acknowledgement.html")]
struct AcknowledgementHtml;

/// The short reply to the person (`SEND_ACKNOWLEDGEMENT`). It repeats nothing they wrote, not even
/// their name: anyone can type anyone's address into a form.
pub fn render_acknowledgement() -> Result<NotificationEmail, askama::Error> {
    Ok(NotificationEmail {
        subject: "We received your request".to_owned(),
        text: AcknowledgementText.render()?,
        html: AcknowledgementHtml.render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acknowledgement_gives_crisis_lines_and_repeats_nothing() {
        let email = render_acknowledgement().unwrap();
        for part in [&email.text, &email.html] {
            assert!(part.contains("988"));
            assert!(part.contains("911"));
            assert!(part.contains("one business day"));
        }
        assert!(!email.subject.contains('{'));
    }
}
