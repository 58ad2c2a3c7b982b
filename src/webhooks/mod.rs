//! Webhooks and chat pings for the practice's other systems. A change that has an event (a
//! request received, assigned, followed up, overdue or erased) gets an [`Outbox`]: one delivery
//! per endpoint that wants the event, written in the change's own transaction. Nothing is sent
//! inside a person's request: the scheduled runs send what is due (`send`), signed by the
//! Standard Webhooks specification, through a client that connects only to public addresses
//! (`outbound`). Endpoints are added, tested and replayed by the operator tool (`manage`).

pub mod address;
pub mod endpoint;
pub mod event;
mod manage;
pub mod outbound;
mod send;

pub use endpoint::{Endpoint, EndpointUrl, EventType, Kind, UrlRefused};
pub use event::{About, Event, Facts};
pub use manage::{Added, WebhookChange};
pub use send::{BACKOFF, SendReport};

use crate::domain::{FollowUpState, ReceivedRequest, SubmissionId};
use crate::staff::{Staff, StaffId};
use crate::store::webhooks::{EndpointRecord, delivery_item};
use crate::store::{Outbox, Store, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// What a change is about, for the facts its event carries.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A request in hand, as it now stands.
    Request(&'a ReceivedRequest, Option<FollowUpState>),
    /// A stored request, with the change about to be written: its new follow-up state, or its
    /// new assignee (`Some(None)`: nobody, the front desk).
    Stored {
        id: SubmissionId,
        follow_up: Option<FollowUpState>,
        assignee: Option<Option<&'a str>>,
    },
    /// An erased request.
    Erased(SubmissionId),
}

/// The webhooks of one instance, built once per cold start.
pub struct Webhooks {
    store: Store,
    staff: Option<Staff>,
    /// The console's base URL, for each request's link; none without a console.
    console_base: Option<String>,
    secrets: aws_sdk_secretsmanager::Client,
    /// The test variable: `http://127.0.0.1` allowed.
    allow_local_http: bool,
    outbound: OnceLock<outbound::Outbound>,
    /// Endpoint secrets read this cold start, by ARN.
    read_secrets: Mutex<HashMap<String, String>>,
}

impl Webhooks {
    pub fn new(
        store: Store,
        staff: Option<Staff>,
        console_base: Option<String>,
        secrets: aws_sdk_secretsmanager::Client,
        allow_local_http: bool,
    ) -> Self {
        Self {
            store,
            staff,
            console_base,
            secrets,
            allow_local_http,
            outbound: OnceLock::new(),
            read_secrets: Mutex::new(HashMap::new()),
        }
    }

    pub fn allow_local_http(&self) -> bool {
        self.allow_local_http
    }

    /// The endpoints, as the function reads them.
    pub async fn endpoints(&self, consistent: bool) -> Result<(Vec<Endpoint>, i64), StoreError> {
        let stored = self.store.webhook_endpoints(consistent).await?;
        let endpoints = stored.endpoints.iter().filter_map(endpoint_of).collect();
        Ok((endpoints, stored.version))
    }

    /// The deliveries `kind` owes, to write with the change. Never fails the change: when the
    /// endpoints or the facts cannot be read, the change goes ahead without them and the line
    /// `webhook_outbox_failed` (which an alarm watches) says so; `webhooks replay` cannot bring
    /// back what was never stored, so the alarm matters.
    pub async fn outbox(&self, kind: EventType, at: DateTime<Utc>, subject: Subject<'_>) -> Outbox {
        // Boxed: it is awaited inside the console's and the pipeline's own (large) futures.
        match Box::pin(self.try_outbox(kind, at, subject)).await {
            Ok(outbox) => outbox,
            Err(error) => {
                tracing::error!(event = "webhook_outbox_failed", event_type = kind.as_str(), error = %error, "a change's webhook deliveries could not be made; the change went ahead without them");
                Outbox::default()
            }
        }
    }

    async fn try_outbox(
        &self,
        kind: EventType,
        at: DateTime<Utc>,
        subject: Subject<'_>,
    ) -> Result<Outbox, StoreError> {
        let (endpoints, _) = self.endpoints(false).await?;
        let wanting: Vec<&Endpoint> = endpoints.iter().filter(|e| e.wants(kind)).collect();
        if wanting.is_empty() {
            return Ok(Outbox::default());
        }
        let about = match self.about(subject).await? {
            Some(about) => about,
            None => return Ok(Outbox::default()),
        };
        let event = Event::new(kind, at, about);
        Ok(self.deliveries(&event, &wanting, at))
    }

    /// One delivery of `event` per endpoint, due at once.
    pub fn deliveries(&self, event: &Event, to: &[&Endpoint], due: DateTime<Utc>) -> Outbox {
        let body = event.body(self.console_base.as_deref());
        let kind = event.kind.as_str();
        Outbox::new(
            to.iter()
                .map(|endpoint| delivery_item(&event.id, &endpoint.id, kind, &body, event.at, due))
                .collect(),
        )
    }

    /// The facts of a change's event; `None` when the request is gone.
    async fn about(&self, subject: Subject<'_>) -> Result<Option<About>, StoreError> {
        let (id, follow_up, assignee, answers) = match subject {
            Subject::Erased(id) => return Ok(Some(About::Erased(id))),
            Subject::Request(received, follow_up) => (
                received.id,
                follow_up,
                received.assignee.clone(),
                received.answers.clone(),
            ),
            Subject::Stored {
                id,
                follow_up,
                assignee,
            } => {
                let Some(stored) = self.store.get_request(id).await? else {
                    return Ok(None);
                };
                let assignee = match assignee {
                    Some(new) => new.map(str::to_owned),
                    None => stored.received.assignee.clone(),
                };
                let follow_up = follow_up.or(stored.follow_up.map(|(state, _)| state));
                (id, follow_up, assignee, stored.received.answers)
            }
        };
        let name = match assignee {
            Some(staff) => self.staff_name(&staff).await,
            None => None,
        };
        Ok(Some(About::Request(Facts::new(
            id, follow_up, name, &answers,
        ))))
    }

    /// A staff member's name; their id when it cannot be read (an event is not lost for it).
    async fn staff_name(&self, staff: &str) -> Option<String> {
        let (Some(directory), Some(id)) = (&self.staff, StaffId::parse(staff)) else {
            return Some(staff.to_owned());
        };
        match directory.member(id).await {
            Ok(Some(member)) => Some(member.name),
            _ => Some(staff.to_owned()),
        }
    }
}

/// An endpoint as stored, read into its types (one that no longer reads is left out).
fn endpoint_of(record: &EndpointRecord) -> Option<Endpoint> {
    Some(Endpoint {
        id: record.id.clone(),
        kind: Kind::parse(&record.kind)?,
        shown_url: record.shown_url.clone(),
        secret_arn: record.secret_arn.clone(),
        events: record
            .events
            .iter()
            .filter_map(|e| EventType::parse(e))
            .collect(),
        disabled: record.disabled.clone(),
    })
}
