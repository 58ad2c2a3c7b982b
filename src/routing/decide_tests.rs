use super::*;
use crate::questions::SHIPPED_SOURCE;
use chrono::TimeZone;

fn set() -> QuestionSet {
    QuestionSet::parse(SHIPPED_SOURCE).unwrap()
}

fn profile(
    regions: &[&str],
    payers: &[&str],
    clients: &[&str],
    accepting: bool,
) -> ClinicianProfile {
    let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    ClinicianProfile::parse(
        &[
            (ProfileField::Regions, list(regions)),
            (ProfileField::Payers, list(payers)),
            (ProfileField::ClientTypes, list(clients)),
        ],
        accepting,
        &set(),
    )
    .unwrap()
}

fn answer(id: &str, value: &str, shown: &str) -> KeptAnswer {
    KeptAnswer {
        id: id.into(),
        label: id.into(),
        shown: shown.into(),
        values: vec![value.into()],
        personal: false,
    }
}

fn clinician<'a>(id: &str, profile: &'a ClinicianProfile, open: usize) -> Clinician<'a> {
    Clinician {
        id: id.into(),
        profile,
        open,
        last_assigned: None,
    }
}

#[test]
fn the_matching_clinician_with_the_fewest_open_gets_it() {
    let il_bcbs = profile(&["IL"], &["bcbs", "self_pay"], &["adult"], true);
    let il_wi = profile(&["IL", "WI"], &["bcbs"], &["adult", "child"], true);
    let wi = profile(&["WI"], &["self_pay"], &["adult"], true);
    let clinicians = [
        clinician("a", &il_bcbs, 3),
        clinician("b", &il_wi, 1),
        clinician("c", &wi, 0),
    ];
    let answers = [
        answer("state", "IL", "Illinois"),
        answer("payment", "bcbs", "Blue Cross Blue Shield"),
    ];
    let decision = decide(&answers, &set(), &clinicians).unwrap();
    assert_eq!(decision.assignee.as_deref(), Some("b"));
    assert_eq!(
        decision.reason,
        "matched 2 of 3: licensed in IL, takes Blue Cross Blue Shield; fewest open (1)"
    );
    assert_eq!(decision.out_of_area, None);
}

#[test]
fn an_unanswered_question_matches_everyone_and_ties_go_to_the_one_assigned_longest_ago() {
    let any = profile(&["IL"], &[], &[], true);
    let at = |h| Some(Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap());
    let mut recent = clinician("a", &any, 2);
    recent.last_assigned = at(10);
    let mut earlier = clinician("b", &any, 2);
    earlier.last_assigned = at(9);
    let decision = decide(&[], &set(), &[recent, earlier]).unwrap();
    assert_eq!(decision.assignee.as_deref(), Some("b"));
    assert_eq!(
        decision.reason,
        "matched 2 of 2: nothing to route on; fewest open (2), assigned longest ago"
    );
}

#[test]
fn nobody_licensed_in_the_region_is_out_of_area_and_kept_for_the_front_desk() {
    let il = profile(&["IL"], &["bcbs"], &["adult"], true);
    let decision = decide(
        &[answer("state", "NV", "Nevada")],
        &set(),
        &[clinician("a", &il, 0)],
    )
    .unwrap();
    assert_eq!(decision.assignee, None);
    assert_eq!(decision.reason, "no clinician for Nevada");
    assert_eq!(decision.out_of_area.as_deref(), Some("Nevada"));
}

#[test]
fn a_licensed_clinician_not_accepting_is_not_out_of_area_but_gets_nothing() {
    let full = profile(&["IL"], &[], &[], false);
    let decision = decide(
        &[answer("state", "IL", "Illinois")],
        &set(),
        &[clinician("a", &full, 0)],
    )
    .unwrap();
    assert_eq!(decision.assignee, None);
    assert_eq!(decision.out_of_area, None);
    assert_eq!(decision.reason, "no clinician accepts new clients");
}

#[test]
fn a_match_on_some_answers_only_is_no_match() {
    let il_adults = profile(&["IL"], &["bcbs"], &["adult"], true);
    let answers = [
        answer("state", "IL", "Illinois"),
        answer("client_type", "child", "My child"),
    ];
    let decision = decide(&answers, &set(), &[clinician("a", &il_adults, 0)]).unwrap();
    assert_eq!(decision.assignee, None);
    assert_eq!(
        decision.reason,
        "matched 0 of 1: licensed in IL, sees My child"
    );
    assert_eq!(decision.out_of_area, None);
}

#[test]
fn personal_answers_and_answers_that_do_not_route_are_not_matched() {
    let il = profile(&["IL"], &[], &[], true);
    let mut personal = answer("payment", "bcbs", "Blue Cross Blue Shield");
    personal.personal = true;
    let decision = decide(
        &[personal, answer("heard_from", "friend", "A friend")],
        &set(),
        &[clinician("a", &il, 0)],
    )
    .unwrap();
    assert_eq!(decision.assignee.as_deref(), Some("a"));
}

#[test]
fn without_clinicians_nothing_is_decided() {
    assert_eq!(
        decide(&[answer("state", "NV", "Nevada")], &set(), &[]),
        None
    );
}
