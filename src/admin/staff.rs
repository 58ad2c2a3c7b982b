//! `consultation-admin staff invite|list|remove`: the practice's console accounts from the
//! command line (the first admin is invited this way), by the same rules as the console: an
//! invite cancels older ones, removal ends sessions, invites and passkeys at once, the last admin
//! stays.

use super::{Admin, AdminError};
use crate::access_log::Action;
use crate::catalogues::{Catalogues, FileSet};
use crate::domain::EmailAddress;
use crate::staff::inviting::{self, Mailer};
use crate::staff::{Member, NewMember, Role, Staff, StaffError, staff_name};
use std::io::Write;

impl Admin<'_> {
    pub(super) fn staff_table(&self) -> Result<Staff, AdminError> {
        let console = self.app.config().console.as_ref().ok_or_else(|| {
            AdminError::Usage("the stack has no staff console (STAFF_BASE_URL is not set)".into())
        })?;
        Ok(Staff::new(
            self.app.dynamodb().clone(),
            console.staff_table.clone(),
        ))
    }

    /// Invites someone (or sends an active member a new invite); prints the link with
    /// `print_link` (the first admin, before the practice's email works; `make dev`).
    pub async fn staff_invite(
        &self,
        email: &str,
        name: &str,
        role: &str,
        print_link: bool,
        out: &mut dyn Write,
    ) -> Result<(), AdminError> {
        let usage = |what: &str| AdminError::Usage(what.to_owned());
        let email =
            EmailAddress::parse(email.trim()).map_err(|_| usage("that is not an email address"))?;
        let name =
            staff_name(name).ok_or_else(|| usage("--name: one line of at most 100 characters"))?;
        let role =
            Role::parse(role).ok_or_else(|| usage("--role: front-desk, clinician or admin"))?;
        let staff = self.staff_table()?;
        let config = self.app.config();
        let console = config
            .console
            .as_ref()
            .ok_or_else(|| usage("no staff console"))?;
        let texts = Catalogues::of(FileSet::Console);
        let mailer = Mailer {
            notifier: self.app.delivery().notifier(),
            texts: &texts,
            language: config.default_language,
            console,
        };
        self.record_with(Action::Invited, [], Some(role.as_str()))
            .await?;
        let now = chrono::Utc::now();
        let new = NewMember { email, name, role };
        let (member, sent) =
            inviting::invite(&staff, &mailer, &new, "The practice's operator", now).await?;
        if print_link {
            // A second invite replaces the emailed one: only the printed link works.
            let token = staff.issue_invite(member.id, now).await?;
            writeln!(out, "{}", inviting::invite_link(console, token.as_str()))?;
        } else if sent {
            writeln!(
                out,
                "invited {} ({}): the invite's email is on its way",
                member.email.as_str(),
                member.role.as_str()
            )?;
        } else {
            return Err(usage(
                "the invite's email could not be sent; run again with --print-link and give the link to the person yourself",
            ));
        }
        Ok(())
    }

    pub async fn staff_list(&self, out: &mut dyn Write) -> Result<usize, AdminError> {
        let staff = self.staff_table()?;
        let members = staff.members().await?;
        writeln!(
            out,
            "{:<26}  {:<10}  {:<8}  {:<8}  email",
            "id", "role", "status", "passkeys"
        )?;
        for member in &members {
            let passkeys = staff.passkeys_of(member.id).await?.len();
            let status = match (member.active(), member.invite.is_some()) {
                (false, _) => "removed",
                (true, true) => "invited",
                (true, false) => "active",
            };
            writeln!(
                out,
                "{:<26}  {:<10}  {:<8}  {:<8}  {} ({})",
                member.id.to_string(),
                member.role.as_str(),
                status,
                passkeys,
                member.email.as_str(),
                member.name
            )?;
        }
        Ok(members.len())
    }

    /// The active member with this address, when `wanted` says they are the one; else the usage
    /// error naming `whom` ("nobody active", "no active clinician").
    pub(super) async fn active_member(
        &self,
        staff: &Staff,
        email: &str,
        wanted: impl Fn(&Member) -> bool,
        whom: &str,
    ) -> Result<Member, AdminError> {
        let email = EmailAddress::parse(email.trim())
            .map_err(|_| AdminError::Usage("that is not an email address".into()))?;
        staff
            .member_by_email(&email)
            .await?
            .filter(|m| m.active() && wanted(m))
            .ok_or_else(|| AdminError::Usage(format!("{whom} has the address {}", email.as_str())))
    }

    pub async fn staff_remove(&self, email: &str, out: &mut dyn Write) -> Result<(), AdminError> {
        let staff = self.staff_table()?;
        let member = self
            .active_member(&staff, email, |_| true, "nobody active")
            .await?;
        let email = member.email.clone();
        self.record_with(Action::StaffRemoved, [], Some(&member.id.to_string()))
            .await?;
        let now = chrono::Utc::now();
        match staff.remove_member(member.id, now).await {
            Ok(()) => writeln!(
                out,
                "removed {}: their sessions, invite and passkeys are gone",
                email.as_str()
            )?,
            Err(StaffError::LastAdmin) => {
                return Err(AdminError::Usage(
                    "the last admin cannot be removed: make someone else an admin first".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        // Their open requests go back to the front desk.
        if let Some(routing) = self.app.routing() {
            let by = crate::domain::Actor::Operator;
            let moved = routing
                .unassign_all(&member.id.to_string(), &by, now)
                .await
                .map_err(|e| AdminError::Usage(format!("their open requests: {e}")))?;
            if moved > 0 {
                writeln!(
                    out,
                    "{moved} open request(s) of theirs went back to the front desk"
                )?;
            }
        }
        Ok(())
    }
}
