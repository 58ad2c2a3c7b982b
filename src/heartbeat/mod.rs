//! The heartbeat: once a day the scheduled run posts a probe to the public URL, through API
//! Gateway, the function, DynamoDB and SES, to `HEARTBEAT_TO`; an alarm fires when SES's
//! delivery event for it has not come back within an hour. A probe is recognised by a header
//! holding an HMAC over its id, time and body hash, keyed with a stack secret; each id is
//! accepted once and only within minutes, and a request whose header is replayed or altered is
//! refused (`403`), never taken for an ordinary one. A probe is never counted, listed, reminded
//! or sent to staff.
//!
//! The quiet form rides on the same daily run: when no real request has arrived for
//! `QUIET_DAYS`, it logs the event an alarm watches (the website's form may be broken).

use crate::domain::SubmissionId;
use crate::signing::{HeartbeatKey, Purpose, from_hex, to_hex};
use chrono::{DateTime, Utc};

/// The header a probe carries: `<id>.<unix time>.<hex HMAC>`.
pub const HEADER: &str = "x-consultation-heartbeat";

/// How far a probe's time may be from the function's clock.
pub const WINDOW_SECONDS: i64 = 300;

/// Why a header is not a probe's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAProbe {
    Malformed,
    OutOfTime,
    Forged,
}

/// The header of the probe `id` sent at `at` with `body`.
pub fn sign(key: &HeartbeatKey, id: SubmissionId, at: DateTime<Utc>, body: &[u8]) -> String {
    let at = at.timestamp();
    let id = id.to_string();
    let tag = key.keys().sign(&Purpose::Heartbeat { id: &id, at, body });
    format!("{id}.{at}.{}", to_hex(&tag))
}

/// The probe's id, when `header` was made with a version of the key (known, or read again after
/// a rotation) for exactly this body, within [`WINDOW_SECONDS`] of `now`. The comparison takes
/// constant time.
pub async fn verify(
    key: &HeartbeatKey,
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<SubmissionId, NotAProbe> {
    let mut parts = header.trim().splitn(3, '.');
    let (Some(id_text), Some(at), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(NotAProbe::Malformed);
    };
    let id = SubmissionId::parse(id_text).ok_or(NotAProbe::Malformed)?;
    let at: i64 = at.parse().map_err(|_| NotAProbe::Malformed)?;
    let signature = from_hex(signature)
        .filter(|s| s.len() == 32)
        .ok_or(NotAProbe::Malformed)?;
    if (now.timestamp() - at).abs() > WINDOW_SECONDS {
        return Err(NotAProbe::OutOfTime);
    }
    let purpose = Purpose::Heartbeat {
        id: &id.to_string(),
        at,
        body,
    };
    if key.keys().verify(&purpose, &signature).await {
        Ok(id)
    } else {
        Err(NotAProbe::Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> HeartbeatKey {
        HeartbeatKey::new(b"heartbeat-key-of-enough-length-0123456789".to_vec(), None)
    }

    #[test]
    fn headers_are_written_as_they_always_were() {
        let key = HeartbeatKey::new(b"golden-heartbeat-key-0123456789abcdef".to_vec(), None);
        let id = SubmissionId::parse("01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3").unwrap();
        let at: DateTime<Utc> = "2026-12-03T03:04:05Z".parse().unwrap();
        assert_eq!(
            sign(&key, id, at, br#"{"name":"Heartbeat"}"#),
            "01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3.1796267045.d39a7cbef352b1fe4be0c3e82143c662ecfb449709dcd813e0a3284888374cc5"
        );
    }

    #[tokio::test]
    async fn a_probe_verifies_once_signed_and_nothing_else_does() {
        let now: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        let id = SubmissionId::new(now);
        let body = br#"{"name":"Heartbeat"}"#;
        let header = sign(&key(), id, now, body);
        assert_eq!(verify(&key(), &header, body, now).await, Ok(id));
        let later = now + chrono::Duration::seconds(WINDOW_SECONDS);
        assert_eq!(
            verify(&key(), &header, body, later).await,
            Ok(id),
            "within minutes"
        );
        let stale = now + chrono::Duration::seconds(WINDOW_SECONDS + 1);
        assert_eq!(
            verify(&key(), &header, body, stale).await,
            Err(NotAProbe::OutOfTime)
        );
        assert_eq!(
            verify(&key(), &header, br#"{"name":"Someone else"}"#, now).await,
            Err(NotAProbe::Forged),
            "the body is signed"
        );
        let other_key =
            HeartbeatKey::new(b"another-key-of-enough-length-0123456789".to_vec(), None);
        assert_eq!(
            verify(&other_key, &header, body, now).await,
            Err(NotAProbe::Forged)
        );
        let rotated = HeartbeatKey::new(
            b"another-key-of-enough-length-0123456789".to_vec(),
            Some(b"heartbeat-key-of-enough-length-0123456789".to_vec()),
        );
        assert_eq!(
            verify(&rotated, &header, body, now).await,
            Ok(id),
            "rotation orphans nothing"
        );
        let other_id = SubmissionId::new(now);
        let moved = header.replacen(&id.to_string(), &other_id.to_string(), 1);
        assert_eq!(
            verify(&key(), &moved, body, now).await,
            Err(NotAProbe::Forged)
        );
        let retimed = header.replacen(
            &now.timestamp().to_string(),
            &(now.timestamp() + 1).to_string(),
            1,
        );
        assert_eq!(
            verify(&key(), &retimed, body, now).await,
            Err(NotAProbe::Forged)
        );
        for malformed in ["", "x", "a.b.c", &format!("{id}.{}.zz", now.timestamp())] {
            assert_eq!(
                verify(&key(), malformed, body, now).await,
                Err(NotAProbe::Malformed),
                "{malformed}"
            );
        }
    }
}
