//! The heartbeat: once a day the scheduled run posts a probe to the public URL, through API
//! Gateway, the function, DynamoDB and SES, to `HEARTBEAT_TO`; an alarm fires when SES's
//! delivery event for it has not come back within an hour. A probe is recognised by a header
//! holding an HMAC over its id, time and body hash, keyed with a stack secret; each id is
//! accepted once and only within minutes, so a replayed or altered header is an ordinary
//! request. A probe is never counted, listed, reminded or sent to staff.
//!
//! The quiet form rides on the same daily run: when no real request has arrived for
//! `QUIET_DAYS`, it logs the event an alarm watches (the website's form may be broken).

mod receive;
mod run;

pub use receive::receive;
pub use run::{DailyReport, Heartbeat};

use crate::config::FollowUpKey;
use crate::domain::SubmissionId;
use crate::follow_up::links::hex;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The header a probe carries: `<id>.<unix time>.<hex HMAC>`.
pub const HEADER: &str = "x-consultation-heartbeat";

/// How far a probe's time may be from the function's clock.
pub const WINDOW_SECONDS: i64 = 300;

/// Why a header is not a probe's (each means: an ordinary request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAProbe {
    Malformed,
    OutOfTime,
    Forged,
}

fn signed_text(id: SubmissionId, at: i64, body: &[u8]) -> String {
    format!("heartbeat\n{id}\n{at}\n{}", hex(&Sha256::digest(body)))
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length")
}

/// The header of the probe `id` sent at `at` with `body`.
pub fn sign(key: &FollowUpKey, id: SubmissionId, at: DateTime<Utc>, body: &[u8]) -> String {
    let at = at.timestamp();
    let mut mac = mac(key.as_bytes());
    mac.update(signed_text(id, at, body).as_bytes());
    format!("{id}.{at}.{}", hex(&mac.finalize().into_bytes()))
}

/// The probe's id, when `header` was made with the key (or its previous version) for exactly
/// this body, within [`WINDOW_SECONDS`] of `now`. The comparison takes constant time.
pub fn verify(
    key: &FollowUpKey,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<SubmissionId, NotAProbe> {
    let mut parts = header.trim().splitn(3, '.');
    let (Some(id), Some(at), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NotAProbe::Malformed);
    };
    let id = SubmissionId::parse(id).ok_or(NotAProbe::Malformed)?;
    let at: i64 = at.parse().map_err(|_| NotAProbe::Malformed)?;
    let signature = unhex(signature).ok_or(NotAProbe::Malformed)?;
    if (now.timestamp() - at).abs() > WINDOW_SECONDS {
        return Err(NotAProbe::OutOfTime);
    }
    let text = signed_text(id, at, body);
    let genuine = key.versions().any(|version| {
        let mut mac = mac(version);
        mac.update(text.as_bytes());
        mac.verify_slice(&signature).is_ok()
    });
    genuine.then_some(id).ok_or(NotAProbe::Forged)
}

/// A SHA-256 HMAC, written out: 64 hexadecimal digits.
fn unhex(text: &str) -> Option<Vec<u8>> {
    (text.len() == 64).then(|| crate::follow_up::links::unhex(text))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> FollowUpKey {
        FollowUpKey::new(b"heartbeat-key-of-enough-length-0123456789".to_vec())
    }

    #[test]
    fn a_probe_verifies_once_signed_and_nothing_else_does() {
        let now: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        let id = SubmissionId::new(now);
        let body = br#"{"name":"Heartbeat"}"#;
        let header = sign(&key(), id, now, body);
        assert_eq!(verify(&key(), &header, body, now), Ok(id));
        let later = now + chrono::Duration::seconds(WINDOW_SECONDS);
        assert_eq!(
            verify(&key(), &header, body, later),
            Ok(id),
            "within minutes"
        );
        let stale = now + chrono::Duration::seconds(WINDOW_SECONDS + 1);
        assert_eq!(
            verify(&key(), &header, body, stale),
            Err(NotAProbe::OutOfTime)
        );
        assert_eq!(
            verify(&key(), &header, br#"{"name":"Someone else"}"#, now),
            Err(NotAProbe::Forged),
            "the body is signed"
        );
        let other_key = FollowUpKey::new(b"another-key-of-enough-length-0123456789".to_vec());
        assert_eq!(
            verify(&other_key, &header, body, now),
            Err(NotAProbe::Forged)
        );
        let rotated = other_key.with_previous(Some(key().as_bytes().to_vec()));
        assert_eq!(
            verify(&rotated, &header, body, now),
            Ok(id),
            "rotation orphans nothing"
        );
        let other_id = SubmissionId::new(now);
        let moved = header.replacen(&id.to_string(), &other_id.to_string(), 1);
        assert_eq!(verify(&key(), &moved, body, now), Err(NotAProbe::Forged));
        let retimed = header.replacen(
            &now.timestamp().to_string(),
            &(now.timestamp() + 1).to_string(),
            1,
        );
        assert_eq!(verify(&key(), &retimed, body, now), Err(NotAProbe::Forged));
        for malformed in ["", "x", "a.b.c", &format!("{id}.{}.zz", now.timestamp())] {
            assert_eq!(
                verify(&key(), malformed, body, now),
                Err(NotAProbe::Malformed),
                "{malformed}"
            );
        }
    }
}
