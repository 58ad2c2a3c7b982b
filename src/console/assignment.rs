//! Who a request is assigned to, changed in the console: the front desk or an admin gives it to
//! any clinician or back to nobody; a clinician can hand their own back. Each change is in the
//! access log (written first) and the follow-up history.

use super::access::{self, Visitor, may_see};
use super::pages;
use super::request::ConsoleRequest;
use super::templates::Assignment;
use super::{Console, ConsoleError};
use crate::access_log::Action;
use crate::app::App;
use crate::domain::{Actor, SubmissionId};
use crate::routing::RoutingError;
use crate::staff::{Role, StaffId};
use crate::store::StoreError;
use crate::store::StoredRequest;
use lambda_http::{Body, Response};

pub async fn assign(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: SubmissionId,
) -> Result<Response<Body>, ConsoleError> {
    let routing = app.routing().ok_or(ConsoleError::NotFound)?;
    let stored = app
        .store()
        .get_request(id)
        .await?
        .ok_or(ConsoleError::Erased)?;
    if !may_see(visitor, &stored) {
        return Err(ConsoleError::NotFound);
    }
    let current = stored.received.assignee.clone();
    let me = visitor.member.id.to_string();
    let to = match req.field("to").unwrap_or_default() {
        "" | "nobody" => None,
        other => Some(other.to_owned()),
    };
    let handing_back = to.is_none() && current.as_deref() == Some(me.as_str());
    if !visitor.member.role.sees_every_request() && !handing_back {
        return Err(ConsoleError::Forbidden);
    }
    // Stored as the member's own id, written one way: a ULID parses in several spellings.
    let to = match to {
        None => None,
        Some(given) => {
            let clinician = match StaffId::parse(&given) {
                Some(staff) => console.staff.member(staff).await?,
                None => None,
            };
            match clinician.filter(|m| m.active() && m.role == Role::Clinician) {
                Some(member) => Some(member.id.to_string()),
                None => return Err(ConsoleError::NotFound),
            }
        }
    };
    let back = console.link(&format!("/staff/requests/{id}#assignment"));
    if to == current {
        return Ok(pages::see_other(&back));
    }
    access::log_about(app, console, req, visitor, Action::AssignmentChanged, id).await?;
    let by = Actor::Staff(me);
    let changed = routing
        .reassign(id, current.as_deref(), to.as_deref(), &by, app.now())
        .await?;
    if !changed {
        tracing::info!(event = "assignment_changed_meanwhile", submission_id = %id, "someone else changed the assignment first");
    }
    // A clinician who handed a request back no longer sees it: back to their list.
    if handing_back && !visitor.member.role.sees_every_request() {
        return Ok(pages::see_other(&console.link("/staff/requests")));
    }
    Ok(pages::see_other(&back))
}

/// Who the request is assigned to, why, and the choices this visitor has to change it.
pub fn assignment_of(
    visitor: &Visitor,
    stored: &StoredRequest,
    members: &[crate::staff::Member],
) -> Assignment {
    let current = stored.received.assignee.as_deref();
    let mut choices = Vec::new();
    if visitor.member.role.sees_every_request() {
        choices.push(("nobody".to_owned(), String::new(), current.is_none()));
        for member in members {
            if member.active() && member.role == crate::staff::Role::Clinician {
                let id = member.id.to_string();
                let chosen = current == Some(id.as_str());
                choices.push((id, member.name.clone(), chosen));
            }
        }
    }
    let name_of = |id: &str| {
        members
            .iter()
            .find(|m| m.id.to_string() == id)
            .map(|m| m.name.clone())
    };
    Assignment {
        assignee: current.map(|id| name_of(id).unwrap_or_else(|| id.to_owned())),
        reason: stored.routing_reason.clone(),
        choices,
        hand_back: current == Some(visitor.member.id.to_string().as_str())
            && !visitor.member.role.sees_every_request(),
    }
}

impl From<RoutingError> for ConsoleError {
    fn from(error: RoutingError) -> Self {
        match error {
            RoutingError::Staff(e) => Self::Staff(e),
            RoutingError::Store(e) => Self::Store(e),
            // Colliding for so long is DynamoDB being unavailable in all but name.
            RoutingError::Busy => Self::Store(StoreError::OutOfTime),
        }
    }
}
