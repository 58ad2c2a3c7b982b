//! The cold start's head start: with `WARM_CONNECTIONS`, opens at init the DynamoDB and SES
//! connections the person's first request would otherwise wait for (DNS, TCP and TLS handshakes).
//! A failure only means the first request opens them itself.
//!
//! Nothing else is done ahead: the first request's own CPU work (reading, validating, rendering)
//! is a few milliseconds since the phone metadata is decoded per region, and doing it at init
//! would only move it, not remove it.

use super::App;
use std::time::Duration;

/// The most init may spend warming connections.
pub const WARM_UP_LIMIT: Duration = Duration::from_secs(2);

impl App {
    /// Opens the DynamoDB and SES connections, together, for at most [`WARM_UP_LIMIT`].
    pub async fn warm_up(&self) {
        if !self.config().warm_connections {
            return;
        }
        let both = futures_util::future::join(
            self.store().warm_up(),
            self.delivery()
                .notifier()
                .warm_up(self.config().ses_identity.as_deref()),
        );
        match tokio::time::timeout(WARM_UP_LIMIT, both).await {
            Ok((Ok(()), Ok(()))) => tracing::debug!("connections warmed"),
            Ok((store, notifier)) => tracing::info!(
                store = store.err().map(|e| e.to_string()).as_deref(),
                notifier = notifier.err().map(|e| e.to_string()).as_deref(),
                "a connection could not be warmed at init"
            ),
            Err(_) => tracing::info!("warming the connections took too long; continuing"),
        }
    }
}
