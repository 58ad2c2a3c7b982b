//! Typed configuration, read from the environment once at cold start.
//!
//! A missing or invalid variable stops the function at init with an error naming the variable, so
//! a misconfigured deployment fails loudly instead of losing requests quietly. `vars` declares
//! every variable; this module puts their values together.

mod origin;
mod secrets;
pub mod vars;

pub use origin::{AllowedOrigins, Origin};
pub use secrets::{
    ClientHashKey, FollowUpKey, SecretArn, SecretArns, SecretSource, TurnstileConfig,
    TurnstileSecret,
};
pub use vars::VARIABLES;

use crate::domain::{EmailAddress, PhoneRegion, UrgentPhrases};
use crate::follow_up::BusinessHours;
use chrono_tz::Tz;
use std::collections::HashMap;
use std::num::NonZeroU32;
use vars::Env;

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

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub notify_from: EmailAddress,
    pub notify_to: Vec<EmailAddress>,
    /// `NOTIFY_FALLBACK_TO`: empty when unset.
    pub notify_fallback_to: Vec<EmailAddress>,
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
    /// How long a request held as spam is kept.
    pub spam_retention_days: NonZeroU32,
    /// `PUBLIC_BASE_URL`: where the follow-up links point; unset, the domain each request came in on.
    pub public_base_url: Option<String>,
    /// `FOLLOW_UP_KEY`: without it the staff email carries no follow-up links.
    pub follow_up_key: Option<FollowUpKey>,
    pub follow_up_after_hours: NonZeroU32,
    pub business_hours: BusinessHours,
    /// `ESCALATE_TO`: empty when unset.
    pub escalate_to: Vec<EmailAddress>,
    /// Open the DynamoDB and SES connections during init, so the first request waits for neither.
    pub warm_connections: bool,
    /// Worker threads of the async runtime; 0: the main thread alone.
    pub runtime_workers: u8,
    /// The secrets read from Secrets Manager at cold start (their values are in the fields above).
    pub secret_arns: SecretArns,
    /// `REPLY_TRACKING_DOMAIN`: replies to the staff email at this domain count as contact.
    pub reply_tracking_domain: Option<String>,
    /// `PRACTICE_PHONE`, `PRACTICE_CONTACT_EMAIL`: the way out when sending fails.
    pub practice_contact: PracticeContact,
}

/// How a person reaches the practice directly when the form cannot get through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeContact {
    /// As the practice writes it, for people to read.
    pub phone: Option<String>,
    pub email: Option<EmailAddress>,
}

impl PracticeContact {
    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none()
    }

    /// The phone number as a `tel:` link: its digits, and a leading `+` if it has one.
    pub fn tel_href(&self) -> Option<String> {
        self.phone.as_ref().map(|phone| {
            let plus = if phone.trim_start().starts_with('+') {
                "+"
            } else {
                ""
            };
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            format!("tel:{plus}{digits}")
        })
    }
}

/// The required variables with example values: the smallest valid configuration, for tests and
/// for trying the tools.
pub const EXAMPLE_REQUIRED: [(&str, &str); 4] = [
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
];

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the configuration from a map of variables; empty values count as unset.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| vars.get(name).cloned())
    }

    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&Env::new(lookup))
    }

    fn read(env: &Env<'_>) -> Result<Self, ConfigError> {
        use vars::*;
        let verify_url = env.required(&TURNSTILE_VERIFY_URL)?;
        let turnstile = env
            .optional(&TURNSTILE_SECRET_KEY)?
            .map(|secret| TurnstileConfig {
                secret: TurnstileSecret(secret),
                verify_url,
            });
        let client_hash_key_previous = env.optional(&CLIENT_HASH_KEY_PREVIOUS)?;
        let client_hash_key = match env.optional(&CLIENT_HASH_KEY)? {
            Some(bytes) => ClientHashKey {
                bytes,
                previous: client_hash_key_previous,
                generated: false,
            },
            None => ClientHashKey::generate()?,
        };
        let follow_up_key_previous = env.optional(&FOLLOW_UP_KEY_PREVIOUS)?;
        let follow_up_key = env
            .optional(&FOLLOW_UP_KEY)?
            .map(|key| FollowUpKey::new(key).with_previous(follow_up_key_previous));
        Ok(Config {
            table_name: env.required(&TABLE_NAME)?,
            notify_from: env.required(&NOTIFY_FROM)?,
            notify_to: env.required(&NOTIFY_TO)?,
            notify_fallback_to: env.optional(&NOTIFY_FALLBACK_TO)?.unwrap_or_default(),
            allowed_origins: env.required(&ALLOWED_ORIGINS)?,
            thank_you_url: env.optional(&THANK_YOU_URL)?,
            practice_timezone: env.required(&PRACTICE_TIMEZONE)?,
            retention_days: env.required(&RETENTION_DAYS)?,
            notify_include_message: env.required(&NOTIFY_INCLUDE_MESSAGE)?,
            phone_default_region: env.required(&PHONE_DEFAULT_REGION)?,
            rate_limit_per_hour: env.required(&RATE_LIMIT_PER_HOUR)?,
            turnstile,
            ses_configuration_set: env.optional(&SES_CONFIGURATION_SET)?,
            client_hash_key,
            consent_version: env.required(&CONSENT_VERSION)?,
            send_acknowledgement: env.required(&SEND_ACKNOWLEDGEMENT)?,
            urgent_phrases: env.optional(&URGENT_PHRASES)?.unwrap_or_default(),
            spam_retention_days: env.required(&SPAM_RETENTION_DAYS)?,
            public_base_url: env.optional(&PUBLIC_BASE_URL)?,
            follow_up_key,
            follow_up_after_hours: env.required(&FOLLOW_UP_AFTER_HOURS)?,
            business_hours: env.required(&BUSINESS_HOURS)?,
            escalate_to: env.optional(&ESCALATE_TO)?.unwrap_or_default(),
            warm_connections: env.required(&WARM_CONNECTIONS)?,
            runtime_workers: env.required(&RUNTIME_WORKERS)?,
            secret_arns: SecretArns::read(env)?,
            reply_tracking_domain: env.optional(&REPLY_TRACKING_DOMAIN)?,
            practice_contact: PracticeContact {
                phone: env.optional(&PRACTICE_PHONE)?,
                email: env.optional(&PRACTICE_CONTACT_EMAIL)?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> HashMap<String, String> {
        EXAMPLE_REQUIRED
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
        assert_eq!(config.spam_retention_days.get(), 7);
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
            ("SPAM_RETENTION_DAYS", "0"),
            (
                "NOTIFY_FALLBACK_TO",
                "office@practice.example, not-an-address",
            ),
            ("PUBLIC_BASE_URL", "api.practice.example"),
            ("FOLLOW_UP_KEY", "too-short"),
            ("REPLY_TRACKING_DOMAIN", "not a domain"),
            ("PRACTICE_PHONE", "call us"),
            ("PRACTICE_PHONE", "12"),
            ("PRACTICE_CONTACT_EMAIL", "front desk"),
            ("REPLY_TRACKING_DOMAIN", "localhost"),
            ("CLIENT_HASH_KEY_ARN", "client-hash-key"),
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
            "https://challenges.cloudflare.com/turnstile/v0/siteverify"
        );
    }

    #[test]
    fn every_variable_read_is_declared_and_every_declared_one_is_read() {
        let vars = minimal();
        let lookup = |name: &str| vars.get(name).cloned();
        let env = Env::new(&lookup);
        Config::read(&env).unwrap();
        let mut read = env.asked.into_inner();
        read.sort_unstable();
        read.dedup();
        let mut declared: Vec<&str> = VARIABLES.iter().map(|v| v.name()).collect();
        declared.sort_unstable();
        assert_eq!(read, declared);
    }

    #[test]
    fn required_variables_have_no_default() {
        for variable in VARIABLES {
            let required = EXAMPLE_REQUIRED
                .iter()
                .any(|(name, _)| *name == variable.name());
            assert_eq!(
                variable.need() == vars::Need::Required,
                required,
                "{}",
                variable.name()
            );
        }
    }
}
