//! A request stored (or released) is given to a clinician by routing, when the practice has the
//! staff console and clinicians in it; a failure leaves it with the front desk, never lost.

use super::{App, Notice};
use crate::deadline::Deadline;
use crate::domain::ReceivedRequest;
use crate::routing::Routing;

/// The most a person's answer waits for routing (a burst of requests at once takes turns): the
/// staff email and the acknowledgement still need their time after it.
const ROUTING_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

impl App {
    /// Routing among the console's clinicians; `None` without the console.
    pub fn routing(&self) -> Option<&Routing> {
        self.routing.as_ref()
    }

    /// Assigns a just-stored request, within the time the person's answer leaves in. What
    /// cannot be decided in time, or at all, stays unassigned for the front desk.
    pub(crate) async fn route(
        &self,
        mut received: ReceivedRequest,
        deadline: Deadline,
    ) -> (ReceivedRequest, Option<Notice>) {
        let Some(routing) = &self.routing else {
            return (received, None);
        };
        let route = routing.route(received.id, &received.answers, self.now());
        let decided = deadline
            .within(tokio::time::timeout(ROUTING_BUDGET, route))
            .await
            .and_then(Result::ok);
        match decided {
            Some(Ok(Some(decision))) => {
                received.assignee = decision.assignee;
                let notice = decision.out_of_area.map(|_| Notice::OutOfArea);
                (received, notice)
            }
            Some(Ok(None)) => (received, None),
            Some(Err(error)) => {
                tracing::warn!(event = "routing_failed", submission_id = %received.id, error = %error, "request left for the front desk");
                (received, None)
            }
            None => {
                tracing::warn!(event = "routing_failed", submission_id = %received.id, error = "out of time before the answer", "request left for the front desk");
                // The assignment may have landed just as time ran out: its email goes to whoever
                // the request now has.
                if let Some(Ok(Some(stored))) =
                    deadline.within(self.store.get_request(received.id)).await
                {
                    received.assignee = stored.received.assignee;
                }
                (received, None)
            }
        }
    }
}
