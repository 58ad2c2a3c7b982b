//! Crisis language that flags a request for staff attention.
//!
//! This is a prompt for a person to look sooner, not an assessment: it matches whole words after
//! folding case and accents, and both false alarms and misses are possible.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

const DEFAULT_PHRASES: &[&str] = &[
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "self-harm",
    "self harm",
    "self-harming",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "cut myself",
    "cutting myself",
    "want to die",
    "better off dead",
    "no reason to live",
    "overdose",
];

/// The configured phrase list (`URGENT_PHRASES`), each kept as a sequence of folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentPhrases(Vec<Vec<String>>);

impl Default for UrgentPhrases {
    fn default() -> Self {
        Self::from_phrases(DEFAULT_PHRASES.iter().copied())
    }
}

impl UrgentPhrases {
    /// Builds the list from phrases; phrases with no word in them are dropped.
    pub fn from_phrases<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        Self(
            phrases
                .into_iter()
                .map(fold_words)
                .filter(|words| !words.is_empty())
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, text: &str) -> bool {
        let words = fold_words(text);
        self.0.iter().any(|phrase| {
            words
                .windows(phrase.len())
                .any(|window| window == phrase.as_slice())
        })
    }
}

/// Lower-cases, strips accents and splits on anything that is not a letter or digit.
fn fold_words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crisis_language_is_flagged() {
        let phrases = UrgentPhrases::default();
        for text in [
            "I have been thinking about suicide.",
            "Sometimes I want to END MY LIFE",
            "I self-harm when it gets bad",
            "i've been hurting myself",
            "I feel SUICIDAL.",
            "Suicídio? no: súicide",
            "thoughts of self harm",
            "I think I'd be better off dead",
        ] {
            assert!(phrases.matches(text), "{text:?} should be flagged");
        }
    }

    #[test]
    fn near_misses_are_not_flagged() {
        let phrases = UrgentPhrases::default();
        for text in [
            "I have anxiety about work.",
            "I want to end my lifelong habit of procrastinating",
            "self-harmony is my goal",
            "I skill myself up every weekend",
            "My friend is a suicidologist",
            "I hurt my shoulder",
            "",
        ] {
            assert!(!phrases.matches(text), "{text:?} should not be flagged");
        }
    }

    #[test]
    fn configured_phrases_replace_the_default() {
        let phrases = UrgentPhrases::from_phrases(["Crisis", " ", "give up"]);
        assert!(phrases.matches("I'm in crisis"));
        assert!(phrases.matches("I want to GIVE   UP"));
        assert!(!phrases.matches("suicide"));
        assert!(UrgentPhrases::from_phrases([" ", ""]).is_empty());
    }
}
