use super::*;

fn refused(source: &str) -> QuestionsError {
    QuestionSet::parse(source).expect_err("the file should be refused")
}

const STATE: &str =
    "[[question]]\nid = \"state\"\ntype = \"region\"\npersonal = false\nrouted = 1\n";

#[test]
fn the_shipped_file_is_valid_and_asks_nothing_until_switched_on() {
    let shipped =
        QuestionSet::parse(SHIPPED_SOURCE).unwrap_or_else(|e| panic!("questions.toml {e}"));
    assert_eq!(shipped.all().len(), 8);
    assert_eq!(
        shipped.asked().count(),
        0,
        "the ready set ships switched off"
    );
    let state = shipped.all().iter().find(|q| q.id() == "state").unwrap();
    assert_eq!(state.routes_on, Some(ProfileField::Regions));
    assert!(!state.personal);
    assert_eq!(shipped.profile_values(ProfileField::Payers).len(), 8);
    assert_eq!(shipped.profile_values(ProfileField::Regions).len(), 56);
}

#[test]
fn the_compiled_file_is_valid() {
    let set = QuestionSet::parse(COMPILED_SOURCE).unwrap_or_else(|e| panic!("{COMPILED_PATH} {e}"));
    assert_eq!(&set, compiled());
    for (index, question) in compiled().asked() {
        assert_eq!(compiled().get(index), Some(question));
        assert_eq!(
            compiled()
                .asked_by_wire(&format!("q_{}", question.id()))
                .unwrap()
                .0,
            index
        );
    }
}

#[test]
fn switching_a_question_on_is_one_line() {
    let source = SHIPPED_SOURCE.replacen(
        "routes_on = \"regions\"\nenabled = false",
        "routes_on = \"regions\"\nenabled = true",
        1,
    );
    let set = QuestionSet::parse(&source).unwrap();
    let asked: Vec<&str> = set.asked().map(|(_, q)| q.id()).collect();
    assert_eq!(asked, ["state"]);
    assert_eq!(set.asked_by_id("state").unwrap().1.wire_name(), "q_state");
    assert!(
        set.asked_by_id("payment").is_none(),
        "declared but not asked"
    );
}

#[test]
fn a_duplicate_id_is_refused_at_its_line() {
    let source = "[[question]]\nid = \"a\"\ntype = \"yes_no\"\npersonal = false\nenabled = true\n\n[[question]]\nid = \"a\"\ntype = \"yes_no\"\npersonal = false\nenabled = true\n";
    let error = refused(source);
    assert_eq!(error.line, 8);
    assert!(error.problem.contains("declared twice"), "{error}");
}

#[test]
fn an_unknown_type_is_refused_at_its_line() {
    let error =
        refused("[[question]]\nid = \"a\"\ntype = \"date\"\npersonal = false\nenabled = true\n");
    assert_eq!(error.line, 3);
    assert!(error.problem.contains("unknown type \"date\""), "{error}");
}

#[test]
fn an_unknown_key_and_broken_toml_name_their_line() {
    let error = refused(STATE);
    assert_eq!(error.line, 5, "{error}");
    assert!(error.problem.contains("routed"), "{error}");
    let error = refused("[[question]]\nid = \"a\"\ntype = \"yes_no\nenabled = true\n");
    assert_eq!(error.line, 3, "{error}");
}

#[test]
fn personal_and_enabled_must_be_said() {
    let error = refused("[[question]]\nid = \"a\"\ntype = \"yes_no\"\nenabled = true\n");
    assert!(error.problem.contains("personal"), "{error}");
}

#[test]
fn choices_are_checked() {
    let cases = [
        ("type = \"choice\"\n", "lists no choices"),
        ("type = \"choice\"\nchoices = []\n", "lists no choices"),
        (
            "type = \"choices\"\nchoices = [\"a\", \"a\"]\n",
            "listed twice",
        ),
        (
            "type = \"choice\"\nchoices = [\"Self pay\"]\n",
            "lower-case",
        ),
        ("type = \"yes_no\"\nchoices = [\"a\"]\n", "takes no choices"),
    ];
    for (kind, problem) in cases {
        let source = format!("[[question]]\nid = \"q\"\n{kind}personal = false\nenabled = true\n");
        let error = refused(&source);
        assert!(error.problem.contains(problem), "{kind}: {error}");
    }
}

#[test]
fn routing_is_only_on_a_fitting_non_personal_question() {
    let cases = [
        (
            "type = \"region\"\npersonal = true\nroutes_on = \"regions\"\n",
            "is personal",
        ),
        (
            "type = \"short_text\"\npersonal = false\nroutes_on = \"payers\"\n",
            "cannot route",
        ),
        (
            "type = \"choice\"\nchoices = [\"a\"]\npersonal = false\nroutes_on = \"regions\"\n",
            "cannot route",
        ),
        (
            "type = \"region\"\npersonal = false\nroutes_on = \"zip\"\n",
            "a profile field is",
        ),
    ];
    for (body, problem) in cases {
        let source = format!("[[question]]\nid = \"q\"\n{body}enabled = true\n");
        let error = refused(&source);
        assert!(error.problem.contains(problem), "{body}: {error}");
        let routes_on_line = source
            .lines()
            .position(|l| l.starts_with("routes_on"))
            .unwrap()
            + 1;
        assert_eq!(error.line, routes_on_line, "{body}");
    }
    let twice = "[[question]]\nid = \"a\"\ntype = \"region\"\npersonal = false\nroutes_on = \"regions\"\nenabled = true\n[[question]]\nid = \"b\"\ntype = \"region\"\npersonal = false\nroutes_on = \"regions\"\nenabled = true\n";
    let error = refused(twice);
    assert_eq!(error.line, 11);
    assert!(error.problem.contains("second question"), "{error}");
}

#[test]
fn ids_are_identifiers() {
    for id in ["", "1a", "A", "a-b", "a b", &"a".repeat(41)] {
        let source = format!(
            "[[question]]\nid = \"{id}\"\ntype = \"yes_no\"\npersonal = false\nenabled = true\n"
        );
        assert!(
            refused(&source).problem.contains("must be lower-case"),
            "{id:?}"
        );
    }
}
