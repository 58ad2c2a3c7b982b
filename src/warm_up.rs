//! The cold start's head start: with `WARM_CONNECTIONS`, does at init what the person's first
//! request would otherwise wait for. A failure only means the first request does that work itself.

use crate::app::App;
use crate::domain::SubmissionId;
use crate::intake::{Intake, read_submission};
use crate::notify::render_notification;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// The most init may spend warming connections.
pub const WARM_UP_LIMIT: Duration = Duration::from_secs(2);

/// A built-in request that passes every rule, run through the pure path at init.
const SAMPLE: &str = r#"{"name":"Sample Person","email":"sample@example.com",
    "phone":"+1 415 555 2671","preferred_contact":"phone","best_time":"Mornings",
    "session_format":"telehealth","message":"A sample message.","consent":true}"#;

impl App {
    /// Opens the DynamoDB and SES connections (at most [`WARM_UP_LIMIT`]) and, while those
    /// handshakes wait on the network, runs the pure path once, which loads the phone-number
    /// metadata.
    pub async fn warm_up(&self) {
        if !self.config().warm_connections {
            return;
        }
        let (store, notifier) = (self.store().clone(), self.delivery().notifier().clone());
        let connections = tokio::spawn(async move {
            let both = futures_util::future::join(store.warm_up(), notifier.warm_up());
            tokio::time::timeout(WARM_UP_LIMIT, both).await
        });
        // A panic here would otherwise end the cold start; in a request it would be a 500.
        if std::panic::catch_unwind(AssertUnwindSafe(|| self.prime_pure_path())).is_err() {
            tracing::warn!("the pure path panicked on the built-in sample at init");
        }
        match connections.await {
            Ok(Ok((Ok(()), Ok(())))) => tracing::debug!("connections warmed"),
            Ok(Ok((store, notifier))) => tracing::info!(
                store = store.err().map(|e| e.to_string()).as_deref(),
                notifier = notifier.err().map(|e| e.to_string()).as_deref(),
                "a connection could not be warmed at init"
            ),
            Ok(Err(_)) => tracing::info!("warming the connections took too long; continuing"),
            Err(error) => tracing::warn!(error = %error, "the connection warm-up task failed"),
        }
    }

    /// Reads, validates and renders the staff email for the built-in sample, with this
    /// configuration; nothing is stored or sent.
    fn prime_pure_path(&self) {
        let intake = Intake {
            undecodable_body: false,
            content_type: Some("application/json"),
            idempotency_header: None,
            body: SAMPLE.as_bytes(),
        };
        let now = self.now();
        let rendered = read_submission(intake, self.rules()).map(|parsed| {
            let received = self.receive(SubmissionId::new(now), now, parsed.request);
            render_notification(&received, &self.config().into())
        });
        if !matches!(rendered, Ok(Ok(_))) {
            tracing::debug!("the sample request did not go through the pure path");
        }
    }
}
