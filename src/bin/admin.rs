//! `consultation-admin`: operator tools for the stored consultation requests.

use clap::{Parser, Subcommand, ValueEnum};
use consultation_form::admin::{Admin, AdminError, ExportFormat, Listing, parse_since};
use consultation_form::app::App;
use consultation_form::aws::load_sdk_config;
use consultation_form::config::{Config, vars};
use consultation_form::domain::FollowUpState;
use consultation_form::secrets;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::process::ExitCode;

/// Operator tools for consultation requests: list, show, export, resend, erase, purge.
///
/// Reads the same configuration variables as the function (TABLE_NAME, NOTIFY_FROM, NOTIFY_TO,
/// ALLOWED_ORIGINS, CLIENT_HASH_KEY, PRACTICE_TIMEZONE, ...) and AWS credentials and region from the
/// environment. What it prints is personal health data: keep it off shared screens and logs.
#[derive(Parser)]
#[command(name = "consultation-admin", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List requests received since a date, with their notification status.
    List {
        /// A date (2026-11-01, from midnight UTC) or an RFC 3339 time; all requests when left out.
        #[arg(long, value_parser = parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// List the requests held as spam (their hidden honeypot field was filled) instead: a
        /// real person whose browser or password manager filled it is among them.
        #[arg(long, conflicts_with = "open")]
        spam: bool,
        /// List only the requests still waiting for a first contact (follow-up `new`).
        #[arg(long)]
        open: bool,
    },
    /// The weekly summary's figures: received, contacted, still open, time to first contact.
    Stats {
        /// A date or RFC 3339 time; all requests when left out.
        #[arg(long, value_parser = parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Record a request's follow-up state, as the email's links do.
    FollowUp {
        /// The request id.
        id: String,
        /// contacted, scheduled, declined, referred or closed.
        #[arg(value_parser = parse_state)]
        state: FollowUpState,
    },
    /// Show every stored field of one request.
    Show {
        /// The request id (a ULID, as in the staff email's "Reference").
        id: String,
    },
    /// Export every stored field of the requests since a date, as CSV or JSON.
    Export {
        /// A date or RFC 3339 time; all requests when left out.
        #[arg(long, value_parser = parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Send a request's staff email again: hands it back to the function's retry path, due now.
    Resend {
        /// The request id.
        #[arg(required_unless_present_any = ["pending", "failed"], conflicts_with_all = ["pending", "failed"])]
        id: Option<String>,
        /// Make every pending notification due now, without waiting for its next scheduled attempt.
        #[arg(long, conflicts_with = "failed")]
        pending: bool,
        /// Queue every notification that failed for good again, at once (after fixing SES).
        #[arg(long)]
        failed: bool,
    },
    /// Delete every item about a person: their requests and duplicate records.
    Erase {
        /// The address the person used; read from standard input when left out, so that it stays
        /// out of the shell's history.
        #[arg(long)]
        email: Option<String>,
    },
    /// Delete every item past its expiry now (DynamoDB's TTL can lag by days).
    PurgeExpired,
}

fn parse_state(text: &str) -> Result<FollowUpState, String> {
    FollowUpState::parse(text)
        .filter(|state| *state != FollowUpState::New)
        .ok_or_else(|| "one of contacted, scheduled, declined, referred, closed".to_owned())
}

/// What `resend` tells the operator: the function sends, not the tool.
const QUEUED: &str = "the function's next scheduled run (within 5 minutes) sends the staff email";

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::from(78);
        }
    };
    let sdk = match load_sdk_config().await {
        Ok(sdk) => sdk,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::from(78);
        }
    };
    // Only erasure needs a secret: the hashing key that finds a person's items.
    let config = match (&cli.command, config.secret_arns.sources()) {
        (Command::Erase { .. }, sources) => {
            let needed: Vec<_> = sources
                .into_iter()
                .filter(|s| s.variable == vars::CLIENT_HASH_KEY_ARN.name)
                .collect();
            match secrets::config_with_secrets(&sdk, &needed).await {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("consultation-admin: {error}");
                    return ExitCode::from(78);
                }
            }
        }
        _ => config,
    };
    let app = App::from_sdk_config(config, &sdk);
    match run(cli.command, &Admin::new(&app)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, admin: &Admin<'_>) -> Result<(), AdminError> {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    match command {
        Command::List { since, spam, open } => {
            let listing = match (spam, open) {
                (true, _) => Listing::Spam,
                (_, true) => Listing::Open,
                _ => Listing::Requests,
            };
            let count = admin.list(since, listing, &mut stdout, &mut stderr).await?;
            writeln!(stderr, "{count} request(s)")?;
        }
        Command::Show { id } => admin.show(&id, &mut stdout).await?,
        Command::Export {
            since,
            format,
            output,
        } => {
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            let count = match output {
                Some(path) => {
                    // Health data: readable by its owner only, from the first byte.
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(0o600)
                        .open(&path)?;
                    // `mode` applies only to a file this creates: one that already existed keeps
                    // its own (often readable by everyone) unless it is changed here, before the
                    // first byte is written.
                    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                    admin.export(since, format, &mut file, &mut stderr).await?
                }
                None => {
                    admin
                        .export(since, format, &mut stdout, &mut stderr)
                        .await?
                }
            };
            writeln!(stderr, "exported {count} request(s)")?;
        }
        Command::Resend { id: Some(id), .. } => {
            admin.resend(&id).await?;
            writeln!(stdout, "queued {id}: {QUEUED}")?;
        }
        Command::Resend {
            id: None,
            failed: true,
            ..
        } => {
            let queued = admin.resend_failed(&mut stderr).await?;
            writeln!(stdout, "failed {queued}: queued again; {QUEUED}")?;
        }
        Command::Resend { id: None, .. } => {
            let due = admin.resend_pending().await?;
            writeln!(stdout, "pending {due}: due now; {QUEUED}")?;
        }
        Command::Erase { email } => {
            let email = match email {
                Some(email) => email,
                None => {
                    writeln!(stderr, "Email address of the person to erase:")?;
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line
                }
            };
            match admin.erase(&email, &mut stderr).await? {
                0 => writeln!(stdout, "no request found for that address")?,
                count => writeln!(stdout, "erased {count} item(s)")?,
            }
        }
        Command::Stats { since } => admin.stats(since, &mut stdout, &mut stderr).await?,
        Command::FollowUp { id, state } => {
            let previous = admin.follow_up(&id, state).await?;
            writeln!(
                stdout,
                "recorded: {} (was {})",
                state.as_str(),
                previous.as_str()
            )?;
        }
        Command::PurgeExpired => {
            let count = admin.purge_expired(chrono::Utc::now(), &mut stderr).await?;
            writeln!(stdout, "purged {count} expired item(s)")?;
        }
    }
    Ok(())
}
