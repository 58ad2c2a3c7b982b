//! A field error as a sentence the person can act on, from the catalogues: the message written
//! for that field and code (`field-name-required`), else the code's own (`field-required`),
//! which names the field by its label.

use super::{Catalogues, Language, Rendering, number};
use crate::domain::{Field, FieldError};
use crate::questions::compiled;

/// What to do about `error` on `field`, in `language`. Never repeats what was typed.
pub fn field_message(
    catalogues: &Catalogues,
    language: Language,
    field: Field,
    error: FieldError,
    rendering: Rendering,
) -> String {
    let specific = format!("field-{}-{}", field.as_str(), error.code());
    let id = if catalogues.has(language, &specific) {
        specific
    } else {
        format!("field-{}", error.code())
    };
    // A question is named by its own words: "Select one of the options for “Who is the
    // therapy for?”".
    let label_id = match field {
        Field::Answer(index) => compiled()
            .get(index)
            .map_or_else(String::new, |q| q.message_id(None)),
        _ => format!("label-{}", field.as_str()),
    };
    let label = catalogues.plain(language, &label_id);
    let max = match error {
        FieldError::TooLong { max } => number(language, max),
        _ => String::new(),
    };
    catalogues.with_args(
        language,
        &id,
        &[("label", label.as_str()), ("max", max.as_str())],
        rendering,
    )
}
