//! Reading `questions.toml`: every rule a question must follow, each refusal naming its line.

use super::{Kind, MAX_QUESTIONS, ProfileField, Question};
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

/// A questions file that cannot be used: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct QuestionsError {
    pub line: usize,
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    question: Vec<Spanned<QuestionShape>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionShape {
    id: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    // No default: whether an answer may leave the console is never left to an omission.
    personal: bool,
    #[serde(default)]
    routes_on: Option<Spanned<String>>,
    #[serde(default)]
    choices: Option<Spanned<Vec<String>>>,
    enabled: bool,
}

fn line_of(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

pub(super) fn parse(source: &str) -> Result<Vec<Question>, QuestionsError> {
    let shape: FileShape = toml::from_str(source).map_err(|e| QuestionsError {
        line: e.span().map_or(1, |span| line_of(source, span.start)),
        problem: e.message().trim().to_owned(),
    })?;
    if shape.question.len() > MAX_QUESTIONS {
        return Err(QuestionsError {
            line: 1,
            problem: format!("more than {MAX_QUESTIONS} questions"),
        });
    }
    let mut ids = HashSet::new();
    let mut routed = HashSet::new();
    let mut questions = Vec::new();
    for declared in shape.question {
        let at = |spanned_start: usize, problem: String| QuestionsError {
            line: line_of(source, spanned_start),
            problem,
        };
        let question = declared.into_inner();
        let id = question.id.get_ref().clone();
        let id_at = question.id.span().start;
        if !is_identifier(&id) {
            return Err(at(
                id_at,
                format!(
                    "id {id:?} must be lower-case letters, digits and _ (a letter first, at most 40)"
                ),
            ));
        }
        if !ids.insert(id.clone()) {
            return Err(at(id_at, format!("id {id:?} is declared twice")));
        }
        let choices = question
            .choices
            .as_ref()
            .map(|c| (c.span().start, c.get_ref().clone()));
        let kind_at = question.kind.span().start;
        let kind = match (question.kind.get_ref().as_str(), choices) {
            ("choice" | "choices", None) => {
                return Err(at(kind_at, format!("question {id:?} lists no choices")));
            }
            ("choice" | "choices", Some((choices_at, values))) => {
                check_choices(&id, &values).map_err(|p| at(choices_at, p))?;
                if question.kind.get_ref() == "choice" {
                    Kind::Choice(values)
                } else {
                    Kind::Choices(values)
                }
            }
            (_, Some((choices_at, _))) if is_known_kind(question.kind.get_ref()) => {
                return Err(at(
                    choices_at,
                    format!("question {id:?} is not a choice: it takes no choices"),
                ));
            }
            ("yes_no", None) => Kind::YesNo,
            ("short_text", None) => Kind::ShortText,
            ("region", None) => Kind::Region,
            (other, _) => {
                return Err(at(
                    kind_at,
                    format!(
                        "question {id:?} has an unknown type {other:?} (choice, choices, yes_no, short_text or region)"
                    ),
                ));
            }
        };
        let routes_on = match &question.routes_on {
            None => None,
            Some(spanned) => {
                let field_at = spanned.span().start;
                let field = ProfileField::parse(spanned.get_ref()).ok_or_else(|| {
                    at(
                        field_at,
                        format!(
                            "question {id:?} routes on {:?}: a profile field is regions, payers, client_types or languages",
                            spanned.get_ref()
                        ),
                    )
                })?;
                check_route(&id, &kind, field, question.personal).map_err(|p| at(field_at, p))?;
                if !routed.insert(field) {
                    return Err(at(
                        field_at,
                        format!("a second question routes on {}", field.as_str()),
                    ));
                }
                Some(field)
            }
        };
        questions.push(Question {
            wire: format!("q_{id}"),
            id,
            kind,
            required: question.required,
            personal: question.personal,
            routes_on,
            enabled: question.enabled,
        });
    }
    Ok(questions)
}

fn is_known_kind(kind: &str) -> bool {
    matches!(kind, "yes_no" | "short_text" | "region")
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && text.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_choices(id: &str, values: &[String]) -> Result<(), String> {
    if values.is_empty() {
        return Err(format!("question {id:?} lists no choices"));
    }
    let mut seen = HashSet::new();
    for value in values {
        if !is_identifier(value) {
            return Err(format!(
                "choice {value:?} of {id:?} must be lower-case letters, digits and _ (a letter first)"
            ));
        }
        if !seen.insert(value) {
            return Err(format!("choice {value:?} of {id:?} is listed twice"));
        }
    }
    Ok(())
}

fn check_route(id: &str, kind: &Kind, field: ProfileField, personal: bool) -> Result<(), String> {
    if personal {
        return Err(format!(
            "question {id:?} is personal: a routing decision is shown to staff and must not carry it"
        ));
    }
    let fits = match field {
        ProfileField::Regions => matches!(kind, Kind::Region),
        _ => matches!(kind, Kind::Choice(_) | Kind::Choices(_)),
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "question {id:?} of type {} cannot route on {}",
            kind.as_str(),
            field.as_str()
        ))
    }
}
