//! A request's answers to the practice's own questions in its item: `answers`, a list of maps
//! (`id`, `label`, `shown`, `values`, `personal`) in the form's order, each with the words its
//! question had when it was answered, so a question later removed or reworded still reads right.

use crate::domain::KeptAnswer;
use aws_sdk_dynamodb::types::AttributeValue as Value;
use std::collections::HashMap;

/// An item's attributes (`item.rs` writes through this module, so it does not import from it).
type Item = HashMap<String, Value>;

/// The attribute's value, or none when the request answered nothing.
pub fn answers_value(answers: &[KeptAnswer]) -> Option<Value> {
    (!answers.is_empty()).then(|| Value::L(answers.iter().map(answer_map).collect()))
}

fn answer_map(answer: &KeptAnswer) -> Value {
    let s = |v: &str| Value::S(v.to_owned());
    Value::M(HashMap::from([
        ("id".to_owned(), s(&answer.id)),
        ("label".to_owned(), s(&answer.label)),
        ("shown".to_owned(), s(&answer.shown)),
        (
            "values".to_owned(),
            Value::L(answer.values.iter().map(|v| s(v)).collect()),
        ),
        ("personal".to_owned(), Value::Bool(answer.personal)),
    ]))
}

/// The answers kept in an item. An entry that cannot be read is left out, and one whose
/// `personal` mark is lost reads as personal: it then never leaves the console.
pub fn read_answers(item: &Item, name: &str) -> Vec<KeptAnswer> {
    let Some(Value::L(entries)) = item.get(name) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let map = entry.as_m().ok()?;
            let text = |key: &str| map.get(key).and_then(|v| v.as_s().ok()).cloned();
            Some(KeptAnswer {
                id: text("id")?,
                label: text("label")?,
                shown: text("shown").unwrap_or_default(),
                values: map
                    .get("values")
                    .and_then(|v| v.as_l().ok())
                    .map(|values| {
                        values
                            .iter()
                            .filter_map(|v| v.as_s().ok().cloned())
                            .collect()
                    })
                    .unwrap_or_default(),
                personal: !matches!(map.get("personal"), Some(Value::Bool(false))),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back_as_written() {
        let answers = vec![
            KeptAnswer {
                id: "state".into(),
                label: "Where will you be during sessions?".into(),
                shown: "Illinois".into(),
                values: vec!["IL".into()],
                personal: false,
            },
            KeptAnswer {
                id: "guardian_name".into(),
                label: "Parent or guardian's name".into(),
                shown: "Rosa Lima".into(),
                values: vec!["Rosa Lima".into()],
                personal: true,
            },
        ];
        let item = Item::from([("answers".to_owned(), answers_value(&answers).unwrap())]);
        assert_eq!(read_answers(&item, "answers"), answers);
        assert!(answers_value(&[]).is_none());
        assert!(read_answers(&Item::new(), "answers").is_empty());
    }

    #[test]
    fn an_answer_without_its_mark_reads_as_personal() {
        let entry = Value::M(HashMap::from([
            ("id".to_owned(), Value::S("x".into())),
            ("label".to_owned(), Value::S("X".into())),
        ]));
        let item = Item::from([("answers".to_owned(), Value::L(vec![entry]))]);
        assert!(read_answers(&item, "answers")[0].personal);
    }
}
