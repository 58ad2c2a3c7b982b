//! `consultation-admin webhooks …`: the practice's endpoints, added (the secret shown once),
//! listed (a chat's URL masked), removed, tested and replayed.

use super::{Admin, AdminError};
use crate::webhooks::{EventType, Kind};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::time::Duration;

impl Admin<'_> {
    /// Adds an endpoint and prints its id and, for a standard receiver, its secret (once).
    pub async fn webhooks_add(
        &self,
        url: &str,
        kind: &str,
        events: Option<&str>,
        secret_prefix: &str,
        out: &mut dyn Write,
    ) -> Result<(), AdminError> {
        let kind = Kind::parse(kind)
            .ok_or_else(|| AdminError::Usage("--kind is standard, slack or teams".to_owned()))?;
        let events = match events {
            None => EventType::SUBSCRIBABLE.to_vec(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .map(|name| {
                    EventType::parse(name)
                        .filter(|e| *e != EventType::Test)
                        .ok_or_else(|| {
                            AdminError::Usage(format!(
                                "`{name}` is not an event: {}",
                                event_names(&EventType::SUBSCRIBABLE)
                            ))
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        let added = self
            .app
            .webhooks()
            .add(url, kind, events, secret_prefix, Utc::now())
            .await?;
        let endpoint = &added.endpoint;
        writeln!(out, "added {} ({})", endpoint.id, endpoint.kind.as_str())?;
        writeln!(out, "url: {}", endpoint.shown_url)?;
        writeln!(out, "events: {}", event_names(&endpoint.events))?;
        if let Some(secret) = &added.secret {
            writeln!(out, "secret: {}", secret.expose())?;
            writeln!(
                out,
                "Give the receiver this secret now: it is never shown again (it is kept in \
                 Secrets Manager, {}).",
                endpoint.secret_arn
            )?;
        }
        Ok(())
    }

    /// Every endpoint, one line each; how many.
    pub async fn webhooks_list(&self, out: &mut dyn Write) -> Result<usize, AdminError> {
        let (endpoints, _) = self.app.webhooks().endpoints(true).await?;
        writeln!(
            out,
            "{:<32}  {:<8}  {:<9}  url  events",
            "id", "kind", "state"
        )?;
        for endpoint in &endpoints {
            let state = match &endpoint.disabled {
                Some(_) => "disabled",
                None => "active",
            };
            writeln!(
                out,
                "{:<32}  {:<8}  {:<9}  {}  {}{}",
                endpoint.id,
                endpoint.kind.as_str(),
                state,
                endpoint.shown_url,
                event_names(&endpoint.events),
                endpoint
                    .disabled
                    .as_deref()
                    .map(|why| format!("  ({why})"))
                    .unwrap_or_default(),
            )?;
        }
        Ok(endpoints.len())
    }

    pub async fn webhooks_remove(&self, id: &str, out: &mut dyn Write) -> Result<(), AdminError> {
        let removed = self.app.webhooks().remove(id).await?;
        writeln!(
            out,
            "removed {}; its secret is deleted in 7 days",
            removed.id
        )?;
        Ok(())
    }

    /// Queues a test event to one endpoint and waits up to `wait` for the scheduled run (every
    /// minute) to send it.
    pub async fn webhooks_test(
        &self,
        id: &str,
        wait: Duration,
        out: &mut dyn Write,
    ) -> Result<(), AdminError> {
        let key = self.app.webhooks().test(id, Utc::now()).await?;
        writeln!(
            out,
            "queued a webhook.test to {id}: the scheduled run sends it within a minute"
        )?;
        let until = std::time::Instant::now() + wait;
        while std::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_secs(2).min(wait)).await;
            let Some(delivery) = self.app.store().delivery(&key).await? else {
                continue;
            };
            if let Some(result) = delivery.last_result.filter(|_| delivery.attempts > 0) {
                writeln!(
                    out,
                    "{}: {result} (attempt {})",
                    delivery.status, delivery.attempts
                )?;
                return Ok(());
            }
        }
        if !wait.is_zero() {
            writeln!(out, "not sent yet: is the scheduled run running?")?;
        }
        Ok(())
    }

    /// Queues again what was sent since `since`; how many.
    pub async fn webhooks_replay(
        &self,
        since: DateTime<Utc>,
        only: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let queued = self.app.webhooks().replay(since, only, Utc::now()).await?;
        writeln!(
            out,
            "queued {queued} delivery(ies) again: the scheduled run sends them within a minute"
        )?;
        Ok(queued)
    }
}

fn event_names(events: &[EventType]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
