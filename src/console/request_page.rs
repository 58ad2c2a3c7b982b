//! One request: every field, SES's word on the staff email, the follow-up history and its
//! buttons (the same record and reminder rule as the email's links), the notes, *Viewed by* (its
//! access log), and for admins export and erase (`records.rs`).

use super::access::may_see;
use super::access::{self, Visitor};
use super::pages::{self, Chrome};
use super::pages::{practice_time, state_label};
use super::request::ConsoleRequest;
use super::templates::{Fact, RequestPage};
use super::{Console, ConsoleError};
use crate::access_log::{Action, Actor, LogQuery};
use crate::app::App;
use crate::domain::{
    Change, FollowUpState, Note, NoteProblem, NoteText, SubmissionId, Verification,
};
use crate::follow_up::{FollowUpError, RecordError, record_state};
use crate::store::{RequestDetail, StoredRequest};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// The request's page; `problems` for a note that was refused (shown with the error summary).
pub async fn show(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
    problems: Vec<(NoteProblem, String)>,
) -> Result<Response<Body>, ConsoleError> {
    let detail = app
        .store()
        .request_detail(id)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    if !may_see(visitor, &detail.stored) {
        // Ids only: who asked for which request that is not theirs.
        tracing::warn!(event = "console_not_theirs", member = %visitor.member.id, submission_id = %id, "a request assigned to someone else was asked for");
        return Err(ConsoleError::NotFound);
    }
    access::log_about(app, console, req, visitor, Action::Viewed, id).await?;
    let viewed = console
        .log
        .read(&LogQuery::Request(id), app.now(), 50)
        .await?;
    // One read of the staff: the names in the history, notes and *Viewed by*, and the choices
    // of the assignment.
    let members = console.staff.members().await?;
    let names: std::collections::HashMap<String, String> = members
        .iter()
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect();
    let t = console.texts(app);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut chrome = Chrome::new(
        t,
        &console.config.base_path,
        t.with("request-title", &[("reference", &id.to_string())]),
    );
    chrome.nav = Some(visitor.nav());
    chrome.problems = problems
        .iter()
        .map(|(_, message)| ("#note".to_owned(), message.clone()))
        .collect();
    let who = |by: &crate::domain::Actor| match by {
        crate::domain::Actor::Staff(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
        crate::domain::Actor::EmailLink => t.get("by-email-link"),
        crate::domain::Actor::Reply => t.get("by-reply"),
        crate::domain::Actor::Operator => t.get("by-operator"),
        crate::domain::Actor::Routing => t.get("by-routing"),
    };
    let RequestDetail {
        stored,
        delivery,
        history,
        notes,
    } = detail;
    let state = stored.follow_up.map(|(s, _)| s);
    let page = RequestPage {
        chrome,
        facts: facts(app, console, &stored, delivery.as_ref()),
        urgent: stored.received.urgent,
        unverified: stored.received.verification == Verification::Unverified,
        state: state.map_or_else(|| t.get("state-held"), |s| state_label(t, s)),
        buttons: state
            .map(|current| {
                FollowUpState::CHOICES
                    .into_iter()
                    .filter(|s| *s != current)
                    .map(|s| (s.as_str().to_owned(), state_label(t, s)))
                    .collect()
            })
            .unwrap_or_default(),
        history: history
            .iter()
            .map(|h| {
                let change = match &h.change {
                    Change::State(state) => state_label(t, *state),
                    Change::Assigned(Some(staff)) => {
                        let name = names.get(staff).cloned().unwrap_or_else(|| staff.clone());
                        t.with("history-assigned", &[("name", &name)])
                    }
                    Change::Assigned(None) => t.get("history-unassigned"),
                };
                vec![practice_time(app, h.at), who(&h.by), change]
            })
            .collect(),
        notes: notes
            .iter()
            .map(|n| {
                vec![
                    practice_time(app, n.at),
                    who(&n.by),
                    n.text.as_str().to_owned(),
                ]
            })
            .collect(),
        note_value: req
            .field("note")
            .filter(|_| !problems.is_empty())
            .unwrap_or_default()
            .to_owned(),
        note_error: problems.first().map(|(_, m)| m.clone()),
        assignment: super::assignment::assignment_of(visitor, &stored, &members),
        viewed_by: viewed
            .iter()
            .map(|e| {
                let name = match &e.who {
                    Actor::Staff(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
                    Actor::Operator(arn) => format!("operator {arn}"),
                };
                vec![
                    practice_time(app, e.at),
                    name,
                    t.get(&format!("action-{}", e.action.as_str())),
                ]
            })
            .collect(),
        admin: visitor.is_admin(),
        action: console.link(&format!("/staff/requests/{id}")),
        csrf: visitor.session.csrf.clone(),
    };
    Ok(pages::render(status, &page))
}

/// Staff ids to names, for the history, notes and *Viewed by*.
pub async fn names_of(
    console: &Console,
) -> Result<std::collections::HashMap<String, String>, ConsoleError> {
    Ok(console
        .staff
        .members()
        .await?
        .into_iter()
        .map(|m| (m.id.to_string(), m.name))
        .collect())
}

fn facts(
    app: &App,
    console: &Console,
    stored: &StoredRequest,
    delivery: Option<&(String, Option<chrono::DateTime<chrono::Utc>>)>,
) -> Vec<Fact> {
    let t = console.texts(app);
    let received = &stored.received;
    let request = &received.request;
    let fact = |key: &str, value: String, href: Option<String>| Fact {
        label: t.get(key),
        value,
        href,
    };
    let mut facts = vec![
        fact("field-reference", received.id.to_string(), None),
        fact(
            "field-received",
            practice_time(app, received.received_at),
            None,
        ),
        fact("field-name", request.name.as_str().to_owned(), None),
        fact(
            "field-email",
            request.email.as_str().to_owned(),
            Some(crate::delivery::mailto(request.email.as_str())),
        ),
    ];
    if let Some(phone) = &request.phone {
        facts.push(fact(
            "field-phone",
            phone.as_str().to_owned(),
            Some(format!("tel:{}", phone.as_str())),
        ));
    }
    facts.push(fact(
        "field-preferred-contact",
        t.get(&format!("contact-{}", request.preferred_contact.as_str())),
        None,
    ));
    if let Some(best) = &request.best_time {
        facts.push(fact("field-best-time", best.as_str().to_owned(), None));
    }
    if let Some(format) = request.session_format {
        facts.push(fact(
            "field-session-format",
            t.get(&format!("format-{}", format.as_str())),
            None,
        ));
    }
    // The practice's own questions, in the words they had when answered.
    facts.extend(received.answers.iter().map(|answer| Fact {
        label: answer.label.clone(),
        value: answer.shown.clone(),
        href: None,
    }));
    if let Some(message) = &request.message {
        facts.push(fact("field-message", message.as_str().to_owned(), None));
    }
    facts.push(fact(
        "field-language",
        t.get(&format!("language-{}", received.language.tag())),
        None,
    ));
    facts.push(fact(
        "field-verification",
        t.get(match received.verification {
            Verification::NotRequired => "verification-not-required",
            Verification::Passed => "verification-passed",
            Verification::Unverified => "verification-unverified",
        }),
        None,
    ));
    if let Some(reason) = received.hold {
        facts.push(fact(
            "field-held",
            t.get(&format!("held-{}", reason.as_str())),
            None,
        ));
    }
    let mut email = t.get(&format!("notify-{}", stored.notify_status.as_str()));
    if let Some((status, at)) = delivery {
        let when = at.map(|at| practice_time(app, at)).unwrap_or_default();
        email = format!("{email} · {} {when}", t.get(&format!("delivery-{status}")));
    }
    facts.push(fact("field-staff-email", email, None));
    facts.push(fact(
        "field-consent",
        received.consent_version.clone(),
        None,
    ));
    facts
}

pub async fn follow_up(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    let state = req
        .field("state")
        .and_then(FollowUpState::parse)
        .filter(|s| FollowUpState::CHOICES.contains(s))
        .ok_or(ConsoleError::Forbidden)?;
    visible_or_erased(app, visitor, id).await?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::FollowUpChanged)
            .about([id])
            .detail(state.as_str()),
    )
    .await?;
    let by = crate::domain::Actor::Staff(visitor.member.id.to_string());
    match record_state(app.store(), app.webhooks(), id, state, app.now(), &by).await {
        Ok(()) => Ok(pages::see_other(
            &console.link(&format!("/staff/requests/{id}")),
        )),
        Err(RecordError::Refused(FollowUpError::UnknownRequest)) => Err(ConsoleError::Erased),
        Err(RecordError::Refused(_)) => Err(ConsoleError::Forbidden),
        Err(RecordError::Store(e)) => Err(e.into()),
    }
}

pub async fn note(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    visible_or_erased(app, visitor, id).await?;
    let t = console.texts(app);
    let text = match NoteText::parse(req.field("note").unwrap_or_default()) {
        Ok(text) => text,
        Err(problem) => {
            let key = match problem {
                NoteProblem::Empty => "note-empty",
                NoteProblem::TooLong => "note-too-long",
                NoteProblem::ControlCharacters => "note-control",
            };
            return show(app, console, req, visitor, id, vec![(problem, t.get(key))]).await;
        }
    };
    access::log_about(app, console, req, visitor, Action::NoteAdded, id).await?;
    let note = Note {
        at: app.now(),
        by: crate::domain::Actor::Staff(visitor.member.id.to_string()),
        text,
    };
    if !app.store().add_note(id, &note).await? {
        return Err(ConsoleError::Erased);
    }
    Ok(pages::see_other(
        &console.link(&format!("/staff/requests/{id}#notes-heading")),
    ))
}

async fn visible_or_erased(
    app: &App,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<(), ConsoleError> {
    let stored = app
        .store()
        .get_request(id)
        .await?
        .ok_or(ConsoleError::Erased)?;
    if may_see(visitor, &stored) {
        Ok(())
    } else {
        Err(ConsoleError::NotFound)
    }
}
