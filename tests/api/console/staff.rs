//! Admins' work on the staff, and a person's own passkeys and sessions: each sensitive action
//! after a passkey check in the last five minutes; the last admin stays; notices by email.

use super::{Console, ORIGIN, csrf_of};
use crate::helpers::{SoftPasskey, sent_emails_to};
use consultation_form::staff::Role;
use serde_json::Value;

#[tokio::test]
async fn an_admin_invites_a_colleague_who_gets_the_link_and_every_admin_hears_of_a_new_admin() {
    let console = Console::spawn().await;
    let (mut admin, _, _) = console.signed_in("owner@practice.test", Role::Admin).await;
    let csrf = csrf_of(&admin.get("/staff/staff").await.body);
    let invited = admin
        .post_form(
            "/staff/staff/invite",
            &[
                ("email", "newdesk@practice.test"),
                ("name", "New Desk"),
                ("role", "front-desk"),
            ],
            Some(&csrf),
        )
        .await;
    assert_eq!(invited.status, 303, "{}", invited.body);
    let emails = sent_emails_to("newdesk@practice.test").await;
    let invite = emails.last().expect("the invite's email");
    let body = invite["body"].as_str().unwrap();
    let link = body
        .split("https://staff.practice.test/staff/invite/")
        .nth(1)
        .and_then(|r| r.split(['"', '<', '\n']).next())
        .expect("a link to the console");
    // The colleague registers with it and is in.
    let mut colleague = console.browser();
    let mut passkey = SoftPasskey::new(super::HOST);
    assert_eq!(colleague.register(&mut passkey, link).await.status, 200);
    assert_eq!(colleague.get("/staff/requests").await.status, 200);
    // A new admin: the owner hears of it.
    let before = sent_emails_to("owner@practice.test").await.len();
    let bad = admin
        .post_form(
            "/staff/staff/invite",
            &[("email", "not an address"), ("name", ""), ("role", "admin")],
            Some(&csrf),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("There is a problem"));
    admin
        .post_form(
            "/staff/staff/invite",
            &[
                ("email", "second@practice.test"),
                ("name", "Second Admin"),
                ("role", "admin"),
            ],
            Some(&csrf),
        )
        .await;
    let notices = sent_emails_to("owner@practice.test").await;
    assert!(notices.len() > before, "the admin is told");
    assert!(
        notices.last().unwrap()["subject"]
            .as_str()
            .unwrap()
            .contains("Second Admin")
    );
}

#[tokio::test]
async fn sensitive_actions_need_a_passkey_check_within_five_minutes() {
    let console = Console::spawn().await;
    let (mut admin, mut passkey, _) = console.signed_in("stepup@practice.test", Role::Admin).await;
    for _ in 0..6 {
        console.test.clock.advance(chrono::Duration::minutes(1));
        assert_eq!(admin.get("/staff/staff").await.status, 200);
    }
    let csrf = csrf_of(&admin.get("/staff/staff").await.body);
    let stale = admin
        .post_form(
            "/staff/staff/invite",
            &[
                ("email", "x@practice.test"),
                ("name", "X"),
                ("role", "front-desk"),
            ],
            Some(&csrf),
        )
        .await;
    assert_eq!(stale.status, 303);
    let step_up = stale.header("location").unwrap().to_owned();
    assert!(step_up.starts_with("/staff/step-up?return="), "{step_up}");
    assert!(
        sent_emails_to("x@practice.test").await.is_empty(),
        "nothing done yet"
    );
    // The step-up: one passkey check, then back.
    let page = admin.get(&step_up).await;
    assert_eq!(page.status, 200);
    let options_url = page
        .body
        .split("data-options=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let options = admin
        .post_json(&options_url, &Value::Null, Some(&csrf))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let answer = passkey.assert(&options.json(), ORIGIN, Default::default());
    let done = admin
        .post_json("/staff/step-up", &answer, Some(&csrf))
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json()["redirect"], "/staff/staff");
    let now_fine = admin
        .post_form(
            "/staff/staff/invite",
            &[
                ("email", "x@practice.test"),
                ("name", "X"),
                ("role", "front-desk"),
            ],
            Some(&csrf),
        )
        .await;
    assert_eq!(now_fine.status, 303);
    assert_eq!(now_fine.header("location"), Some("/staff/staff"));
    // A step-up with someone else's passkey is refused.
    let (_, mut other, _) = console
        .signed_in("other@practice.test", Role::FrontDesk)
        .await;
    let options = admin
        .post_json("/staff/step-up/options", &Value::Null, Some(&csrf))
        .await;
    let answer = other.assert(&options.json(), ORIGIN, Default::default());
    assert_eq!(
        admin
            .post_json("/staff/step-up", &answer, Some(&csrf))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed_or_lose_the_role() {
    let console = Console::spawn().await;
    let (mut admin, _, member) = console.signed_in("last@practice.test", Role::Admin).await;
    let csrf = csrf_of(&admin.get("/staff/staff").await.body);
    let removed = admin
        .post_form(
            &format!("/staff/staff/{}/remove", member.id),
            &[],
            Some(&csrf),
        )
        .await;
    assert_eq!(removed.status, 422, "{}", removed.body);
    assert!(removed.body.contains("at least one admin"));
    let demoted = admin
        .post_form(
            &format!("/staff/staff/{}/role", member.id),
            &[("role", "front-desk")],
            Some(&csrf),
        )
        .await;
    assert_eq!(demoted.status, 422);
    assert!(
        console
            .staff()
            .member(member.id)
            .await
            .unwrap()
            .unwrap()
            .active()
    );
    assert_eq!(console.staff().admin_count().await.unwrap(), 1);
    // A front desk colleague cannot reach the staff page at all.
    let (mut desk, _, _) = console
        .signed_in("desk@practice.test", Role::FrontDesk)
        .await;
    assert_eq!(desk.get("/staff/staff").await.status, 404);
    let desk_csrf = csrf_of(&desk.get("/staff/requests").await.body);
    assert_eq!(
        desk.post_form(
            &format!("/staff/staff/{}/remove", member.id),
            &[],
            Some(&desk_csrf)
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn a_person_sees_and_ends_their_own_sessions_and_names_and_removes_their_passkeys() {
    let console = Console::spawn().await;
    let (mut phone, mut passkey, member) = console
        .signed_in("mine@practice.test", Role::FrontDesk)
        .await;
    let mut laptop = console.browser();
    assert_eq!(laptop.sign_in(&mut passkey).await.status, 200);
    let page = laptop.get("/staff/account").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.matches("/end\"").count(),
        2,
        "two sessions listed"
    );
    let csrf = csrf_of(&page.body);
    let sessions = console.staff().sessions_of(member.id).await.unwrap();
    let phones = sessions
        .iter()
        .find(|s| {
            s.hash
                != consultation_form::staff::hash_of(
                    &laptop
                        .cookie(consultation_form::console::SESSION_COOKIE)
                        .unwrap(),
                )
        })
        .unwrap();
    let ended = laptop
        .post_form(
            &format!("/staff/account/sessions/{}/end", phones.hash),
            &[],
            Some(&csrf),
        )
        .await;
    assert_eq!(ended.status, 303);
    assert!(
        super::is_sign_in(&phone.get("/staff/requests").await),
        "the phone is signed out"
    );
    // Naming a passkey; removing it needs a fresh passkey check (sign-in was just now).
    let record = &console.staff().passkeys_of(member.id).await.unwrap()[0];
    let renamed = laptop
        .post_form(
            &format!("/staff/account/passkeys/{}/name", record.credential_id),
            &[("name", "Work laptop")],
            Some(&csrf),
        )
        .await;
    assert_eq!(renamed.status, 303);
    assert_eq!(
        console.staff().passkeys_of(member.id).await.unwrap()[0].name,
        "Work laptop"
    );
    let removed = laptop
        .post_form(
            &format!("/staff/account/passkeys/{}/remove", record.credential_id),
            &[],
            Some(&csrf),
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(
        console
            .staff()
            .passkeys_of(member.id)
            .await
            .unwrap()
            .is_empty()
    );
    let notices = sent_emails_to("mine@practice.test").await;
    assert!(
        notices
            .iter()
            .any(|m| m["subject"].as_str().unwrap().contains("removed"))
    );
}
