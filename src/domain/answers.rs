//! Answers to the practice's own questions: each checked against the question it answers, then
//! kept with the words the question had when it was answered.

use super::text::normalize;
use super::{BestTime, Field, FieldError, FieldErrors, FieldInput, SubmittedForm};
use crate::questions::{Kind, Question, QuestionIndex, Region, compiled};

/// An answer's value, valid for its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    Choice(String),
    /// At least one, each listed once, in the question's order.
    Choices(Vec<String>),
    YesNo(bool),
    Text(String),
    Region(&'static Region),
}

/// One answer to an asked question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question: QuestionIndex,
    pub value: AnswerValue,
}

/// An answer as stored: the question's id and words when it was answered, what the person chose
/// (the values routing matches) and how it reads, and whether it is personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub id: String,
    pub label: String,
    pub shown: String,
    pub values: Vec<String>,
    pub personal: bool,
}

impl Answer {
    pub fn question(&self) -> &'static Question {
        compiled()
            .get(self.question)
            .expect("an answer is only ever parsed for a compiled question")
    }

    /// What the person chose, as routing reads it: the choices, `yes`/`no`, the region's code.
    pub fn values(&self) -> Vec<String> {
        match &self.value {
            AnswerValue::Choice(value) | AnswerValue::Text(value) => vec![value.clone()],
            AnswerValue::Choices(values) => values.clone(),
            AnswerValue::YesNo(yes) => vec![if *yes { "yes" } else { "no" }.to_owned()],
            AnswerValue::Region(region) => vec![region.code().to_owned()],
        }
    }

    /// The answer with its words in the practice's language: `words` gives a catalogue message
    /// (`question-state`, `question-payment-bcbs`, `answer-yes`); `language_tag` names regions.
    pub fn keep(&self, words: impl Fn(&str) -> String, language_tag: &str) -> KeptAnswer {
        let question = self.question();
        let choice = |value: &str| words(&question.message_id(Some(value)));
        let shown = match &self.value {
            AnswerValue::Choice(value) => choice(value),
            AnswerValue::Choices(values) => values
                .iter()
                .map(|v| choice(v))
                .collect::<Vec<_>>()
                .join(", "),
            AnswerValue::YesNo(yes) => words(if *yes { "answer-yes" } else { "answer-no" }),
            AnswerValue::Text(text) => text.clone(),
            AnswerValue::Region(region) => region.name(language_tag).to_owned(),
        };
        KeptAnswer {
            id: question.id().to_owned(),
            label: words(&question.message_id(None)),
            shown,
            values: self.values(),
            personal: question.personal,
        }
    }
}

/// Reads every asked question's answer from a form, adding a field error for each refused one.
/// A question nobody asks never reaches here: its field was not read.
pub fn parse_answers(form: &SubmittedForm, errors: &mut FieldErrors) -> Vec<Answer> {
    if let Some(FieldInput::Malformed | FieldInput::Text(_) | FieldInput::Flag(_)) =
        form.get(Field::Answers)
    {
        errors.add(Field::Answers, FieldError::Invalid);
    }
    let mut answers = Vec::new();
    for (index, question) in compiled().asked() {
        let field = Field::Answer(index);
        match parse_one(question, form.get(field)) {
            Ok(Some(value)) => answers.push(Answer {
                question: index,
                value,
            }),
            Ok(None) if question.required => errors.add(field, FieldError::Required),
            Ok(None) => {}
            Err(error) => errors.add(field, error),
        }
    }
    answers
}

fn parse_one(
    question: &Question,
    input: Option<&FieldInput>,
) -> Result<Option<AnswerValue>, FieldError> {
    let text = match input {
        None => return Ok(None),
        Some(FieldInput::Malformed) => return Err(FieldError::Invalid),
        Some(FieldInput::Flag(yes)) if question.kind == Kind::YesNo => {
            return Ok(Some(AnswerValue::YesNo(*yes)));
        }
        Some(FieldInput::Flag(_)) => return Err(FieldError::Invalid),
        Some(FieldInput::List(values)) => {
            let Kind::Choices(choices) = &question.kind else {
                return Err(FieldError::Invalid);
            };
            return several(choices, values);
        }
        Some(FieldInput::Text(raw)) => match normalize(raw) {
            None => return Ok(None),
            Some(text) => text,
        },
    };
    let value = match &question.kind {
        Kind::Choice(choices) => {
            let chosen = choices.iter().find(|c| **c == text);
            AnswerValue::Choice(chosen.ok_or(FieldError::InvalidChoice)?.clone())
        }
        Kind::Choices(choices) => return several(choices, &[text]),
        Kind::YesNo => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" => AnswerValue::YesNo(true),
            "no" | "false" => AnswerValue::YesNo(false),
            _ => return Err(FieldError::InvalidChoice),
        },
        // The same rules as the best time to call: one line, nothing invisible, 200 characters.
        Kind::ShortText => AnswerValue::Text(BestTime::parse(text)?.as_str().to_owned()),
        Kind::Region => {
            let code = match text.split_once(':') {
                Some((outside, country)) if outside.eq_ignore_ascii_case("outside") => {
                    format!("outside:{}", country.to_ascii_uppercase())
                }
                _ => text.to_ascii_uppercase(),
            };
            AnswerValue::Region(Region::find(&code).ok_or(FieldError::InvalidChoice)?)
        }
    };
    Ok(Some(value))
}

fn several(choices: &[String], given: &[String]) -> Result<Option<AnswerValue>, FieldError> {
    let given: Vec<String> = given.iter().filter_map(|v| normalize(v)).collect();
    if given.iter().any(|v| !choices.contains(v)) {
        return Err(FieldError::InvalidChoice);
    }
    let chosen: Vec<String> = choices
        .iter()
        .filter(|c| given.contains(c))
        .cloned()
        .collect();
    Ok((!chosen.is_empty()).then_some(AnswerValue::Choices(chosen)))
}

#[cfg(test)]
#[path = "answers_tests.rs"]
mod tests;
