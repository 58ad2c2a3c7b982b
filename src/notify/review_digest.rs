//! The review digest: what is held for review, counted by reason, and for each of the newest 50
//! the name (defanged), when it came in, why it was held, the urgent flag and one signed link.
//! No message text.

use super::{Composed, templates};

/// Characters of a name shown.
const NAME_CHARS: usize = 40;

const INTRO: &str = "These requests were held instead of sent to you. Most are bots; a real person may be among them. If one is, use its link: it goes to you like any other request.";

/// One held request as the digest lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRow {
    /// Defanged and cut ([`defanged_name`]).
    pub name: String,
    /// When it came in, in the practice's time zone.
    pub when: String,
    pub reason: &'static str,
    pub urgent: bool,
    /// Urgent and sent to staff at once: listed all the same, marked so.
    pub already_sent: bool,
    /// *Not spam: send it to staff*; `None` without `FOLLOW_UP_KEY`.
    pub release: Option<String>,
}

/// The digest: how many are held, by reason, and the newest rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDigest {
    /// The console's page of held requests, when there is a console.
    pub console: Option<String>,
    pub held: usize,
    pub honeypot: usize,
    pub no_captcha: usize,
    /// Held since the last digest.
    pub new: usize,
    pub rows: Vec<DigestRow>,
}

impl ReviewDigest {
    fn intro(&self) -> &'static str {
        INTRO
    }

    fn counts(&self) -> String {
        format!(
            "{} held: {} with the hidden field filled, {} without the security check.",
            self.held, self.honeypot, self.no_captcha
        )
    }

    /// Held but not listed (older than the newest rows).
    fn more(&self) -> usize {
        self.held.saturating_sub(self.rows.len())
    }
}

templates!(
    ReviewDigest,
    "email/review_digest.txt",
    "email/review_digest.html"
);

impl Composed for ReviewDigest {
    fn subject(&self) -> String {
        format!(
            "Held for review: {} request{}, {} new",
            self.held,
            if self.held == 1 { "" } else { "s" },
            self.new
        )
    }

    fn text(&self) -> askama::Result<String> {
        self.render_text()
    }

    fn html(&self) -> askama::Result<String> {
        self.render_html()
    }
}

/// A name as the digest shows it: cut to 40 characters, and nothing a mail client would make
/// clickable (`.` becomes `[.]`, `@` becomes `[at]`, `:` becomes `[:]`, `/` becomes `[/]`).
pub fn defanged_name(name: &str) -> String {
    let cut: String = name.chars().take(NAME_CHARS).collect();
    let more = if name.chars().count() > NAME_CHARS {
        "…"
    } else {
        ""
    };
    let mut out = String::with_capacity(cut.len() + 8);
    for c in cut.chars() {
        match c {
            '.' => out.push_str("[.]"),
            '@' => out.push_str("[at]"),
            ':' => out.push_str("[:]"),
            '/' => out.push_str("[/]"),
            _ => out.push(c),
        }
    }
    out + more
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::render;

    #[test]
    fn names_are_cut_and_nothing_in_them_is_clickable() {
        assert_eq!(defanged_name("Ana Lima"), "Ana Lima");
        assert_eq!(
            defanged_name("visit http://evil.example"),
            "visit http[:][/][/]evil[.]example"
        );
        assert_eq!(defanged_name("me@evil.example"), "me[at]evil[.]example");
        let long = "A".repeat(60);
        assert_eq!(defanged_name(&long), format!("{}…", "A".repeat(40)));
    }

    #[test]
    fn the_digest_counts_the_rest_escapes_names_and_holds_no_message() {
        let rows = (0..50)
            .map(|n| DigestRow {
                name: defanged_name(&format!("Person {n} <b>")),
                when: "Mon 30 Nov, 09:00".to_owned(),
                reason: "hidden field filled (a bot, or a browser's autofill)",
                urgent: n == 0,
                already_sent: n == 0,
                release: Some(format!("https://api.example/r/{n}?a=1&b=2")),
            })
            .collect();
        let digest = ReviewDigest {
            console: None,
            held: 55,
            honeypot: 28,
            no_captcha: 27,
            new: 3,
            rows,
        };
        let email = render(&digest).unwrap();
        assert_eq!(email.subject, "Held for review: 55 requests, 3 new");
        assert!(
            email.text.contains(
                "55 held: 28 with the hidden field filled, 27 without the security check."
            )
        );
        assert!(email.text.contains("Person 49") && !email.text.contains("Person 50 "));
        assert!(email.text.contains("And 5 more, older."));
        assert!(email.text.contains("URGENT · already sent to staff"));
        assert!(email.html.contains("&#60;b&#62;") && !email.html.contains("<b>"));
        assert!(email.html.contains("?a=1&#38;b=2"), "links escaped once");
        assert!(email.text.contains("?a=1&b=2"), "and not at all in text");
        assert_eq!(email.text.matches("Not spam: send it to staff").count(), 50);
        let one = ReviewDigest {
            held: 1,
            rows: Vec::new(),
            ..digest
        };
        assert_eq!(
            render(&one).unwrap().subject,
            "Held for review: 1 request, 3 new"
        );
    }
}
