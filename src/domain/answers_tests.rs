use super::*;
use crate::questions::QuestionSet;

const FILE: &str = r#"
[[question]]
id = "state"
type = "region"
personal = false
enabled = true
[[question]]
id = "payment"
type = "choice"
choices = ["self_pay", "bcbs"]
personal = false
enabled = true
[[question]]
id = "may_leave"
type = "choices"
choices = ["voicemail", "text"]
personal = false
enabled = true
[[question]]
id = "adult"
type = "yes_no"
personal = false
enabled = true
[[question]]
id = "guardian"
type = "short_text"
personal = true
enabled = true
"#;

fn question(id: &str) -> Question {
    let set = QuestionSet::parse(FILE).unwrap();
    set.all().iter().find(|q| q.id() == id).unwrap().clone()
}

fn text(value: &str) -> Option<FieldInput> {
    Some(FieldInput::Text(value.to_owned()))
}

fn answer(id: &str, input: Option<FieldInput>) -> Result<Option<AnswerValue>, FieldError> {
    parse_one(&question(id), input.as_ref())
}

#[test]
fn a_choice_is_one_of_the_listed_values() {
    assert_eq!(
        answer("payment", text(" bcbs ")),
        Ok(Some(AnswerValue::Choice("bcbs".into())))
    );
    assert_eq!(
        answer("payment", text("BCBS")),
        Err(FieldError::InvalidChoice)
    );
    assert_eq!(
        answer("payment", text("kaiser")),
        Err(FieldError::InvalidChoice)
    );
    assert_eq!(
        answer("payment", text("  ")),
        Ok(None),
        "empty is not given"
    );
    assert_eq!(answer("payment", None), Ok(None));
    let list = Some(FieldInput::List(vec!["bcbs".into()]));
    assert_eq!(
        answer("payment", list),
        Err(FieldError::Invalid),
        "given twice"
    );
    assert_eq!(
        answer("payment", Some(FieldInput::Flag(true))),
        Err(FieldError::Invalid)
    );
    assert_eq!(
        answer("payment", Some(FieldInput::Malformed)),
        Err(FieldError::Invalid)
    );
}

#[test]
fn several_choices_are_kept_once_each_in_the_questions_order() {
    let list = |v: &[&str]| Some(FieldInput::List(v.iter().map(|s| s.to_string()).collect()));
    assert_eq!(
        answer("may_leave", list(&["text", "voicemail", "text"])),
        Ok(Some(AnswerValue::Choices(vec![
            "voicemail".into(),
            "text".into()
        ])))
    );
    assert_eq!(
        answer("may_leave", text("text")),
        Ok(Some(AnswerValue::Choices(vec!["text".into()])))
    );
    assert_eq!(answer("may_leave", list(&["", " "])), Ok(None));
    assert_eq!(
        answer("may_leave", list(&["text", "email"])),
        Err(FieldError::InvalidChoice)
    );
}

#[test]
fn yes_or_no_from_a_form_or_json() {
    assert_eq!(
        answer("adult", text("yes")),
        Ok(Some(AnswerValue::YesNo(true)))
    );
    assert_eq!(
        answer("adult", text("No")),
        Ok(Some(AnswerValue::YesNo(false)))
    );
    assert_eq!(
        answer("adult", Some(FieldInput::Flag(false))),
        Ok(Some(AnswerValue::YesNo(false)))
    );
    assert_eq!(
        answer("adult", text("maybe")),
        Err(FieldError::InvalidChoice)
    );
}

#[test]
fn a_region_is_a_usps_code_or_a_country_outside() {
    let code = |input: &str| match answer("state", text(input)) {
        Ok(Some(AnswerValue::Region(region))) => Ok(region.code().to_owned()),
        other => Err(other),
    };
    assert_eq!(code("IL"), Ok("IL".into()));
    assert_eq!(code("il"), Ok("IL".into()));
    assert_eq!(code("PR"), Ok("PR".into()));
    assert_eq!(code("outside:fr"), Ok("outside:FR".into()));
    for refused in [
        "ZZ",
        "Illinois",
        "US-IL",
        "outside:US",
        "outside:ZZ",
        "outside",
    ] {
        assert_eq!(
            answer("state", text(refused)),
            Err(FieldError::InvalidChoice),
            "{refused}"
        );
    }
}

#[test]
fn a_short_text_keeps_the_best_times_rules() {
    assert_eq!(
        answer("guardian", text("  Rosa  Lima ")),
        Ok(Some(AnswerValue::Text("Rosa  Lima".into())))
    );
    for hidden in [
        "Rosa\u{200B}Lima",
        "Rosa\u{202E}Lima",
        "Rosa\nLima",
        "Rosa\u{0007}",
    ] {
        assert_eq!(
            answer("guardian", text(hidden)),
            Err(FieldError::Invalid),
            "{hidden:?}"
        );
    }
    assert_eq!(
        answer("guardian", text(&"a".repeat(201))),
        Err(FieldError::TooLong { max: 200 })
    );
    assert!(
        answer("guardian", text(&"é".repeat(200))).is_ok(),
        "characters, not bytes"
    );
}

#[test]
fn a_kept_answer_carries_its_words_and_values() {
    let set = QuestionSet::parse(FILE).unwrap();
    let words = |id: &str| format!("<{id}>");
    // Built by hand: the compiled file of this build may ask other questions.
    let question = set.all().iter().find(|q| q.id() == "payment").unwrap();
    let value = parse_one(question, text("bcbs").as_ref()).unwrap().unwrap();
    let shown = match &value {
        AnswerValue::Choice(v) => words(&question.message_id(Some(v))),
        _ => unreachable!(),
    };
    assert_eq!(shown, "<question-payment-bcbs>");
    assert_eq!(question.message_id(None), "question-payment");
}
