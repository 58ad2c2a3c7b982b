//! The admins' pages: the staff (invite, change a role, remove: each after a recent passkey
//! check; the last admin stays) and the access log, filtered by request, person or date.

use super::access::{self, Visitor};
use super::pages::practice_time;
use super::pages::{self, Chrome};
use super::request::ConsoleRequest;
use super::request_page::names_of;
use super::templates::{AccessLogPage, MemberRow, StaffPage};
use super::{Console, ConsoleError};
use crate::access_log::{Action, Actor, LogQuery};
use crate::app::App;
use crate::domain::{EmailAddress, SubmissionId};
use crate::staff::inviting::{self, Mailer};
use crate::staff::{NewMember, Role, StaffError, StaffId, staff_name};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

fn admin_only(visitor: &Visitor) -> Result<(), ConsoleError> {
    if visitor.is_admin() {
        Ok(())
    } else {
        Err(ConsoleError::NotFound)
    }
}

fn stepped_up(app: &App, console: &Console, visitor: &Visitor) -> Result<(), ConsoleError> {
    if visitor.stepped_up(app.now()) {
        Ok(())
    } else {
        Err(ConsoleError::StepUp(console.link("/staff/staff")))
    }
}

pub async fn staff(
    app: &App,
    console: &Console,
    _req: &ConsoleRequest,
    visitor: &Visitor,
    problems: Vec<(String, String)>,
) -> Result<Response<Body>, ConsoleError> {
    admin_only(visitor)?;
    let t = console.texts(app);
    let members = console.staff.members().await?;
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("staff-title"));
    chrome.nav = Some(visitor.nav());
    let status = chrome.with_problems(problems);
    let role_label = |role: Role| t.get(&format!("role-{}", role.as_str()));
    let page = StaffPage {
        chrome,
        members: members
            .iter()
            .map(|m| MemberRow {
                id: m.id.to_string(),
                name: m.name.clone(),
                email: m.email.as_str().to_owned(),
                role: m.role.as_str().to_owned(),
                status: if !m.active() {
                    t.get("status-removed")
                } else if m.invite.is_some() {
                    t.get("status-invited")
                } else {
                    t.get("status-active")
                },
                active: m.active(),
                profile: (m.active() && m.role == Role::Clinician).then(|| {
                    (
                        crate::admin::profile::describe(&m.profile),
                        console.link(&format!("/staff/staff/{}/profile", m.id)),
                    )
                }),
            })
            .collect(),
        roles: Role::ALL
            .into_iter()
            .map(|r| (r.as_str().to_owned(), role_label(r)))
            .collect(),
        form: (String::new(), String::new()),
        csrf: visitor.session.csrf.clone(),
    };
    Ok(pages::render(status, &page))
}

pub async fn invite(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    admin_only(visitor)?;
    stepped_up(app, console, visitor)?;
    let t = console.texts(app);
    let email = EmailAddress::parse(req.field("email").unwrap_or_default().trim());
    let name = staff_name(req.field("name").unwrap_or_default());
    let role = req.field("role").and_then(Role::parse);
    let mut problems = Vec::new();
    if email.is_err() {
        problems.push(("#invite-email".to_owned(), t.get("invite-email-invalid")));
    }
    if name.is_none() {
        problems.push(("#invite-name".to_owned(), t.get("invite-name-invalid")));
    }
    let (Ok(email), Some(name), Some(role)) = (email, name, role) else {
        if problems.is_empty() {
            problems.push(("#invite-role".to_owned(), t.get("invite-role-invalid")));
        }
        return staff(app, console, req, visitor, problems).await;
    };
    let new = NewMember { email, name, role };
    let mailer = Mailer {
        notifier: app.delivery().notifier(),
        texts: &console.texts,
        language: app.config().default_language,
        console: &console.config,
    };
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::Invited).detail(role.as_str()),
    )
    .await?;
    match inviting::invite(
        &console.staff,
        &mailer,
        &new,
        &visitor.member.name,
        app.now(),
    )
    .await
    {
        Ok(_) => Ok(pages::see_other(&console.link("/staff/staff"))),
        Err(StaffError::EmailTaken(_)) => {
            staff(
                app,
                console,
                req,
                visitor,
                vec![("#invite-email".to_owned(), t.get("invite-email-taken"))],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: StaffId,
) -> Result<Response<Body>, ConsoleError> {
    admin_only(visitor)?;
    stepped_up(app, console, visitor)?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::StaffRemoved).detail(id.to_string()),
    )
    .await?;
    let outcome = console.staff.remove_member(id, app.now()).await;
    // A removed clinician's open requests go back to the front desk.
    if outcome.is_ok()
        && let Some(routing) = app.routing()
    {
        routing
            .unassign_all(
                &id.to_string(),
                &crate::domain::Actor::Staff(visitor.member.id.to_string()),
                app.now(),
            )
            .await?;
    }
    after_change(app, console, req, visitor, outcome).await
}

pub async fn role(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: StaffId,
) -> Result<Response<Body>, ConsoleError> {
    admin_only(visitor)?;
    stepped_up(app, console, visitor)?;
    let role = req
        .field("role")
        .and_then(Role::parse)
        .ok_or(ConsoleError::Forbidden)?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::RoleChanged).detail(format!("{id} {}", role.as_str())),
    )
    .await?;
    let outcome = console.staff.change_role(id, role).await;
    after_change(app, console, req, visitor, outcome).await
}

/// Back to the staff page after a change to someone's account, or the page again saying why
/// the last admin stays.
async fn after_change(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    outcome: Result<(), StaffError>,
) -> Result<Response<Body>, ConsoleError> {
    match outcome {
        Ok(()) => Ok(pages::see_other(&console.link("/staff/staff"))),
        Err(StaffError::LastAdmin) => {
            let t = console.texts(app);
            let problems = vec![("#invite".to_owned(), t.get("last-admin"))];
            staff(app, console, req, visitor, problems).await
        }
        Err(StaffError::NoSuchMember(_)) => Err(ConsoleError::NotFound),
        Err(e) => Err(e.into()),
    }
}

pub async fn access_log(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    admin_only(visitor)?;
    let now = app.now();
    let since = req
        .param("since")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Utc.from_utc_datetime(&d))
        .unwrap_or(now - Duration::days(7))
        // Nothing older is kept, and each day back is a query.
        .max(
            now - Duration::days(
                app.config()
                    .access_log
                    .as_ref()
                    .map_or(0, |l| i64::from(l.days)),
            ),
        );
    let query = match (
        req.param("request").and_then(SubmissionId::parse),
        req.param("staff"),
    ) {
        (Some(id), _) => LogQuery::Request(id),
        (None, Some(who)) => LogQuery::Who {
            who: who.to_owned(),
            since,
        },
        (None, None) => LogQuery::Since(since),
    };
    let entries = console.log.read(&query, now, 200).await?;
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::AccessLogRead),
    )
    .await?;
    let names = names_of(console).await?;
    let t = console.texts(app);
    let mut chrome = Chrome::new(t, &console.config.base_path, t.get("access-log-title"));
    chrome.nav = Some(visitor.nav());
    let selected = req.param("staff").unwrap_or_default();
    let page = AccessLogPage {
        chrome,
        lines: entries
            .iter()
            .map(|e| {
                let who = match &e.who {
                    Actor::Staff(id) => names.get(id).cloned().unwrap_or_else(|| id.clone()),
                    Actor::Operator(arn) => format!("operator {arn}"),
                };
                let what = match &e.detail {
                    Some(detail) => format!(
                        "{} ({detail})",
                        t.get(&format!("action-{}", e.action.as_str()))
                    ),
                    None => t.get(&format!("action-{}", e.action.as_str())),
                };
                let refs = e
                    .refs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ");
                let client = e
                    .client
                    .as_deref()
                    .map(|c| c.chars().take(12).collect())
                    .unwrap_or_default();
                vec![
                    practice_time(app, e.at),
                    who,
                    what,
                    refs,
                    e.browser.clone().unwrap_or_default(),
                    client,
                ]
            })
            .collect(),
        request: req.param("request").unwrap_or_default().to_owned(),
        staff: names
            .iter()
            .map(|(id, name)| (id.clone(), name.clone(), id == selected))
            .collect(),
        since: since.date_naive().format("%Y-%m-%d").to_string(),
    };
    Ok(pages::render(StatusCode::OK, &page))
}
