//! The console's pages: the requests (open first), the search, one request with its follow-up
//! buttons and notes, held for review, and what every page sends and refuses.

use super::{Console, csrf_of};
use crate::helpers::{full_submission, s, unique};
use consultation_form::access_log::{Action, LogQuery};
use consultation_form::domain::SubmissionId;
use consultation_form::staff::Role;
use serde_json::json;

pub(super) async fn post(console: &Console, name: &str, email: &str, phone: &str) -> SubmissionId {
    let mut body = full_submission();
    body["name"] = json!(name);
    body["email"] = json!(email);
    body["phone"] = json!(phone);
    body["message"] = json!(format!("private words of {name}"));
    let answer = console.test.post_json(&body).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    SubmissionId::parse(answer.json()["id"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn open_requests_come_first_each_line_says_enough_and_the_list_is_logged_with_what_it_showed()
{
    let console = Console::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let waiting = post(
        &console,
        "Waiting Person",
        &format!("w{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let called = post(
        &console,
        "Called Person",
        &format!("c{}@example.com", unique()),
        "4155552672",
    )
    .await;
    let done = post(
        &console,
        "Done Person",
        &format!("d{}@example.com", unique()),
        "4155552673",
    )
    .await;
    let (mut browser, _, member) = console
        .signed_in("list@practice.test", Role::FrontDesk)
        .await;
    let page = browser.get("/staff/requests").await;
    let csrf = csrf_of(&page.body);
    for (id, state) in [(called, "contacted"), (done, "closed")] {
        let recorded = browser
            .post_form(
                &format!("/staff/requests/{id}/follow-up"),
                &[("state", state)],
                Some(&csrf),
            )
            .await;
        assert_eq!(recorded.status, 303, "{}", recorded.body);
    }
    console.test.clock.advance(chrono::Duration::seconds(1));
    let page = browser.get("/staff/requests").await;
    assert_eq!(page.status, 200);
    let at = |name: &str| {
        page.body
            .find(name)
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    assert!(
        at("Waiting Person") < at("Called Person"),
        "new before contacted"
    );
    assert!(
        !page.body.contains("Done Person"),
        "a closed request is not open"
    );
    assert!(page.body.contains(&waiting.to_string()));
    let closed = browser.get("/staff/requests?state=closed").await;
    assert!(closed.body.contains("Done Person") && !closed.body.contains("Waiting Person"));

    let since = console.test.app.now() - chrono::Duration::minutes(1);
    let entries = console
        .entries(LogQuery::Who {
            who: member.id.to_string(),
            since,
        })
        .await;
    let listed = entries
        .iter()
        .find(|e| {
            // The closed filter's listing came at the same instant; this is the open page's.
            e.action == Action::Listed
                && e.at >= since + chrono::Duration::seconds(1)
                && e.refs.contains(&waiting)
        })
        .expect("the open list's view is logged");
    let mut shown = listed.refs.clone();
    shown.sort();
    let mut expected = vec![waiting, called];
    expected.sort();
    assert_eq!(shown, expected, "exactly the references the page showed");
    // A request's own view of the log includes the list views that showed it.
    let about_waiting = console.entries(LogQuery::Request(waiting)).await;
    assert!(about_waiting.iter().any(|e| e.action == Action::Listed));
}

#[tokio::test]
async fn a_search_by_address_or_phone_finds_a_persons_requests_and_never_logs_the_term() {
    let console = Console::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let email = format!("Search.Me{}@Example.com", unique());
    let id = post(&console, "Searched Person", &email, "(415) 555-2671").await;
    let _other = post(
        &console,
        "Someone Else",
        &format!("else{}@example.com", unique()),
        "4155550000",
    )
    .await;
    let (mut browser, _, _) = console
        .signed_in("search@practice.test", Role::FrontDesk)
        .await;
    let csrf = csrf_of(&browser.get("/staff/requests").await.body);
    for term in [
        email.to_lowercase(),
        "415-555-2671".to_owned(),
        "+1 415 555 2671".to_owned(),
    ] {
        let found = browser
            .post_form("/staff/search", &[("q", term.as_str())], Some(&csrf))
            .await;
        assert_eq!(found.status, 200, "{term}");
        assert!(
            found.body.contains(&id.to_string()),
            "{term}: {}",
            found.body
        );
        assert!(!found.body.contains("Someone Else"), "{term}");
    }
    let nobody = browser
        .post_form("/staff/search", &[("q", "nobody@example.com")], Some(&csrf))
        .await;
    assert!(!nobody.body.contains(&id.to_string()));
    let searches: Vec<_> = console
        .entries(LogQuery::Since(
            console.test.app.now() - chrono::Duration::minutes(5),
        ))
        .await
        .into_iter()
        .filter(|e| e.action == Action::Searched)
        .collect();
    assert_eq!(searches.len(), 4);
    let everything = format!("{searches:?}").to_lowercase();
    assert!(
        !everything.contains("search.me")
            && ["555-2671", "555 2671", "5552671"]
                .iter()
                .all(|phone| !everything.contains(phone)),
        "{everything}"
    );
}

#[tokio::test]
async fn one_request_shows_every_field_and_its_buttons_record_as_the_emails_links_do() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Field Person",
        &format!("f{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (mut browser, _, member) = console
        .signed_in("fields@practice.test", Role::FrontDesk)
        .await;
    let page = browser.get(&format!("/staff/requests/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "Field Person",
        "private words of Field Person",
        "mailto:f",
        "tel:+14155552671",
        "Weekday evenings",
    ] {
        assert!(page.body.contains(shown), "{shown}");
    }
    let csrf = csrf_of(&page.body);
    let recorded = browser
        .post_form(
            &format!("/staff/requests/{id}/follow-up"),
            &[("state", "scheduled")],
            Some(&csrf),
        )
        .await;
    assert_eq!(recorded.status, 303);
    let item = console.test.item(&id.to_string()).await;
    assert_eq!(s(&item, "follow_up"), "scheduled");
    assert_eq!(s(&item, "follow_up_open"), "scheduled");
    assert!(
        !item.contains_key("reminder_queue"),
        "the reminder rule: contact ends reminders"
    );
    let page = browser.get(&format!("/staff/requests/{id}")).await;
    assert!(
        page.body.contains(&member.name) && page.body.contains("Consultation scheduled"),
        "the history says who"
    );
    let refused = browser
        .post_form(
            &format!("/staff/requests/{id}/follow-up"),
            &[("state", "new")],
            Some(&csrf),
        )
        .await;
    assert_eq!(refused.status, 403, "back to new is no button");
}

#[tokio::test]
async fn a_note_over_500_characters_or_with_control_characters_is_refused_and_nothing_is_stored() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Note Person",
        &format!("n{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (mut browser, _, _) = console
        .signed_in("notes@practice.test", Role::FrontDesk)
        .await;
    let csrf = csrf_of(&browser.get(&format!("/staff/requests/{id}")).await.body);
    let long = "x".repeat(501);
    for (note, says) in [
        (long.as_str(), "500 characters"),
        ("left a\u{7}voicemail", "one line"),
        ("two\nlines", "one line"),
        ("   ", "Write the note"),
    ] {
        let refused = browser
            .post_form(
                &format!("/staff/requests/{id}/notes"),
                &[("note", note)],
                Some(&csrf),
            )
            .await;
        assert_eq!(refused.status, 422, "{note:?}");
        assert!(
            refused.body.contains("There is a problem") && refused.body.contains(says),
            "{note:?}: {}",
            refused.body
        );
        assert!(
            !console
                .test
                .item(&id.to_string())
                .await
                .contains_key("notes"),
            "nothing stored"
        );
    }
    let added = browser
        .post_form(
            &format!("/staff/requests/{id}/notes"),
            &[("note", "left a voicemail")],
            Some(&csrf),
        )
        .await;
    assert_eq!(added.status, 303);
    let page = browser.get(&format!("/staff/requests/{id}")).await;
    assert!(page.body.contains("left a voicemail"));
}

#[tokio::test]
async fn a_request_erased_while_its_page_was_open_says_so_at_the_next_action() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Gone Person",
        &format!("g{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (mut browser, _, _) = console
        .signed_in("erased@practice.test", Role::FrontDesk)
        .await;
    let csrf = csrf_of(&browser.get(&format!("/staff/requests/{id}")).await.body);
    assert!(
        console
            .test
            .app
            .store()
            .erase_request(id, &consultation_form::store::Outbox::default())
            .await
            .unwrap()
    );
    for (path, field) in [
        ("notes", ("note", "called")),
        ("follow-up", ("state", "contacted")),
    ] {
        let answer = browser
            .post_form(
                &format!("/staff/requests/{id}/{path}"),
                &[field],
                Some(&csrf),
            )
            .await;
        assert_eq!(answer.status, 410, "{path}: {}", answer.body);
        assert!(answer.body.contains("erased"), "{path}");
    }
    assert_eq!(
        browser.get(&format!("/staff/requests/{id}")).await.status,
        404
    );
}

#[tokio::test]
async fn a_clinician_sees_no_request_that_is_not_assigned_to_them_and_no_admin_page() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Not Theirs",
        &format!("t{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (mut browser, _, _) = console
        .signed_in("clinician@practice.test", Role::Clinician)
        .await;
    let list = browser.get("/staff/requests").await;
    assert!(!list.body.contains("Not Theirs"));
    assert_eq!(
        browser.get(&format!("/staff/requests/{id}")).await.status,
        404
    );
    for admin_page in ["/staff/staff", "/staff/access-log", "/staff/held"] {
        assert_eq!(browser.get(admin_page).await.status, 404, "{admin_page}");
    }
}

#[tokio::test]
async fn every_console_page_is_never_cached_never_framed_and_keeps_its_referrer() {
    let console = Console::spawn().await;
    let id = post(
        &console,
        "Header Person",
        &format!("h{}@example.com", unique()),
        "4155552671",
    )
    .await;
    let (mut browser, _, _) = console
        .signed_in("headers@practice.test", Role::Admin)
        .await;
    let mut anonymous = console.browser();
    let pages = vec![
        browser.get("/staff/requests").await,
        browser.get(&format!("/staff/requests/{id}")).await,
        browser.get("/staff/held").await,
        browser.get("/staff/account").await,
        browser.get("/staff/staff").await,
        browser.get("/staff/access-log").await,
        anonymous.get("/staff").await,
    ];
    for page in &pages {
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.header("cache-control"), Some("no-store"));
        assert_eq!(page.header("referrer-policy"), Some("same-origin"));
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(
            page.header("strict-transport-security")
                .unwrap()
                .contains("max-age=")
        );
    }
}
