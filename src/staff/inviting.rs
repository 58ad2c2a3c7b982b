//! Inviting a staff member, the one way the console and the operator tool both do it: the
//! account added (or brought back), a new invite that cancels older ones, the email with its
//! link, and when an admin is invited, a notice to every admin.

use super::notices::{self, Change};
use super::{Member, NewMember, Role, Staff, StaffError};
use crate::catalogues::{Catalogues, Language};
use crate::config::ConsoleConfig;
use crate::notify::SesNotifier;
use chrono::{DateTime, Utc};

/// Where the invite's email goes out from, and in which words.
pub struct Mailer<'a> {
    pub notifier: &'a SesNotifier,
    pub texts: &'a Catalogues,
    pub language: Language,
    pub console: &'a ConsoleConfig,
}

/// The invite's link: the console's registration page for this token.
pub fn invite_link(console: &ConsoleConfig, token: &str) -> String {
    format!(
        "{}{}/staff/invite/{token}",
        console.base.as_str(),
        console.base_path
    )
}

/// Invites `new` (or sends an active member a new invite: a lost device); returns the member
/// and whether the email went out (an invite whose email failed can be sent again).
pub async fn invite(
    staff: &Staff,
    mailer: &Mailer<'_>,
    new: &NewMember,
    invited_by: &str,
    now: DateTime<Utc>,
) -> Result<(Member, bool), StaffError> {
    let member = match staff.member_by_email(&new.email).await? {
        Some(member) if member.active() => member,
        _ => staff.add_member(new, now).await?,
    };
    let token = staff.issue_invite(member.id, now).await?;
    let link = invite_link(mailer.console, token.as_str());
    let email = notices::invite(mailer.texts, mailer.language, &member, &link, invited_by);
    let sent = send(mailer, std::slice::from_ref(&member.email), &email).await;
    if member.role == Role::Admin {
        let everyone = staff.members().await?;
        let to = notices::notice_recipients(&member, &everyone)
            .into_iter()
            .filter(|a| *a != member.email)
            .collect::<Vec<_>>();
        if !to.is_empty() {
            let notice =
                notices::notice(mailer.texts, mailer.language, &member, Change::AdminInvited);
            send(mailer, &to, &notice).await;
        }
    }
    Ok((member, sent))
}

async fn send(
    mailer: &Mailer<'_>,
    to: &[crate::domain::EmailAddress],
    email: &crate::notify::AccountEmail,
) -> bool {
    let sent = match crate::notify::render(email) {
        Ok(email) => mailer.notifier.send_account(to, &email).await.map(|_| ()),
        Err(e) => Err(crate::notify::NotifyError::Render(e)),
    };
    if let Err(error) = &sent {
        tracing::error!(event = "account_email_failed", error = %error, "a staff account email could not be sent");
    }
    sent.is_ok()
}
