//! `consultation-admin staff …`: the console's accounts and clinicians' profiles.

use clap::Subcommand;
use consultation_form::admin::profile::ProfileChange;
use consultation_form::admin::{Admin, AdminError};
use std::io::Write;

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Invite someone by email: a link valid 24 hours to create their passkey. An active
    /// member gets a new invite (a lost device); older invites stop working.
    Invite {
        email: String,
        #[arg(long)]
        name: String,
        /// front-desk, clinician or admin.
        #[arg(long)]
        role: String,
        /// Print the link (instead of emailing it): for the first admin before email works.
        #[arg(long)]
        print_link: bool,
    },
    /// Every account, with its role, status and number of passkeys.
    List,
    /// Remove someone: their sessions, invite and passkeys end at once; a clinician's open
    /// requests go back to the front desk.
    Remove { email: String },
    /// A clinician's profile, for routing: each list comma-separated; what is not given stays.
    Profile {
        email: String,
        /// US states and territories they are licensed in (IL,WI).
        #[arg(long)]
        regions: Option<String>,
        #[arg(long)]
        payers: Option<String>,
        #[arg(long)]
        client_types: Option<String>,
        #[arg(long)]
        languages: Option<String>,
        /// yes or no.
        #[arg(long, value_parser = clap::builder::BoolishValueParser::new())]
        accepting: Option<bool>,
    },
}

pub async fn run(
    admin: &Admin<'_>,
    command: StaffCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), AdminError> {
    match command {
        StaffCommand::Invite {
            email,
            name,
            role,
            print_link,
        } => {
            admin
                .staff_invite(&email, &name, &role, print_link, stdout)
                .await?
        }
        StaffCommand::List => {
            let count = admin.staff_list(stdout).await?;
            writeln!(stderr, "{count} account(s)")?;
        }
        StaffCommand::Remove { email } => admin.staff_remove(&email, stdout).await?,
        StaffCommand::Profile {
            email,
            regions,
            payers,
            client_types,
            languages,
            accepting,
        } => {
            let change = ProfileChange {
                regions,
                payers,
                client_types,
                languages,
                accepting,
            };
            admin.staff_profile(&email, change, stdout).await?
        }
    }
    Ok(())
}
