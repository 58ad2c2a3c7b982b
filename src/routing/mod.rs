//! Routing among clinicians: each request stored (a held one when released or sent at once) is
//! given to one clinician, or kept for the front desk, by `decide.rs`; reassigned in the console;
//! a removed clinician's open requests go back to nobody.
//!
//! Exactly one assignee per request: the assignment is conditional on the request having none
//! (or the one a change expects). Balance among equals when several arrive at once: each
//! assignment to someone moves the routing state under its version, so concurrent ones are put
//! in an order; one that finds the state moved reads the counts again and decides again.

mod decide;

pub use decide::{Clinician, Decision, decide};

use crate::domain::{Actor, KeptAnswer, SubmissionId};
use crate::questions::{QuestionSet, compiled};
use crate::staff::{Member, Role, Staff, StaffError};
use crate::store::{Assigned, Store, StoreError};
use crate::webhooks::{EventType, Subject, Webhooks};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

/// How many times an assignment is decided again after colliding with another: enough for a
/// dozen arriving in the same instant, each collision costing one of them a short wait.
const ATTEMPTS: u32 = 12;

#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("assignments kept colliding after {ATTEMPTS} attempts")]
    Busy,
}

/// Routing, over the staff table (the clinicians) and the requests' table.
#[derive(Clone)]
pub struct Routing {
    staff: Staff,
    store: Store,
    questions: &'static QuestionSet,
    /// Each assignment's `request.assigned`, written with it.
    webhooks: Arc<Webhooks>,
}

impl Routing {
    pub fn new(staff: Staff, store: Store, webhooks: Arc<Webhooks>) -> Self {
        Self {
            staff,
            store,
            questions: compiled(),
            webhooks,
        }
    }

    /// The `request.assigned` an assignment of `id` to `to` (or to nobody) owes the webhooks.
    async fn announce(
        &self,
        id: SubmissionId,
        to: Option<&str>,
        now: DateTime<Utc>,
    ) -> crate::store::Outbox {
        let subject = Subject::Stored {
            id,
            follow_up: None,
            assignee: Some(to),
        };
        self.webhooks
            .outbox(EventType::Assigned, now, subject)
            .await
    }

    pub fn staff(&self) -> &Staff {
        &self.staff
    }

    /// The active clinicians.
    pub async fn clinicians(&self) -> Result<Vec<Member>, RoutingError> {
        Ok(self
            .staff
            .members()
            .await?
            .into_iter()
            .filter(|m| m.active() && m.role == Role::Clinician)
            .collect())
    }

    /// Assigns a request nobody has yet. `None` when the practice has no clinicians, or the
    /// request was assigned (or erased) meanwhile.
    pub async fn route(
        &self,
        id: SubmissionId,
        answers: &[KeptAnswer],
        now: DateTime<Utc>,
    ) -> Result<Option<Decision>, RoutingError> {
        let members = self.clinicians().await?;
        if members.is_empty() {
            return Ok(None);
        }
        // Read once: what a colliding assignment changed is in the routing state, read again
        // on every attempt (its last minutes' assignments cover what the index does not show).
        let open = self.store.open_assignments().await?;
        for attempt in 0..ATTEMPTS {
            let state = self.store.routing_state().await?;
            let clinicians: Vec<Clinician<'_>> = members
                .iter()
                .map(|member| {
                    let staff = member.id.to_string();
                    let mut ids: HashSet<SubmissionId> = open
                        .get(&Some(staff.clone()))
                        .into_iter()
                        .flatten()
                        .copied()
                        .collect();
                    ids.extend(state.recent_for(&staff));
                    ids.remove(&id);
                    Clinician {
                        open: ids.len(),
                        last_assigned: state.last_assigned.get(&staff).copied(),
                        id: staff,
                        profile: &member.profile,
                    }
                })
                .collect();
            let Some(decision) = decide(answers, self.questions, &clinicians) else {
                return Ok(None);
            };
            // Routed to nobody, the request stays with the front desk, as `request.received`
            // said: no event.
            let outbox = match decision.assignee.as_deref() {
                Some(to) => self.announce(id, Some(to), now).await,
                None => crate::store::Outbox::default(),
            };
            let outcome = self
                .store
                .assign(
                    id,
                    None,
                    decision.assignee.as_deref(),
                    Some(&decision.reason),
                    &state,
                    &Actor::Routing,
                    now,
                    &outbox,
                )
                .await?;
            match outcome {
                Assigned::Done => return Ok(Some(decision)),
                Assigned::Refused => return Ok(None),
                Assigned::Conflict => {
                    tracing::info!(event = "routing_retried", submission_id = %id, attempt, "another assignment came first; deciding again");
                    tokio::time::sleep(backoff(attempt)).await;
                }
            }
        }
        Err(RoutingError::Busy)
    }

    /// Gives a request to another staff member, or back to nobody; `false` when it is gone or
    /// its assignee is no longer `from` (someone else changed it first).
    pub async fn reassign(
        &self,
        id: SubmissionId,
        from: Option<&str>,
        to: Option<&str>,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<bool, RoutingError> {
        for attempt in 0..ATTEMPTS {
            let state = self.store.routing_state().await?;
            let outbox = self.announce(id, to, now).await;
            match self
                .store
                .assign(id, from, to, None, &state, by, now, &outbox)
                .await?
            {
                Assigned::Done => return Ok(true),
                Assigned::Refused => return Ok(false),
                Assigned::Conflict => tokio::time::sleep(backoff(attempt)).await,
            }
        }
        Err(RoutingError::Busy)
    }

    /// A removed clinician's open requests go back to nobody, for the front desk.
    pub async fn unassign_all(
        &self,
        staff: &str,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<usize, RoutingError> {
        let open = self.store.open_assignments().await?;
        let state = self.store.routing_state().await?;
        // The index may not show the last minutes' assignments yet: the routing state does.
        let mut theirs: Vec<SubmissionId> = open
            .get(&Some(staff.to_owned()))
            .into_iter()
            .flatten()
            .copied()
            .chain(state.recent_for(staff))
            .collect();
        theirs.sort_unstable();
        theirs.dedup();
        let mut moved = 0;
        for id in theirs {
            if self.reassign(id, Some(staff), None, by, now).await? {
                moved += 1;
            }
        }
        Ok(moved)
    }
}

/// 10 ms doubling up to 160 ms, with up to as much again at random so that colliding runs drift
/// apart.
fn backoff(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(4);
    let mut byte = [0u8; 1];
    let jitter = getrandom::fill(&mut byte).map_or(0, |()| u64::from(byte[0]) * base / 255);
    Duration::from_millis(base + jitter)
}
