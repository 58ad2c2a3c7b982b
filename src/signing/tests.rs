//! The signed bytes of every purpose, held by golden vectors computed by the code before this
//! module existed (links in mailboxes and fingerprints in tables were made with them), and every
//! way a signature must be refused.

use super::*;

const ID: &str = "01KBJ4Z2Q8M3T5V7W9X0Y1Z2A3";
const HASH_KEY: &[u8] = b"golden-client-hash-key-0123456789abcdef";
const LINK_KEY: &[u8] = b"golden-follow-up-key-0123456789abcdef";
const BEAT_KEY: &[u8] = b"golden-heartbeat-key-0123456789abcdef";

fn tag_hex(key: &[u8], purpose: Purpose<'_>) -> String {
    to_hex(&KeySet::new(key.to_vec(), None).sign(&purpose))
}

#[test]
fn every_purpose_signs_the_bytes_it_always_signed() {
    let golden = [
        (
            tag_hex(
                HASH_KEY,
                Purpose::Fingerprint {
                    label: "email",
                    parts: &["ana.lima@example.com"],
                },
            ),
            "9bbd9fd8dcec53f4cc391d1965001fc1c93b1e3a9920ac8cd57a54e1f08b15c6",
        ),
        (
            tag_hex(
                HASH_KEY,
                Purpose::Fingerprint {
                    label: "client",
                    parts: &["198.51.100.23"],
                },
            ),
            "375a6bcb000f0204e3d14cf771517ee1c9276692a3765d7ad6d0b3c998d1e9f1",
        ),
        (
            tag_hex(
                HASH_KEY,
                Purpose::Fingerprint {
                    label: "key",
                    parts: &["key-0123456789"],
                },
            ),
            "4adabfce20ebfcdf16a58e586d8041c8ab9dfab9b780211d1aac2aefb74b8156",
        ),
        (
            tag_hex(
                HASH_KEY,
                Purpose::Fingerprint {
                    label: "payload",
                    parts: &[
                        "Ana Lima",
                        "ana.lima@example.com",
                        "+14155552671",
                        "text",
                        "evenings",
                        "telehealth",
                        "I feel anxious.\nCan we talk?",
                    ],
                },
            ),
            "43bf3a9e7af7e4a53eab99ad9653a08beecc6ca96925fa4a29a200da3aba2f0b",
        ),
        (
            tag_hex(
                LINK_KEY,
                Purpose::FollowUpLink {
                    id: ID,
                    state: "contacted",
                    expires: 1_798_859_045,
                },
            ),
            "4145fe72da98960ad824620b9fb2b280051bd63d2ab28f72dac15d8db94df653",
        ),
        (
            tag_hex(
                LINK_KEY,
                Purpose::Release {
                    id: ID,
                    expires: 1_798_859_045,
                },
            ),
            "5bb318f289494f71b93e003ea93b2b406a316e752df45fec3522428f0270a3ef",
        ),
        (
            tag_hex(
                LINK_KEY,
                Purpose::ReplyAddress {
                    id: &ID.to_ascii_lowercase(),
                },
            )[..16]
                .to_owned(),
            "f0f03283fadb4c40",
        ),
        (
            tag_hex(
                BEAT_KEY,
                Purpose::Heartbeat {
                    id: ID,
                    at: 1_796_267_045,
                    body: br#"{"name":"Heartbeat"}"#,
                },
            ),
            "d39a7cbef352b1fe4be0c3e82143c662ecfb449709dcd813e0a3284888374cc5",
        ),
    ];
    for (made, expected) in golden {
        assert_eq!(made, expected);
    }
}

#[test]
fn a_signature_verifies_only_for_its_purpose_its_bytes_and_a_known_key() {
    let keys = KeySet::new(LINK_KEY.to_vec(), None);
    let link = Purpose::FollowUpLink {
        id: ID,
        state: "contacted",
        expires: 1,
    };
    let tag = keys.sign(&link);
    assert!(keys.verifies(&link, &tag));
    assert!(keys.verifies(&link, &tag[..MIN_TAG_BYTES]), "a kept prefix");
    assert!(
        !keys.verifies(&link, &tag[..MIN_TAG_BYTES - 1]),
        "too short"
    );
    assert!(!keys.verifies(&link, &[]), "empty");
    let mut altered = tag;
    altered[31] ^= 1;
    assert!(!keys.verifies(&link, &altered));
    for other in [
        Purpose::FollowUpLink {
            id: ID,
            state: "closed",
            expires: 1,
        },
        Purpose::FollowUpLink {
            id: ID,
            state: "contacted",
            expires: 2,
        },
        Purpose::Release { id: ID, expires: 1 },
    ] {
        assert!(!keys.verifies(&other, &tag), "{other:?}");
    }
    assert!(!KeySet::new(BEAT_KEY.to_vec(), None).verifies(&link, &tag));
    let rotated = KeySet::new(BEAT_KEY.to_vec(), Some(LINK_KEY.to_vec()));
    assert!(rotated.verifies(&link, &tag), "the previous version");
    assert_eq!(rotated.sign_each(&link)[1], tag);
    assert!(
        !keys.verifies(&link, &rotated.sign(&link)),
        "a newer version"
    );
}

struct Rotated {
    versions: KeyVersions,
    reads: std::sync::atomic::AtomicUsize,
}

impl KeySource for Rotated {
    fn reload(&self) -> Pin<Box<dyn Future<Output = Result<KeyVersions, String>> + Send + '_>> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let versions = self.versions.clone();
        Box::pin(async move { Ok(versions) })
    }
}

#[tokio::test]
async fn a_signature_from_a_newer_instance_verifies_after_one_read_a_minute() {
    let old = KeySet::new(LINK_KEY.to_vec(), None);
    let newer = KeySet::new(BEAT_KEY.to_vec(), Some(LINK_KEY.to_vec()));
    let link = Purpose::Release { id: ID, expires: 1 };
    let tag = newer.sign(&link);
    assert!(!old.verify(&link, &tag).await, "nowhere to read the secret");

    let source = Arc::new(Rotated {
        versions: KeyVersions::new(BEAT_KEY.to_vec(), Some(LINK_KEY.to_vec())),
        reads: Default::default(),
    });
    old.reload_from(source.clone());
    assert!(old.verify(&link, &tag).await, "read again, then verified");
    assert!(old.verify(&link, &old.sign(&link)).await);
    assert!(old.verifies(&link, &KeySet::new(LINK_KEY.to_vec(), None).sign(&link)));
    let forged = [7u8; 32];
    assert!(!old.verify(&link, &forged).await);
    assert!(!old.verify(&link, &forged).await);
    assert_eq!(
        source.reads.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "at most once a minute, however many forgeries"
    );
}

#[test]
fn hex_is_read_back_and_nothing_else_is() {
    assert_eq!(from_hex(&to_hex(&[0, 171, 255])), Some(vec![0, 171, 255]));
    for bad in ["abc", "zz", "0x00", " 00"] {
        assert_eq!(from_hex(bad), None, "{bad}");
    }
}

#[test]
fn fingerprints_are_made_under_each_version() {
    let key = ClientHashKey::new(HASH_KEY.to_vec(), None);
    let hash = key.email_hash("Ana.Lima@example.com");
    assert_eq!(
        hash,
        "9bbd9fd8dcec53f4cc391d1965001fc1c93b1e3a9920ac8cd57a54e1f08b15c6"
    );
    let rotated = ClientHashKey::new(
        b"a newer hashing key, 32 characters+".to_vec(),
        Some(HASH_KEY.to_vec()),
    );
    let hashes = rotated.email_hashes("ana.lima@example.com");
    assert_eq!(hashes.len(), 2);
    assert_eq!(hashes[1], hash);
    assert_ne!(hashes[0], hash);
}
