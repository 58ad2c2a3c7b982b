//! The emails about staff accounts, written from the console's catalogues: the invite, and the
//! notices a person and every admin get when a passkey is added or removed or an admin is
//! invited (so a passkey added by someone else never goes unnoticed).

use super::{Member, Role};
use crate::catalogues::{Catalogues, Language};
use crate::notify::AccountEmail;

/// The invite: who invited, the link (valid 24 hours), and what to do when it has expired.
pub fn invite(
    texts: &Catalogues,
    language: Language,
    member: &Member,
    link: &str,
    invited_by: &str,
) -> AccountEmail {
    let t = |id: &str, args: &[(&str, &str)]| {
        texts.with_args(language, id, args, crate::catalogues::Rendering::Plain)
    };
    AccountEmail {
        lang: language.tag(),
        subject: t("invite-email-subject", &[]),
        paragraphs: vec![
            t("invite-email-greeting", &[("name", &member.name)]),
            t(
                "invite-email-body",
                &[
                    ("by", invited_by),
                    ("role", &t(&format!("role-{}", member.role.as_str()), &[])),
                ],
            ),
            t("invite-email-expiry", &[]),
        ],
        link: Some((link.to_owned(), t("invite-email-button", &[]))),
    }
}

/// What changed on an account, for the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    PasskeyAdded,
    PasskeyRemoved,
    AdminInvited,
}

/// The notice to the person and the admins.
pub fn notice(
    texts: &Catalogues,
    language: Language,
    member: &Member,
    change: Change,
) -> AccountEmail {
    let t = |id: &str| {
        texts.with_args(
            language,
            id,
            &[("name", &member.name), ("email", member.email.as_str())],
            crate::catalogues::Rendering::Plain,
        )
    };
    let key = match change {
        Change::PasskeyAdded => "notice-passkey-added",
        Change::PasskeyRemoved => "notice-passkey-removed",
        Change::AdminInvited => "notice-admin-invited",
    };
    AccountEmail {
        lang: language.tag(),
        subject: t(&format!("{key}-subject")),
        paragraphs: vec![t(&format!("{key}-body")), t("notice-not-you")],
        link: None,
    }
}

/// Who hears of a change to `member`'s account: them and every active admin, each once.
pub fn notice_recipients(member: &Member, everyone: &[Member]) -> Vec<crate::domain::EmailAddress> {
    let mut to = vec![member.email.clone()];
    for admin in everyone
        .iter()
        .filter(|m| m.active() && m.role == Role::Admin)
    {
        if !to.contains(&admin.email) {
            to.push(admin.email.clone());
        }
    }
    to
}
