//! Invites, registration and sign-in with a passkey, and every way they must refuse.

use super::{Console, HOST, ORIGIN, is_sign_in};
use crate::helpers::{PasskeyAnswer, SoftPasskey};
use consultation_form::access_log::{Action, LogQuery};
use consultation_form::console::{CEREMONY_COOKIE, SESSION_COOKIE};
use consultation_form::staff::Role;
use serde_json::Value;

#[tokio::test]
async fn an_invite_registers_a_discoverable_passkey_and_signs_the_person_in() {
    let console = Console::spawn().await;
    let (member, token) = console.invite("desk@practice.test", Role::FrontDesk).await;
    let mut browser = console.browser();
    // Opening the link (as a mail scanner would) uses nothing up.
    for _ in 0..2 {
        let page = browser.get(&format!("/staff/invite/{token}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("data-passkey=\"create\""),
            "{}",
            page.body
        );
    }
    let options = browser
        .post_json(
            &format!("/staff/invite/{token}/options"),
            &Value::Null,
            None,
        )
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options = options.json();
    let selection = &options["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(selection["userVerification"], "required");
    assert_eq!(options["publicKey"]["rp"]["id"], HOST);
    let mut passkey = SoftPasskey::new(HOST);
    let answer = passkey.register(&options, ORIGIN, PasskeyAnswer::default());
    let registered = browser
        .post_json(&format!("/staff/invite/{token}/register"), &answer, None)
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(registered.json()["redirect"], "/staff/requests");
    let cookie = registered
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(SESSION_COOKIE))
        .expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let requests = browser.get("/staff/requests").await;
    assert_eq!(requests.status, 200, "{}", requests.body);
    assert!(
        requests.body.contains(&member.name),
        "the header names who is signed in"
    );
    // The invite is used up; the passkey is theirs.
    let again = browser.get(&format!("/staff/invite/{token}")).await;
    assert_eq!(again.status, 410, "{}", again.body);
    let passkeys = console.staff().passkeys_of(member.id).await.unwrap();
    assert_eq!(passkeys.len(), 1);
    assert_eq!(passkeys[0].rp_id, HOST);
    let entries = console
        .entries(LogQuery::Who {
            who: member.id.to_string(),
            since: console.test.app.now() - chrono::Duration::hours(1),
        })
        .await;
    // One instant on the test's clock: the entries, in any order.
    let mut actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["listed", "passkey_added", "signed_in"]);
}

#[tokio::test]
async fn a_new_invite_cancels_the_older_one_and_an_expired_one_says_what_to_do() {
    let console = Console::spawn().await;
    let (_, first) = console.invite("late@practice.test", Role::Clinician).await;
    let (_, second) = console.invite("late@practice.test", Role::Clinician).await;
    let mut browser = console.browser();
    let old = browser.get(&format!("/staff/invite/{first}")).await;
    assert_eq!(old.status, 410);
    assert!(old.body.contains("newer invite"), "{}", old.body);
    console.test.clock.advance(chrono::Duration::hours(25));
    let expired = browser.get(&format!("/staff/invite/{second}")).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("24 hours"), "{}", expired.body);
    let unknown = browser
        .get("/staff/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn signing_in_takes_a_registered_passkey_with_user_verification_from_the_consoles_origin() {
    let console = Console::spawn().await;
    let (mut first, mut passkey, member) = console
        .signed_in("sign@practice.test", Role::FrontDesk)
        .await;
    drop(first.get("/staff/requests").await);
    // A second browser profile, the same passkey: signs in.
    let mut laptop = console.browser();
    let signed = laptop.sign_in(&mut passkey).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert!(laptop.cookie(SESSION_COOKIE).is_some());
    assert_ne!(
        laptop.cookie(SESSION_COOKIE),
        first.cookie(SESSION_COOKIE),
        "a new session id"
    );

    // Every way a sign-in must be refused: each leaves no session and is logged as failed.
    let mut stranger = SoftPasskey::new(HOST);
    stranger.user_handle = passkey.user_handle.clone();
    let refusals: Vec<(&str, PasskeyAnswer<'_>, bool)> = vec![
        (
            "another origin",
            PasskeyAnswer {
                origin: Some("https://evil.example"),
                ..PasskeyAnswer::default()
            },
            false,
        ),
        (
            "no user verification",
            PasskeyAnswer {
                without_verification: true,
                ..PasskeyAnswer::default()
            },
            false,
        ),
        (
            "a forged signature",
            PasskeyAnswer {
                bad_signature: true,
                ..PasskeyAnswer::default()
            },
            false,
        ),
        (
            "a passkey nobody registered",
            PasskeyAnswer::default(),
            true,
        ),
    ];
    for (why, answer, unregistered) in refusals {
        let mut browser = console.browser();
        let key = if unregistered {
            &mut stranger
        } else {
            &mut passkey
        };
        let refused = browser.sign_in_with(key, answer).await;
        assert_eq!(refused.status, 403, "{why}: {}", refused.body);
        assert!(
            refused.json()["redirect"]
                .as_str()
                .unwrap()
                .contains("failed=1"),
            "{why}"
        );
        assert!(
            browser.cookie(SESSION_COOKIE).is_none(),
            "{why}: no session"
        );
        let page = browser.get("/staff/requests").await;
        assert!(is_sign_in(&page), "{why}: {}", page.body);
    }
    let entries = console
        .entries(LogQuery::Since(
            console.test.app.now() - chrono::Duration::hours(1),
        ))
        .await;
    let failed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == Action::SignInFailed)
        .collect();
    assert_eq!(failed.len(), 4);
    // A user handle alone names nobody: the unregistered passkey's failure is nobody's.
    let named = failed
        .iter()
        .filter(|e| e.who == consultation_form::access_log::Actor::Staff(member.id.to_string()))
        .count();
    assert_eq!(
        named, 3,
        "only the answers made with the member's own passkey name them"
    );
    assert!(
        console
            .staff()
            .member(member.id)
            .await
            .unwrap()
            .unwrap()
            .active()
    );
}

#[tokio::test]
async fn a_ceremony_is_used_once_within_five_minutes_and_only_from_the_consoles_origin() {
    let console = Console::spawn().await;
    let (_, mut passkey, _) = console
        .signed_in("once@practice.test", Role::FrontDesk)
        .await;

    // Replayed: the same ceremony's cookie and answer a second time.
    let mut browser = console.browser();
    let options = browser
        .post_json("/staff/sign-in/options", &Value::Null, None)
        .await
        .json();
    let ceremony = browser
        .cookie(CEREMONY_COOKIE)
        .expect("the ceremony's cookie");
    let answer = passkey.assert(&options, ORIGIN, PasskeyAnswer::default());
    assert_eq!(
        browser
            .post_json("/staff/sign-in", &answer, None)
            .await
            .status,
        200
    );
    let mut replay = console.browser();
    replay.set_cookie(CEREMONY_COOKIE, &ceremony);
    assert_eq!(
        replay
            .post_json("/staff/sign-in", &answer, None)
            .await
            .status,
        403
    );

    // Older than five minutes.
    let mut slow = console.browser();
    let options = slow
        .post_json("/staff/sign-in/options", &Value::Null, None)
        .await
        .json();
    console.test.clock.advance(chrono::Duration::minutes(6));
    let late = passkey.assert(&options, ORIGIN, PasskeyAnswer::default());
    assert_eq!(
        slow.post_json("/staff/sign-in", &late, None).await.status,
        403
    );

    // Asked for from another origin, or with no Origin at all.
    let mut elsewhere = console.browser();
    elsewhere.origin = "https://evil.example".to_owned();
    assert_eq!(
        elsewhere
            .post_json("/staff/sign-in/options", &Value::Null, None)
            .await
            .status,
        403
    );
    let mut unsigned = console.browser();
    unsigned.origin = String::new();
    assert_eq!(
        unsigned
            .post_json("/staff/sign-in/options", &Value::Null, None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn challenges_and_failed_sign_ins_are_limited_per_address() {
    let console = Console::spawn().await;
    let mut browser = console.browser();
    for n in 0..10 {
        let options = browser
            .post_json("/staff/sign-in/options", &Value::Null, None)
            .await;
        assert_eq!(options.status, 200, "challenge {n}");
    }
    let limited = browser
        .post_json("/staff/sign-in/options", &Value::Null, None)
        .await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    let retry: u32 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
}
