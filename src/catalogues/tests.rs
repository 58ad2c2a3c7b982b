//! The catalogues are complete (every message, attribute and placeable in every language), parse,
//! and render without a miss or an isolation mark where plain text is asked for.

use super::*;
use crate::domain::{Field, FieldError};
use fluent_bundle::FluentResource;
use std::collections::{BTreeMap, BTreeSet};

/// message id (or id.attribute) → the placeables it needs, for each file of a language.
fn shape(language: Language) -> BTreeMap<(&'static str, String), BTreeSet<String>> {
    let mut shape = BTreeMap::new();
    let every_file = files(FileSet::Person, language)
        .into_iter()
        .chain(files(FileSet::Console, language));
    for (file, source) in every_file {
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("locales/{language}/{file}: {errors:?}"));
        let mut bundle = FluentBundle::new_concurrent(vec![language.identifier()]);
        bundle.set_use_isolating(false);
        let mut ids = Vec::new();
        for entry in resource.entries() {
            match entry {
                fluent_syntax::ast::Entry::Message(message) => {
                    if message.value.is_some() {
                        ids.push(message.id.name.to_owned());
                    }
                    for attribute in &message.attributes {
                        ids.push(format!("{}.{}", message.id.name, attribute.id.name));
                    }
                }
                fluent_syntax::ast::Entry::Junk { content } => {
                    panic!("locales/{language}/{file} does not parse: {content}")
                }
                _ => {}
            }
        }
        bundle.add_resource(resource).unwrap();
        for id in ids {
            let (message, attribute) = split_id(&id);
            let message = bundle.get_message(message).unwrap();
            let pattern = match attribute {
                Some(a) => message.get_attribute(a).unwrap().value(),
                None => message.value().unwrap(),
            };
            let mut errors = Vec::new();
            bundle.format_pattern(pattern, None, &mut errors);
            let needs = errors.iter().map(|e| format!("{e:?}")).collect();
            assert!(
                shape.insert((file, id.clone()), needs).is_none(),
                "{language}/{file}: {id} twice"
            );
        }
    }
    shape
}

#[test]
fn every_language_has_every_message_with_the_same_placeables() {
    let english = shape(Language::English);
    assert!(english.len() > 100, "{} messages", english.len());
    for language in Language::ALL {
        let other = shape(language);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{language} lacks {missing:?}");
        assert!(extra.is_empty(), "{language} has only it: {extra:?}");
        for (key, needs) in &english {
            assert_eq!(&other[key], needs, "{language}: placeables of {key:?}");
        }
    }
}

#[test]
fn a_catalogue_with_a_syntax_error_is_refused() {
    let broken = FluentResource::try_new("field-required = Enter { $label\n".to_owned());
    assert!(broken.is_err());
    // The same check the files pass: `shape` panics on a Junk entry, so a catalogue that parses
    // only in part fails the test above.
    assert!(Catalogues::load().is_ok());
    assert!(Catalogues::load_set(FileSet::Console).is_ok());
}

#[test]
fn every_field_message_and_error_renders_in_every_language() {
    let catalogues = Catalogues::load().unwrap();
    let errors = [
        FieldError::Required,
        FieldError::TooLong { max: 2000 },
        FieldError::Invalid,
        FieldError::InvalidEmail,
        FieldError::InvalidPhone,
        FieldError::InvalidChoice,
        FieldError::ConsentRequired,
        FieldError::CaptchaFailed,
        FieldError::CaptchaExpired,
    ];
    for language in Language::ALL {
        for field in Field::every().chain([Field::Answers]) {
            for error in errors {
                let text = field_message(&catalogues, language, field, error, Rendering::Plain);
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
                assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
                for word in ["valid", "inválid", "please", "por favor"] {
                    assert!(!text.to_lowercase().contains(word), "{language}: {text}");
                }
            }
        }
        for error in crate::error::tests::every_error() {
            let description = error.describe();
            let text = catalogues.plain(language, description.text);
            let title = catalogues.plain(language, &format!("{}.title", description.text));
            assert!(!text.is_empty() && !title.is_empty(), "{error:?}");
            assert!(!text.to_lowercase().contains("please"), "{text}");
        }
    }
    assert_eq!(catalogues.misses(), 0);
}

#[test]
fn html_keeps_isolation_marks_and_plain_text_has_none() {
    let catalogues = Catalogues::load().unwrap();
    let too_long = FieldError::TooLong { max: 2000 };
    let html = field_message(
        &catalogues,
        Language::English,
        Field::Message,
        too_long,
        Rendering::Html,
    );
    assert_eq!(
        html,
        "Message must be \u{2068}2,000\u{2069} characters or fewer"
    );
    let plain = field_message(
        &catalogues,
        Language::English,
        Field::Message,
        too_long,
        Rendering::Plain,
    );
    assert_eq!(plain, "Message must be 2,000 characters or fewer");
    let spanish = field_message(
        &catalogues,
        Language::Spanish,
        Field::Message,
        too_long,
        Rendering::Plain,
    );
    assert_eq!(spanish, "Su mensaje debe tener 2000 caracteres o menos");
    assert_eq!(
        catalogues.plain(Language::Spanish, "acknowledgement-subject"),
        "Recibimos su solicitud"
    );
}

#[test]
fn numbers_as_each_language_writes_them() {
    assert_eq!(number(Language::English, 200), "200");
    assert_eq!(number(Language::English, 2000), "2,000");
    assert_eq!(number(Language::English, 1_234_567), "1,234,567");
    assert_eq!(number(Language::Spanish, 2000), "2000");
    assert_eq!(number(Language::Spanish, 65536), "65 536");
}

#[test]
fn a_missing_message_falls_back_to_english_and_is_counted() {
    let catalogues = Catalogues::load().unwrap();
    assert_eq!(catalogues.plain(Language::Spanish, "no-such-message"), "");
    assert_eq!(catalogues.misses(), 1);
}

/// Every question declared in the shipped file and in the one this build was compiled with,
/// switched on or not, has its words in every language: the question and each choice.
#[test]
fn every_question_has_its_words_in_every_language() {
    use crate::questions::{QuestionSet, SHIPPED_SOURCE, compiled};
    let catalogues = Catalogues::load().unwrap();
    let shipped = QuestionSet::parse(SHIPPED_SOURCE).unwrap();
    let mut missing = Vec::new();
    for question in shipped.all().iter().chain(compiled().all()) {
        let choices = question.kind.choices().iter().map(|c| Some(c.as_str()));
        for part in std::iter::once(None).chain(choices) {
            let id = question.message_id(part);
            for language in Language::ALL {
                if !catalogues.has(language, &id) {
                    missing.push(format!("locales/{language}/questions.ftl: {id}"));
                }
            }
        }
    }
    for id in [
        "answer-yes",
        "answer-no",
        "region-choose",
        "region-group-us",
        "region-group-outside",
    ] {
        for language in Language::ALL {
            if !catalogues.has(language, id) {
                missing.push(format!("locales/{language}/questions.ftl: {id}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing words: {missing:#?}");
}
