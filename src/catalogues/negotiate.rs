//! Which language a person is answered in: the form's `lang` field, else the best match of the
//! browser's `Accept-Language`, else the practice's default. Never an error: an unknown `lang`
//! falls through to the next.

use super::Language;

/// The language of one request. Every form this project ships sends `lang`, so a Spanish browser
/// on the English form is answered in English.
pub fn choose_language(
    lang_field: Option<&str>,
    accept_language: Option<&str>,
    default: Language,
) -> Language {
    lang_field
        .and_then(Language::from_tag)
        .or_else(|| accept_language.and_then(best_of_accept_language))
        .unwrap_or(default)
}

/// The highest-quality range we speak (`es-MX,es;q=0.9,en;q=0.8` → Spanish); ties keep the
/// header's order, `q=0` means "not this one", and `*` names no language in particular.
fn best_of_accept_language(header: &str) -> Option<Language> {
    let mut ranges: Vec<(u16, Language)> = header
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|p| {
                    let (key, value) = p.split_once('=')?;
                    key.trim().eq_ignore_ascii_case("q").then(|| quality(value))
                })
                .unwrap_or(Some(1000))?;
            (quality > 0).then_some(())?;
            Some((quality, Language::from_tag(tag)?))
        })
        .collect();
    ranges.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
    ranges.first().map(|(_, language)| *language)
}

/// A quality value in thousandths; `None` for one that is not a number from 0 to 1.
fn quality(value: &str) -> Option<u16> {
    let q: f32 = value.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::{English, Spanish};

    #[test]
    fn accept_language_is_read_by_quality() {
        let cases: &[(&str, Option<Language>)] = &[
            ("es-MX,es;q=0.9,en;q=0.8", Some(Spanish)),
            ("en-US,en;q=0.9,es;q=0.8", Some(English)),
            ("fr-CA,fr;q=0.9,es;q=0.5", Some(Spanish)),
            ("en;q=0.5, es;q=0.7", Some(Spanish)),
            ("es;q=0, en;q=0.1", Some(English)),
            ("ES", Some(Spanish)),
            ("es-419", Some(Spanish)),
            ("de, fr", None),
            ("*", None),
            ("es;q=abc", None),
            ("es;q=2", None),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(best_of_accept_language(header), *expected, "{header}");
        }
    }

    #[test]
    fn the_form_field_wins_and_nothing_is_an_error() {
        let browser = Some("es-MX,es;q=0.9");
        assert_eq!(choose_language(Some("en"), browser, English), English);
        assert_eq!(choose_language(Some("es"), None, English), Spanish);
        assert_eq!(choose_language(Some("klingon"), browser, English), Spanish);
        assert_eq!(choose_language(Some(""), None, Spanish), Spanish);
        assert_eq!(choose_language(None, Some("de"), English), English);
        assert_eq!(choose_language(None, None, Spanish), Spanish);
    }
}
