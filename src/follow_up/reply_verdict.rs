//! Whether a reply to the signed address counts as contact, from what SES's receipt event says of
//! it (no body is ever read): not an automatic reply; a sender SES's verdicts authenticate for its
//! own domain (DMARC `PASS`, or SPF `PASS` for a `MAIL FROM` of the same domain as `From`: a DKIM
//! pass for some other domain proves nothing); the practice's (a staff address, or of the
//! practice's mail domains); and sent to the person themselves (a note to a colleague is not
//! contact). The `From` header is read with an RFC 5322 parser (`mailparse`), never by searching
//! for `<`: in `x@evil.example (<lee@practice.example>)` the address is the first, the rest a
//! comment.

use aws_lambda_events::ses::{SimpleEmailMessage, SimpleEmailReceipt, SimpleEmailVerdict};
use mailparse::{MailAddr, addrparse};

/// Why a reply does not count, or who sent it when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyVerdict {
    /// From the practice, authenticated, not automatic: its sender's address.
    Counts(String),
    /// An out-of-office answer, a bounce, a list: nobody wrote it.
    Automatic,
    /// Nothing authenticates the sender for the domain it claims.
    NotAuthenticated,
    /// Authenticated, but not the practice's.
    OutsideSender,
    /// No single sender can be read from `From`.
    Unreadable,
}

/// Judges a reply; `is_practice` says whether an (authenticated) address is the practice's.
pub fn judge(
    mail: &SimpleEmailMessage,
    receipt: &SimpleEmailReceipt,
    is_practice: impl Fn(&str) -> bool,
) -> ReplyVerdict {
    if automatic(mail) {
        return ReplyVerdict::Automatic;
    }
    let Some(from) = sender(mail) else {
        return ReplyVerdict::Unreadable;
    };
    let mail_from = mail.source.as_deref().unwrap_or_default();
    let same_domain = domain_of(mail_from).is_some_and(|d| Some(d) == domain_of(&from));
    if !(passed(&receipt.dmarc_verdict) || (passed(&receipt.spf_verdict) && same_domain)) {
        return ReplyVerdict::NotAuthenticated;
    }
    if !is_practice(&from) {
        return ReplyVerdict::OutsideSender;
    }
    ReplyVerdict::Counts(from)
}

/// Whether `person` is among the reply's recipients (`To` and `Cc`, as SES lists them).
pub fn sent_to(mail: &SimpleEmailMessage, person: &str) -> bool {
    mail.destination.iter().any(|recipient| {
        addresses(recipient)
            .iter()
            .any(|address| address.eq_ignore_ascii_case(person))
    })
}

/// What an automatic answer carries (RFC 3834 and the older conventions), or a sender that is no
/// one (a null or `MAILER-DAEMON` sender); and headers SES truncated, which may hide them.
fn automatic(mail: &SimpleEmailMessage) -> bool {
    let source = mail.source.as_deref().unwrap_or_default().trim();
    let null_sender = matches!(source, "" | "<>")
        || source
            .split('@')
            .next()
            .is_some_and(|local| local.eq_ignore_ascii_case("mailer-daemon"));
    let header = |name: &'static str| {
        mail.headers
            .iter()
            .filter(move |h| {
                h.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|h| {
                h.value
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
    };
    mail.headers_truncated
        || null_sender
        || header("auto-submitted").any(|v| v != "no")
        || header("precedence")
            .any(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply"))
        || header("x-autoreply").next().is_some()
}

/// The one mailbox of the `From` header (the raw header, else SES's reading of it).
fn sender(mail: &SimpleEmailMessage) -> Option<String> {
    let raw = mail
        .headers
        .iter()
        .find(|h| {
            h.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("from"))
        })
        .and_then(|h| h.value.clone())
        .or_else(|| mail.common_headers.from.first().cloned())?;
    match addresses(&raw).as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The addresses of a header's value, by RFC 5322 (groups opened); none when it does not parse.
fn addresses(value: &str) -> Vec<String> {
    let Ok(list) = addrparse(value) else {
        return Vec::new();
    };
    list.iter()
        .flat_map(|address| match address {
            MailAddr::Single(single) => vec![single.addr.clone()],
            MailAddr::Group(group) => group.addrs.iter().map(|s| s.addr.clone()).collect(),
        })
        .filter(|address| address.contains('@'))
        .collect()
}

fn passed(verdict: &SimpleEmailVerdict) -> bool {
    verdict
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("PASS"))
}

fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim_end_matches('>').to_ascii_lowercase())
        .filter(|domain| !domain.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lambda_events::ses::SimpleEmailHeader;

    fn verdict(status: &str) -> SimpleEmailVerdict {
        let mut verdict = SimpleEmailVerdict::default();
        verdict.status = Some(status.to_owned());
        verdict
    }

    fn header(name: &str, value: &str) -> SimpleEmailHeader {
        let mut header = SimpleEmailHeader::default();
        header.name = Some(name.to_owned());
        header.value = Some(value.to_owned());
        header
    }

    /// A reply from `from` (the `From` header) with envelope sender `source` and these verdicts.
    fn reply(
        from: &str,
        source: &str,
        spf: &str,
        dmarc: &str,
    ) -> (SimpleEmailMessage, SimpleEmailReceipt) {
        let mut mail = SimpleEmailMessage::default();
        mail.source = Some(source.to_owned());
        mail.headers = vec![header("From", from), header("Subject", "Re: your request")];
        mail.destination = vec!["Ana Lima <ana@example.com>".to_owned()];
        let mut receipt = SimpleEmailReceipt::default();
        receipt.spf_verdict = verdict(spf);
        receipt.dkim_verdict = verdict("PASS");
        receipt.dmarc_verdict = verdict(dmarc);
        (mail, receipt)
    }

    fn practice(address: &str) -> bool {
        address.ends_with("@practice.example")
    }

    #[test]
    fn an_authenticated_reply_from_the_practice_counts() {
        let (mail, receipt) = reply(
            "Front Desk <desk@practice.example>",
            "desk@practice.example",
            "PASS",
            "PASS",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::Counts("desk@practice.example".into())
        );
        // SPF alone, for a MAIL FROM of the From's own domain.
        let (mail, receipt) = reply(
            "desk@practice.example",
            "bounces@PRACTICE.example",
            "PASS",
            "FAIL",
        );
        assert!(matches!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::Counts(_)
        ));
    }

    #[test]
    fn a_sender_nothing_authenticates_for_its_domain_never_counts() {
        // SPF and DMARC fail; DKIM passes (for some other domain): proves nothing.
        let (mail, receipt) = reply(
            "desk@practice.example",
            "desk@practice.example",
            "FAIL",
            "FAIL",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::NotAuthenticated
        );
        // SPF passes for another domain's MAIL FROM.
        let (mail, receipt) = reply(
            "desk@practice.example",
            "x@mailer.evil.example",
            "PASS",
            "FAIL",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::NotAuthenticated
        );
    }

    #[test]
    fn the_from_address_is_read_by_rfc_5322_not_by_the_last_angle_bracket() {
        let (mail, receipt) = reply(
            "x@evil.example (<lee@practice.example>)",
            "x@evil.example",
            "PASS",
            "PASS",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::OutsideSender
        );
        let (mail, receipt) = reply(
            "\"lee@practice.example\" <x@evil.example>",
            "x@evil.example",
            "PASS",
            "PASS",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::OutsideSender
        );
        let (mail, receipt) = reply(
            "a@practice.example, b@practice.example",
            "a@practice.example",
            "PASS",
            "PASS",
        );
        assert_eq!(
            judge(&mail, &receipt, practice),
            ReplyVerdict::Unreadable,
            "not one sender"
        );
    }

    #[test]
    fn automatic_replies_never_count() {
        for (name, value) in [
            ("Auto-Submitted", "auto-replied"),
            ("auto-submitted", "Auto-Generated"),
            ("Precedence", "bulk"),
            ("Precedence", "auto_reply"),
            ("Precedence", "list"),
            ("X-Autoreply", "yes"),
        ] {
            let (mut mail, receipt) = reply(
                "desk@practice.example",
                "desk@practice.example",
                "PASS",
                "PASS",
            );
            mail.headers.push(header(name, value));
            assert_eq!(
                judge(&mail, &receipt, practice),
                ReplyVerdict::Automatic,
                "{name}: {value}"
            );
        }
        let (mut mail, receipt) = reply(
            "desk@practice.example",
            "desk@practice.example",
            "PASS",
            "PASS",
        );
        mail.headers.push(header("Auto-Submitted", "no"));
        assert!(
            matches!(judge(&mail, &receipt, practice), ReplyVerdict::Counts(_)),
            "no is a person"
        );
        for source in ["", "<>", "MAILER-DAEMON@practice.example"] {
            let (mut mail, receipt) = reply(
                "desk@practice.example",
                "desk@practice.example",
                "PASS",
                "PASS",
            );
            mail.source = Some(source.to_owned());
            assert_eq!(
                judge(&mail, &receipt, practice),
                ReplyVerdict::Automatic,
                "{source:?}"
            );
        }
        let (mut mail, receipt) = reply(
            "desk@practice.example",
            "desk@practice.example",
            "PASS",
            "PASS",
        );
        mail.headers_truncated = true;
        assert_eq!(judge(&mail, &receipt, practice), ReplyVerdict::Automatic);
    }

    #[test]
    fn only_a_reply_to_the_person_is_contact() {
        let (mut mail, _) = reply(
            "desk@practice.example",
            "desk@practice.example",
            "PASS",
            "PASS",
        );
        assert!(sent_to(&mail, "ana@example.com"));
        assert!(sent_to(&mail, "Ana@Example.com"));
        mail.destination = vec!["dr.lee@practice.example".into()];
        assert!(!sent_to(&mail, "ana@example.com"), "a note to a colleague");
    }
}
