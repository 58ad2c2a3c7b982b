//! Answered by email counts: most front desks answer a request by replying to the staff email and
//! never click a link. With `REPLY_TRACKING_DOMAIN` (a subdomain whose mail SES receives), the
//! staff email's `Reply-To` holds the person and a signed address `reply+<id>.<signature>@<domain>`;
//! SES receiving invokes the function with the receipt event only (no message body is stored
//! anywhere), and a reply from a staff address or the practice's domain with a passing SPF or
//! DKIM verdict records `contacted`, with the reply's time as first contact, never moving a
//! request back.

use crate::app::App;
use crate::domain::{EmailAddress, FollowUpState, SubmissionId};
use crate::signing::{FollowUpKey, Purpose, from_hex, to_hex};
use crate::store::StoreError;
use aws_lambda_events::ses::{SimpleEmailEvent, SimpleEmailVerdict};

/// Hex characters of signature in the address: 64 bits, and a local part well under 64 characters.
const SIGNATURE_CHARS: usize = 16;
/// The signed address a reply about `id` goes to, at `domain`.
pub fn reply_address(key: &FollowUpKey, id: SubmissionId, domain: &str) -> Option<EmailAddress> {
    let id = id.to_string().to_ascii_lowercase();
    let tag = key.keys().sign(&Purpose::ReplyAddress { id: &id });
    let signature = to_hex(&tag[..SIGNATURE_CHARS / 2]);
    EmailAddress::parse(&format!("reply+{id}.{signature}@{domain}")).ok()
}

/// The request a recipient address stands for, if it is one of ours, unaltered (signed with a
/// version of the key this instance knows or, after a rotation, reads again).
async fn request_of(address: &str, key: &FollowUpKey, domain: &str) -> Option<SubmissionId> {
    let (local, host) = address.trim().rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let local = local.to_ascii_lowercase();
    let (id, signed) = local.strip_prefix("reply+")?.split_once('.')?;
    let signature = from_hex(signed).filter(|s| s.len() == SIGNATURE_CHARS / 2)?;
    let genuine = key
        .keys()
        .verify(&Purpose::ReplyAddress { id }, &signature)
        .await;
    genuine.then(|| SubmissionId::parse(&id.to_ascii_uppercase()))?
}

/// What one receipt event did: the answer to its invocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplyReport {
    /// `recorded`, `already_followed_up`, `not_ours`, `not_verified`, `outside_sender`, `off`
    /// or `unreadable`.
    pub outcome: &'static str,
}

/// Records what a receipt event says: a verified reply from the practice to a signed address.
pub async fn record(app: &App, event: SimpleEmailEvent) -> Result<ReplyReport, StoreError> {
    let report = |outcome| Ok(ReplyReport { outcome });
    let config = app.config();
    let (Some(domain), Some(key)) = (&config.reply_tracking_domain, &config.follow_up_key) else {
        return report("off");
    };
    let Some(ses) = event.records.into_iter().next().map(|r| r.ses) else {
        return report("unreadable");
    };
    let mut ours = None;
    for address in &ses.receipt.recipients {
        ours = request_of(address, key, domain).await;
        if ours.is_some() {
            break;
        }
    }
    let Some(id) = ours else {
        tracing::info!(
            event = "reply_not_ours",
            "a reply to no signed address of ours; ignored"
        );
        return report("not_ours");
    };
    let passed = |v: &SimpleEmailVerdict| {
        v.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("PASS"))
    };
    if !passed(&ses.receipt.spf_verdict) && !passed(&ses.receipt.dkim_verdict) {
        tracing::warn!(event = "reply_not_verified", submission_id = %id, "a reply whose SPF and DKIM both failed; ignored");
        return report("not_verified");
    }
    let source = ses.mail.source.as_deref().unwrap_or_default();
    let sender = ses
        .mail
        .common_headers
        .from
        .first()
        .map(|from| bare_address(from))
        .unwrap_or(source);
    if !from_the_practice(app, sender) || !from_the_practice(app, source) {
        tracing::warn!(event = "reply_outside_sender", submission_id = %id, "a reply from outside the practice; ignored");
        return report("outside_sender");
    }
    let at = ses.receipt.timestamp;
    match app.store().record_reply(id, at).await? {
        true => {
            let waited = (at - id.time()).num_seconds().max(0);
            tracing::info!(event = "follow_up_recorded", submission_id = %id, state = FollowUpState::Contacted.as_str(), via = "reply", time_to_first_contact_seconds = waited, "a reply to the person recorded first contact");
            report("recorded")
        }
        false => report("already_followed_up"),
    }
}

/// `Dr Lee <lee@practice.example>` → `lee@practice.example`.
fn bare_address(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(open), Some(close)) if open < close => &from[open + 1..close],
        _ => from.trim(),
    }
}

/// A staff address, or one of the practice's domain (the sender's, `NOTIFY_FROM`'s).
fn from_the_practice(app: &App, address: &str) -> bool {
    let config = app.config();
    let domain_of = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    let staff = config
        .notify_to
        .iter()
        .chain(&config.escalate_to)
        .chain(&config.notify_fallback_to)
        .any(|s| s.as_str().eq_ignore_ascii_case(address));
    staff
        || (domain_of(address).is_some()
            && domain_of(address) == domain_of(config.notify_from.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FollowUpKey {
        FollowUpKey::new(b"0123456789abcdef0123456789abcdef".to_vec(), None)
    }

    #[test]
    fn reply_addresses_are_written_as_they_always_were() {
        let key = FollowUpKey::new(b"golden-follow-up-key-0123456789abcdef".to_vec(), None);
        let id = SubmissionId::parse("01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3").unwrap();
        assert_eq!(
            reply_address(&key, id, "replies.practice.example")
                .unwrap()
                .as_str(),
            "reply+01kbj4z2q8m3t5v7w9x0y1z2a3.f0f03283fadb4c40@replies.practice.example"
        );
    }

    #[tokio::test]
    async fn a_reply_address_names_its_request_and_nothing_altered_passes() {
        let id = SubmissionId::new("2026-11-30T14:00:00Z".parse().unwrap());
        let domain = "replies.practice.example";
        let address = reply_address(&key(), id, domain).unwrap();
        let text = address.as_str().to_owned();
        assert!(text.starts_with("reply+") && text.ends_with("@replies.practice.example"));
        assert!(text.split('@').next().unwrap().len() <= 64);
        assert_eq!(request_of(&text, &key(), domain).await, Some(id));
        assert_eq!(
            request_of(&text.to_uppercase(), &key(), domain).await,
            Some(id),
            "mail may change case"
        );

        let other = SubmissionId::new("2026-11-30T15:00:00Z".parse().unwrap());
        let (_, signed) = text.split_once('.').unwrap();
        let swapped = format!("reply+{}.{signed}", other.to_string().to_lowercase());
        let mut flipped = text.clone().into_bytes();
        let at = text.find('@').unwrap() - 1;
        flipped[at] = if flipped[at] == b'0' { b'1' } else { b'0' };
        for forged in [
            swapped,
            String::from_utf8(flipped).unwrap(),
            text.replace("replies.practice.example", "evil.example"),
            format!("reply+{}@{domain}", id.to_string().to_lowercase()),
            "intake@replies.practice.example".to_owned(),
        ] {
            assert_eq!(request_of(&forged, &key(), domain).await, None, "{forged}");
        }
        let rotated = FollowUpKey::new(
            b"another-key-another-key-00000000".to_vec(),
            Some(b"0123456789abcdef0123456789abcdef".to_vec()),
        );
        assert_eq!(
            request_of(&text, &rotated, domain).await,
            Some(id),
            "after a rotation"
        );
    }

    #[test]
    fn the_from_header_gives_the_bare_address() {
        assert_eq!(
            bare_address("Dr Lee <lee@practice.example>"),
            "lee@practice.example"
        );
        assert_eq!(bare_address("lee@practice.example"), "lee@practice.example");
    }
}
