//! Every text a person filling in the form reads, in Project Fluent catalogues (`locales/<lang>/`),
//! one bundle per language, built from files compiled into the binary when a text of that language
//! is first asked for (a JSON post, answered without any text, builds none; the tests hold every
//! file to parse, so a broken one never ships).
//!
//! Two renderings of each message: for HTML, Fluent's bidi isolation marks (U+2068/U+2069) stay
//! around placeables, so a number or an address keeps its direction inside any script; for email
//! subjects, plain-text parts and JSON `message` texts they are left out, since those are exactly
//! the invisible characters the form strips from pasted values and no mail client needs them.

mod field_messages;

mod negotiate;
#[cfg(test)]
mod tests;

pub use crate::domain::Language;
pub use field_messages::field_message;
pub use negotiate::choose_language;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// The catalogue files of one language, as compiled in: (file name, source).
pub(crate) type Files = Vec<(&'static str, &'static str)>;

macro_rules! file_of {
    ($lang:literal, $file:literal) => {
        (
            $file,
            include_str!(concat!("../../locales/", $lang, "/", $file)),
        )
    };
}

/// Which texts a set of catalogues holds: what a person filling in the form reads, or the staff
/// console's (built only when the console is used, so a form post never parses them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSet {
    Person,
    Console,
}

/// The compiled-in catalogue files of a language.
pub(crate) fn files(set: FileSet, language: Language) -> Files {
    match (set, language) {
        (FileSet::Person, Language::English) => vec![
            file_of!("en", "fields.ftl"),
            file_of!("en", "pages.ftl"),
            file_of!("en", "form.ftl"),
            file_of!("en", "acknowledgement.ftl"),
            file_of!("en", "questions.ftl"),
        ],
        (FileSet::Person, Language::Spanish) => vec![
            file_of!("es", "fields.ftl"),
            file_of!("es", "pages.ftl"),
            file_of!("es", "form.ftl"),
            file_of!("es", "acknowledgement.ftl"),
            file_of!("es", "questions.ftl"),
        ],
        (FileSet::Console, Language::English) => vec![file_of!("en", "console.ftl")],
        (FileSet::Console, Language::Spanish) => vec![file_of!("es", "console.ftl")],
    }
}

/// A catalogue that does not parse or defines a message twice: a bug caught by the tests, and at
/// cold start if one ever slipped through.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("catalogue locales/{language}/{file} is broken: {detail}")]
pub struct CatalogueError {
    pub language: &'static str,
    pub file: &'static str,
    pub detail: String,
}

/// How a text is used, which decides whether Fluent's isolation marks surround its placeables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    Html,
    Plain,
}

struct Bundles {
    html: FluentBundle<Arc<FluentResource>>,
    plain: FluentBundle<Arc<FluentResource>>,
}

/// The catalogues of every language the form speaks, each built on first use.
pub struct Catalogues {
    set: FileSet,
    english: OnceLock<Bundles>,
    spanish: OnceLock<Bundles>,
    /// Lookups that found no message in the language asked for. Only the tests read it: at run
    /// time a missing text falls back to English rather than failing a person's request.
    misses: AtomicUsize,
}

impl Default for Catalogues {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Catalogues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalogues")
    }
}

impl Catalogues {
    /// The catalogues, none of them built yet.
    pub fn new() -> Self {
        Self::of(FileSet::Person)
    }

    /// The catalogues of one set of files, none of them built yet.
    pub fn of(set: FileSet) -> Self {
        Self {
            set,
            english: OnceLock::new(),
            spanish: OnceLock::new(),
            misses: AtomicUsize::new(0),
        }
    }

    /// Every language's catalogues, built now: what the tests hold to parse.
    pub fn load() -> Result<Self, CatalogueError> {
        Self::load_set(FileSet::Person)
    }

    /// Every language's catalogues of `set`, built now.
    pub fn load_set(set: FileSet) -> Result<Self, CatalogueError> {
        let catalogues = Self::of(set);
        for language in Language::ALL {
            let built = bundles(set, language)?;
            let _ = catalogues.slot(language).set(built);
        }
        Ok(catalogues)
    }

    fn slot(&self, language: Language) -> &OnceLock<Bundles> {
        match language {
            Language::English => &self.english,
            Language::Spanish => &self.spanish,
        }
    }

    fn bundles(&self, language: Language) -> &Bundles {
        self.slot(language).get_or_init(|| {
            // The files are compiled in and every one is parsed by the tests before it ships.
            bundles(self.set, language).unwrap_or_else(|error| panic!("{error}"))
        })
    }

    /// The text of `id` (or `id.attribute`) in `language`, for an HTML page.
    pub fn html(&self, language: Language, id: &str) -> String {
        self.format(language, id, None, Rendering::Html)
    }

    /// The text of `id` without isolation marks: subjects, plain-text parts, JSON messages.
    pub fn plain(&self, language: Language, id: &str) -> String {
        self.format(language, id, None, Rendering::Plain)
    }

    /// The text of `id` with its placeables filled from `args`.
    pub fn with_args(
        &self,
        language: Language,
        id: &str,
        args: &[(&str, &str)],
        rendering: Rendering,
    ) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        self.format(language, id, Some(&fluent_args), rendering)
    }

    /// The text of `id` with a number for `name`, so plural forms are chosen by it.
    pub fn with_count(
        &self,
        language: Language,
        id: &str,
        name: &str,
        n: usize,
        rendering: Rendering,
    ) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set(name, FluentValue::from(n));
        self.format(language, id, Some(&fluent_args), rendering)
    }

    pub fn has(&self, language: Language, id: &str) -> bool {
        let (message, attribute) = split_id(id);
        let bundle = &self.bundles(language).plain;
        bundle
            .get_message(message)
            .is_some_and(|m| match attribute {
                Some(attribute) => m.get_attribute(attribute).is_some(),
                None => m.value().is_some(),
            })
    }

    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    fn format(
        &self,
        language: Language,
        id: &str,
        args: Option<&FluentArgs<'_>>,
        rendering: Rendering,
    ) -> String {
        if let Some(text) = format_in(self.bundles(language), id, args, rendering) {
            return text;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        tracing::error!(
            event = "catalogue_missing",
            language = language.tag(),
            id,
            "no such message"
        );
        format_in(self.bundles(Language::English), id, args, rendering).unwrap_or_default()
    }
}

fn split_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once('.') {
        Some((message, attribute)) => (message, Some(attribute)),
        None => (id, None),
    }
}

fn format_in(
    bundles: &Bundles,
    id: &str,
    args: Option<&FluentArgs<'_>>,
    rendering: Rendering,
) -> Option<String> {
    let bundle = match rendering {
        Rendering::Html => &bundles.html,
        Rendering::Plain => &bundles.plain,
    };
    let (message, attribute) = split_id(id);
    let message = bundle.get_message(message)?;
    let pattern = match attribute {
        Some(attribute) => message.get_attribute(attribute)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    // A placeable without its argument: the text is still shown, and the tests catch it.
    errors.is_empty().then(|| text.into_owned())
}

fn bundles(set: FileSet, language: Language) -> Result<Bundles, CatalogueError> {
    let mut html = FluentBundle::new_concurrent(vec![language.identifier()]);
    let mut plain = FluentBundle::new_concurrent(vec![language.identifier()]);
    plain.set_use_isolating(false);
    for (file, source) in files(set, language) {
        let broken = |detail: String| CatalogueError {
            language: language.tag(),
            file,
            detail,
        };
        let resource = FluentResource::try_new(source.to_owned())
            .map_err(|(_, errors)| broken(format!("{errors:?}")))?;
        let resource = Arc::new(resource);
        html.add_resource(Arc::clone(&resource))
            .map_err(|errors| broken(format!("{errors:?}")))?;
        plain
            .add_resource(resource)
            .map_err(|errors| broken(format!("{errors:?}")))?;
    }
    Ok(Bundles { html, plain })
}

/// A count as the language writes it: `2,000` in English, `2000` in Spanish (which groups only
/// from five digits, with a space).
pub fn number(language: Language, n: usize) -> String {
    let digits = n.to_string();
    let (separator, from) = match language {
        Language::English => (',', 4),
        Language::Spanish => (' ', 5),
    };
    if digits.len() < from {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// The catalogues in one language: what a page or an email is written with.
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    pub catalogues: &'a Catalogues,
    pub language: Language,
}

impl<'a> Texts<'a> {
    pub fn new(catalogues: &'a Catalogues, language: Language) -> Self {
        Self {
            catalogues,
            language,
        }
    }

    pub fn html(&self, id: &str) -> String {
        self.catalogues.html(self.language, id)
    }

    pub fn plain(&self, id: &str) -> String {
        self.catalogues.plain(self.language, id)
    }

    pub fn html_with(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.catalogues
            .with_args(self.language, id, args, Rendering::Html)
    }
}
