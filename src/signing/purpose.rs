//! What a signature is for, and so exactly which bytes it signs. A purpose's bytes start with its
//! own label, so a signature made for one purpose never verifies for another (a follow-up token is
//! never a release token, a reply address never a link). These bytes may never change: links in
//! mailboxes, reply addresses and fingerprints stored in the table were made with them (the
//! golden vectors in the tests hold them).

use hmac::Mac;
use sha2::{Digest, Sha256};

/// One signed statement.
#[derive(Debug, Clone, Copy)]
pub enum Purpose<'a> {
    /// A follow-up link: `follow-up\n<id>\n<state>\n<expiry, epoch seconds>`.
    FollowUpLink {
        id: &'a str,
        state: &'a str,
        expires: i64,
    },
    /// The review digest's *Not spam* link: `release\n<id>\n<expiry>`.
    Release { id: &'a str, expires: i64 },
    /// The signed reply address: `reply-address\0<id, lower-case>`.
    ReplyAddress { id: &'a str },
    /// The heartbeat probe's header: `heartbeat\n<id>\n<epoch seconds>\n<hex SHA-256 of the
    /// body>`.
    Heartbeat {
        id: &'a str,
        at: i64,
        body: &'a [u8],
    },
    /// A webhook, by the Standard Webhooks specification: `<id>.<epoch seconds>.<body>`, exactly
    /// (receivers check it with the specification's libraries). It carries no label of ours:
    /// each endpoint has its own key, used for nothing else.
    StandardWebhook {
        id: &'a str,
        timestamp: i64,
        body: &'a [u8],
    },
    /// A keyed fingerprint: the label, then each part with its length (8 bytes, big-endian)
    /// before it, so no two lists of parts sign the same bytes.
    Fingerprint {
        label: &'a str,
        parts: &'a [&'a str],
    },
}

impl Purpose<'_> {
    /// Writes the signed bytes into `mac`.
    pub(super) fn feed(&self, mac: &mut impl Mac) {
        match *self {
            Purpose::FollowUpLink { id, state, expires } => {
                mac.update(format!("follow-up\n{id}\n{state}\n{expires}").as_bytes());
            }
            Purpose::Release { id, expires } => {
                mac.update(format!("release\n{id}\n{expires}").as_bytes());
            }
            Purpose::ReplyAddress { id } => {
                mac.update(b"reply-address\0");
                mac.update(id.as_bytes());
            }
            Purpose::Heartbeat { id, at, body } => {
                let body_hash = hex::encode(Sha256::digest(body));
                mac.update(format!("heartbeat\n{id}\n{at}\n{body_hash}").as_bytes());
            }
            Purpose::StandardWebhook {
                id,
                timestamp,
                body,
            } => {
                mac.update(format!("{id}.{timestamp}.").as_bytes());
                mac.update(body);
            }
            Purpose::Fingerprint { label, parts } => {
                mac.update(label.as_bytes());
                for part in parts {
                    mac.update(&(part.len() as u64).to_be_bytes());
                    mac.update(part.as_bytes());
                }
            }
        }
    }
}
