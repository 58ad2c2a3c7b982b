//! Shared text rules: trimming, Unicode normalisation and the characters no field may hold.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Trims and NFC-normalises a submitted string; an empty result counts as absent.
pub(crate) fn normalize(raw: &str) -> Option<String> {
    let normalized: String = raw.trim().nfc().collect();
    let trimmed = normalized.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == normalized.len() {
        Some(normalized)
    } else {
        Some(trimmed.to_owned())
    }
}

/// A value as the person meant it when they pasted it (a phone number or an email address):
/// copying from a contacts app, a message or a web page adds invisible characters they cannot see
/// and cannot remove (direction marks and embeddings, zero-width spaces, the word joiner, the
/// byte-order mark), which are dropped; every Unicode space (a no-break space, a narrow one, an
/// ideographic one) is read as a space.
pub(crate) fn as_pasted(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_pasting_residue(*c))
        .map(|c| {
            if c.general_category() == GeneralCategory::SpaceSeparator {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn is_pasting_residue(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Characters no one-line field (a name, a best time, a phone number) may hold: controls, line
/// separators, and every invisible character that can hide or fake text — format characters
/// (Unicode category Cf: zero-width spaces and joiners, bidi controls, tag characters, …) and the
/// Hangul fillers, which render as nothing (a name of only U+3164 would show blank to staff).
pub(crate) fn is_forbidden_in_line(c: char) -> bool {
    c.is_control()
        || is_line_separator(c)
        || c.general_category() == GeneralCategory::Format
        || matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// Characters the free-text message may not hold: controls other than line breaks and tabs, and
/// bidi controls, which can make it read differently from what was submitted. Joiners stay, since
/// emoji sequences need them; tag characters are checked by [`hides_tagged_text`].
pub(crate) fn is_forbidden_in_text(c: char) -> bool {
    if c == '\n' || c == '\t' {
        return false;
    }
    c.is_control() || is_bidi_control(c)
}

/// Whether the text holds tag characters (U+E0000–E007F) outside an emoji tag sequence. Tags are
/// invisible and can carry a hidden message; the only visible use is a subdivision flag (🏴 + tags
/// + CANCEL TAG, e.g. Scotland's), which a person may well write and which stays allowed.
pub(crate) fn hides_tagged_text(text: &str) -> bool {
    const BLACK_FLAG: char = '\u{1F3F4}';
    const CANCEL_TAG: char = '\u{E007F}';
    let is_tag = |c: char| ('\u{E0000}'..='\u{E007F}').contains(&c);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_tag(c) {
            return true;
        }
        if c != BLACK_FLAG || !chars.peek().copied().is_some_and(is_tag) {
            continue;
        }
        let mut spec = 0;
        loop {
            match chars.next() {
                Some(CANCEL_TAG) if spec > 0 => break,
                Some('\u{E0020}'..='\u{E007E}') if spec < 6 => spec += 1,
                _ => return true,
            }
        }
    }
    false
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Turns CRLF, lone CR and Unicode line/paragraph separators into LF.
pub(crate) fn unify_line_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' | '\u{85}' => out.push('\n'),
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn char_count(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_pasting_adds_is_taken_away_and_nothing_else() {
        let cases = [
            // iOS Contacts wraps a number in a left-to-right override and a pop.
            ("\u{202D}(312) 555-0142\u{202C}", "(312) 555-0142"),
            // Android and web pages: direction marks, isolates (as Fluent and chat apps add them).
            ("\u{200E}+44 20 7946 0958\u{200F}", "+44 20 7946 0958"),
            ("\u{2068}312-555-0142\u{2069}", "312-555-0142"),
            ("\u{2066}\u{2067}312\u{2069}\u{2069}", "312"),
            // Spreadsheets and PDFs: no-break, narrow no-break, thin and ideographic spaces.
            ("312\u{00A0}555\u{00A0}0142", "312 555 0142"),
            ("312\u{202F}555\u{2009}0142\u{3000}", "312 555 0142 "),
            // A zero-width space, a joiner, a word joiner, a byte-order mark in an address.
            ("ana\u{200B}@example.com", "ana@example.com"),
            ("\u{FEFF}ana@exa\u{200D}mple.com\u{2060}", "ana@example.com"),
            ("\u{200C}ana.lima@example.com", "ana.lima@example.com"),
            // Nothing else changes: letters of any script, a real plus, an ASCII space.
            ("José Müller <x>", "José Müller <x>"),
            ("+1 415 555 2671", "+1 415 555 2671"),
        ];
        for (pasted, meant) in cases {
            assert_eq!(as_pasted(pasted), meant, "{pasted:?}");
        }
    }

    #[test]
    fn normalize_trims_and_composes() {
        let cases: &[(&str, Option<&str>)] = &[
            ("  Ana  ", Some("Ana")),
            ("", None),
            ("   \t\n ", None),
            ("Jose\u{301}", Some("Jos\u{e9}")),
            ("\u{3000}Kei\u{3000}", Some("Kei")),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).as_deref(), *expected, "input {input:?}");
        }
    }

    #[test]
    fn line_breaks_become_lf() {
        assert_eq!(unify_line_breaks("a\r\nb\rc\nd\u{2028}e"), "a\nb\nc\nd\ne");
    }

    #[test]
    fn forbidden_characters() {
        for c in [
            '\0',
            '\r',
            '\n',
            '\u{7f}',
            '\u{85}',
            '\u{2028}',
            '\u{202E}',
            '\u{2066}',
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{3164}',
            '\u{115F}',
            '\u{1160}',
            '\u{FFA0}',
        ] {
            assert!(is_forbidden_in_line(c), "{c:?} must be refused in a line");
        }
        for c in ['a', ' ', 'é', '漢', 'ㄱ', '한'] {
            assert!(!is_forbidden_in_line(c), "{c:?} must be allowed in a line");
        }
        assert!(
            !is_forbidden_in_text('\u{200D}'),
            "joiners stay in the message"
        );
        assert!(!is_forbidden_in_text('\n'));
        assert!(!is_forbidden_in_text('\t'));
        assert!(is_forbidden_in_text('\0'));
        assert!(is_forbidden_in_text('\u{1b}'));
        assert!(is_forbidden_in_text('\u{202E}'));
    }

    #[test]
    fn tags_are_allowed_only_as_a_flag() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        let family = "👩\u{200D}👩\u{200D}👧";
        for text in [
            "plain",
            scotland,
            &format!("Go {scotland}!"),
            family,
            "🏴 black flag",
        ] {
            assert!(!hides_tagged_text(text), "{text:?}");
        }
        let hidden = "hi\u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065}";
        let unterminated = "\u{1F3F4}\u{E0067}\u{E0062}";
        let too_long =
            "\u{1F3F4}\u{E0061}\u{E0061}\u{E0061}\u{E0061}\u{E0061}\u{E0061}\u{E0061}\u{E007F}";
        for text in [hidden, unterminated, too_long, "\u{E007F}", "\u{E0001}"] {
            assert!(hides_tagged_text(text), "{text:?}");
        }
    }
}
