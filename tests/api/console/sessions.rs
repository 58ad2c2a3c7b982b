//! Sessions: server-side, ended by sign-out, the idle and absolute limits and removal; a missing,
//! forged or ended one shows the sign-in page (GET) or is refused (POST); every POST needs the
//! console's origin and the session's anti-forgery token.

use super::{Console, csrf_of, is_sign_in};
use consultation_form::console::SESSION_COOKIE;
use consultation_form::staff::Role;

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let console = Console::spawn().await;
    let (mut browser, _, _) = console
        .signed_in("out@practice.test", Role::FrontDesk)
        .await;
    let page = browser.get("/staff/requests").await;
    let csrf = csrf_of(&page.body);
    let stolen = browser.cookie(SESSION_COOKIE).unwrap();
    let out = browser.post_form("/staff/sign-out", &[], Some(&csrf)).await;
    assert_eq!(out.status, 303);
    assert!(
        browser.cookie(SESSION_COOKIE).is_none(),
        "the cookie is cleared"
    );
    // The old cookie, kept by someone: the session is gone on the server.
    let mut thief = console.browser();
    thief.set_cookie(SESSION_COOKIE, &stolen);
    assert!(is_sign_in(&thief.get("/staff/requests").await));
    assert_eq!(
        thief
            .post_form("/staff/sign-out", &[], Some(&csrf))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn a_forged_or_missing_session_shows_the_sign_in_page_and_posts_are_refused() {
    let console = Console::spawn().await;
    let mut browser = console.browser();
    assert!(is_sign_in(&browser.get("/staff").await));
    browser.set_cookie(
        SESSION_COOKIE,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    );
    assert!(is_sign_in(&browser.get("/staff/requests").await));
    browser.set_cookie(SESSION_COOKIE, "not-even-the-right-shape");
    assert!(is_sign_in(&browser.get("/staff/account").await));
    assert_eq!(
        browser
            .post_form("/staff/sign-out", &[], Some("x"))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn every_post_needs_the_consoles_origin_and_the_sessions_token() {
    let console = Console::spawn().await;
    let (mut browser, _, _) = console
        .signed_in("csrf@practice.test", Role::FrontDesk)
        .await;
    let csrf = csrf_of(&browser.get("/staff/requests").await.body);
    // No token, a wrong one, another origin, no origin: refused.
    assert_eq!(
        browser.post_form("/staff/sign-out", &[], None).await.status,
        403
    );
    assert_eq!(
        browser
            .post_form(
                "/staff/sign-out",
                &[],
                Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            )
            .await
            .status,
        403
    );
    browser.origin = "https://evil.example".to_owned();
    assert_eq!(
        browser
            .post_form("/staff/sign-out", &[], Some(&csrf))
            .await
            .status,
        403
    );
    browser.origin = "null".to_owned();
    assert_eq!(
        browser
            .post_form("/staff/sign-out", &[], Some(&csrf))
            .await
            .status,
        403,
        "null without Sec-Fetch-Site"
    );
    browser.origin = String::new();
    assert_eq!(
        browser
            .post_form("/staff/sign-out", &[], Some(&csrf))
            .await
            .status,
        403
    );
    // Still signed in after all that.
    browser.origin = super::ORIGIN.to_owned();
    assert_eq!(browser.get("/staff/requests").await.status, 200);
    assert_eq!(
        browser
            .post_form("/staff/sign-out", &[], Some(&csrf))
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn a_session_ends_after_the_idle_limit_and_the_absolute_limit() {
    let console = Console::spawn().await;
    let (mut browser, mut passkey, _) = console
        .signed_in("idle@practice.test", Role::FrontDesk)
        .await;
    console.test.clock.advance(chrono::Duration::minutes(14));
    assert_eq!(
        browser.get("/staff/requests").await.status,
        200,
        "14 minutes idle: still in"
    );
    console.test.clock.advance(chrono::Duration::minutes(16));
    assert!(
        is_sign_in(&browser.get("/staff/requests").await),
        "16 minutes idle: out"
    );

    // Active every ten minutes, but twelve hours after signing in it ends all the same.
    assert_eq!(browser.sign_in(&mut passkey).await.status, 200);
    for _ in 0..71 {
        console.test.clock.advance(chrono::Duration::minutes(10));
        assert_eq!(browser.get("/staff/requests").await.status, 200);
    }
    console.test.clock.advance(chrono::Duration::minutes(11));
    assert!(
        is_sign_in(&browser.get("/staff/requests").await),
        "past 12 hours: out"
    );
}

#[tokio::test]
async fn removing_someone_ends_their_sessions_passkeys_and_invites_at_once() {
    let console = Console::spawn().await;
    let (mut browser, mut passkey, member) = console
        .signed_in("gone@practice.test", Role::FrontDesk)
        .await;
    let (_admin, _) = console.invite("boss@practice.test", Role::Admin).await;
    console
        .staff()
        .remove_member(member.id, console.test.app.now())
        .await
        .unwrap();
    assert!(is_sign_in(&browser.get("/staff/requests").await));
    let mut again = console.browser();
    assert_eq!(again.sign_in(&mut passkey).await.status, 403);
    assert!(
        console
            .staff()
            .passkeys_of(member.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        console
            .staff()
            .sessions_of(member.id)
            .await
            .unwrap()
            .is_empty()
    );
}
