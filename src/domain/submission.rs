//! What the website submitted, field by field, before any rule is applied.

use super::Field;
use crate::questions::{Kind, compiled};
use std::collections::HashMap;

/// One submitted field as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldInput {
    Text(String),
    /// A JSON boolean (only meaningful for `consent`).
    Flag(bool),
    /// The values of a question that takes several (`choices`): a JSON array of strings, or
    /// the form key given once per value.
    List(Vec<String>),
    /// A JSON value of the wrong type, or a form key given more than once.
    Malformed,
}

/// The known fields of one submission; unknown fields never get this far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmittedForm {
    fields: HashMap<Field, FieldInput>,
}

impl SubmittedForm {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a field; a second value for the same field makes it malformed, except for a
    /// question that takes several values, whose values are gathered.
    pub fn insert(&mut self, field: Field, input: FieldInput) {
        let gathers = match field {
            Field::Answer(index) => compiled()
                .get(index)
                .is_some_and(|q| matches!(q.kind, Kind::Choices(_))),
            _ => false,
        };
        let input = match (gathers, input) {
            (true, FieldInput::Text(value)) => FieldInput::List(vec![value]),
            (_, input) => input,
        };
        self.fields
            .entry(field)
            .and_modify(|existing| {
                *existing = match (std::mem::replace(existing, FieldInput::Malformed), &input) {
                    (FieldInput::List(mut values), FieldInput::List(more)) if gathers => {
                        values.extend(more.iter().cloned());
                        FieldInput::List(values)
                    }
                    _ => FieldInput::Malformed,
                }
            })
            .or_insert(input);
    }

    /// Every field given, for showing the form again.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &FieldInput)> {
        self.fields.iter().map(|(f, i)| (*f, i))
    }

    pub fn get(&self, field: Field) -> Option<&FieldInput> {
        self.fields.get(&field)
    }

    /// Builder-style: sets a text field, replacing any earlier value (for tests and tools).
    pub fn with(mut self, field: Field, value: &str) -> Self {
        self.fields
            .insert(field, FieldInput::Text(value.to_owned()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_field_is_malformed() {
        let mut form = SubmittedForm::new();
        form.insert(Field::Email, FieldInput::Text("a@example.com".into()));
        form.insert(Field::Email, FieldInput::Text("b@example.com".into()));
        assert_eq!(form.get(Field::Email), Some(&FieldInput::Malformed));
    }

    #[test]
    fn a_single_field_is_kept() {
        let form = SubmittedForm::new().with(Field::Name, "Ana");
        assert_eq!(form.get(Field::Name), Some(&FieldInput::Text("Ana".into())));
        assert_eq!(form.get(Field::Email), None);
    }
}
