//! The variables of the staff console, its access log and what staff emails may carry.

use super::declare::{Env, Need, Var, boolean, positive, table_name, var};
use super::error::ConfigError;
use super::origin::Origin;
use std::num::NonZeroU32;

use Need::{Default, Optional};

/// What staff emails carry: everything (`full`), or only the reference, the marks, the language
/// and a console link (`minimal`), for a staff mailbox no business associate agreement covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffEmailContent {
    Full,
    Minimal,
}

pub const STAFF_EMAIL_CONTENT: Var<StaffEmailContent> =
    var("STAFF_EMAIL_CONTENT", Default("full"), |v| match v {
        "full" => Ok(StaffEmailContent::Full),
        "minimal" => Ok(StaffEmailContent::Minimal),
        _ => Err("expected full or minimal".to_owned()),
    });
/// With routing: the front desk (`NOTIFY_TO`) gets a copy of the email to the assigned
/// clinician, and of their reminders.
pub const NOTIFY_FRONT_DESK_ON_ASSIGNED: Var<bool> =
    var("NOTIFY_FRONT_DESK_ON_ASSIGNED", Default("true"), boolean);
/// The console's own origin (its HTTP API's host, or the practice's `staff.` domain); unset:
/// no console.
pub const STAFF_BASE_URL: Var<(Origin, String)> = var("STAFF_BASE_URL", Optional, staff_base);
/// The passkeys' relying party: the console's host or a registrable suffix of it. Changing it
/// means every passkey is registered again.
pub const STAFF_RP_ID: Var<String> = var("STAFF_RP_ID", Optional, relying_party);
pub const STAFF_IDLE_MINUTES: Var<NonZeroU32> =
    var("STAFF_IDLE_MINUTES", Default("15"), |v| positive(v, 480));
pub const STAFF_SESSION_HOURS: Var<NonZeroU32> =
    var("STAFF_SESSION_HOURS", Default("12"), |v| positive(v, 24));
/// The staff table (accounts, passkeys, sessions).
pub const STAFF_TABLE_NAME: Var<String> = var("STAFF_TABLE_NAME", Optional, table_name);
/// The access log's table; unset (a local run without one), nothing is logged and the console
/// refuses to start.
pub const ACCESS_LOG_TABLE_NAME: Var<String> = var("ACCESS_LOG_TABLE_NAME", Optional, table_name);
/// How long an access log entry is kept: six years by default.
pub const ACCESS_LOG_DAYS: Var<NonZeroU32> =
    var("ACCESS_LOG_DAYS", Default("2190"), |v| positive(v, 36_500));

/// The staff console, when `STAFF_BASE_URL` is set.
#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// The console's origin: what a same-origin request's `Origin` is, and the passkeys' origin.
    pub base: Origin,
    /// The path the console's API is under (empty when at the root; locally `cargo lambda`'s
    /// `/lambda-url/<function>`): every console link starts with it.
    pub base_path: String,
    pub rp_id: String,
    pub idle: chrono::Duration,
    pub session: chrono::Duration,
    pub staff_table: String,
}

/// Where the access log is written, when its table is named.
#[derive(Debug, Clone)]
pub struct AccessLogConfig {
    pub table: String,
    pub days: u32,
}

/// The console's settings: all of them, or none (no console).
pub fn console(env: &Env<'_>) -> Result<Option<ConsoleConfig>, ConfigError> {
    let idle = env.required(&STAFF_IDLE_MINUTES)?;
    let session = env.required(&STAFF_SESSION_HOURS)?;
    let rp_id = env.optional(&STAFF_RP_ID)?;
    let staff_table = env.optional(&STAFF_TABLE_NAME)?;
    let Some((base, base_path)) = env.optional(&STAFF_BASE_URL)? else {
        return Ok(None);
    };
    let with_console = |var: &'static str| ConfigError::Invalid {
        variable: var,
        reason: "required with STAFF_BASE_URL (the console)".to_owned(),
    };
    let rp_id = rp_id.ok_or_else(|| with_console(STAFF_RP_ID.name))?;
    let host = base.host();
    if host != rp_id && !host.ends_with(&format!(".{rp_id}")) {
        return Err(ConfigError::Invalid {
            variable: STAFF_RP_ID.name,
            reason: format!("{rp_id} is neither {host} nor a domain {host} is under"),
        });
    }
    let staff_table = staff_table.ok_or_else(|| with_console(STAFF_TABLE_NAME.name))?;
    if env.optional(&ACCESS_LOG_TABLE_NAME)?.is_none() {
        return Err(with_console(ACCESS_LOG_TABLE_NAME.name));
    }
    Ok(Some(ConsoleConfig {
        base,
        base_path,
        rp_id,
        idle: chrono::Duration::minutes(i64::from(idle.get())),
        session: chrono::Duration::hours(i64::from(session.get())),
        staff_table,
    }))
}

pub fn access_log(env: &Env<'_>) -> Result<Option<AccessLogConfig>, ConfigError> {
    let days = env.required(&ACCESS_LOG_DAYS)?.get();
    Ok(env
        .optional(&ACCESS_LOG_TABLE_NAME)?
        .map(|table| AccessLogConfig { table, days }))
}

/// The console's base URL: `https` (or `http` on this machine only, where browsers allow
/// passkeys), an optional path, no query.
fn staff_base(text: &str) -> Result<(Origin, String), String> {
    let url = url::Url::parse(text).map_err(|_| format!("`{text}` is not a URL"))?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "`{text}` must be a base URL: no query, fragment or user"
        ));
    }
    let origin = Origin::of_url(text).ok_or_else(|| format!("`{text}` is not an http(s) URL"))?;
    let local = matches!(origin.host(), "localhost" | "127.0.0.1" | "[::1]");
    if origin.as_str().starts_with("http://") && !local {
        return Err(format!("`{text}` is plain http: use https://"));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    Ok((origin, path))
}

/// A DNS name (WebAuthn refuses IP addresses as relying parties); `localhost` included.
fn relying_party(name: &str) -> Result<String, String> {
    let name = name.to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let ip = name.parse::<std::net::IpAddr>().is_ok() || name.starts_with('[');
    (!ip && name.len() <= 253 && name.split('.').all(label_ok))
        .then_some(name)
        .ok_or_else(|| {
            "expected a domain name like staff.practice.example (not an address)".to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_a_name_never_an_address() {
        assert_eq!(
            relying_party("Staff.Practice.Example"),
            Ok("staff.practice.example".into())
        );
        assert_eq!(relying_party("localhost"), Ok("localhost".into()));
        for bad in [
            "127.0.0.1",
            "[::1]",
            "staff..example",
            "-a.example",
            "a_b.example",
        ] {
            assert!(relying_party(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_console_is_https_or_this_machine() {
        let (origin, path) = staff_base("https://staff.practice.example").unwrap();
        assert_eq!(
            (origin.as_str(), path.as_str()),
            ("https://staff.practice.example", "")
        );
        let (origin, path) = staff_base("http://localhost:3000/lambda-url/f/").unwrap();
        assert_eq!(
            (origin.as_str(), path.as_str()),
            ("http://localhost:3000", "/lambda-url/f")
        );
        assert!(staff_base("http://staff.practice.example").is_err());
        assert!(staff_base("https://staff.practice.example/?a=b").is_err());
    }
}
