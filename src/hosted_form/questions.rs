//! The practice's own questions as the form shows them: each asked question with its words in
//! the person's language, in the file's order.

use crate::catalogues::Texts;
use crate::questions::{Kind, QuestionSet, region_list};
use unicode_normalization::UnicodeNormalization;

/// One choice: its value and its words.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One asked question, ready for the template.
pub struct QuestionView {
    /// The form field's name, `q_<id>`.
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    /// `choice`, `choices`, `yes_no`, `short_text` or `region`: which markup the template uses.
    pub kind: &'static str,
    /// The choices; for a region, the US states and territories.
    pub options: Vec<Choice>,
    /// A region's countries outside the US.
    pub outside: Vec<Choice>,
}

/// Every asked question of `set` in `texts`' language.
pub fn question_views(set: &QuestionSet, texts: Texts<'_>) -> Vec<QuestionView> {
    set.asked()
        .map(|(_, question)| {
            let hint_id = question.message_id(Some("hint"));
            let hint = texts
                .catalogues
                .has(texts.language, &hint_id)
                .then(|| texts.html(&hint_id));
            let (options, outside) = match &question.kind {
                Kind::Choice(values) | Kind::Choices(values) => {
                    let options = values
                        .iter()
                        .map(|value| Choice {
                            value: value.clone(),
                            label: texts.html(&question.message_id(Some(value))),
                        })
                        .collect();
                    (options, Vec::new())
                }
                Kind::YesNo => (
                    vec![
                        Choice {
                            value: "yes".into(),
                            label: texts.html("answer-yes"),
                        },
                        Choice {
                            value: "no".into(),
                            label: texts.html("answer-no"),
                        },
                    ],
                    Vec::new(),
                ),
                Kind::ShortText => (Vec::new(), Vec::new()),
                Kind::Region => regions(texts.language.tag()),
            };
            QuestionView {
                name: question.wire_name().to_owned(),
                label: texts.html(&question.message_id(None)),
                hint,
                required: question.required,
                kind: question.kind.as_str(),
                options,
                outside,
            }
        })
        .collect()
}

/// The regions by name in the language, as a person looks for them: accents ignored.
fn regions(language_tag: &str) -> (Vec<Choice>, Vec<Choice>) {
    let sort_key = |name: &str| -> String {
        name.nfd()
            .filter(char::is_ascii)
            .collect::<String>()
            .to_lowercase()
    };
    let mut us = Vec::new();
    let mut outside = Vec::new();
    for region in region_list() {
        let choice = Choice {
            value: region.code().to_owned(),
            label: region.name(language_tag).to_owned(),
        };
        if region.in_us() {
            us.push(choice);
        } else {
            outside.push(choice);
        }
    }
    us.sort_by_cached_key(|c| sort_key(&c.label));
    outside.sort_by_cached_key(|c| sort_key(&c.label));
    (us, outside)
}
