//! The requests: the open ones first (new, then contacted, then scheduled, each oldest first),
//! or those in one state, 50 a page through the indexes; and a search by the person's address or
//! phone through the keyed fingerprints. Every list is logged with the references it shows
//! before it is shown.

use super::access::{self, Visitor};
use super::pages::{self, Chrome, practice_time, state_label};
use super::request::ConsoleRequest;
use super::templates::{RequestsPage, Row};
use super::{Console, ConsoleError};
use crate::access_log::Action;
use crate::app::App;
use crate::domain::{EmailAddress, FollowUpState, PhoneNumber, SubmissionId, Verification};
use crate::store::{Fingerprint, PageCursor, StoredRequest};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub const PAGE_SIZE: usize = 50;

/// How far back a list of closed requests looks, day by day.
const CLOSED_DAYS: i64 = 90;

pub async fn list(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    let t = console.texts(app);
    let filter = req.param("state").and_then(FollowUpState::parse);
    let cursor = req.param("after").and_then(PageCursor::decode);
    let store = app.store();
    // A clinician's list is their own requests: the open ones they are assigned.
    let mine = (!visitor.member.role.sees_every_request()).then(|| visitor.member.id.to_string());
    let (ids, next) = match (filter, &mine) {
        (Some(state), _) if !state.is_open() => (closed_in(app, state).await?, None),
        (_, Some(me)) => {
            let mut ids = store
                .open_assignments()
                .await?
                .remove(&Some(me.clone()))
                .unwrap_or_default();
            ids.sort_unstable();
            (ids, None)
        }
        (Some(state), None) => {
            store
                .open_requests(&[state], cursor.as_ref(), PAGE_SIZE)
                .await?
        }
        (None, None) => {
            store
                .open_requests(&FollowUpState::OPEN, cursor.as_ref(), PAGE_SIZE)
                .await?
        }
    };
    let mut requests = visible(app, visitor, &ids).await?;
    if let Some(state) = filter.filter(|s| s.is_open()) {
        requests.retain(|r| r.follow_up.is_some_and(|(s, _)| s == state));
    }
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::Listed).about(requests.iter().map(|r| r.received.id)),
    )
    .await?;
    let state_value = filter.map_or("open", FollowUpState::as_str);
    let next = next.map(|cursor| {
        console.link(&format!(
            "/staff/requests?state={state_value}&after={}",
            cursor.encode()
        ))
    });
    let heading = match filter {
        Some(state) => t.with("requests-in-state", &[("state", &state_label(t, state))]),
        None => t.get("requests-open"),
    };
    let names = super::request_page::names_of(console).await?;
    Ok(page(
        app,
        console,
        visitor,
        heading,
        &requests,
        filter,
        next,
        String::new(),
        &names,
    ))
}

/// A person's requests by their address or phone: their keyed fingerprints under the current and
/// the previous key, read from the indexes. The term itself is never logged or kept.
pub async fn search(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    let t = console.texts(app);
    let term = req.field("q").unwrap_or_default().trim().to_owned();
    let key = &app.config().client_hash_key;
    let ids = if let Ok(email) = EmailAddress::parse(&term) {
        let hashes = key.email_hashes(email.as_str());
        app.store()
            .requests_of_person(Fingerprint::Email, &hashes)
            .await?
    } else if let Ok(phone) = PhoneNumber::parse(&term, app.config().phone_default_region) {
        let hashes = key.phone_hashes(phone.as_str());
        app.store()
            .requests_of_person(Fingerprint::Phone, &hashes)
            .await?
    } else {
        Vec::new()
    };
    let requests = visible(app, visitor, &ids).await?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::Searched)
            .about(requests.iter().map(|r| r.received.id))
            .detail(format!("{} found", requests.len())),
    )
    .await?;
    let heading = t.count("search-results", "count", requests.len());
    let names = super::request_page::names_of(console).await?;
    Ok(page(
        app, console, visitor, heading, &requests, None, None, term, &names,
    ))
}

/// The requests of `ids` this visitor may see (a clinician: only those assigned to them).
pub async fn visible(
    app: &App,
    visitor: &Visitor,
    ids: &[SubmissionId],
) -> Result<Vec<StoredRequest>, ConsoleError> {
    let (mut requests, unreadable) = app.store().requests_by_id(ids).await?;
    for error in unreadable {
        tracing::error!(event = "console_unreadable_request", error = %error, "a request could not be read for the console");
    }
    requests.retain(|r| access::may_see(visitor, r));
    // The order the index gave (open ones oldest first), not the id order of the batch read.
    requests.sort_by_key(|r| ids.iter().position(|id| *id == r.received.id));
    Ok(requests)
}

/// Requests in a closed state that came in within the last 90 days, newest first.
async fn closed_in(app: &App, state: FollowUpState) -> Result<Vec<SubmissionId>, ConsoleError> {
    let today = app.now().date_naive();
    let mut ids = Vec::new();
    for days_ago in 0..CLOSED_DAYS {
        let Some(day) = today.checked_sub_days(chrono::Days::new(days_ago as u64)) else {
            break;
        };
        ids.extend(app.store().requests_of_day_in(day, state).await?);
        if ids.len() >= PAGE_SIZE {
            ids.truncate(PAGE_SIZE);
            break;
        }
    }
    Ok(ids)
}

#[allow(clippy::too_many_arguments)]
fn page(
    app: &App,
    console: &Console,
    visitor: &Visitor,
    heading: String,
    requests: &[StoredRequest],
    filter: Option<FollowUpState>,
    next: Option<String>,
    search_value: String,
    names: &std::collections::HashMap<String, String>,
) -> Response<Body> {
    let t = console.texts(app);
    let rows = requests
        .iter()
        .map(|stored| {
            let received = &stored.received;
            Row {
                href: console.link(&format!("/staff/requests/{}", received.id)),
                reference: received.id.to_string(),
                name: received.request.name.as_str().to_owned(),
                received: practice_time(app, received.received_at),
                urgent: received.urgent,
                unverified: received.verification == Verification::Unverified,
                state: stored
                    .follow_up
                    .map_or_else(|| t.get("state-held"), |(state, _)| state_label(t, state)),
                assignee: received.assignee.as_ref().map_or_else(
                    || t.get("unassigned"),
                    |id| names.get(id).cloned().unwrap_or_else(|| id.clone()),
                ),
                reminder: stored
                    .reminder_due_at
                    .map(|at| practice_time(app, at))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut states = vec![("open".to_owned(), t.get("filter-open"), filter.is_none())];
    states.extend(
        [FollowUpState::New]
            .into_iter()
            .chain(FollowUpState::CHOICES)
            .map(|s| (s.as_str().to_owned(), state_label(t, s), filter == Some(s))),
    );
    let mut chrome = Chrome::new(t, &console.config.base_path, heading.clone());
    chrome.nav = Some(visitor.nav());
    let page = RequestsPage {
        chrome,
        heading,
        rows,
        states,
        next,
        search_value,
        csrf: visitor.session.csrf.clone(),
        empty: t.get("requests-none"),
    };
    pages::render(StatusCode::OK, &page)
}
