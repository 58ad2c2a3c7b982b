//! The signed reply address: with `REPLY_TRACKING_DOMAIN`, the staff email's `Reply-To` holds the
//! person and `reply+<id>.<signature>@<domain>`, so a reply to it can be told apart as a reply
//! about that request (`app::replies` decides whether it counts as contact).

use crate::domain::{EmailAddress, SubmissionId};
use crate::signing::{FollowUpKey, Purpose, from_hex, to_hex};

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
pub async fn request_of(address: &str, key: &FollowUpKey, domain: &str) -> Option<SubmissionId> {
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
}
