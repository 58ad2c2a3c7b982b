//! `consultation-admin`: operator tools for the stored consultation requests.

use clap::{Parser, Subcommand, ValueEnum};
#[path = "admin_cli/dns.rs"]
mod dns_cli;
#[path = "admin_cli/staff.rs"]
mod staff_cli;
#[path = "admin_cli/webhooks.rs"]
mod webhooks_cli;

use consultation_form::access_log::AccessLog;
use consultation_form::admin::{
    Admin, AdminError, ExportFormat, Listing, LogFilter, OperatorLog, caller_arn, parse_since,
};
use consultation_form::app::App;
use consultation_form::aws::load_sdk_config;
use consultation_form::config::{SecretArns, vars};
use consultation_form::doctor;
use consultation_form::domain::FollowUpState;
use consultation_form::secrets;
use consultation_form::stack::{DEFAULT_STACK, StackSettings};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;
use std::process::ExitCode;

/// Operator tools for consultation requests: list, show, export, resend, erase, purge, staff,
/// webhooks, access-log, dns, doctor.
///
/// Finds its stack by name (--stack, default consultation-form): the stack's outputs and the
/// function's environment, so it needs only AWS credentials (the stack's FrontDeskPolicy or
/// RecordsPolicy) and a region. Variables set locally (TABLE_NAME, NOTIFY_TO, ...) win; with
/// TABLE_NAME set and no --stack, it reads the variables alone (local runs). What it prints is
/// personal health data: keep it off shared screens and logs.
#[derive(Parser)]
#[command(name = "consultation-admin", version)]
struct Cli {
    /// The deployed stack to work on.
    #[arg(long, global = true)]
    stack: Option<String>,
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
    /// The staff console's accounts: invite (the first admin too), list, remove.
    Staff {
        #[command(subcommand)]
        command: staff_cli::StaffCommand,
    },
    /// The practice's other systems: signed webhooks and Slack or Teams pings (no personal
    /// data): add, list, remove, test, replay.
    Webhooks {
        #[command(subcommand)]
        command: webhooks_cli::WebhooksCommand,
    },
    /// Read the access log: who saw or changed which request, newest first.
    AccessLog {
        /// Every entry naming this request (list views that showed it included).
        #[arg(long, conflicts_with = "staff")]
        request: Option<String>,
        /// A staff member's entries (their address), or an operator's (operator:<ARN>).
        #[arg(long)]
        staff: Option<String>,
        /// From this date (default: 30 days ago).
        #[arg(long, value_parser = parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// As CSV.
        #[arg(long)]
        csv: bool,
    },
    /// Every DNS record the practice must add for the stack, from AWS's own answers (SES's DKIM
    /// and MAIL FROM, the certificates' validation, the custom domains, the replies' MX) and
    /// DMARC's starting value. doctor checks each is published.
    Dns {
        /// As zone-file lines (for a DNS host that imports a zone file).
        #[arg(long)]
        zone: bool,
    },
    /// Check the deployed stack is ready for real requests: one line per check, with the fix.
    /// Exit status 0 when every check passed, 1 when one failed, 3 when none failed but some
    /// could not be checked.
    Doctor {
        /// Also send staff a notification marked as a test and wait for SES's delivery event.
        #[arg(long)]
        send_test: bool,
        /// How long --send-test waits for the delivery event, in seconds.
        #[arg(long, default_value_t = 300)]
        wait: u64,
    },
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
    let sdk = match load_sdk_config().await {
        Ok(sdk) => sdk,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::from(78);
        }
    };
    let local = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let from_stack = cli.stack.is_some() || local("TABLE_NAME").is_none();
    let stack = if from_stack {
        let name = cli
            .stack
            .clone()
            .unwrap_or_else(|| DEFAULT_STACK.to_owned());
        match StackSettings::load(&sdk, &name).await {
            Ok(stack) => stack,
            Err(error) => {
                eprintln!("consultation-admin: stack {name}: {error}");
                return ExitCode::from(78);
            }
        }
    } else {
        StackSettings::default()
    };
    if let Command::Dns { zone } = cli.command {
        if stack.name.is_empty() {
            eprintln!("consultation-admin: dns needs a deployed stack: --stack NAME");
            return ExitCode::from(64);
        }
        return dns_cli::run(&sdk, &stack, zone).await;
    }
    let lookup = |name: &str| stack.lookup(&local, name);
    // Only erasure needs a secret: the hashing key that finds a person's items.
    let needed = match (&cli.command, SecretArns::from_lookup(&lookup)) {
        (Command::Erase { .. }, Ok(arns)) => arns
            .sources()
            .into_iter()
            .filter(|s| s.variable == vars::CLIENT_HASH_KEY_ARN.name)
            .collect(),
        (_, Err(error)) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::from(78);
        }
        _ => Vec::new(),
    };
    let config = match secrets::config_with_secrets_from(&sdk, &needed, &lookup).await {
        Ok(config) => config,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            return ExitCode::from(78);
        }
    };
    let app = App::from_sdk_config(config, &sdk);
    if let Command::Doctor { send_test, wait } = cli.command {
        let status = doctor::from_command_line(&app, &sdk, &stack, &lookup, send_test, wait).await;
        return ExitCode::from(status);
    }
    // What the operator sees and changes goes to the access log, under their AWS identity.
    let mut admin = Admin::new(&app);
    if let Some(log) = &app.config().access_log {
        match caller_arn(&sdk).await {
            Ok(arn) => {
                let log = AccessLog::new(app.dynamodb().clone(), log.table.clone(), log.days);
                admin = admin.with_log(OperatorLog { log, arn });
            }
            Err(error) => {
                eprintln!("consultation-admin: {error} (needed for the access log)");
                return ExitCode::from(78);
            }
        }
    }
    // Endpoint secrets are named after the stack, which the function's grant is scoped to.
    let secret_prefix = match stack.name.as_str() {
        "" => DEFAULT_STACK.to_owned(),
        name => name.to_owned(),
    };
    match run(cli.command, &admin, &secret_prefix).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("consultation-admin: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, admin: &Admin<'_>, secret_prefix: &str) -> Result<(), AdminError> {
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
        Command::Webhooks { command } => {
            webhooks_cli::run(admin, command, secret_prefix, &mut stdout, &mut stderr).await?
        }
        Command::Staff { command } => {
            staff_cli::run(admin, command, &mut stdout, &mut stderr).await?
        }
        Command::AccessLog {
            request,
            staff,
            since,
            csv,
        } => {
            let filter = LogFilter {
                request,
                staff,
                since,
                csv,
            };
            let count = admin.access_log(&filter, &mut stdout).await?;
            writeln!(stderr, "{count} entr(ies)")?;
        }
        // Answered before: they print their own lines and exit status.
        Command::Doctor { .. } | Command::Dns { .. } => {}
    }
    Ok(())
}
