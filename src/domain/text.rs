//! Shared text rules: trimming, Unicode normalisation and the characters no field may hold.

use unicode_normalization::UnicodeNormalization;

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

/// Characters that would let a value break out of one line or reorder how it is displayed.
///
/// Bidirectional overrides and isolates are refused because they can make a name or address read
/// differently in a staff mailbox from what was actually submitted.
pub(crate) fn is_forbidden_in_line(c: char) -> bool {
    c.is_control() || is_line_separator(c) || is_bidi_control(c)
}

/// Like [`is_forbidden_in_line`], but line breaks and tabs are allowed (for the free-text message).
pub(crate) fn is_forbidden_in_text(c: char) -> bool {
    if c == '\n' || c == '\t' {
        return false;
    }
    c.is_control() || is_bidi_control(c)
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
            '\0', '\r', '\n', '\u{7f}', '\u{85}', '\u{2028}', '\u{202E}', '\u{2066}',
        ] {
            assert!(is_forbidden_in_line(c), "{c:?} must be refused in a line");
        }
        for c in ['a', ' ', 'é', '\u{200D}', '漢'] {
            assert!(!is_forbidden_in_line(c), "{c:?} must be allowed in a line");
        }
        assert!(!is_forbidden_in_text('\n'));
        assert!(!is_forbidden_in_text('\t'));
        assert!(is_forbidden_in_text('\0'));
        assert!(is_forbidden_in_text('\u{1b}'));
        assert!(is_forbidden_in_text('\u{202E}'));
    }
}
