//! Typed configuration, read from the environment once at cold start.
//!
//! A missing or invalid variable stops the function at init with an error naming the variable, so
//! a misconfigured deployment fails loudly instead of losing requests quietly.

use crate::domain::{EmailAddress, PhoneRegion, UrgentPhrases};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::num::NonZeroU32;

/// A configuration problem, always naming the variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required but not set")]
    Missing(&'static str),
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        variable: &'static str,
        reason: String,
    },
}

impl ConfigError {
    pub fn variable(&self) -> &'static str {
        match self {
            ConfigError::Missing(v) | ConfigError::Invalid { variable: v, .. } => v,
        }
    }
}

/// An exact origin such as `https://www.example.com` (scheme, host, optional port; no path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    fn parse(raw: &str) -> Result<Self, String> {
        let origin = raw.trim();
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or_else(|| format!("`{origin}` must start with https:// or http://"))?;
        let valid_host = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid_host {
            return Err(format!(
                "`{origin}` must be an origin: scheme and host, optional port, no path or trailing slash"
            ));
        }
        Ok(Self(origin.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The list of origins whose pages may post to the function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<AllowedOrigin>);

impl AllowedOrigins {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let origins = raw
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(AllowedOrigin::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if origins.is_empty() {
            return Err("list at least one origin".to_owned());
        }
        Ok(Self(origins))
    }

    /// Origins compare case-insensitively for scheme and host, as browsers send them lower-case.
    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.0.eq_ignore_ascii_case(origin))
    }

    pub fn iter(&self) -> impl Iterator<Item = &AllowedOrigin> {
        self.0.iter()
    }
}

/// The secret used to hash client addresses; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientHashKey {
    bytes: Vec<u8>,
    /// Made at cold start because none was configured: limits then hold per instance only.
    pub generated: bool,
}

impl ClientHashKey {
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::fmt::Debug for ClientHashKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientHashKey")
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

/// The Turnstile secret; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnstileSecret(String);

impl TurnstileSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TurnstileSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnstileSecret(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnstileConfig {
    pub secret: TurnstileSecret,
    pub verify_url: String,
}

pub const DEFAULT_TURNSTILE_VERIFY_URL: &str =
    "https://challenges.cloudflare.com/turnstile/v0/siteverify";

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub notify_from: EmailAddress,
    pub notify_to: Vec<EmailAddress>,
    pub allowed_origins: AllowedOrigins,
    pub thank_you_url: Option<String>,
    pub practice_timezone: Tz,
    pub retention_days: NonZeroU32,
    pub notify_include_message: bool,
    pub phone_default_region: PhoneRegion,
    pub rate_limit_per_hour: NonZeroU32,
    pub turnstile: Option<TurnstileConfig>,
    pub ses_configuration_set: Option<String>,
    pub client_hash_key: ClientHashKey,
    pub consent_version: String,
    pub send_acknowledgement: bool,
    pub urgent_phrases: UrgentPhrases,
    /// Open the DynamoDB and SES connections and load the phone-number metadata during init, so
    /// the first request pays neither.
    pub warm_connections: bool,
}

/// Every variable the configuration reads, in the order of the contract's table.
pub const VARIABLES: &[&str] = &[
    "TABLE_NAME",
    "NOTIFY_FROM",
    "NOTIFY_TO",
    "ALLOWED_ORIGINS",
    "THANK_YOU_URL",
    "PRACTICE_TIMEZONE",
    "RETENTION_DAYS",
    "NOTIFY_INCLUDE_MESSAGE",
    "PHONE_DEFAULT_REGION",
    "RATE_LIMIT_PER_HOUR",
    "TURNSTILE_SECRET_KEY",
    "TURNSTILE_VERIFY_URL",
    "SES_CONFIGURATION_SET",
    "CLIENT_HASH_KEY",
    "CONSENT_VERSION",
    "SEND_ACKNOWLEDGEMENT",
    "URGENT_PHRASES",
    "WARM_CONNECTIONS",
];

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let vars: HashMap<String, String> = VARIABLES
            .iter()
            .filter_map(|name| std::env::var(name).ok().map(|v| ((*name).to_owned(), v)))
            .collect();
        Self::from_vars(&vars)
    }

    /// Reads the configuration from a map of variables; empty values count as unset.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let invalid =
            |variable: &'static str, reason: String| ConfigError::Invalid { variable, reason };

        let table_name = required("TABLE_NAME")?;
        if !valid_table_name(table_name) {
            return Err(invalid(
                "TABLE_NAME",
                "3–255 characters of letters, digits, '_', '-' and '.'".to_owned(),
            ));
        }
        let notify_from = EmailAddress::parse(required("NOTIFY_FROM")?)
            .map_err(|_| invalid("NOTIFY_FROM", "not a valid email address".to_owned()))?;
        let notify_to = required("NOTIFY_TO")?
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                EmailAddress::parse(s.trim()).map_err(|_| {
                    invalid(
                        "NOTIFY_TO",
                        "each comma-separated entry must be an email address".to_owned(),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if notify_to.is_empty() {
            return Err(ConfigError::Missing("NOTIFY_TO"));
        }
        if notify_to.len() > 50 {
            return Err(invalid(
                "NOTIFY_TO",
                "SES accepts at most 50 recipients".to_owned(),
            ));
        }
        let allowed_origins = AllowedOrigins::parse(required("ALLOWED_ORIGINS")?)
            .map_err(|reason| invalid("ALLOWED_ORIGINS", reason))?;
        let thank_you_url = get("THANK_YOU_URL")
            .map(|url| {
                if is_absolute_http_url(url) {
                    Ok(url.to_owned())
                } else {
                    Err(invalid(
                        "THANK_YOU_URL",
                        "must be an absolute http(s) URL".to_owned(),
                    ))
                }
            })
            .transpose()?;
        let practice_timezone = get("PRACTICE_TIMEZONE")
            .map(|tz| {
                tz.parse::<Tz>().map_err(|_| {
                    invalid("PRACTICE_TIMEZONE", "not an IANA time zone name".to_owned())
                })
            })
            .transpose()?
            .unwrap_or(Tz::UTC);
        let retention_days = positive(get("RETENTION_DAYS"), 365, 36_500)
            .map_err(|reason| invalid("RETENTION_DAYS", reason))?;
        let notify_include_message = boolean(get("NOTIFY_INCLUDE_MESSAGE"), true)
            .map_err(|reason| invalid("NOTIFY_INCLUDE_MESSAGE", reason))?;
        let phone_default_region = get("PHONE_DEFAULT_REGION")
            .map(|r| {
                r.parse::<PhoneRegion>().map_err(|_| {
                    invalid(
                        "PHONE_DEFAULT_REGION",
                        "not a two-letter region code such as US or GB".to_owned(),
                    )
                })
            })
            .transpose()?
            .unwrap_or_default();
        let rate_limit_per_hour = positive(get("RATE_LIMIT_PER_HOUR"), 5, 100_000)
            .map_err(|reason| invalid("RATE_LIMIT_PER_HOUR", reason))?;
        let turnstile_verify_url = get("TURNSTILE_VERIFY_URL")
            .map(|url| {
                if is_absolute_http_url(url) {
                    Ok(url.to_owned())
                } else {
                    Err(invalid(
                        "TURNSTILE_VERIFY_URL",
                        "must be an absolute http(s) URL".to_owned(),
                    ))
                }
            })
            .transpose()?;
        let turnstile = get("TURNSTILE_SECRET_KEY").map(|secret| TurnstileConfig {
            secret: TurnstileSecret(secret.to_owned()),
            verify_url: turnstile_verify_url
                .clone()
                .unwrap_or_else(|| DEFAULT_TURNSTILE_VERIFY_URL.to_owned()),
        });
        let ses_configuration_set = get("SES_CONFIGURATION_SET").map(str::to_owned);
        let client_hash_key = match get("CLIENT_HASH_KEY") {
            Some(key) if key.len() >= 32 => ClientHashKey {
                bytes: key.as_bytes().to_vec(),
                generated: false,
            },
            Some(_) => {
                return Err(invalid(
                    "CLIENT_HASH_KEY",
                    "must be at least 32 characters of secret".to_owned(),
                ));
            }
            None => ClientHashKey {
                bytes: random_key().map_err(|e| {
                    invalid(
                        "CLIENT_HASH_KEY",
                        format!("unset, and no random key could be made: {e}"),
                    )
                })?,
                generated: true,
            },
        };
        let consent_version = get("CONSENT_VERSION").unwrap_or("1").to_owned();
        if consent_version.chars().count() > 64 || consent_version.chars().any(char::is_control) {
            return Err(invalid(
                "CONSENT_VERSION",
                "at most 64 characters on one line".to_owned(),
            ));
        }
        let send_acknowledgement = boolean(get("SEND_ACKNOWLEDGEMENT"), false)
            .map_err(|reason| invalid("SEND_ACKNOWLEDGEMENT", reason))?;
        let urgent_phrases = match get("URGENT_PHRASES") {
            None => UrgentPhrases::default(),
            Some(list) => {
                let phrases = UrgentPhrases::from_phrases(list.split(','));
                if phrases.is_empty() {
                    return Err(invalid(
                        "URGENT_PHRASES",
                        "list at least one phrase, comma-separated".to_owned(),
                    ));
                }
                phrases
            }
        };

        let warm_connections = boolean(get("WARM_CONNECTIONS"), true)
            .map_err(|reason| invalid("WARM_CONNECTIONS", reason))?;

        Ok(Config {
            table_name: table_name.to_owned(),
            notify_from,
            notify_to,
            allowed_origins,
            thank_you_url,
            practice_timezone,
            retention_days,
            notify_include_message,
            phone_default_region,
            rate_limit_per_hour,
            turnstile,
            ses_configuration_set,
            client_hash_key,
            consent_version,
            send_acknowledgement,
            urgent_phrases,
            warm_connections,
        })
    }
}

fn valid_table_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

fn is_absolute_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
}

fn positive(value: Option<&str>, default: u32, max: u32) -> Result<NonZeroU32, String> {
    let n = match value {
        None => default,
        Some(v) => v
            .parse::<u32>()
            .map_err(|_| format!("must be a whole number from 1 to {max}"))?,
    };
    NonZeroU32::new(n)
        .filter(|n| n.get() <= max)
        .ok_or_else(|| format!("must be a whole number from 1 to {max}"))
}

fn boolean(value: Option<&str>, default: bool) -> Result<bool, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(_) => Err("must be true or false".to_owned()),
    }
}

fn random_key() -> Result<Vec<u8>, getrandom::Error> {
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> HashMap<String, String> {
        [
            ("TABLE_NAME", "consultations"),
            ("NOTIFY_FROM", "forms@practice.example"),
            (
                "NOTIFY_TO",
                "intake@practice.example, dr.lee@practice.example",
            ),
            (
                "ALLOWED_ORIGINS",
                "https://www.practice.example,http://localhost:8080",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn with(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let mut vars = minimal();
        for (k, v) in extra {
            vars.insert((*k).to_owned(), (*v).to_owned());
        }
        vars
    }

    #[test]
    fn defaults_apply_when_only_required_variables_are_set() {
        let config = Config::from_vars(&minimal()).unwrap();
        assert_eq!(config.table_name, "consultations");
        assert_eq!(config.notify_to.len(), 2);
        assert_eq!(config.thank_you_url, None);
        assert_eq!(config.practice_timezone, Tz::UTC);
        assert_eq!(config.retention_days.get(), 365);
        assert!(config.notify_include_message);
        assert_eq!(config.phone_default_region, PhoneRegion::default());
        assert_eq!(config.rate_limit_per_hour.get(), 5);
        assert_eq!(config.turnstile, None);
        assert_eq!(config.ses_configuration_set, None);
        assert!(config.client_hash_key.generated);
        assert_eq!(config.client_hash_key.as_bytes().len(), 32);
        assert_eq!(config.consent_version, "1");
        assert!(!config.send_acknowledgement);
        assert_eq!(config.urgent_phrases, UrgentPhrases::default());
        assert!(config.warm_connections);
        assert!(config.allowed_origins.allows("http://localhost:8080"));
        assert!(
            config
                .allowed_origins
                .allows("https://WWW.practice.example")
        );
        assert!(!config.allowed_origins.allows("https://evil.example"));
    }

    #[test]
    fn every_missing_required_variable_is_named() {
        for name in ["TABLE_NAME", "NOTIFY_FROM", "NOTIFY_TO", "ALLOWED_ORIGINS"] {
            let mut vars = minimal();
            vars.remove(name);
            assert_eq!(
                Config::from_vars(&vars).unwrap_err(),
                ConfigError::Missing(name)
            );
            vars.insert(name.to_owned(), "  ".to_owned());
            assert_eq!(
                Config::from_vars(&vars).unwrap_err(),
                ConfigError::Missing(name)
            );
        }
    }

    #[test]
    fn every_invalid_variable_is_named() {
        let cases: &[(&str, &str)] = &[
            ("TABLE_NAME", "no spaces allowed"),
            ("NOTIFY_FROM", "Forms <forms@practice.example>"),
            ("NOTIFY_TO", "intake@practice.example, nobody"),
            ("ALLOWED_ORIGINS", "https://www.practice.example/"),
            ("ALLOWED_ORIGINS", "www.practice.example"),
            ("THANK_YOU_URL", "/thanks"),
            ("PRACTICE_TIMEZONE", "Mars/Olympus"),
            ("RETENTION_DAYS", "0"),
            ("RETENTION_DAYS", "a year"),
            ("NOTIFY_INCLUDE_MESSAGE", "maybe"),
            ("PHONE_DEFAULT_REGION", "USA"),
            ("RATE_LIMIT_PER_HOUR", "-1"),
            ("TURNSTILE_VERIFY_URL", "ftp://verify"),
            ("CLIENT_HASH_KEY", "too-short"),
            ("SEND_ACKNOWLEDGEMENT", "sometimes"),
            ("URGENT_PHRASES", " , ,"),
            ("WARM_CONNECTIONS", "often"),
        ];
        for (name, value) in cases {
            let err = Config::from_vars(&with(&[(name, value)])).unwrap_err();
            assert_eq!(err.variable(), *name, "{name}={value:?} gave {err}");
            assert!(
                err.to_string().starts_with(name),
                "message must name the variable: {err}"
            );
        }
    }

    #[test]
    fn optional_variables_are_read() {
        let config = Config::from_vars(&with(&[
            ("THANK_YOU_URL", "https://www.practice.example/thank-you"),
            ("PRACTICE_TIMEZONE", "America/New_York"),
            ("RETENTION_DAYS", "90"),
            ("NOTIFY_INCLUDE_MESSAGE", "false"),
            ("PHONE_DEFAULT_REGION", "gb"),
            ("RATE_LIMIT_PER_HOUR", "20"),
            ("TURNSTILE_SECRET_KEY", "0x4AAA-secret"),
            ("TURNSTILE_VERIFY_URL", "http://127.0.0.1:9999/siteverify"),
            ("SES_CONFIGURATION_SET", "consultations"),
            ("CLIENT_HASH_KEY", "0123456789abcdef0123456789abcdef"),
            ("CONSENT_VERSION", "2026-11"),
            ("SEND_ACKNOWLEDGEMENT", "true"),
            ("URGENT_PHRASES", "crisis, give up"),
        ]))
        .unwrap();
        assert_eq!(
            config.thank_you_url.as_deref(),
            Some("https://www.practice.example/thank-you")
        );
        assert_eq!(config.practice_timezone, chrono_tz::America::New_York);
        assert_eq!(config.retention_days.get(), 90);
        assert!(!config.notify_include_message);
        assert_eq!(config.phone_default_region, "GB".parse().unwrap());
        assert_eq!(config.rate_limit_per_hour.get(), 20);
        let turnstile = config.turnstile.unwrap();
        assert_eq!(turnstile.secret.expose(), "0x4AAA-secret");
        assert_eq!(turnstile.verify_url, "http://127.0.0.1:9999/siteverify");
        assert_eq!(
            config.ses_configuration_set.as_deref(),
            Some("consultations")
        );
        assert!(!config.client_hash_key.generated);
        assert_eq!(config.consent_version, "2026-11");
        assert!(config.send_acknowledgement);
        assert!(config.urgent_phrases.matches("I want to give up"));
        assert!(!format!("{:?}", config.client_hash_key).contains("0123"));
    }

    #[test]
    fn turnstile_defaults_to_cloudflare() {
        let config = Config::from_vars(&with(&[("TURNSTILE_SECRET_KEY", "secret")])).unwrap();
        assert_eq!(
            config.turnstile.unwrap().verify_url,
            DEFAULT_TURNSTILE_VERIFY_URL
        );
    }
}
