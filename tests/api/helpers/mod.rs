//! Test helpers: the app against the emulator (moto, started by `make test`) with real SDK clients,
//! requests as API Gateway events, and what was stored, sent and logged.

mod app;
mod clock;
mod emulator;
mod endpoints;
mod event;
mod logs;
mod passkey;
mod proxy;

pub use app::*;
pub use clock::*;
pub use emulator::*;
pub use endpoints::*;
pub use event::*;
pub use logs::*;
pub use passkey::*;
pub use proxy::*;

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub const SENDER: &str = "forms@practice.test";
pub const ALLOWED_ORIGIN: &str = "https://www.practice.test";
pub const OTHER_ORIGIN: &str = "https://evil.example";
pub const SOURCE_IP: &str = "198.51.100.23";
/// The access key of the tests' own AWS calls; the function's come with the environment's
/// (`testing`), the operator tool's with [`FRONT_DESK_ACCESS_KEY`], [`RECORDS_ACCESS_KEY`], or
/// [`BOTH_POLICIES_ACCESS_KEY`] for an operator who holds both policies.
pub const HARNESS_ACCESS_KEY: &str = "harness";
pub const FRONT_DESK_ACCESS_KEY: &str = "front-desk";
pub const RECORDS_ACCESS_KEY: &str = "records";
pub const BOTH_POLICIES_ACCESS_KEY: &str = "front-desk-and-records";
pub const CLIENT_HASH_KEY: &str = "test-client-hash-key-0123456789abcdef";

/// A unique lower-case suffix, so parallel tests never share a table or a mailbox.
pub fn unique() -> String {
    ulid::Ulid::new().to_string().to_lowercase()
}

pub fn s(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        other => panic!("attribute {name} is not a string: {other:?}"),
    }
}
