//! `consultation-admin staff profile`: a clinician's profile from the command line, for a
//! first setup (the console's *Staff* page does the same for admins): the regions they are
//! licensed in, the payers they take, the clients they see, their languages, and whether they
//! accept new clients. A field not given keeps its value.

use super::{Admin, AdminError};
use crate::access_log::Action;
use crate::questions::{ProfileField, compiled};
use crate::staff::{ClinicianProfile, Role};
use std::io::Write;

/// What `staff profile` was asked to set: each field a comma-separated list, or unchanged.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub regions: Option<String>,
    pub payers: Option<String>,
    pub client_types: Option<String>,
    pub languages: Option<String>,
    pub accepting: Option<bool>,
}

impl Admin<'_> {
    pub async fn staff_profile(
        &self,
        email: &str,
        change: ProfileChange,
        out: &mut dyn Write,
    ) -> Result<(), AdminError> {
        let staff = self.staff_table()?;
        let clinician = |m: &crate::staff::Member| m.role == Role::Clinician;
        let member = self
            .active_member(&staff, email, clinician, "no active clinician")
            .await?;
        let list = |given: Option<String>, field: ProfileField| {
            given.map_or_else(
                || member.profile.values(field).to_vec(),
                |text| text.split(',').map(|v| v.trim().to_owned()).collect(),
            )
        };
        let fields = [
            (
                ProfileField::Regions,
                list(change.regions, ProfileField::Regions),
            ),
            (
                ProfileField::Payers,
                list(change.payers, ProfileField::Payers),
            ),
            (
                ProfileField::ClientTypes,
                list(change.client_types, ProfileField::ClientTypes),
            ),
            (
                ProfileField::Languages,
                list(change.languages, ProfileField::Languages),
            ),
        ];
        let accepting = change.accepting.unwrap_or(member.profile.accepting);
        let profile =
            ClinicianProfile::parse(&fields, accepting, compiled()).map_err(|problems| {
                let lines: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let allowed = compiled().profile_values(p.field).join(", ");
                        format!(
                            "--{}: not one the practice uses: {} (use: {allowed})",
                            p.field.as_str().replace('_', "-"),
                            p.unknown.join(", ")
                        )
                    })
                    .collect();
                AdminError::Usage(lines.join("\n"))
            })?;
        self.record_with(Action::ProfileChanged, [], Some(&member.id.to_string()))
            .await?;
        staff.set_profile(member.id, &profile).await?;
        writeln!(out, "{}: {}", member.email.as_str(), describe(&profile))?;
        Ok(())
    }
}

/// A profile on one line, for the operator and the console's staff list.
pub fn describe(profile: &ClinicianProfile) -> String {
    let mut parts: Vec<String> = ProfileField::ALL
        .into_iter()
        .map(|field| {
            let values = profile.values(field);
            let shown = if values.is_empty() {
                "none".to_owned()
            } else {
                values.join(",")
            };
            format!("{} {shown}", field.as_str().replace('_', " "))
        })
        .collect();
    parts.push(if profile.accepting {
        "accepting new clients".to_owned()
    } else {
        "not accepting new clients".to_owned()
    });
    parts.join("; ")
}
