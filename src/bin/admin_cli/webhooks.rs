//! `consultation-admin webhooks …`: the practice's other systems.

use clap::Subcommand;
use consultation_form::admin::{Admin, AdminError, parse_since};
use std::io::Write;

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Register an endpoint. A standard receiver's signing secret is printed once; a Slack or
    /// Teams URL is kept as a secret and masked in `list`.
    Add {
        /// https, port 443, a public address. Leave it out to type it (a chat's URL is its
        /// secret: this keeps it out of the shell's history and the process list).
        url: Option<String>,
        /// Comma-separated: request.received, request.assigned, request.follow_up_changed,
        /// request.overdue, request.erased (default: all).
        #[arg(long)]
        events: Option<String>,
        /// standard (Standard Webhooks, signed), slack or teams.
        #[arg(long, default_value = "standard")]
        kind: String,
    },
    /// Every endpoint: its kind, state (disabled after 410 Gone), URL and events.
    List,
    /// Remove an endpoint; what is still queued for it is not sent.
    Remove { id: String },
    /// Send a webhook.test to an endpoint now, and wait for its answer.
    Test {
        id: String,
        /// Seconds to wait for the scheduled run to send it (0: do not wait).
        #[arg(long, default_value_t = 90)]
        wait: u64,
    },
    /// Send again every delivery made since a date (to one endpoint, or to all still active).
    Replay {
        #[arg(long, value_parser = parse_since)]
        since: chrono::DateTime<chrono::Utc>,
        #[arg(long)]
        endpoint: Option<String>,
    },
}

pub async fn run(
    admin: &Admin<'_>,
    command: WebhooksCommand,
    secret_prefix: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), AdminError> {
    match command {
        WebhooksCommand::Add { url, events, kind } => {
            let url = match url {
                Some(url) => url,
                None => {
                    write!(stderr, "URL: ")?;
                    stderr.flush()?;
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim().to_owned()
                }
            };
            admin
                .webhooks_add(&url, &kind, events.as_deref(), secret_prefix, stdout)
                .await?
        }
        WebhooksCommand::List => {
            let count = admin.webhooks_list(stdout).await?;
            writeln!(stderr, "{count} endpoint(s)")?;
        }
        WebhooksCommand::Remove { id } => admin.webhooks_remove(&id, stdout).await?,
        WebhooksCommand::Test { id, wait } => {
            let wait = std::time::Duration::from_secs(wait);
            admin.webhooks_test(&id, wait, stdout).await?
        }
        WebhooksCommand::Replay { since, endpoint } => {
            admin
                .webhooks_replay(since, endpoint.as_deref(), stdout)
                .await?;
        }
    }
    Ok(())
}
