//! Clinicians in the console: each sees only the requests assigned to them (another's is `404`),
//! the front desk reassigns, a clinician hands one back, each change in the history and the
//! access log; an admin edits a profile (an unknown region is in the error summary); a clinician
//! switches their own "accepting new clients".

use super::{Console, csrf_of};
use crate::helpers::{full_submission, s, unique};
use consultation_form::access_log::{Action, LogQuery};
use consultation_form::domain::SubmissionId;
use consultation_form::questions::{ProfileField, compiled};
use consultation_form::staff::{ClinicianProfile, Role, StaffId};
use serde_json::json;

async fn profile(console: &Console, id: StaffId, regions: &[&str], accepting: bool) {
    let regions = regions.iter().map(|r| r.to_string()).collect();
    let profile =
        ClinicianProfile::parse(&[(ProfileField::Regions, regions)], accepting, compiled())
            .unwrap();
    console.staff().set_profile(id, &profile).await.unwrap();
}

#[tokio::test]
async fn a_clinician_sees_only_their_own_and_the_front_desk_reassigns() {
    let console = Console::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let (mut ada, _, ada_member) = console
        .signed_in(&format!("ada-{}@practice.test", unique()), Role::Clinician)
        .await;
    let (mut ben, _, ben_member) = console
        .signed_in(&format!("ben-{}@practice.test", unique()), Role::Clinician)
        .await;
    let (mut desk, _, _) = console
        .signed_in(&format!("desk-{}@practice.test", unique()), Role::FrontDesk)
        .await;
    profile(&console, ada_member.id, &["IL"], true).await;
    profile(&console, ben_member.id, &["IL"], false).await;

    let mut body = full_submission();
    body["name"] = json!("Routed Person");
    body["answers"] = json!({"state": "IL", "guardian_name": "Zqxguardian"});
    let answer = console.test.post_json(&body).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let id = SubmissionId::parse(answer.json()["id"].as_str().unwrap()).unwrap();
    assert_eq!(
        s(&console.test.item(&id.to_string()).await, "assignee"),
        ada_member.id.to_string()
    );

    // Ada's list and page show it, with routing's reason; Ben's show nothing, and its address is
    // a 404 to him.
    let list = ada.get("/staff/requests").await;
    assert!(list.body.contains("Routed Person"), "{}", list.body);
    let page = ada.get(&format!("/staff/requests/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Routing: matched 1 of 1: licensed in IL; fewest open (0)"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Zqxguardian"),
        "the assignee reads every answer"
    );
    assert!(
        !ben.get("/staff/requests")
            .await
            .body
            .contains("Routed Person")
    );
    assert_eq!(ben.get(&format!("/staff/requests/{id}")).await.status, 404);
    let ben_csrf = csrf_of(&ben.get("/staff/requests").await.body);
    let taken = ben
        .post_form(
            &format!("/staff/requests/{id}/assign"),
            &[("to", "nobody")],
            Some(&ben_csrf),
        )
        .await;
    assert_eq!(taken.status, 404, "nor can he change it");

    // The front desk gives it to Ben (not accepting new clients: a person's choice still).
    let desk_page = desk.get(&format!("/staff/requests/{id}")).await;
    assert!(
        desk_page
            .body
            .contains(&format!("value=\"{}\"", ben_member.id))
    );
    let csrf = csrf_of(&desk_page.body);
    let moved = desk
        .post_form(
            &format!("/staff/requests/{id}/assign"),
            &[("to", &ben_member.id.to_string())],
            Some(&csrf),
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert_eq!(
        s(&console.test.item(&id.to_string()).await, "assignee"),
        ben_member.id.to_string()
    );
    assert_eq!(ada.get(&format!("/staff/requests/{id}")).await.status, 404);

    // Ben hands it back to the front desk.
    let page = ben.get(&format!("/staff/requests/{id}")).await;
    let csrf = csrf_of(&page.body);
    let back = ben
        .post_form(
            &format!("/staff/requests/{id}/assign"),
            &[("to", "nobody")],
            Some(&csrf),
        )
        .await;
    assert_eq!(back.status, 303);
    assert!(
        !console
            .test
            .item(&id.to_string())
            .await
            .contains_key("assignee")
    );

    // Every change in the history and the access log.
    let history = desk.get(&format!("/staff/requests/{id}")).await.body;
    assert!(
        history.contains(&format!("Assigned to {}", ben_member.name)),
        "{history}"
    );
    assert!(history.contains("Back to the front desk"));
    let changes = console
        .entries(LogQuery::Request(id))
        .await
        .into_iter()
        .filter(|e| e.action == Action::AssignmentChanged)
        .count();
    assert_eq!(changes, 2);
}

#[tokio::test]
async fn an_admin_edits_a_profile_and_a_clinician_stops_accepting() {
    let console = Console::spawn().await;
    let (mut admin, _, _) = console
        .signed_in(&format!("boss-{}@practice.test", unique()), Role::Admin)
        .await;
    let (mut cy, _, cy_member) = console
        .signed_in(&format!("cy-{}@practice.test", unique()), Role::Clinician)
        .await;
    let path = format!("/staff/staff/{}/profile", cy_member.id);
    let form = admin.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);
    let refused = admin
        .post_form(
            &path,
            &[
                ("regions", "IL, ZZ"),
                ("payers", "kaiser"),
                ("accepting", "yes"),
            ],
            Some(&csrf),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("There is a problem"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("Licensed in: not one the practice uses: ZZ"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("kaiser"));
    assert!(
        refused.body.contains("value=\"IL, ZZ\""),
        "what was typed is kept"
    );

    let saved = admin
        .post_form(
            &path,
            &[
                ("regions", "il wi"),
                ("payers", "bcbs"),
                ("client_types", "child"),
                ("accepting", "yes"),
            ],
            Some(&csrf),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let member = console.staff().member(cy_member.id).await.unwrap().unwrap();
    assert_eq!(member.profile.values(ProfileField::Regions), ["IL", "WI"]);
    assert_eq!(member.profile.values(ProfileField::Payers), ["bcbs"]);
    assert!(member.profile.accepting);
    assert_eq!(cy.get(&path).await.status, 404, "only admins edit profiles");

    // Cy stops accepting new clients from their own account page.
    let account = cy.get("/staff/account").await;
    assert!(
        account.body.contains("Stop accepting new clients"),
        "{}",
        account.body
    );
    let csrf = csrf_of(&account.body);
    let stopped = cy
        .post_form(
            "/staff/account/accepting",
            &[("accepting", "no")],
            Some(&csrf),
        )
        .await;
    assert_eq!(stopped.status, 303);
    let member = console.staff().member(cy_member.id).await.unwrap().unwrap();
    assert!(!member.profile.accepting);
    assert_eq!(
        member.profile.values(ProfileField::Regions),
        ["IL", "WI"],
        "the rest stays"
    );
    let since = console.test.app.now() - chrono::Duration::hours(1);
    let who = cy_member.id.to_string();
    let logged = console
        .entries(LogQuery::Who { who, since })
        .await
        .into_iter()
        .any(|e| e.action == Action::ProfileChanged);
    assert!(logged);
}

#[tokio::test]
async fn reminders_go_to_the_assignee_and_the_summary_counts_by_clinician() {
    use crate::helpers::send_email_requests_to;
    use crate::reminders::{ny, set_clock};
    use consultation_form::deadline::Deadline;
    let escalation = format!("owner-{}@practice.test", unique());
    let console = Console::spawn_with(&[
        ("ESCALATE_TO", &escalation),
        ("NOTIFY_FRONT_DESK_ON_ASSIGNED", "false"),
        ("RATE_LIMIT_PER_HOUR", "50"),
    ])
    .await;
    let test = &console.test;
    let ada_email = format!("ada-{}@practice.test", unique());
    let (_, _, ada) = console.signed_in(&ada_email, Role::Clinician).await;
    profile(&console, ada.id, &["IL"], true).await;
    set_clock(test, ny("2026-11-30 09:30"));
    let mut assigned = full_submission();
    assigned["answers"] = json!({"state": "IL"});
    assert_eq!(test.post_json(&assigned).await.status, 201);
    let mut nobodys = full_submission();
    nobodys["email"] = json!(format!("other-{}@example.com", unique()));
    nobodys["answers"] = json!({"state": "NV"});
    assert_eq!(test.post_json(&nobodys).await.status, 201);
    let kinds_to = |address: String| async move {
        send_email_requests_to(&address)
            .await
            .iter()
            .map(|r| {
                let tags = r["EmailTags"].to_string();
                ["staff", "reminder", "escalation", "summary"]
                    .into_iter()
                    .find(|k| tags.contains(&format!("\"{k}\"")))
                    .unwrap_or("other")
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    // Without the copy, the front desk gets only the request nobody has.
    assert_eq!(
        kinds_to(ada_email.clone())
            .await
            .iter()
            .filter(|k| *k == "staff")
            .count(),
        1
    );
    assert_eq!(kinds_to(test.staff.clone()).await, ["staff"]);

    for hours in [2, 3, 4, 24 * 7] {
        set_clock(
            test,
            ny("2026-11-30 09:30") + chrono::Duration::hours(hours),
        );
        consultation_form::scheduled_run::run(&test.app, None, Deadline::unknown()).await;
    }
    let ada_kinds = kinds_to(ada_email.clone()).await;
    assert!(ada_kinds.contains(&"reminder".to_owned()), "{ada_kinds:?}");
    let desk_kinds = kinds_to(test.staff.clone()).await;
    assert_eq!(
        desk_kinds.iter().filter(|k| *k == "reminder").count(),
        1,
        "only the unassigned one's: {desk_kinds:?}"
    );
    let owner_kinds = kinds_to(escalation.clone()).await;
    assert_eq!(
        owner_kinds.iter().filter(|k| *k == "escalation").count(),
        2,
        "{owner_kinds:?}"
    );

    let summary = crate::helpers::sent_emails_to(&test.staff)
        .await
        .into_iter()
        .find(|m| m["subject"].as_str().unwrap().starts_with("Weekly summary"))
        .expect("the weekly summary");
    let body = summary["body"].as_str().unwrap();
    assert!(
        body.contains(&format!(
            "Open requests by clinician: {} 1; with nobody (the front desk): 1.",
            ada.name
        )),
        "{body}"
    );
}

#[tokio::test]
async fn a_held_request_is_routed_when_released_not_before() {
    let console = Console::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let (_, _, ada) = console
        .signed_in(&format!("ada-{}@practice.test", unique()), Role::Clinician)
        .await;
    profile(&console, ada.id, &["IL"], true).await;
    let mut held = full_submission();
    held["website"] = json!("http://autofilled.example");
    held["answers"] = json!({"state": "IL"});
    let answer = console.test.post_json(&held).await;
    assert_eq!(answer.status, 201);
    let id = SubmissionId::parse(answer.json()["id"].as_str().unwrap()).unwrap();
    assert!(
        !console
            .test
            .item(&id.to_string())
            .await
            .contains_key("assignee"),
        "held: not routed"
    );
    consultation_form::app::release::release_now(&console.test.app, id)
        .await
        .unwrap();
    assert_eq!(
        s(&console.test.item(&id.to_string()).await, "assignee"),
        ada.id.to_string()
    );
}
