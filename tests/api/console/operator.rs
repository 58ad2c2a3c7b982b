//! `consultation-admin staff invite|list|remove` through the binary, by the console's rules,
//! under the records policy's key (the IAM coverage run holds every call to its grants).

use super::{Console, HOST};
use crate::admin::{admin, stdout};
use crate::helpers::{SoftPasskey, sent_emails_to, unique};
use consultation_form::access_log::{Action, Actor, LogQuery};

fn stderr(output: &std::process::Output) -> String {
    assert!(!output.status.success(), "expected a refusal");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn the_operator_tool_invites_lists_and_removes_staff_by_the_consoles_rules() {
    let console = Console::spawn().await;
    let test = &console.test;
    let owner = format!("owner{}@practice.test", unique());
    let invite = [
        "staff",
        "invite",
        &owner,
        "--name",
        "Olga Owner",
        "--role",
        "admin",
    ];

    // The first admin, by email: the link points at the console.
    let said = stdout(&admin(test, &invite).await);
    assert!(said.contains("the invite's email is on its way"), "{said}");
    let prefix = format!("https://{HOST}/staff/invite/");
    let emailed = sent_emails_to(&owner).await;
    let body = emailed.last().expect("the invite's email")["body"]
        .as_str()
        .unwrap()
        .to_owned();
    let emailed_token = body
        .split(prefix.as_str())
        .nth(1)
        .and_then(|rest| rest.split(['"', '<', '\n', ' ']).next())
        .expect("the invite's link")
        .to_owned();

    // Printed instead: a new invite, which cancels the emailed one.
    let printed = stdout(&admin(test, &[&invite[..], &["--print-link"]].concat()).await);
    let link = printed.trim().lines().last().unwrap();
    let token = link.strip_prefix(prefix.as_str()).expect(link);
    let mut browser = console.browser();
    let cancelled = browser.get(&format!("/staff/invite/{emailed_token}")).await;
    assert_eq!(cancelled.status, 410, "{}", cancelled.body);
    let mut passkey = SoftPasskey::new(HOST);
    assert_eq!(browser.register(&mut passkey, token).await.status, 200);

    // A colleague; the list shows both, with role, status and passkeys.
    let desk = format!("desk{}@practice.test", unique());
    let args = [
        "staff",
        "invite",
        &desk,
        "--name",
        "Dee Desk",
        "--role",
        "front-desk",
    ];
    stdout(&admin(test, &args).await);
    let listed = stdout(&admin(test, &["staff", "list"]).await);
    let line = |email: &str| {
        listed
            .lines()
            .find(|l| l.contains(email))
            .unwrap_or_else(|| panic!("{email} listed in {listed}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(line(&owner)[1..4], ["admin", "active", "1"]);
    assert_eq!(line(&desk)[1..4], ["front-desk", "invited", "0"]);

    // Bad input is refused, naming what is wrong, and changes nothing.
    let bad_email = admin(
        test,
        &[
            "staff",
            "invite",
            "not-an-address",
            "--name",
            "X",
            "--role",
            "admin",
        ],
    )
    .await;
    assert!(stderr(&bad_email).contains("not an email address"));
    let bad_role = admin(
        test,
        &[
            "staff",
            "invite",
            "x@practice.test",
            "--name",
            "X",
            "--role",
            "boss",
        ],
    )
    .await;
    assert!(stderr(&bad_role).contains("front-desk, clinician or admin"));
    let nobody = admin(test, &["staff", "remove", "nobody@practice.test"]).await;
    assert!(stderr(&nobody).contains("nobody active"));
    let again = stdout(&admin(test, &["staff", "list"]).await);
    // Whole words: a generated address may itself end in "x@practice.test".
    assert!(
        !again
            .split_whitespace()
            .any(|word| word == "x@practice.test"),
        "{again}"
    );

    // The last admin stays; the colleague goes, invite and all.
    let last = admin(test, &["staff", "remove", &owner]).await;
    assert!(stderr(&last).contains("last admin"));
    assert_eq!(
        browser.get("/staff/requests").await.status,
        200,
        "still signed in"
    );
    let desk_email = sent_emails_to(&desk).await;
    let desk_body = desk_email.last().expect("the colleague's invite")["body"]
        .as_str()
        .unwrap()
        .to_owned();
    let desk_token = desk_body
        .split(prefix.as_str())
        .nth(1)
        .and_then(|rest| rest.split(['"', '<', '\n', ' ']).next())
        .expect("the colleague's link")
        .to_owned();
    let removed = stdout(&admin(test, &["staff", "remove", &desk]).await);
    assert!(removed.contains("removed"), "{removed}");
    let listed = stdout(&admin(test, &["staff", "list"]).await);
    let desk_line = listed
        .lines()
        .find(|l| l.contains(&desk))
        .expect("still listed");
    assert!(
        desk_line.split_whitespace().nth(2) == Some("removed"),
        "{desk_line}"
    );
    let gone = console
        .browser()
        .get(&format!("/staff/invite/{desk_token}"))
        .await;
    assert_eq!(gone.status, 404, "a removed person's invite is gone");

    // Each change is in the access log, as the operator's (its AWS identity).
    let since = chrono::Utc::now() - chrono::Duration::minutes(5);
    let entries = console.entries(LogQuery::Since(since)).await;
    let by_operator = |action: Action| {
        entries
            .iter()
            .filter(|e| {
                e.action == action
                    && matches!(&e.who, Actor::Operator(arn) if arn.starts_with("arn:aws:"))
            })
            .count()
    };
    assert_eq!(
        by_operator(Action::Invited),
        3,
        "the owner twice, the colleague once"
    );
    assert_eq!(
        by_operator(Action::StaffRemoved),
        2,
        "the refused removal is logged too"
    );
}
