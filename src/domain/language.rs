//! The languages the form speaks.

use unic_langid::LanguageIdentifier;

/// A language with complete catalogues. Adding one: its catalogues under `locales/<tag>/`, a
/// variant here, and a line in each `match` (the compiler lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    English,
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The tag used in the form's `lang` field, in storage and in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The language a tag names: `es`, `es-MX`, `ES_mx` are Spanish. Anything else is none.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Language::ALL
            .into_iter()
            .find(|language| primary.eq_ignore_ascii_case(language.tag()))
    }

    /// Its name in English, the practice's language, for the staff email and the weekly summary.
    pub fn name_in_english(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Spanish => "Spanish",
        }
    }

    pub(crate) fn identifier(self) -> LanguageIdentifier {
        let tag = match self {
            Language::English => "en-US",
            Language::Spanish => "es",
        };
        // Both literals parse; the root identifier would only lose plural rules.
        LanguageIdentifier::from_bytes(tag.as_bytes()).unwrap_or_default()
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}
