//! A software passkey for the tests that drive the console's ceremonies without a browser: it
//! answers the options the function sends exactly as an authenticator would (CBOR attestation
//! with `none` format, an ECDSA P-256 signature over the authenticator data and the client data's
//! hash), and can be told to lie (another origin, no user verification) so each refusal is tested.
//! The browser tests use Chromium's own virtual authenticator.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub struct SoftPasskey {
    key: SigningKey,
    pub credential_id: Vec<u8>,
    /// The user handle the registration's options named.
    pub user_handle: Vec<u8>,
    pub rp_id: String,
    counter: u32,
}

/// How an answer is made: honestly, or with one thing wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PasskeyAnswer<'a> {
    /// The origin the client data names (`None`: the console's own).
    pub origin: Option<&'a str>,
    /// Leave the user-verified flag out.
    pub without_verification: bool,
    /// Sign something else (a forged signature).
    pub bad_signature: bool,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .expect("base64url")
}

/// The few CBOR shapes an authenticator's answer needs (RFC 8949).
enum Cbor<'a> {
    Int(i64),
    Bytes(&'a [u8]),
    Text(&'a str),
    Map(Vec<(Cbor<'a>, Cbor<'a>)>),
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend([major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

fn encode(value: &Cbor<'_>, out: &mut Vec<u8>) {
    match value {
        Cbor::Int(n) if *n >= 0 => head(out, 0, *n as u64),
        Cbor::Int(n) => head(out, 1, (-1 - *n) as u64),
        Cbor::Bytes(bytes) => {
            head(out, 2, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
        Cbor::Text(text) => {
            head(out, 3, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        Cbor::Map(pairs) => {
            head(out, 5, pairs.len() as u64);
            for (k, v) in pairs {
                encode(k, out);
                encode(v, out);
            }
        }
    }
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

impl SoftPasskey {
    pub fn new(rp_id: &str) -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).unwrap();
        let mut credential_id = vec![0u8; 16];
        getrandom::fill(&mut credential_id).unwrap();
        Self {
            key: SigningKey::from_slice(&secret).expect("a P-256 key"),
            credential_id,
            user_handle: Vec::new(),
            rp_id: rp_id.to_owned(),
            counter: 0,
        }
    }

    fn client_data(kind: &str, options: &Value, origin: &str) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": options["publicKey"]["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn flags(answer: &PasskeyAnswer<'_>) -> u8 {
        if answer.without_verification {
            UP
        } else {
            UP | UV
        }
    }

    /// The answer to `navigator.credentials.create(options)` on `origin`.
    pub fn register(&mut self, options: &Value, origin: &str, answer: PasskeyAnswer<'_>) -> Value {
        self.user_handle = unb64(options["publicKey"]["user"]["id"].as_str().unwrap());
        let client_data =
            Self::client_data("webauthn.create", options, answer.origin.unwrap_or(origin));
        let point = self.key.verifying_key().to_sec1_point(false);
        let point = point.as_bytes();
        let (x, y) = (&point[1..33], &point[33..65]);
        let mut cose = Vec::new();
        encode(
            &Cbor::Map(vec![
                (Cbor::Int(1), Cbor::Int(2)),
                (Cbor::Int(3), Cbor::Int(-7)),
                (Cbor::Int(-1), Cbor::Int(1)),
                (Cbor::Int(-2), Cbor::Bytes(x)),
                (Cbor::Int(-3), Cbor::Bytes(y)),
            ]),
            &mut cose,
        );
        let mut auth_data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        auth_data.push(Self::flags(&answer) | AT);
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0u8; 16]);
        auth_data.extend((self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(cose);
        let mut attestation = Vec::new();
        encode(
            &Cbor::Map(vec![
                (Cbor::Text("fmt"), Cbor::Text("none")),
                (Cbor::Text("attStmt"), Cbor::Map(Vec::new())),
                (Cbor::Text("authData"), Cbor::Bytes(&auth_data)),
            ]),
            &mut attestation,
        );
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&client_data),
                "transports": ["internal"],
            }
        })
    }

    /// The answer to `navigator.credentials.get(options)` on `origin`.
    pub fn assert(&mut self, options: &Value, origin: &str, answer: PasskeyAnswer<'_>) -> Value {
        self.counter += 1;
        let client_data =
            Self::client_data("webauthn.get", options, answer.origin.unwrap_or(origin));
        let mut auth_data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        auth_data.push(Self::flags(&answer));
        auth_data.extend(self.counter.to_be_bytes());
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        if answer.bad_signature {
            signed.push(0);
        }
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&self.user_handle),
            }
        })
    }
}
