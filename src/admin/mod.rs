//! Operator tools over the stored requests: list, show, export, resend, erase, purge. The binary
//! `consultation-admin` is a thin command line over these. `resend` hands a request back to the
//! function's retry path instead of sending it itself, so the operator tool needs neither SES nor
//! any secret except to erase.

use crate::access_log::Action;
use crate::app::App;
use crate::domain::{Actor, EmailAddress, FollowUpState, SubmissionId};
use crate::store::{StoreError, StoredRequest, rfc3339};
use crate::webhooks::{EventType, Subject};
use chrono::{DateTime, NaiveDate, Utc};
use std::io::Write;

mod access_log;
pub mod export;
mod operator_log;
pub mod profile;
mod staff;
mod webhooks;

pub use access_log::LogFilter;
pub use export::{COLUMNS, ExportFormat, csv_safe};
pub use operator_log::{OperatorLog, caller_arn};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("could not write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{0}")]
    Usage(String),
    #[error("no request with id {0}")]
    NotFound(String),
    #[error(transparent)]
    Staff(#[from] crate::staff::StaffError),
    #[error(transparent)]
    Webhook(#[from] crate::webhooks::WebhookChange),
}

/// A `--since` value: a date (`2026-11-01`, midnight UTC) or an RFC 3339 time.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|date| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

fn parse_id(text: &str) -> Result<SubmissionId, AdminError> {
    SubmissionId::parse(text)
        .ok_or_else(|| AdminError::Usage(format!("`{text}` is not a request id")))
}

/// Prints "scanned N items" on one line of `progress` as pages arrive.
fn reporter<'a>(progress: &'a mut dyn Write, verb: &'a str) -> impl FnMut(usize) + 'a {
    move |n| {
        let _ = write!(progress, "\r{verb} {n} items");
        let _ = progress.flush();
    }
}

/// Which requests `list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Requests,
    /// Still `new`: nobody has recorded a follow-up yet.
    Open,
    Spam,
}

pub struct Admin<'a> {
    app: &'a App,
    /// The access log the operator's views and changes go to.
    log: Option<OperatorLog>,
}

impl<'a> Admin<'a> {
    pub fn new(app: &'a App) -> Self {
        Self { app, log: None }
    }

    /// Writes what this operator does to the access log.
    pub fn with_log(mut self, log: OperatorLog) -> Self {
        self.log = Some(log);
        self
    }

    /// The requests since a time, with their notification status: the requests staff follow up,
    /// only those still `new` (`Listing::Open`), or those held for review. Found through the
    /// indexes (the days they came in, the open ones, the held ones), then read by key: never a
    /// scan, so the front desk's credentials need none.
    pub async fn list(
        &self,
        since: Option<DateTime<Utc>>,
        listing: Listing,
        out: &mut dyn Write,
        progress: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let store = self.app.store();
        let ids = match listing {
            Listing::Requests => self.received_since(since, true).await?,
            Listing::Open => store.open_follow_ups().await?,
            Listing::Spam => store
                .held_for_review()
                .await?
                .iter()
                .map(|h| h.id)
                .collect(),
        };
        let mut requests = self.read(&ids, progress).await?;
        requests.retain(|stored| {
            let new = stored
                .follow_up
                .is_some_and(|(state, _)| state == FollowUpState::New);
            let wanted = match listing {
                Listing::Requests => !stored.received.held_for_review(),
                Listing::Open => new,
                Listing::Spam => stored.received.held_for_review(),
            };
            wanted && since.is_none_or(|since| stored.received.received_at >= since)
        });
        self.record(Action::Listed, requests.iter().map(|r| r.received.id))
            .await?;
        // Held requests say why they were held: a browser's autofill (honeypot) or no captcha.
        let status_heading = if listing == Listing::Spam {
            "held"
        } else {
            "notify"
        };
        writeln!(
            out,
            "{:<26}  {:<24}  {:<10}  {:<6}  {:<7}  name",
            "id", "received_at", status_heading, "urgent", "contact"
        )?;
        for stored in &requests {
            let r = &stored.received;
            let status = match r.hold {
                Some(reason) if listing == Listing::Spam => reason.as_str(),
                _ => stored.notify_status.as_str(),
            };
            writeln!(
                out,
                "{:<26}  {:<24}  {:<10}  {:<6}  {:<7}  {}",
                r.id.to_string(),
                rfc3339(r.received_at),
                status,
                if r.urgent { "URGENT" } else { "" },
                r.request.preferred_contact.as_str(),
                r.request.name.as_str()
            )?;
        }
        Ok(requests.len())
    }

    /// The ids of the requests received since a time (without one: as far back as requests are
    /// kept), one query of the `received-by-day` index per day; `real_only` leaves out those held
    /// for review.
    async fn received_since(
        &self,
        since: Option<DateTime<Utc>>,
        real_only: bool,
    ) -> Result<Vec<SubmissionId>, AdminError> {
        let now = Utc::now();
        let kept = chrono::Duration::days(i64::from(self.app.config().retention_days.get()));
        let entries = self
            .app
            .store()
            .received_between(since.unwrap_or(now - kept), now)
            .await?;
        Ok(entries
            .iter()
            .filter(|entry| !real_only || entry.hold.is_none())
            .map(|entry| entry.id)
            .collect())
    }

    /// The requests with these ids, read by key; how many on one line of `progress`, and the
    /// items that could not be read.
    async fn read(
        &self,
        ids: &[SubmissionId],
        progress: &mut dyn Write,
    ) -> Result<Vec<StoredRequest>, AdminError> {
        let (requests, unreadable) = self.app.store().requests_by_id(ids).await?;
        reporter(progress, "read")(requests.len() + unreadable.len());
        writeln!(progress)?;
        for error in &unreadable {
            writeln!(progress, "skipped: {error}")?;
        }
        Ok(requests)
    }

    /// The requests since a time (all without one), the scan's progress on one line.
    async fn requests_since(
        &self,
        since: Option<DateTime<Utc>>,
        progress: &mut dyn Write,
    ) -> Result<Vec<StoredRequest>, AdminError> {
        let (requests, unreadable) = self
            .app
            .store()
            .requests_since(since, &mut reporter(progress, "scanned"))
            .await?;
        writeln!(progress)?;
        for error in &unreadable {
            writeln!(progress, "skipped: {error}")?;
        }
        Ok(requests)
    }

    /// Deletes the items (with `expired_at`, only those still expired), the progress on one line.
    async fn delete(
        &self,
        keys: &[String],
        expired_at: Option<DateTime<Utc>>,
        verb: &str,
        progress: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let deleted = self
            .app
            .store()
            .delete(keys, expired_at, &mut reporter(progress, verb))
            .await?;
        writeln!(progress)?;
        Ok(deleted)
    }

    async fn stored(&self, id: &str) -> Result<StoredRequest, AdminError> {
        self.app
            .store()
            .get_request(parse_id(id)?)
            .await?
            .ok_or_else(|| AdminError::NotFound(id.to_owned()))
    }

    /// Hands one request's staff email back to the function's retry path, due now, whatever its
    /// status: the next scheduled run sends it.
    pub async fn resend(&self, id: &str) -> Result<(), AdminError> {
        let id_parsed = parse_id(id)?;
        self.record(Action::Resent, [id_parsed]).await?;
        if self
            .app
            .store()
            .requeue_notification(id_parsed, Utc::now())
            .await?
        {
            Ok(())
        } else {
            Err(AdminError::NotFound(id.to_owned()))
        }
    }

    /// Makes every pending staff email due now, without waiting for its next scheduled attempt;
    /// returns how many.
    pub async fn resend_pending(&self) -> Result<usize, AdminError> {
        let store = self.app.store();
        let now = Utc::now();
        let mut due = 0;
        let pending = store.pending_notifications(usize::MAX).await?;
        self.record(Action::Resent, pending.iter().map(|(id, _)| *id))
            .await?;
        for (id, _) in pending {
            if store.make_due_now(id, now).await? {
                due += 1;
            }
        }
        Ok(due)
    }

    /// The weekly summary's figures for the requests since a time (all without one), read
    /// through the `received-by-day` index.
    pub async fn stats(
        &self,
        since: Option<DateTime<Utc>>,
        out: &mut dyn Write,
        progress: &mut dyn Write,
    ) -> Result<(), AdminError> {
        let ids = self.received_since(since, false).await?;
        let requests = self.read(&ids, progress).await?;
        for line in crate::follow_up::stats::FollowUpStats::of(&requests).lines() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    /// Records a request's follow-up state by hand (as the email's links do); returns the state
    /// it had.
    pub async fn follow_up(
        &self,
        id: &str,
        state: FollowUpState,
    ) -> Result<FollowUpState, AdminError> {
        let (id, now) = (parse_id(id)?, Utc::now());
        let subject = crate::webhooks::Subject::Stored {
            id,
            follow_up: Some(state),
            assignee: None,
        };
        let event = crate::webhooks::EventType::FollowUpChanged;
        let outbox = self.app.webhooks().outbox(event, now, subject).await;
        self.app
            .store()
            .set_follow_up(id, state, now, &Actor::Operator, &outbox)
            .await?
            .ok_or_else(|| AdminError::NotFound(id.to_string()))
    }

    /// Hands every `failed` staff email back to the retry path at once (after fixing SES), with a
    /// fresh round of attempts; returns how many.
    pub async fn resend_failed(&self, progress: &mut dyn Write) -> Result<usize, AdminError> {
        let store = self.app.store();
        let failed = store.failed_notifications().await?;
        self.record(Action::Resent, failed.iter().copied()).await?;
        let now = Utc::now();
        let mut queued = 0;
        for id in failed {
            if store.requeue_notification(id, now).await? {
                queued += 1;
                reporter(progress, "queued")(queued);
            }
        }
        writeln!(progress)?;
        Ok(queued)
    }

    /// Deletes every item about the person with this address: their requests and duplicate
    /// records, found by the keyed fingerprint of the address.
    pub async fn erase(&self, email: &str, progress: &mut dyn Write) -> Result<usize, AdminError> {
        let config = self.app.config();
        if config.client_hash_key.generated {
            return Err(AdminError::Usage(
                "CLIENT_HASH_KEY must be set to the function's key: items are found by a fingerprint made with it".to_owned(),
            ));
        }
        let typed = email.trim();
        if !typed.contains('@') {
            return Err(AdminError::Usage("that is not an email address".to_owned()));
        }
        // As stored (domain lower-cased and in punycode); an address today's rules refuse may
        // have been stored under older ones, and must still be erasable.
        let address =
            EmailAddress::parse(typed).map_or_else(|_| typed.to_owned(), |a| a.as_str().to_owned());
        let mut keys = Vec::new();
        for hash in config.client_hash_key.email_hashes(&address) {
            keys.extend(self.app.store().keys_for_email(&hash).await?);
        }
        let requests = keys
            .iter()
            .filter_map(|k| crate::store::item::request_id_of_key(k));
        self.record(Action::Erased, requests).await?;
        // Each request with its `request.erased`, in one transaction; the rest by key.
        let mut erased = 0;
        let mut rest = Vec::new();
        for key in keys {
            let Some(id) = crate::store::item::request_id_of_key(&key) else {
                rest.push(key);
                continue;
            };
            let (event, subject) = (EventType::Erased, Subject::Erased(id));
            let outbox = self.app.webhooks().outbox(event, Utc::now(), subject).await;
            if self.app.store().erase_request(id, &outbox).await? {
                erased += 1;
                reporter(progress, "erased")(erased);
            }
        }
        Ok(erased + self.delete(&rest, None, "erased", progress).await?)
    }

    /// Deletes every item whose `expires_at` has passed.
    pub async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        progress: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let keys = self
            .app
            .store()
            .expired_keys(now, &mut reporter(progress, "scanned"))
            .await?;
        writeln!(progress)?;
        self.delete(&keys, Some(now), "purged", progress).await
    }
}

#[cfg(test)]
mod tests;
