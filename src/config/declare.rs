//! How a variable is declared and read: its name, whether it is required or what it defaults to,
//! and how its value is parsed; the parsers more than one declaration shares.

use super::error::ConfigError;
use crate::domain::EmailAddress;
use std::cell::RefCell;
use std::num::NonZeroU32;

/// Whether a variable must be set, and what it means when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    /// Unset means this value, parsed like any other.
    Default(&'static str),
    /// Unset means the feature is off (or, for a secret, made up at cold start).
    Optional,
}

/// One declared variable: `T` is what its value parses into.
pub struct Var<T> {
    pub name: &'static str,
    pub need: Need,
    pub(super) parse: fn(&str) -> Result<T, String>,
}

/// What every declaration says, whatever its type.
pub trait Declared: Sync {
    fn name(&self) -> &'static str;
    fn need(&self) -> Need;
}

impl<T> Declared for Var<T> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn need(&self) -> Need {
        self.need
    }
}

pub(super) const fn var<T>(
    name: &'static str,
    need: Need,
    parse: fn(&str) -> Result<T, String>,
) -> Var<T> {
    Var { name, need, parse }
}

/// The environment as the configuration reads it: empty values count as unset, and every name
/// asked for is remembered (a test checks they are all declared).
pub struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(super) asked: RefCell<Vec<&'static str>>,
}

impl<'a> Env<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            asked: RefCell::new(Vec::new()),
        }
    }

    /// The variable's value (or default), parsed; `None` when an optional one is unset.
    pub fn optional<T>(&self, var: &Var<T>) -> Result<Option<T>, ConfigError> {
        self.asked.borrow_mut().push(var.name);
        let raw = (self.lookup)(var.name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let value = match (raw.as_deref(), var.need) {
            (Some(value), _) | (None, Need::Default(value)) => value,
            (None, _) => return Ok(None),
        };
        (var.parse)(value)
            .map(Some)
            .map_err(|reason| ConfigError::Invalid {
                variable: var.name,
                reason,
            })
    }

    /// The value of a required variable, or of one with a default.
    pub fn required<T>(&self, var: &Var<T>) -> Result<T, ConfigError> {
        self.optional(var)?.ok_or(ConfigError::Missing(var.name))
    }
}

pub(super) fn table_name(name: &str) -> Result<String, String> {
    let valid = (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    valid
        .then(|| name.to_owned())
        .ok_or_else(|| "3–255 characters of letters, digits, '_', '-' and '.'".to_owned())
}

pub(super) fn email_address(text: &str) -> Result<EmailAddress, String> {
    EmailAddress::parse(text).map_err(|_| "not a valid email address".to_owned())
}

pub(super) fn email_addresses(list: &str) -> Result<Vec<EmailAddress>, String> {
    let addresses = list
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            EmailAddress::parse(s.trim())
                .map_err(|_| "each comma-separated entry must be an email address".to_owned())
        })
        .collect::<Result<Vec<_>, _>>()?;
    match addresses.len() {
        0 => Err("list at least one address".to_owned()),
        51.. => Err("SES accepts at most 50 recipients".to_owned()),
        _ => Ok(addresses),
    }
}

pub(super) fn positive(value: &str, max: u32) -> Result<NonZeroU32, String> {
    value
        .parse::<u32>()
        .ok()
        .and_then(NonZeroU32::new)
        .filter(|n| n.get() <= max)
        .ok_or_else(|| format!("must be a whole number from 1 to {max}"))
}

pub(super) fn boolean(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err("must be true or false".to_owned()),
    }
}
