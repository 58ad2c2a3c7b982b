//! doctor's checks of the staff console: that someone can read a request (in `minimal` mode an
//! admin with a passkey is the only way in), that the passkeys were made for today's relying
//! party (changing `STAFF_RP_ID` means every passkey is registered again), and that reply tracking
//! is off in `minimal` mode.

use super::{Doctor, Verdict, could_not};
use crate::config::StaffEmailContent;
use crate::staff::{Role, Staff, StaffError};

/// What the console's accounts look like, for the verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleState {
    pub admins: usize,
    pub admins_with_passkeys: usize,
    /// Passkeys registered for another relying party than today's.
    pub stale_passkeys: usize,
}

/// The console's verdict.
pub fn verdict(state: &ConsoleState, content: StaffEmailContent, rp_id: &str) -> Verdict {
    if state.stale_passkeys > 0 {
        return Verdict::Fail {
            found: format!(
                "{} passkey(s) were registered for another relying party than {rp_id}: they cannot sign in",
                state.stale_passkeys
            ),
            fix: "STAFF_RP_ID (the StaffDomainName) changed: send those people a new invite with consultation-admin staff invite, or set it back".to_owned(),
        };
    }
    if content == StaffEmailContent::Minimal && state.admins_with_passkeys == 0 {
        return Verdict::Fail {
            found: "staff emails are minimal and no admin has a passkey: nobody can read a request".to_owned(),
            fix: "invite an admin with consultation-admin staff invite EMAIL --name NAME --role admin, and have them register a passkey".to_owned(),
        };
    }
    if state.admins == 0 {
        return Verdict::Fail {
            found: "the console has no admin".to_owned(),
            fix: "invite one with consultation-admin staff invite EMAIL --name NAME --role admin"
                .to_owned(),
        };
    }
    Verdict::Pass(format!(
        "{} admin(s), {} with a passkey, for {rp_id}",
        state.admins, state.admins_with_passkeys
    ))
}

/// The reply tracking line in `minimal` mode: nothing to check, and why.
pub fn reply_tracking_off() -> Verdict {
    Verdict::Pass("off: staff emails are minimal and carry no Reply-To to track; contact is recorded in the console".to_owned())
}

impl Doctor<'_> {
    pub(super) async fn console(&self) -> Option<Verdict> {
        let console = self.config.console.as_ref()?;
        let staff = Staff::new(self.dynamodb.clone(), console.staff_table.clone());
        let state = match self.console_state(&staff, &console.rp_id).await {
            Ok(state) => state,
            Err(StaffError::Store(crate::store::StoreError::Unavailable(e))) => {
                return Some(could_not(&e));
            }
            Err(e) => return Some(Verdict::CouldNotCheck(e.to_string())),
        };
        Some(verdict(
            &state,
            self.config.staff_email_content,
            &console.rp_id,
        ))
    }

    async fn console_state(&self, staff: &Staff, rp_id: &str) -> Result<ConsoleState, StaffError> {
        let mut state = ConsoleState::default();
        for member in staff.members().await?.iter().filter(|m| m.active()) {
            let passkeys = staff.passkeys_of(member.id).await?;
            state.stale_passkeys += passkeys.iter().filter(|p| p.rp_id != rp_id).count();
            if member.role == Role::Admin {
                state.admins += 1;
                if passkeys.iter().any(|p| p.rp_id == rp_id) {
                    state.admins_with_passkeys += 1;
                }
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(admins: usize, with: usize, stale: usize) -> ConsoleState {
        ConsoleState {
            admins,
            admins_with_passkeys: with,
            stale_passkeys: stale,
        }
    }

    #[test]
    fn minimal_emails_need_an_admin_with_a_passkey() {
        let full = StaffEmailContent::Full;
        let minimal = StaffEmailContent::Minimal;
        assert!(matches!(
            verdict(&state(1, 1, 0), minimal, "staff.example"),
            Verdict::Pass(_)
        ));
        assert!(matches!(
            verdict(&state(1, 0, 0), minimal, "staff.example"),
            Verdict::Fail { .. }
        ));
        assert!(matches!(
            verdict(&state(1, 0, 0), full, "staff.example"),
            Verdict::Pass(_)
        ));
        assert!(matches!(
            verdict(&state(0, 0, 0), full, "staff.example"),
            Verdict::Fail { .. }
        ));
    }

    #[test]
    fn passkeys_made_for_another_relying_party_fail_with_the_fix() {
        let Verdict::Fail { found, fix } =
            verdict(&state(1, 1, 2), StaffEmailContent::Full, "staff.example")
        else {
            panic!("stale passkeys must fail");
        };
        assert!(found.contains("2 passkey(s)"), "{found}");
        assert!(fix.contains("staff invite"), "{fix}");
    }
}
