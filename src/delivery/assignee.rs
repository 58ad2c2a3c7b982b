//! Who an email about a request goes to: the clinician it is assigned to (and the front desk, a
//! copy, with `NOTIFY_FRONT_DESK_ON_ASSIGNED`), else the front desk (`NOTIFY_TO`). A clinician
//! who cannot be read, or was removed, never leaves a request unannounced: the front desk gets it.

use super::Delivery;
use crate::domain::{EmailAddress, ReceivedRequest};
use crate::staff::{Member, Staff};

/// Where an email about a request goes, and the name of the staff member it is assigned to.
pub struct Recipients {
    pub to: Vec<EmailAddress>,
    pub assigned_to: Option<String>,
}

impl Delivery {
    /// Reads assignees from the staff table: with the console, whose members they are.
    pub fn with_staff(mut self, staff: Staff, front_desk_copy: bool) -> Self {
        self.staff = Some(staff);
        self.front_desk_copy = front_desk_copy;
        self
    }

    /// The assigned staff member, while they are one.
    pub async fn assignee(&self, received: &ReceivedRequest) -> Option<Member> {
        let id = received.assignee.as_deref()?;
        let staff = self.staff.as_ref()?;
        let member = match crate::staff::StaffId::parse(id) {
            Some(id) => staff.member(id).await,
            None => return None,
        };
        match member {
            Ok(member) => member.filter(Member::active),
            Err(error) => {
                tracing::warn!(event = "assignee_unreadable", submission_id = %received.id, error = %error, "the front desk gets this request's email");
                None
            }
        }
    }

    /// The notification's and the reminder's recipients.
    pub async fn recipients(&self, received: &ReceivedRequest) -> Recipients {
        let front_desk = self.notifier.front_desk();
        match self.assignee(received).await {
            Some(member) => {
                let mut to = vec![member.email.clone()];
                if self.front_desk_copy {
                    to.extend(front_desk.iter().filter(|a| **a != member.email).cloned());
                }
                Recipients {
                    to,
                    assigned_to: Some(member.name),
                }
            }
            None => Recipients {
                to: front_desk.to_vec(),
                assigned_to: None,
            },
        }
    }
}

impl Delivery {
    /// For the weekly summary, with clinicians: each one's open requests, and the front desk's
    /// (assigned to nobody). `None` without clinicians.
    pub async fn open_by_clinician(&self) -> Result<Option<String>, crate::store::StoreError> {
        let Some(staff) = &self.staff else {
            return Ok(None);
        };
        let members = match staff.members().await {
            Ok(members) => members,
            Err(crate::staff::StaffError::Store(e)) => return Err(e),
            Err(other) => {
                return Err(crate::store::StoreError::Corrupt {
                    key: "members".to_owned(),
                    problem: other.to_string(),
                });
            }
        };
        let clinicians: Vec<&Member> = members
            .iter()
            .filter(|m| m.active() && m.role == crate::staff::Role::Clinician)
            .collect();
        if clinicians.is_empty() {
            return Ok(None);
        }
        let open = self.store.open_assignments().await?;
        let count = |who: Option<String>| open.get(&who).map_or(0, Vec::len);
        let each: Vec<String> = clinicians
            .iter()
            .map(|m| format!("{} {}", m.name, count(Some(m.id.to_string()))))
            .collect();
        Ok(Some(format!(
            "Open requests by clinician: {}; with nobody (the front desk): {}.",
            each.join(", "),
            count(None)
        )))
    }
}
